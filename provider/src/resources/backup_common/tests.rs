//! Tests of the backup and export resources' shared lifecycle: the
//! `timeouts` block bounding a create, and an action's configuration read
//! as the resource's model.

use crate::plugin::diag::Diagnostics;
use crate::plugin::value::Value;
use crate::routeros::{Client, Error, Record};

/// A router that answers everything at once, except `/system/backup/save`,
/// which it never answers (a backup slower than any timeout); it counts
/// the saves it received and keeps the files it was asked to remove.
#[derive(Default)]
struct SlowBackups {
    saves: std::sync::atomic::AtomicUsize,
    removed: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl crate::routeros::Transport for SlowBackups {
    async fn list(&self, _menu: &str) -> Result<Vec<Record>, Error> {
        Ok(Vec::new())
    }
    async fn get(&self, _menu: &str) -> Result<Record, Error> {
        Ok([("version".to_string(), "7.18 (stable)".to_string())].into())
    }
    async fn add(&self, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("a backup adds no rows")
    }
    async fn set(&self, _: &str, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("a backup sets no rows")
    }
    async fn remove(&self, _menu: &str, id: &str) -> Result<(), Error> {
        self.removed.lock().unwrap().push(id.to_string());
        Ok(())
    }
    async fn command(&self, path: &str, _: &Record) -> Result<Vec<Record>, Error> {
        if path.ends_with("/backup/save") {
            self.saves.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::pending::<()>().await;
        }
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "test"
    }
}

#[tokio::test(start_paused = true)]
async fn a_backup_slower_than_its_create_timeout_says_which_timeout() {
    use crate::plugin::resource::{Ctx, Private, Resource, value_of};
    use crate::resources::system_backup::{SystemBackup, SystemBackupModel};
    let router = std::sync::Arc::new(SlowBackups::default());
    let client = Client::with_transport(Box::new(router.clone()))
        .await
        .unwrap();
    let ctx = Ctx {
        client: std::sync::Arc::new(crate::context::Configured::from_environment(client)),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    let dir = tempfile::tempdir().unwrap();
    let model = SystemBackupModel {
        path: dir.path().join("r.backup").to_string_lossy().into_owned(),
        dont_encrypt: Some(true),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let mut planned = value_of(&model, &SystemBackup.schema(), &mut diags).unwrap();
    planned.set(
        "timeouts",
        Value::Object(
            [
                ("create".to_string(), Value::string("10m")),
                ("update".to_string(), Value::Null),
                ("delete".to_string(), Value::Null),
            ]
            .into(),
        ),
    );
    SystemBackup.validate(&planned, &mut diags);
    assert!(!diags.has_error(), "{diags:?}");
    let started = tokio::time::Instant::now();
    // An hour of (paused) time is far past the create timeout: without the
    // bound the create would hang for ever.
    let made = tokio::time::timeout(
        std::time::Duration::from_secs(3600),
        SystemBackup.create(&ctx, &planned, &planned, &mut Private::new(), &mut diags),
    )
    .await
    .expect("the create timeout ends the create");
    assert!(made.is_none());
    assert_eq!(
        router.saves.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the backup was started, and not again"
    );
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(600));
    let d = diags
        .0
        .iter()
        .find(|d| d.summary == "The create timeout (10m) ran out")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(d.detail.contains("`timeouts.create`"), "{}", d.detail);
    assert_eq!(d.attribute.as_ref().unwrap().to_string(), "timeouts.create");
    assert!(
        !dir.path().join("r.backup").exists() && !dir.path().join("r.backup.age").exists(),
        "no local file"
    );
}

#[test]
fn an_action_configuration_reads_as_the_resource_model() {
    use crate::actions::ResourceAction;
    use crate::plugin::action::Action;
    use crate::plugin::resource::model_of;
    use crate::resources::system_backup::{SystemBackup, SystemBackupModel};
    let schema = ResourceAction(std::sync::Arc::new(SystemBackup)).schema();
    let config = crate::plugin::codec::value_from_json(
        serde_json::json!({"path": "b/x.backup", "dont_encrypt": true}),
        &schema.block.value_type(),
        crate::plugin::codec::Extra::Reject,
    )
    .unwrap();
    let mut diags = Diagnostics::new();
    let m = model_of::<SystemBackupModel>(&config, &mut diags).unwrap();
    assert!(!diags.has_error());
    assert_eq!(m.path, "b/x.backup");
    assert_eq!(m.dont_encrypt, Some(true));
    assert_eq!(m.triggers, None);
}
