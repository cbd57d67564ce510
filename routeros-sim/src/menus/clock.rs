//! `/system/clock`: the router's clock (a single, read-only object here): `date` and
//! `time` in the version's format (`2026-12-06` from 7.10, `dec/06/2026` before, as
//! `/log` and `/file` print them), `time-zone-name` `manual`, `gmt-offset` `+00:00` and
//! `dst-active` `false` (MT-LOG, MT-SCRIPT; the emulator's clock is UTC). It stands
//! still until a test moves it (`Sim::advance_clock`). Setting the clock is not
//! emulated. No export or backup form: RouterOS keeps the time out of both.

use crate::file_store::ros_time;
use crate::menu::MenuRules;
use crate::query::Row;
use crate::state::Router;

/// The rules of `/system/clock`.
pub(super) struct ClockMenu;

impl MenuRules for ClockMenu {
    fn path(&self) -> &'static str {
        "/system/clock"
    }

    fn is_singleton(&self) -> bool {
        true
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        let now = ros_time(r.clock, r.version());
        let (date, time) = now.split_once(' ').unwrap_or((&now, ""));
        let mut row = Row::new();
        for (k, v) in [
            ("date", date),
            ("time", time),
            ("time-zone-name", "manual"),
            ("time-zone-autodetect", "false"),
            ("gmt-offset", "+00:00"),
            ("dst-active", "false"),
        ] {
            row.insert(k.into(), v.into());
        }
        vec![row]
    }
}
