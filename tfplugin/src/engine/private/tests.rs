//! Tests of Private state carried through reads.

use crate::engine::fixture::*;

#[tokio::test]
async fn private_state_encoding() {
    let e = engine(Mode::Good).await;
    let (state, _) = create(&e).await;
    // Empty bytes stay empty when the resource adds nothing.
    let (_, p, d) = e
        .read_resource(WIDGET_TYPE, state.clone(), Vec::new(), caps())
        .await;
    assert!(p.is_empty() && d.is_empty());
    // Garbage is dropped with a warning, not an error.
    let (read, p, d) = e
        .read_resource(WIDGET_TYPE, state, b"not json".to_vec(), caps())
        .await;
    assert!(!read.is_null());
    assert!(p.is_empty());
    assert_eq!(d.0.len(), 1);
    assert_eq!(d.0[0].severity, Severity::Warning);
}
