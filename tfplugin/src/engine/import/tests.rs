//! Tests of ImportResourceState.

use crate::engine::fixture::*;

#[tokio::test]
async fn import_gives_a_stub_filled_with_nulls() {
    let e = engine(Mode::Good).await;
    let (imported, d) = e.import_resource_state(WIDGET_TYPE, "*7", caps()).await;
    assert!(d.is_empty());
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].type_name, WIDGET_TYPE);
    assert_eq!(imported[0].state.get_str("id"), Some("*7"));
    assert_eq!(imported[0].state.get("name"), Some(&Value::Null));
    assert!(check_type(&imported[0].state, &widget_type()).is_ok());
    let (imported, d) = e
        .import_resource_state(WIDGET_TYPE, "missing", caps())
        .await;
    assert!(imported.is_empty());
    assert!(errors(&d)[0].0.contains("Cannot import"));
}
