//! The properties of the export loader and of the export form, shared by
//! the fuzz targets (`fuzz/fuzz_targets/`) and the seeded tests that run
//! them on stable Rust. Not an interface: hidden from the docs.

use serde_json::json;

use crate::SimConfig;
use crate::import::{self, MAX_ETHERNET_PORTS, MAX_ROWS_PER_MENU};
use crate::menu::{ExportOptions, Menu};
use crate::menus::export::render;
use crate::rest::handle_as;
use crate::schema::Version;
use crate::state::Router;
use crate::users::Access;

/// Any bytes as an export given to `--from-export`: no panic, and what is
/// made is bounded: ports by [`MAX_ETHERNET_PORTS`], commands and lines
/// left out by the lines of the text, the rows scanned by the commands
/// times the bounded size of a menu.
pub fn load_is_total_and_bounded(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(script) = import::parse(text) else {
        return;
    };
    let lines = text.matches('\n').count();
    assert!(script.highest_ether <= MAX_ETHERNET_PORTS);
    assert!(script.commands.len() + script.unmodelled.len() <= lines);
    assert!(script.unmodelled.iter().all(|(_, menu)| menu.len() <= 80));
    let mut cfg = SimConfig::default();
    script.adjust(&mut cfg, false);
    assert!(cfg.ethernet_ports <= MAX_ETHERNET_PORTS);
    let Ok(version) = Version::parse(&cfg.version) else {
        return;
    };
    let mut router = Router::new(version, cfg.ethernet_ports, "r", "CHR");
    if let Ok(cost) = import::load(&mut router, &script) {
        assert_eq!(cost.commands, script.commands.len());
        let menu_rows = 2 * MAX_ETHERNET_PORTS + MAX_ROWS_PER_MENU + 1;
        assert!(cost.rows_scanned <= cost.commands * menu_rows);
        assert!(router.profiles.len() <= MAX_ROWS_PER_MENU + 1);
        assert!(router.macsecs.len() <= MAX_ETHERNET_PORTS);
    }
}

/// An emulated router holding `values` (a MACsec interface's comment, a
/// port's comment, a profile's name, each left out when the emulator
/// refuses it), and its `/export show-sensitive` in the form `form` picks
/// (compact or verbose, terse or not). Returns the export and the
/// `(menu, key, value)` the router holds, for the other end's reader.
pub fn export_of(values: &[String], form: u8) -> (String, Vec<(String, String, String)>) {
    let mut router = Router::new(Version::parse("7.18").expect("a version"), 2, "r", "CHR");
    let mut put = |method: &str, path: &str, body: serde_json::Value| {
        let reply = handle_as(
            &mut router,
            Access::FULL,
            method,
            path,
            None,
            body.to_string().as_bytes(),
        );
        reply.status == 200
    };
    let value = |i: usize| values.get(i).cloned().unwrap_or_default();
    let profile = if put(
        "PUT",
        "/rest/interface/macsec/profile",
        json!({"name": value(2)}),
    ) {
        value(2)
    } else {
        "default".to_string()
    };
    if !put(
        "PUT",
        "/rest/interface/macsec",
        json!({"interface": "ether1", "name": "m1", "profile": profile, "comment": value(0)}),
    ) {
        put(
            "PUT",
            "/rest/interface/macsec",
            json!({"interface": "ether1", "name": "m1", "profile": profile}),
        );
    }
    put(
        "PATCH",
        "/rest/interface/ethernet/ether2",
        json!({"comment": value(1)}),
    );
    let options = ExportOptions {
        verbose: form & 1 == 1,
        terse: form & 2 == 2,
        show_sensitive: true,
        ..ExportOptions::default()
    };
    let text = render(&router, &options, std::time::SystemTime::UNIX_EPOCH);
    let mut held = Vec::new();
    for (menu, keys) in [
        (Menu::Macsec, &["comment", "profile", "name"][..]),
        (Menu::MacsecProfile, &["name"][..]),
        (Menu::Ethernet, &["comment"][..]),
    ] {
        for row in router.list(menu) {
            if row.get("default").is_some_and(|d| d == "true") {
                continue;
            }
            for key in keys {
                // A compact export leaves out the default profile.
                let shown = |v: &&String| !(v.is_empty() || (*key == "profile" && *v == "default"));
                if let Some(v) = row.get(*key).filter(shown) {
                    held.push((menu.path().to_string(), key.to_string(), v.clone()));
                }
            }
        }
    }
    (text, held)
}

/// The next number of a small deterministic generator (xorshift64), for
/// the seeded runs of these properties and the provider's.
pub fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Exports cut off in each way RouterOS's text shows, and the line each
/// reader must name: both ends' readers are tested against these.
pub const CUT_OFF_EXPORTS: [(&str, usize); 6] = [
    // An unterminated quote.
    ("/interface macsec\nadd comment=\"cut name=m1\n", 2),
    ("/interface macsec\nadd name=m1\nadd comment=\"cut", 3),
    // A `\` continuation with nothing after it.
    ("/interface macsec\nadd interface=ether1 \\\n", 2),
    ("/interface macsec\nadd interface=ether1 \\", 2),
    // No final newline.
    ("/interface macsec\nadd name=m1 interface=ether1", 2),
    // A line of a menu not modelled, cut just the same.
    ("/ip address\nadd comment=\"cut\n/interface macsec\n", 2),
];

/// A CAK both ends' readers must never quote in an error.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// Exports whose line 2 is wrong and holds [`SECRET`]: the errors of both
/// ends' readers name line 2 and leave the secret out.
pub fn exports_with_a_secret_on_a_bad_line() -> Vec<String> {
    let cak = SECRET;
    [
        format!("add cak={cak} \"{cak}\""),
        format!("add cak=\"{cak}\\q\""),
        format!("add cak=\"{cak}"),
        format!("add cak={cak} comment=\"open"),
        format!("add cak={cak} [ find"),
        format!("add cak={cak} {cak}"),
        format!("set [ find cak={cak} ] comment=x"),
        format!("set [ find cak={cak} name=x ] comment=y"),
    ]
    .into_iter()
    .map(|line| format!("/interface macsec\n{line}\n"))
    .collect()
}

/// Any bytes as the inventory `routeros-sim --fleet` reads: no panic; what
/// is accepted holds only checked names, known routers, ports `ether1` to
/// `ether8` and no port twice; an error is one line of bounded length.
pub fn inventory_is_total_and_bounded(data: &[u8]) {
    use crate::fleet::{Inventory, MAX_FLEET_ROUTERS, check_name};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Inventory::parse(text, 8) {
        Ok(inventory) => {
            assert!(!inventory.routers.is_empty());
            assert!(inventory.routers.len() <= MAX_FLEET_ROUTERS);
            let mut ends = std::collections::HashSet::new();
            for name in &inventory.routers {
                assert!(check_name(name).is_ok(), "{name:?}");
            }
            for link in &inventory.links {
                assert!(check_name(&link.name).is_ok(), "{:?}", link.name);
                for end in [&link.a, &link.b] {
                    assert!(inventory.routers.contains(&end.router));
                    let n: usize = end.port.strip_prefix("ether").unwrap().parse().unwrap();
                    assert!((1..=8).contains(&n) && end.port == format!("ether{n}"));
                    assert!(ends.insert((&end.router, &end.port)), "{end:?} twice");
                }
            }
        }
        Err(e) => {
            let shown = e.to_string();
            // Inventory text in an error is escaped (no line breaks or control
            // characters) and cut; serde_norway's own messages are short.
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
            assert!(shown.len() < 1024, "{} bytes: {shown:.200}", shown.len());
        }
    }
}
