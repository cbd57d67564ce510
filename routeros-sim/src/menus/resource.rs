//! `/system/resource`: version, board, uptime and fixed hardware figures (a single,
//! read-only object). No export or backup form.

use crate::menu::MenuRules;
use crate::query::Row;
use crate::state::{Router, format_uptime};

/// The rules of `/system/resource`.
pub(super) struct ResourceMenu;

impl MenuRules for ResourceMenu {
    fn path(&self) -> &'static str {
        "/system/resource"
    }

    fn is_singleton(&self) -> bool {
        true
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        let mut row = Row::new();
        let pairs: [(&str, String); 15] = [
            ("architecture-name", "x86_64".into()),
            ("board-name", r.board_name.clone()),
            ("build-time", "2025-02-24 14:44:38".into()),
            ("cpu", "QEMU".into()),
            ("cpu-count", "2".into()),
            ("cpu-frequency", "2400".into()),
            ("cpu-load", "1".into()),
            ("free-hdd-space", "94408704".into()),
            ("free-memory", "183160832".into()),
            ("platform", "MikroTik".into()),
            ("total-hdd-space", "134217728".into()),
            ("total-memory", "268435456".into()),
            ("uptime", format_uptime(r.started.elapsed().as_secs())),
            ("version", r.version.display_with_channel()),
            ("write-sect-since-reboot", "512".into()),
        ];
        for (k, v) in pairs {
            row.insert(k.into(), v);
        }
        row.insert("write-sect-total".into(), "4096".into());
        vec![row]
    }
}
