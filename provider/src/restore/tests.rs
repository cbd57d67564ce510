//! Tests of the restore against routeros-sim, over REST and the API.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::backup::{CONTENTS_LIMIT, encode_data};
use crate::secrets::SecretString;
use acceptance::sim::{RestFault, Sim, SimConfig};

fn sim(version: &str) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        https: false,
        identity: "edge1".into(),
        ..Default::default()
    })
    .unwrap()
}

async fn client_for(sim: &Sim, url: String) -> Client {
    Client::connect(&crate::routeros::ConnectOptions {
        url,
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        timeout: Duration::from_secs(30),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A client of `sim` over `scheme` (`rest` or `api`).
async fn client_over(sim: &Sim, scheme: &str) -> Client {
    let url = match scheme {
        "rest" => sim.http_url(),
        _ => sim.api_url().unwrap(),
    };
    client_for(sim, url).await
}

/// A fresh age key, and the identities holding it.
fn test_identities() -> (age::x25519::Identity, Identities) {
    let key = age::x25519::Identity::generate();
    let text = age::secrecy::ExposeSecret::expose_secret(&key.to_string()).to_string();
    let ids = Identities::from_text("test", SecretString::from(text)).unwrap();
    (key, ids)
}

fn record(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn no_identities() -> Identities {
    Identities::new(Default::default())
}

/// The sim with `macsec1` on ether1, and the names of its MACsec interfaces.
async fn configure(client: &Client) {
    client
        .add(
            menus::MACSEC,
            &record(&[("name", "macsec1"), ("interface", "ether1")]),
        )
        .await
        .unwrap();
}

async fn remove_macsec(client: &Client) {
    for row in client.list_fresh(menus::MACSEC).await.unwrap() {
        client.remove(menus::MACSEC, &row[".id"]).await.unwrap();
    }
}

fn macsec_names(sim: &Sim) -> Vec<String> {
    sim.records(menus::MACSEC)
        .into_iter()
        .map(|r| r["name"].clone())
        .collect()
}

/// Files the restore made on the router.
fn restore_files(sim: &Sim) -> Vec<String> {
    sim.files()
        .into_iter()
        .map(|f| f["name"].clone())
        .filter(|n| n.starts_with("terraform-restore"))
        .collect()
}

/// Saves a backup on the router (`password`: encrypted) and writes it to
/// `dir/edge1.backup`, then removes it from the router.
async fn backup_to(sim: &Sim, client: &Client, dir: &Path, password: Option<&str>) -> PathBuf {
    let mut args = record(&[("name", "saved")]);
    match password {
        Some(p) => args.insert("password".into(), p.into()),
        None => args.insert("dont-encrypt".into(), "yes".into()),
    };
    client
        .command("/system/backup/save", &args, false)
        .await
        .unwrap();
    let path = dir.join("edge1.backup");
    std::fs::write(&path, sim.written_file("saved.backup").unwrap()).unwrap();
    assert!(
        common::remove_router_file(client, "saved.backup")
            .await
            .unwrap()
    );
    path
}

fn request(path: PathBuf) -> Request {
    Request {
        path,
        identity: Some("edge1".into()),
        macsec_interfaces: vec!["macsec1".into()],
        timeout: Duration::from_secs(60),
        ..Default::default()
    }
}

fn progress() -> (Progress, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (Progress::to_channel(tx), rx)
}

fn lines(rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(l) = rx.try_recv() {
        out.push(l);
    }
    out
}

#[test]
fn uptimes_parse_in_both_formats() {
    assert_eq!(parse_uptime("0s"), Some(0));
    assert_eq!(
        parse_uptime("1w2d3h4m5s"),
        Some(604_800 + 2 * 86_400 + 3 * 3600 + 245)
    );
    assert_eq!(parse_uptime("59m"), Some(3540));
    assert_eq!(parse_uptime("02:03:04"), Some(7384));
    assert_eq!(parse_uptime("1d 00:00:01"), Some(86_401));
    for bad in [
        "",
        "5",
        "5x",
        "h",
        "1:2",
        "99999999999999999999w",
        "\0s",
        "${x}",
    ] {
        assert_eq!(parse_uptime(bad), None, "{bad:?}");
    }
}

/// Uptimes from the router are hostile text: any bytes parse or are
/// refused, never a panic or an overflow, and every uptime RouterOS writes
/// reads back as its seconds (seeded, 20,000 cases).
#[test]
fn any_uptime_text_parses_or_is_refused() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(22);
    let alphabet = b"0123456789wdhms: \0\n\"$%{}./";
    for _ in 0..10_000 {
        let len = rng.random_range(0..24);
        let text: String = (0..len)
            .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
            .collect();
        let _ = parse_uptime(&text);
        let secs: u64 = rng.random_range(0..10_000_000);
        let (w, d, h, m, s) = (
            secs / 604_800,
            secs % 604_800 / 86_400,
            secs % 86_400 / 3600,
            secs % 3600 / 60,
            secs % 60,
        );
        let mut written = String::new();
        for (n, unit) in [(w, 'w'), (d, 'd'), (h, 'h'), (m, 'm')] {
            if n > 0 || !written.is_empty() {
                written.push_str(&format!("{n}{unit}"));
            }
        }
        written.push_str(&format!("{s}s"));
        assert_eq!(parse_uptime(&written), Some(secs), "{written}");
    }
}

/// Every byte value goes up and comes back whole, over REST and the API;
/// a file over the `contents` limit is refused before any request.
#[tokio::test]
async fn an_upload_is_byte_identical_and_bounded_over_both_transports() {
    let sim = sim("7.18");
    let data: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    for (i, url) in [sim.http_url(), sim.api_url().unwrap()]
        .into_iter()
        .enumerate()
    {
        let client = client_for(&sim, url.clone()).await;
        let name = format!("up{i}.bin");
        let file = upload(&client, &name, &data).await.unwrap();
        assert_eq!(file.size, data.len() as u64, "{url}");
        assert_eq!(sim.file(&name).unwrap(), data, "{url}");
        let before = sim.request_count();
        let big = vec![0u8; CONTENTS_LIMIT as usize + 1];
        let err = upload(&client, "big.bin", &big).await.unwrap_err();
        assert!(err.to_string().contains("at most 61440 bytes"), "{err}");
        assert_eq!(sim.request_count(), before, "nothing sent");
    }
    assert_eq!(encode_data(b"\0\xff"), "\u{0}\u{ff}");
}

/// The rehearsal, in process: MACsec removed by hand comes back from a
/// backup (plain, and age-encrypted with a RouterOS password), the router
/// reboots, and nothing is left on the router. Over REST and the API.
#[tokio::test]
async fn a_backup_brings_back_macsec_removed_by_hand_over_both_transports() {
    let dir = tempfile::tempdir().unwrap();
    let (key, ids) = test_identities();
    for scheme in ["rest", "api"] {
        let sim = sim("7.21");
        let client = client_over(&sim, scheme).await;
        configure(&client).await;
        let plain = backup_to(&sim, &client, dir.path(), Some("s3cret pw")).await;
        let encrypted = dir.path().join(format!("{scheme}.backup.age"));
        let bytes = std::fs::read(&plain).unwrap();
        std::fs::write(&encrypted, age::encrypt(&key.to_public(), &bytes).unwrap()).unwrap();
        for path in [plain.clone(), encrypted] {
            remove_macsec(&client).await;
            assert!(macsec_names(&sim).is_empty());
            let (p, mut rx) = progress();
            let req = Request {
                password: Some(Zeroizing::new("s3cret pw".into())),
                ..request(path.clone())
            };
            let restored = restore(&client, &ids, &req, &p).await.unwrap();
            assert_eq!(restored.identity, "edge1");
            assert_eq!(
                macsec_names(&sim),
                ["macsec1"],
                "{scheme} {}",
                path.display()
            );
            assert!(restore_files(&sim).is_empty(), "nothing left on the router");
            let steps = lines(&mut rx);
            for step in [
                "reading",
                "uploading",
                "loading",
                "waiting",
                "the router is back",
                "verified identity",
                "removed",
            ] {
                assert!(
                    steps.iter().any(|l| l.starts_with(step)),
                    "{step}: {steps:?}"
                );
            }
            assert!(!steps.join("\n").contains("s3cret"), "{steps:?}");
        }
        let boots = sim
            .request_log()
            .iter()
            .filter(|l| l.contains("backup/load"))
            .count();
        assert_eq!(boots, 2, "{scheme}: one load per restore");
    }
}

/// The classic accident: the backup of edge1 against core1 is refused,
/// naming both, before anything is uploaded; with `allow_other_identity`
/// it runs and core1 becomes edge1.
#[tokio::test]
async fn a_restore_onto_another_router_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let edge = sim("7.18");
    let edge_client = client_for(&edge, edge.http_url()).await;
    configure(&edge_client).await;
    let path = backup_to(&edge, &edge_client, dir.path(), None).await;
    let core = Sim::spawn(SimConfig {
        version: "7.18".into(),
        https: false,
        identity: "core1".into(),
        ..Default::default()
    })
    .unwrap();
    let client = client_for(&core, core.http_url()).await;
    let err = restore(
        &client,
        &no_identities(),
        &request(path.clone()),
        &Progress::silent(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.summary, "Refusing to restore onto another router");
    assert!(
        err.detail.contains("\"edge1\"") && err.detail.contains("\"core1\""),
        "{err}"
    );
    assert_eq!(err.attribute, Some("allow_other_identity"));
    assert!(
        !core.request_log().iter().any(|l| l.contains("/file")),
        "nothing uploaded"
    );
    // Without `router_name`, a backup cannot say which router it is from.
    let req = Request {
        identity: None,
        ..request(path.clone())
    };
    let err = restore(&client, &no_identities(), &req, &Progress::silent())
        .await
        .unwrap_err();
    assert_eq!(err.attribute, Some("router_name"), "{err}");
    let req = Request {
        allow_other_identity: true,
        ..request(path)
    };
    let restored = restore(&client, &no_identities(), &req, &Progress::silent())
        .await
        .unwrap();
    assert_eq!(restored.identity, "edge1");
    assert_eq!(macsec_names(&core), ["macsec1"]);
}

/// A wrong backup password fails with RouterOS's reason and a hint, the
/// router is unchanged, and the uploaded file is removed.
#[tokio::test]
async fn a_wrong_password_leaves_the_router_unchanged_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim("7.18");
    let client = client_for(&sim, sim.http_url()).await;
    configure(&client).await;
    let path = backup_to(&sim, &client, dir.path(), Some("right")).await;
    remove_macsec(&client).await;
    let req = Request {
        password: Some(Zeroizing::new("wrong".into())),
        ..request(path)
    };
    let err = restore(&client, &no_identities(), &req, &Progress::silent())
        .await
        .unwrap_err();
    assert_eq!(err.summary, "The router refused to load the backup");
    assert!(err.detail.contains("password"), "{err}");
    assert!(!err.detail.contains("wrong\""), "{err}");
    assert!(macsec_names(&sim).is_empty());
    assert!(restore_files(&sim).is_empty());
}

/// A restore that does not bring back an expected MACsec interface fails
/// naming it, and removes the uploaded file all the same.
#[tokio::test]
async fn a_missing_macsec_interface_after_the_restore_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim("7.18");
    let client = client_for(&sim, sim.http_url()).await;
    configure(&client).await;
    let path = backup_to(&sim, &client, dir.path(), None).await;
    let req = Request {
        macsec_interfaces: vec!["macsec1".into(), "macsec9".into()],
        ..request(path)
    };
    let err = restore(&client, &no_identities(), &req, &Progress::silent())
        .await
        .unwrap_err();
    assert_eq!(err.attribute, Some("macsec_interfaces"), "{err}");
    assert!(err.detail.contains("[\"macsec9\"]"), "{err}");
    assert!(restore_files(&sim).is_empty());
}

/// The load's reply lost as the router reboots: the restore waits for the
/// router, verifies it and removes the file.
#[tokio::test]
async fn a_load_whose_reply_is_lost_is_waited_for_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim("7.18");
    let client = client_for(&sim, sim.http_url()).await;
    configure(&client).await;
    let path = backup_to(&sim, &client, dir.path(), None).await;
    remove_macsec(&client).await;
    sim.inject_rest_fault(RestFault::DropReply("POST /rest/system/backup/load".into()));
    let restored = restore(
        &client,
        &no_identities(),
        &request(path),
        &Progress::silent(),
    )
    .await
    .unwrap();
    assert_eq!(restored.macsec_interfaces, ["macsec1"]);
    assert_eq!(sim.pending_rest_faults(), 0, "the fault was used");
    assert_eq!(macsec_names(&sim), ["macsec1"]);
    assert!(restore_files(&sim).is_empty());
}

/// The `.rsc` form: an export (age-encrypted) brings back MACsec through
/// `/import`; its identity and interfaces come from the export itself.
#[tokio::test]
async fn an_export_brings_back_macsec_through_import_over_both_transports() {
    let dir = tempfile::tempdir().unwrap();
    let (key, ids) = test_identities();
    for scheme in ["rest", "api"] {
        let sim = sim("7.20");
        let client = client_over(&sim, scheme).await;
        configure(&client).await;
        let export = sim.export_text(false);
        let path = dir.path().join(format!("{scheme}.rsc.age"));
        std::fs::write(
            &path,
            age::encrypt(&key.to_public(), export.as_bytes()).unwrap(),
        )
        .unwrap();
        remove_macsec(&client).await;
        let req = Request {
            identity: None,
            ..request(path)
        };
        let restored = restore(&client, &ids, &req, &Progress::silent())
            .await
            .unwrap();
        assert_eq!(restored.identity, "edge1");
        assert_eq!(restored.macsec_interfaces, ["macsec1"]);
        assert_eq!(macsec_names(&sim), ["macsec1"], "{scheme}");
        assert!(restore_files(&sim).is_empty());
        // An export that disagrees with `router_name` is refused.
        let req = Request {
            identity: Some("core1".into()),
            ..request(dir.path().join(format!("{scheme}.rsc.age")))
        };
        let err = restore(&client, &ids, &req, &Progress::silent())
            .await
            .unwrap_err();
        assert_eq!(err.attribute, Some("router_name"), "{err}");
    }
}

/// Hostile local files: not age, not UTF-8, cut off, quotes and `${` in
/// names, NUL bytes, path names with `../`: an error at `path` or a
/// reading that keeps the names as data, never a panic, and no error
/// quotes the file's values.
#[test]
fn hostile_local_files_are_refused_or_read_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let ids = no_identities();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.rsc", b"/interface macsec\nadd name=\"x\xff\"\n".to_vec()),
        ("b.rsc", b"/interface macsec\nadd name=\"open\n".to_vec()),
        (
            "c.rsc.age",
            b"age-encryption.org/v1\n-> X25519 garbage\n".to_vec(),
        ),
        ("d.backup.age", b"SECRETVALUE not age".to_vec()),
        (
            "e.rsc",
            b"/interface macsec\nadd name=\"SECRET\\00\"\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let path = write(name, &bytes);
        match read_source(&path, &ids) {
            Ok(s) => assert!(s.macsec_interfaces.len() <= 1, "{name}: {s:?}"),
            Err(f) => {
                assert_eq!(f.attribute, Some("path"), "{name}: {f}");
                assert!(!f.to_string().contains("SECRET"), "{name}: {f}");
            }
        }
    }
    let path = write(
        "f.rsc",
        b"/system identity\nset name=\"a\\\"b\\${x}%{y}\\\\../c\"\n/interface macsec\nadd interface=ether1 name=\"m\\\"1\"\n",
    );
    let s = read_source(&path, &ids).unwrap();
    assert_eq!(s.identity.as_deref(), Some("a\"b${x}%{y}\\../c"));
    assert_eq!(s.macsec_interfaces, ["m\"1"]);
    let big = write("g.backup", &vec![0u8; MAX_SOURCE_BYTES as usize + 1]);
    let err = read_source(&big, &ids).unwrap_err();
    assert!(err.summary.contains("too large"), "{err}");
    let err = read_source(&dir.path().join("../nothing-here.backup"), &ids).unwrap_err();
    assert_eq!(err.attribute, Some("path"));
    assert!(form_of(Path::new("x.tar")).is_err());
    assert_eq!(
        form_of(Path::new("x.backup.age")).unwrap(),
        (Form::Backup, true)
    );
}

/// A router that takes the load and never reboots (its uptime only grows):
/// counts the requests of each kind.
#[derive(Clone, Default)]
struct NeverReboots {
    files: std::sync::Arc<std::sync::Mutex<Vec<Record>>>,
    uptime_reads: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

#[async_trait::async_trait]
impl crate::routeros::Transport for NeverReboots {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        Ok(match menu {
            "/file" => self.files.lock().unwrap().clone(),
            _ => Vec::new(),
        })
    }
    async fn get(&self, menu: &str) -> Result<Record, Error> {
        Ok(match menu {
            menus::IDENTITY => record(&[("name", "edge1")]),
            _ => {
                let n = self
                    .uptime_reads
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                record(&[("version", "7.18"), ("uptime", &format!("1h{n}s"))])
            }
        })
    }
    async fn add(&self, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("no add")
    }
    async fn set(&self, _: &str, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("no set")
    }
    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        assert_eq!(menu, "/file");
        self.files.lock().unwrap().retain(|f| f[".id"] != id);
        Ok(())
    }
    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        if path == "/file/add" {
            let size = common::decode_data(&args["contents"]).len().to_string();
            self.files.lock().unwrap().push(record(&[
                (".id", "*1"),
                ("name", &args["name"]),
                ("size", &size),
            ]));
        }
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "never-reboots"
    }
}

/// A router that does not come back in `reboot_timeout` is an error naming
/// the timeout after a bounded number of attempts (one per pause, in paused
/// time: no clock is waited for), and the uploaded file is still removed.
#[tokio::test(start_paused = true)]
async fn a_router_that_never_reboots_fails_after_the_timeout_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge1.backup");
    std::fs::write(&path, b"RSIMBAK1 not loaded by this router").unwrap();
    let router = NeverReboots::default();
    let client = Client::with_transport(Box::new(router.clone()))
        .await
        .unwrap();
    let req = Request {
        timeout: Duration::from_secs(10),
        macsec_interfaces: Vec::new(),
        ..request(path)
    };
    let err = restore(&client, &no_identities(), &req, &Progress::silent())
        .await
        .unwrap_err();
    assert_eq!(err.summary, "The router did not come back");
    assert_eq!(err.attribute, Some("reboot_timeout"));
    assert!(err.detail.contains("within 10 s"), "{err}");
    assert!(err.detail.contains("uptime shows no reboot"), "{err}");
    // The version read, the uptime before the load, then one attempt at 0,
    // 2, 4, 6, 8 and 10 s.
    let reads = router
        .uptime_reads
        .load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(reads, 1 + 1 + 6, "bounded attempts");
    assert!(
        router.files.lock().unwrap().is_empty(),
        "the upload was removed"
    );
}
