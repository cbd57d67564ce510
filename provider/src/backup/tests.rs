//! Tests of what backups and exports share: local files, leftovers, downloads.

use std::path::PathBuf;

use super::*;

#[test]
fn data_text_decodes_byte_for_byte() {
    let all: Vec<u8> = (0..=255).collect();
    let text: String = all.iter().map(|&b| char::from(b)).collect();
    assert_eq!(decode_data(&text), all);
    assert_eq!(decode_data("a€"), b"a\xe2\x82\xac");
    assert_eq!(decode_data(""), b"");
}

#[test]
fn output_path_appends_age_unless_present() {
    assert_eq!(
        output_path("b/x.backup", false),
        PathBuf::from("b/x.backup")
    );
    assert_eq!(
        output_path("b/x.backup", true),
        PathBuf::from("b/x.backup.age")
    );
    assert_eq!(output_path("b/x.age", true), PathBuf::from("b/x.age"));
}

#[test]
fn router_file_rows() {
    let row: Record = [(".id", "*3"), ("name", "a.backup"), ("size", "1234")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let f = RouterFile::from_record(&row).unwrap();
    assert_eq!(f.size, 1234);
    assert_eq!(f.id, "*3");
    assert!(f.contents.is_none());
    let mut bad = row.clone();
    bad.insert("size".into(), "1.2 KiB".into());
    assert!(RouterFile::from_record(&bad).is_none());
}

#[test]
fn committed_file_appears_whole_and_hash_matches() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.bin");
    let mut local = LocalFile::create(&target, None, &Existing::default()).unwrap();
    local.write_all(b"hello ").unwrap();
    assert!(!target.exists(), "nothing at the target before commit");
    local.write_all(b"world").unwrap();
    let written = local.commit().unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"hello world");
    assert_eq!(written.size, 11);
    assert_eq!(
        written.sha256,
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
    );
    assert_eq!(sha256_of_file(&target).unwrap().unwrap(), written.sha256);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary left"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(sha256_of_file(&dir.path().join("nope")).unwrap().is_none());
}

#[test]
fn dropped_file_leaves_nothing_and_the_old_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.txt");
    fs::write(&target, b"old").unwrap();
    let overwrite = Existing {
        overwrite: true,
        recorded_sha256: None,
    };
    let mut local = LocalFile::create(&target, None, &overwrite).unwrap();
    local.write_all(b"new partial").unwrap();
    drop(local);
    assert_eq!(fs::read(&target).unwrap(), b"old");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// Regression: a device node at `path` was replaced by a regular file
/// holding the backup (as root), a symlink was replaced rather than
/// refused, and an unrelated file was overwritten without a word.
#[cfg(unix)]
#[test]
fn special_files_links_and_foreign_files_are_never_replaced() {
    use std::os::unix::net::UnixListener;
    let dir = tempfile::tempdir().unwrap();
    let none = Existing::default();
    let all = Existing {
        overwrite: true,
        recorded_sha256: None,
    };
    // A character device (an existing one: /dev/null), even with overwrite.
    for existing in [&none, &all] {
        let err = check_target(Path::new("/dev/null"), existing).unwrap_err();
        assert!(
            matches!(
                err,
                LocalError::NotRegular {
                    kind: "character device",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
    // A FIFO.
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let err = LocalFile::create(&fifo, None, &all).unwrap_err();
    assert!(err.to_string().contains("FIFO"), "{err}");
    // A socket.
    let sock = dir.path().join("sock");
    let _listener = UnixListener::bind(&sock).unwrap();
    let err = check_target(&sock, &all).unwrap_err();
    assert!(err.to_string().contains("socket"), "{err}");
    // A symlink, to a file or dangling: refused, the link stays.
    let real = dir.path().join("real");
    fs::write(&real, b"precious").unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let err = LocalFile::create(&link, None, &all).unwrap_err();
    assert!(matches!(err, LocalError::Symlink { .. }), "{err}");
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    assert!(matches!(
        check_target(&dangling, &all).unwrap_err(),
        LocalError::Symlink { .. }
    ));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&real).unwrap(), b"precious");
    // A file this resource did not write: refused unless overwrite.
    let err = LocalFile::create(&real, None, &none).unwrap_err();
    assert!(matches!(err, LocalError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("overwrite = true"), "{err}");
    let other = Existing {
        overwrite: false,
        recorded_sha256: Some("00".repeat(32)),
    };
    assert!(check_target(&real, &other).is_err());
    // The file it wrote (hash recorded) may be replaced, as may any with overwrite.
    let ours = Existing {
        overwrite: false,
        recorded_sha256: sha256_of_file(&real).unwrap(),
    };
    check_target(&real, &ours).unwrap();
    check_target(&real, &all).unwrap();
    check_target(&dir.path().join("new"), &none).unwrap();
}

/// The target checked at create is checked again before the rename: a
/// FIFO put there while the download ran is not replaced.
#[cfg(unix)]
#[test]
fn a_special_file_appearing_during_the_download_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.backup");
    let mut local = LocalFile::create(&target, None, &Existing::default()).unwrap();
    local.write_all(b"data").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    let err = local.commit().unwrap_err();
    assert!(matches!(err, LocalError::NotRegular { .. }), "{err}");
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&target).unwrap().file_type().is_fifo());
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary left"
    );
}

#[test]
fn encrypted_file_decrypts_to_what_was_written() {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let id = age::x25519::Identity::generate();
    let recipients = secrets::parse_recipients(&[id.to_public().to_string()]).unwrap();
    let target = dir.path().join("x.age");
    let mut local = LocalFile::create(&target, Some(&recipients), &Existing::default()).unwrap();
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    for chunk in data.chunks(READ_CHUNK as usize) {
        local.write_all(chunk).unwrap();
    }
    let written = local.commit().unwrap();
    let on_disk = fs::read(&target).unwrap();
    assert!(on_disk.starts_with(b"age-encryption.org/v1"));
    assert_eq!(written.size, on_disk.len() as u64);
    let plain = age::decrypt(&id, &on_disk).unwrap();
    assert_eq!(plain, data);
    let _ = id.to_string().expose_secret().len();
}

#[test]
fn bad_targets_are_reported_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/x.backup");
    let err = LocalFile::create(&missing, None, &Existing::default()).unwrap_err();
    assert!(matches!(err, LocalError::NoDirectory { .. }), "{err}");
    assert!(err.to_string().contains("does not exist"));
    let err = LocalFile::create(dir.path(), None, &Existing::default()).unwrap_err();
    assert!(matches!(err, LocalError::IsDirectory { .. }), "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
        // Root may write anyway; only check when the directory really is read-only.
        if fs::write(ro.join("probe"), b"x").is_err() {
            let err =
                LocalFile::create(&ro.join("x.backup"), None, &Existing::default()).unwrap_err();
            assert!(matches!(err, LocalError::Create { .. }), "{err}");
            assert!(err.to_string().contains("writable"), "{err}");
        }
    }
}

async fn client_for(sim: &acceptance::sim::Sim, url: String) -> Client {
    Client::connect(&crate::routeros::ConnectOptions {
        url,
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        tls: Default::default(),
        timeout: Duration::from_secs(30),
        ..Default::default()
    })
    .await
    .unwrap()
}

fn sim(version: &str) -> acceptance::sim::Sim {
    acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
        version: version.into(),
        https: false,
        ..Default::default()
    })
    .unwrap()
}

/// A binary file of every byte value, larger than several chunks,
/// arrives whole over REST and over the classic API.
#[tokio::test]
async fn chunked_download_is_byte_identical_over_both_transports() {
    let sim = sim("7.18");
    let data: Vec<u8> = (0..(3 * READ_CHUNK as usize + 123))
        .map(|i| (i * 7 % 256) as u8)
        .collect();
    sim.put_file("x.backup", data.clone());
    for url in [sim.http_url(), sim.api_url().unwrap()] {
        let client = client_for(&sim, url.clone()).await;
        let file = wait_for_file(&client, "x.backup").await.unwrap().unwrap();
        assert_eq!(file.size, data.len() as u64);
        let mut out = Vec::new();
        let n = download(&client, &file, &mut out).await.unwrap();
        assert_eq!(n, data.len() as u64, "{url}");
        assert_eq!(out, data, "{url}");
    }
    let reads = sim
        .request_log()
        .iter()
        .filter(|l| l.contains("/file/read"))
        .count();
    assert_eq!(reads, 8, "4 chunks per transport");
    let client = client_for(&sim, sim.http_url()).await;
    assert!(remove_router_file(&client, "x.backup").await.unwrap());
    assert!(!remove_router_file(&client, "x.backup").await.unwrap());
    assert!(find_file(&client, "x.backup").await.unwrap().is_none());
}

/// Before 7.13: `contents` for small files, a clear error for large ones.
#[tokio::test]
async fn old_routers_fall_back_to_contents_up_to_60_kb() {
    let sim = sim("7.12");
    let small: Vec<u8> = (0..5000u32).map(|i| (i % 256) as u8).collect();
    sim.put_file("small.backup", small.clone());
    sim.put_file("large.backup", vec![1u8; CONTENTS_LIMIT as usize + 1]);
    let client = client_for(&sim, sim.http_url()).await;
    assert!(!has_file_read(&client));
    let file = find_file(&client, "small.backup").await.unwrap().unwrap();
    let mut out = Vec::new();
    download(&client, &file, &mut out).await.unwrap();
    assert_eq!(out, small);
    let file = find_file(&client, "large.backup").await.unwrap().unwrap();
    let mut out = Vec::new();
    let err = download(&client, &file, &mut out).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLargeForContents { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("7.13") && text.contains("61441 bytes"),
        "{text}"
    );
    assert!(out.is_empty());
    assert!(!sim.request_log().iter().any(|l| l.contains("/file/read")));
}

#[test]
fn peak_memory_is_read_on_linux() {
    if cfg!(target_os = "linux") {
        assert!(peak_memory_kib().unwrap() > 0);
    }
}

/// A router whose file area lies: it lists the backup it saved with
/// `size` bytes, and answers `/file/read` as `read` says. It records the
/// files removed.
struct LyingFiles {
    size: u64,
    read: Read,
    saved: std::sync::Mutex<Option<String>>,
    removed: Arc<std::sync::Mutex<Vec<String>>>,
    reads: Arc<std::sync::atomic::AtomicU64>,
}

/// How [`LyingFiles`] answers `/file/read`.
enum Read {
    /// Twice the bytes asked for.
    Double,
    /// The bytes asked for, and from the second chunk on never: it tells
    /// `reached` and hangs.
    HangAfterFirst(Arc<tokio::sync::Notify>),
}

use std::sync::Arc;

#[async_trait::async_trait]
impl crate::routeros::Transport for LyingFiles {
    async fn list(&self, _menu: &str) -> Result<Vec<Record>, Error> {
        let saved = self.saved.lock().unwrap().clone();
        Ok(saved
            .filter(|_| self.removed.lock().unwrap().is_empty())
            .map(|name| {
                [
                    (".id", "*9"),
                    ("name", name.as_str()),
                    ("size", &self.size.to_string()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
            })
            .into_iter()
            .collect())
    }
    async fn get(&self, _menu: &str) -> Result<Record, Error> {
        Ok([("version".to_string(), "7.18 (stable)".to_string())].into())
    }
    async fn add(&self, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("a backup adds no row")
    }
    async fn set(&self, _: &str, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("a backup sets no row")
    }
    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        self.removed.lock().unwrap().push(format!("{menu} {id}"));
        Ok(())
    }
    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        match path {
            "/system/backup/save" => {
                *self.saved.lock().unwrap() = Some(format!("{}.backup", args["name"]));
                Ok(Vec::new())
            }
            "/file/read" => {
                let n = self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let want: usize = args["chunk-size"].parse().unwrap();
                let data = match &self.read {
                    Read::Double => "x".repeat(want * 2),
                    Read::HangAfterFirst(reached) => {
                        if n > 0 {
                            reached.notify_one();
                            std::future::pending::<()>().await;
                        }
                        "x".repeat(want)
                    }
                };
                Ok(vec![[("data".to_string(), data)].into()])
            }
            other => panic!("unexpected command {other}"),
        }
    }
    fn endpoint(&self) -> &str {
        "lying"
    }
}

/// A backup taken through [`LyingFiles`] into `dir`, stopped by `stop`:
/// the outcome, the files removed from the router and the reads made.
async fn take_lying_backup(
    dir: &Path,
    size: u64,
    read: Read,
    stop: crate::routeros::Stop,
) -> (Result<(), String>, Vec<String>, u64) {
    let removed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let reads = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let transport = LyingFiles {
        size,
        read,
        saved: std::sync::Mutex::new(None),
        removed: removed.clone(),
        reads: reads.clone(),
    };
    let client = Client::with_transport(Box::new(transport))
        .await
        .unwrap()
        .stopped_by(stop);
    let request = save::BackupRequest {
        to: Destination {
            path: dir.join("r.backup").to_string_lossy().into_owned(),
            ..Default::default()
        },
        name: Some("tf".into()),
        dont_encrypt: true,
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let outcome = save::take_backup(
        &client,
        &request,
        None,
        None,
        &Progress::silent(),
        &mut diags,
    )
    .await;
    let outcome = match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(diags
            .0
            .iter()
            .map(|d| d.detail.clone())
            .collect::<Vec<_>>()
            .join("\n")),
    };
    let removed = removed.lock().unwrap().clone();
    (
        outcome,
        removed,
        reads.load(std::sync::atomic::Ordering::SeqCst),
    )
}

/// Regression: a router answering `/file/read` with more than asked is
/// cut at the first such chunk; the partial local file and the router's
/// copy are removed.
#[tokio::test]
async fn a_download_longer_than_the_reported_size_is_cut_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (outcome, removed, reads) =
        take_lying_backup(dir.path(), 100_000, Read::Double, Default::default()).await;
    let e = outcome.unwrap_err();
    assert!(e.contains("lists the file with 100000 bytes"), "{e}");
    assert_eq!(reads, 1);
    assert_eq!(removed, ["/file *9"]);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a partial file is left"
    );
}

/// Regression (an attacker's test): a file the router claims is 2 TB was
/// downloaded until the disk was full. It is now refused before the first
/// read, and the router's copy removed.
#[tokio::test]
async fn a_download_the_router_claims_is_2_tb_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let (outcome, removed, reads) = take_lying_backup(
        dir.path(),
        2 << 40,
        Read::HangAfterFirst(Arc::new(tokio::sync::Notify::new())),
        Default::default(),
    )
    .await;
    let e = outcome.unwrap_err();
    assert!(
        e.contains("2199023255552 bytes") && e.contains("max_reply_bytes"),
        "{e}"
    );
    assert_eq!(reads, 0);
    assert_eq!(removed, ["/file *9"]);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Regression (an attacker's test): the first Ctrl-C (Terraform's
/// `StopProvider`) did not stop a download. Stop, as the plugin engine
/// passes it to the provider, now ends the download in the middle of a
/// chunk; the partial local file and the router's copy are removed.
#[tokio::test]
async fn stop_provider_stops_a_download_and_removes_the_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let provider = crate::provider::RouterosProvider::new();
    let stop = provider.stop_signal().clone();
    let engine = crate::plugin::engine::Engine::new(provider);
    let reached = Arc::new(tokio::sync::Notify::new());
    let backup = tokio::spawn({
        let dir = dir.path().to_path_buf();
        let reached = reached.clone();
        async move { take_lying_backup(&dir, 1 << 20, Read::HangAfterFirst(reached), stop).await }
    });
    // The second chunk is under way (and would never end): Stop.
    reached.notified().await;
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "the partial file"
    );
    engine.stop();
    let (outcome, removed, reads) = backup.await.unwrap();
    let e = outcome.unwrap_err();
    assert!(
        e.contains("stopped by Terraform") && e.contains("after 32768 of 1048576 bytes"),
        "{e}"
    );
    assert_eq!(reads, 2);
    assert_eq!(removed, ["/file *9"]);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a partial file is left"
    );
}
