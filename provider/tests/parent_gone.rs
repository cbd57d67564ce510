//! Regression: a provider process outlived Terraform (its parent gone) for
//! minutes. The provider now notices that its parent is gone and exits
//! cleanly, removing its socket.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-routeros");
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// True while process `pid` runs (a zombie waiting to be reaped has ended).
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .unwrap_or("");
            state != "Z" && state != "X"
        }
        Err(_) => false,
    }
}

fn sockets(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("plugin"))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn provider_exits_when_terraform_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    // A stand-in for Terraform: starts the provider, waits for its
    // handshake line, then exits without shutting it down.
    let script = r#""$1" > "$2" 2>&1 < /dev/null & pid=$!
echo $pid
while ! grep -q '|' "$2"; do
  kill -0 $pid 2>/dev/null || exit 1
  sleep 0.05
done"#;
    let shell = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(BIN)
        .arg(&out)
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(shell.status.success(), "{shell:?}");
    let pid: u32 = String::from_utf8_lossy(&shell.stdout)
        .trim()
        .parse()
        .unwrap();
    assert_eq!(sockets(dir.path()).len(), 1, "the provider is serving");
    // Its parent is gone now; it must follow. The limit is generous: this
    // asserts that it exits, not how fast.
    let limit = Instant::now() + Duration::from_secs(30);
    while running(pid) && Instant::now() < limit {
        std::thread::sleep(Duration::from_millis(100));
    }
    let still = running(pid);
    if still {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    assert!(
        !still,
        "the provider outlived its parent: {}",
        std::fs::read_to_string(&out).unwrap_or_default()
    );
    assert!(sockets(dir.path()).is_empty(), "the socket was removed");
}
