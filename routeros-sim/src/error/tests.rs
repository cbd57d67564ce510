use super::*;

#[test]
fn bodies_have_routeros_shape() {
    assert_eq!(
        serde_json::to_string(&RosError::not_found().body()).unwrap(),
        r#"{"error":404,"message":"Not Found"}"#
    );
    assert_eq!(
        serde_json::to_string(&RosError::unknown_parameter("x").body()).unwrap(),
        r#"{"detail":"unknown parameter x","error":400,"message":"Bad Request"}"#
    );
    assert_eq!(
        serde_json::to_string(
            &RosError::not_acceptable("no such command or directory (remove)").body()
        )
        .unwrap(),
        r#"{"detail":"no such command or directory (remove)","error":406,"message":"Not Acceptable"}"#
    );
}
