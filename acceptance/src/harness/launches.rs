//! Counting what a Terraform command costs in processes and connections,
//! never in time: [`LaunchCounter`] (provider launches and their peak RSS,
//! shared by the scale benchmarks and the fleet suite) and
//! [`SilentListener`] (an address that accepts TCP and never answers,
//! counting the connections it takes).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::*;

/// A directory whose `terraform-provider-routeros` runs the real one (from
/// another directory) and appends its peak RSS (KiB) to a log: one line
/// per launch. Point a [`Workdir`] at [`LaunchCounter::dir`] with
/// [`Workdir::with_provider_dir`].
#[derive(Debug)]
pub struct LaunchCounter {
    dir: tempfile::TempDir,
    log: PathBuf,
}

impl LaunchCounter {
    /// A wrapper around `real/terraform-provider-routeros`.
    pub fn new(real: &Path) -> LaunchCounter {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("launches.log");
        let script = format!(
            "#!/usr/bin/env python3\nimport resource, subprocess, sys\n\
             code = subprocess.call([{real:?}] + sys.argv[1:])\n\
             rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n\
             open({log:?}, 'a').write('%d\\n' % rss)\n\
             sys.exit(code)\n",
            real = real.join(PROVIDER_BINARY).display().to_string(),
            log = log.display().to_string(),
        );
        let wrapper = dir.path().join(PROVIDER_BINARY);
        std::fs::write(&wrapper, script).expect("write wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        LaunchCounter { dir, log }
    }

    /// The directory holding the wrapper.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Forgets the launches counted so far.
    pub fn reset(&self) {
        let _ = std::fs::remove_file(&self.log);
    }

    /// Launches since the last [`LaunchCounter::reset`], and the largest
    /// peak RSS among them (MiB).
    pub fn launches(&self) -> (usize, f64) {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let rss: Vec<f64> = text
            .lines()
            .filter_map(|l| l.trim().parse::<f64>().ok())
            .collect();
        (rss.len(), rss.iter().cloned().fold(0.0, f64::max) / 1024.0)
    }
}

/// An address that accepts TCP connections and never sends a byte: a
/// router that hangs. It keeps every connection open until dropped and
/// counts them.
#[derive(Debug)]
pub struct SilentListener {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentListener {
    /// Listens on a free local port.
    pub fn start() -> SilentListener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let addr = listener.local_addr().expect("local addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopping) = (accepted.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    count.fetch_add(1, Ordering::SeqCst);
                    held.push(conn);
                }
            }
        });
        SilentListener {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    /// `scheme://127.0.0.1:PORT`.
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    /// How many connections it took so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for SilentListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
