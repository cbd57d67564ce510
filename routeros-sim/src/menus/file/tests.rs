use super::*;
use crate::file_store::{file_type, ros_time};
use serde_json::json;
use std::time::SystemTime;

fn router(version: &str) -> Router {
    Router::new(Version::parse(version).unwrap(), 2, "MikroTik", "CHR")
}

fn call(r: &mut Router, method: &str, path: &str, body: Value) -> Reply {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    crate::rest::handle_as(r, Access::FULL, method, path, query, &body)
}

fn detail(reply: &Reply) -> String {
    reply.body.as_ref().unwrap()["detail"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn bytes_survive_the_text_mapping() {
    let all: Vec<u8> = (0..=255).collect();
    let text = bytes_to_text(&all);
    assert_eq!(text.chars().count(), 256);
    assert_eq!(text_to_bytes(&text), all);
    // Through JSON too.
    let json = serde_json::to_string(&text).unwrap();
    let back: String = serde_json::from_str(&json).unwrap();
    assert_eq!(text_to_bytes(&back), all);
    assert_eq!(text_to_bytes("a€"), b"a\xe2\x82\xac");
}

#[test]
fn types_follow_the_extension() {
    assert_eq!(file_type("MikroTik-20250101-1200.backup"), "backup");
    assert_eq!(file_type("flash/export.rsc"), "script");
    assert_eq!(file_type("notes.txt"), ".txt file");
    assert_eq!(file_type("README"), "file");
    let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400 * 31 + 3661);
    assert_eq!(
        ros_time(t, &Version::parse("7.18").unwrap()),
        "1970-02-01 01:01:01"
    );
    assert_eq!(
        ros_time(t, &Version::parse("7.9.2").unwrap()),
        "feb/01/1970 01:01:01"
    );
}

#[test]
fn list_get_and_remove_over_rest() {
    let mut r = router("7.18");
    let now = r.clock;
    r.files.put("a.txt", Arc::from(&b"hello"[..]), now);
    let now = r.clock;
    r.files
        .put("big.bin", Arc::from(vec![7u8; CONTENTS_LIMIT + 1]), now);
    let list = call(&mut r, "GET", "/rest/file", Value::Null);
    let rows = list.body.unwrap();
    assert_eq!(rows[0]["name"], "a.txt");
    assert_eq!(rows[0]["size"], "5");
    assert_eq!(rows[0]["type"], ".txt file");
    assert_eq!(rows[0]["contents"], "hello");
    assert_eq!(rows[0][".id"], "*1");
    assert!(rows[1].get("contents").is_none(), "over 60 KB: no contents");
    assert_eq!(rows[1]["size"], (CONTENTS_LIMIT + 1).to_string());
    let one = call(
        &mut r,
        "GET",
        "/rest/file/a.txt?.proplist=size",
        Value::Null,
    );
    assert_eq!(one.body.unwrap(), json!({"size": "5"}));
    let got = call(
        &mut r,
        "POST",
        "/rest/file/get",
        json!({"number": "a.txt", "value-name": "contents"}),
    );
    assert_eq!(got.body.unwrap(), json!({"ret": "hello"}));
    let deleted = call(&mut r, "DELETE", "/rest/file/*1", Value::Null);
    assert_eq!(deleted.status, 204);
    let again = call(&mut r, "DELETE", "/rest/file/*1", Value::Null);
    assert_eq!(again.status, 404);
    let removed = call(
        &mut r,
        "POST",
        "/rest/file/remove",
        json!({"numbers": "big.bin"}),
    );
    assert_eq!(removed.body.unwrap(), json!([]));
    let list = call(&mut r, "GET", "/rest/file", Value::Null);
    assert_eq!(list.body.unwrap(), json!([]));
    let missing = call(&mut r, "POST", "/rest/file/remove", json!({".id": "*9"}));
    assert_eq!(detail(&missing), "no such item");
}

#[test]
fn read_returns_chunks_from_7_13_only() {
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let mut r = router("7.13");
    let now = r.clock;
    r.files.put("x.backup", Arc::from(data.clone()), now);
    let mut got = Vec::new();
    let mut offset = 0;
    loop {
        let reply = call(
            &mut r,
            "POST",
            "/rest/file/read",
            json!({"file": "x.backup", "offset": offset.to_string(), "chunk-size": "32768"}),
        );
        assert_eq!(reply.status, 200, "{reply:?}");
        let chunk = text_to_bytes(reply.body.unwrap()[0]["data"].as_str().unwrap());
        if chunk.is_empty() {
            break;
        }
        offset += chunk.len();
        got.extend(chunk);
    }
    assert_eq!(got, data);
    let too_big = call(
        &mut r,
        "POST",
        "/rest/file/read",
        json!({"file": "x.backup", "chunk-size": "65536"}),
    );
    assert_eq!(
        detail(&too_big),
        "value of chunk-size out of range (1..32768)"
    );
    let no_file = call(&mut r, "POST", "/rest/file/read", json!({"file": "nope"}));
    assert_eq!(detail(&no_file), "failure: no such file nope");
    let unknown = call(
        &mut r,
        "POST",
        "/rest/file/read",
        json!({"file": "x.backup", "length": "1"}),
    );
    assert_eq!(detail(&unknown), "unknown parameter length");

    let mut old = router("7.12");
    let now = old.clock;
    old.files.put("x.backup", Arc::from(data), now);
    let reply = call(
        &mut old,
        "POST",
        "/rest/file/read",
        json!({"file": "x.backup"}),
    );
    assert_eq!(reply.status, 400);
    assert_eq!(detail(&reply), "no such command or directory (read)");
    assert!(!is_command(&old, "/file/read"));
    assert!(is_command(&r, "/file/read"));
    assert!(is_command(&old, "/file/print"));
    assert!(is_command(&old, "/system/backup/save"));
    assert!(!is_command(&old, "/system/backup/nope"));
}

#[test]
fn add_and_set_contents_within_the_limit() {
    let mut r = router("7.18");
    let put = call(
        &mut r,
        "PUT",
        "/rest/file",
        json!({"name": "notes.txt", "contents": "one"}),
    );
    assert_eq!(put.status, 200, "{put:?}");
    assert_eq!(put.body.unwrap()["size"], "3");
    let patch = call(
        &mut r,
        "PATCH",
        "/rest/file/notes.txt",
        json!({"contents": "two!"}),
    );
    assert_eq!(patch.body.unwrap()["contents"], "two!");
    let big = "x".repeat(CONTENTS_LIMIT + 1);
    let patch = call(
        &mut r,
        "PATCH",
        "/rest/file/notes.txt",
        json!({"contents": big}),
    );
    assert!(detail(&patch).starts_with("failure: contents is 61441 bytes"));
    let dup = call(
        &mut r,
        "POST",
        "/rest/file/add",
        json!({"name": "notes.txt"}),
    );
    assert_eq!(detail(&dup), "failure: file with such name already exists");
    let print = call(
        &mut r,
        "POST",
        "/rest/file/print",
        json!({".proplist": "name,size", ".query": ["name=notes.txt"]}),
    );
    assert_eq!(
        print.body.unwrap(),
        json!([{"name": "notes.txt", "size": "4"}])
    );
}

/// `/file/read`, `/system/backup/save` and `/export` over the classic API.
#[tokio::test]
async fn the_api_front_end_serves_the_file_commands() {
    use crate::api_wire::{Decoded, Limits, SentenceDecoder, encode_sentence};
    use crate::{Sim, SimConfig};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sim = Sim::spawn(SimConfig::default()).unwrap();
    let addr = sim.api_url().unwrap().replace("api://", "");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut decoder = SentenceDecoder::new(Limits::AFTER_LOGIN);
    let mut buf = Vec::new();
    let mut call = async |words: &[&str]| -> Vec<Vec<String>> {
        stream.write_all(&encode_sentence(words)).await.unwrap();
        let mut replies = Vec::new();
        loop {
            match decoder.decode(&buf).unwrap() {
                Decoded::Sentence { words, consumed } => {
                    buf.drain(..consumed);
                    let words: Vec<String> = words
                        .into_iter()
                        .map(|w| String::from_utf8(w).unwrap())
                        .collect();
                    let done = words[0] == "!done";
                    replies.push(words);
                    if done {
                        return replies;
                    }
                    continue;
                }
                Decoded::NeedMore { consumed } => {
                    buf.drain(..consumed);
                }
            }
            let mut chunk = vec![0u8; 65536];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed");
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    let login = call(&[
        "/login",
        &format!("=name={}", sim.username()),
        &format!("=password={}", sim.password()),
    ])
    .await;
    assert_eq!(login, vec![vec!["!done".to_string()]]);
    let saved = call(&["/system/backup/save", "=name=b", "=password=pw"]).await;
    assert_eq!(saved, vec![vec!["!done".to_string()]]);
    let backup = sim.written_file("b.backup").unwrap();
    let read = call(&["/file/read", "=file=b.backup", "=chunk-size=32768"]).await;
    assert_eq!(read[0][0], "!re");
    let data = read[0][1].strip_prefix("=data=").unwrap();
    assert_eq!(text_to_bytes(data), backup);
    let exported = call(&["/export", "=file=cfg", "=terse="]).await;
    assert_eq!(exported.last().unwrap()[0], "!done");
    assert!(sim.file("cfg.rsc").is_some());
    let listed = call(&["/file/print", "?name=cfg.rsc", "=.proplist=name,type"]).await;
    assert_eq!(
        listed[0],
        vec![
            "!re".to_string(),
            "=name=cfg.rsc".into(),
            "=type=script".into()
        ]
    );
    let removed = call(&["/file/remove", "=.id=cfg.rsc"]).await;
    assert_eq!(removed, vec![vec!["!done".to_string()]]);
    assert!(sim.file("cfg.rsc").is_none());
    let trap = call(&["/file/read", "=file=nope"]).await;
    assert_eq!(trap[0][0], "!trap");
    assert!(
        trap[0].contains(&"=message=failure: no such file nope".to_string()),
        "{trap:?}"
    );
    // The Sim helpers.
    sim.put_file("up.txt", b"hi".to_vec());
    assert_eq!(sim.file("up.txt").unwrap(), b"hi");
    assert!(
        sim.files()
            .iter()
            .any(|f| f["name"] == "up.txt" && f["contents"] == "hi")
    );
    sim.set_backup_padding(100_000);
    call(&["/system/backup/save", "=name=big", "=dont-encrypt=yes"]).await;
    assert!(sim.file("big.backup").unwrap().len() > 100_000);
}

#[test]
fn unknown_paths_keep_routeros_errors() {
    let mut r = router("7.18");
    let reply = call(&mut r, "GET", "/rest/system/backup", Value::Null);
    assert_eq!(detail(&reply), "no such command");
    let reply = call(&mut r, "POST", "/rest/system/backup/nope", json!({}));
    assert_eq!(detail(&reply), "no such command or directory (nope)");
    let reply = call(&mut r, "GET", "/rest/export", Value::Null);
    assert_eq!(detail(&reply), "no such command");
    let reply = call(&mut r, "POST", "/rest/file/a/b", json!({}));
    assert_eq!(detail(&reply), "no such command or directory (a)");
    // Other menus are untouched.
    let reply = call(&mut r, "GET", "/rest/system/identity", Value::Null);
    assert_eq!(reply.body.unwrap(), json!({"name": "MikroTik"}));
}
