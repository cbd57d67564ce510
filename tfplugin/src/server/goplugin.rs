//! go-plugin's services beside the provider: `GRPCController`
//! (Shutdown) and `GRPCStdio` (an idle stream).

use futures::StreamExt as _;
use tokio::sync::watch;
use tonic::{Request, Response, Status};

use super::RpcResult;
use crate::proto::plugin as goplugin;

/// go-plugin's `GRPCController`: `Shutdown` asks the server to stop.
pub struct Controller {
    shutdown: watch::Sender<bool>,
}

impl Controller {
    /// A controller that sets `shutdown` to true when asked to stop.
    pub fn new(shutdown: watch::Sender<bool>) -> Self {
        Controller { shutdown }
    }
}

#[tonic::async_trait]
impl goplugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _req: Request<goplugin::Empty>) -> RpcResult<goplugin::Empty> {
        log::debug!("GRPCController.Shutdown: the client is done, exiting");
        self.shutdown.send_replace(true);
        Ok(Response::new(goplugin::Empty {}))
    }
}

/// The stream type of `GRPCStdio.StreamStdio`.
type StdioStream =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<goplugin::StdioData, Status>> + Send>>;

/// go-plugin's `GRPCStdio`: nothing is ever forwarded (the provider writes
/// only to stderr, which go-plugin reads directly), but the stream stays
/// open until shutdown so the client does not log that stdio is missing.
pub struct Stdio {
    shutdown: watch::Receiver<bool>,
}

impl Stdio {
    /// A stdio service whose streams end when `shutdown` becomes true.
    pub fn new(shutdown: watch::Receiver<bool>) -> Self {
        Stdio { shutdown }
    }
}

#[tonic::async_trait]
impl goplugin::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(&self, _req: Request<()>) -> RpcResult<StdioStream> {
        let mut shutdown = self.shutdown.clone();
        let stream = futures::stream::once(async move { wait_for_shutdown(&mut shutdown).await })
            .filter_map(|()| futures::future::ready(None::<Result<goplugin::StdioData, Status>>));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Waits until `shutdown` is true (or its sender is gone).
pub async fn wait_for_shutdown(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

redact::debug!(Controller);

redact::debug!(Stdio);
