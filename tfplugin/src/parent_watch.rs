//! Ends the provider when Terraform goes away. Terraform normally stops its
//! plugins through `GRPCController.Shutdown` or a signal; when it is killed
//! instead (or crashes), the provider would live on, possibly stuck in a
//! call to a router that does not answer. On Unix a process whose parent
//! exits is handed to another parent (init or a subreaper), so a change of
//! the parent process id means Terraform is gone; the provider then shuts
//! down as if asked to.

use tokio::sync::watch;

/// How often the parent is checked (Unix only: elsewhere nothing is watched).
#[cfg(unix)]
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Watches the parent process and sets `shutdown` once it is gone. Not
/// used in debug mode, where no Terraform started the provider.
pub(super) fn spawn(shutdown: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECK_EVERY);
            loop {
                tick.tick().await;
                if shutdown.is_closed() || *shutdown.borrow() {
                    return;
                }
                let now = std::os::unix::process::parent_id();
                if now != parent {
                    log::warn!("Terraform (process {parent}) is gone; shutting the provider down");
                    shutdown.send_replace(true);
                    return;
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = shutdown;
}
