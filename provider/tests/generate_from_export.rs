//! `terraform-provider-routeros generate --from-export` as a user runs it:
//! what it prints about the lines it leaves out, and what it does with an
//! export that was cut off.

use std::process::Command;

fn generate(export: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("router.rsc");
    std::fs::write(&file, export).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-routeros"))
        .args(["generate", "--from-export"])
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("imported.tf"))
        .env_remove("ROUTEROS_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Secrets of menus the generator does not model (a MACsec `set ... cak=`,
/// a WireGuard private key, a PPP password, a Wi-Fi passphrase) never reach
/// the terminal: only a count per menu does.
#[test]
fn unmodelled_export_lines_are_counted_per_menu_never_echoed() {
    let secrets = [
        "0123456789abcdef0123456789abcdef",
        "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
        "ppp-Secret-Pa55",
        "wifi-passphrase-42",
    ];
    let export = format!(
        "# 2026-12-01 10:00:00 by RouterOS 7.23\n\
         /interface macsec\nadd interface=ether1 name=m1\nset [ find ] cak={}\n\
         /interface wireguard\nadd listen-port=13231 name=wg1 private-key=\"{}\"\n\
         /ppp secret\nadd name=u1 password={}\nadd name=u2 password=x\n\
         /interface wifi security\nadd name=sec1 passphrase=\"{}\"\n",
        secrets[0], secrets[1], secrets[2], secrets[3]
    );
    let (ok, stdout, stderr) = generate(&export.replace("set [ find ]", "remove [ find ]"));
    assert!(ok, "{stderr}");
    for line in [
        "/interface/macsec remove: 1 line not modelled",
        "/interface/wireguard: 1 line not modelled",
        "/ppp/secret: 2 lines not modelled",
        "/interface/wifi/security: 1 line not modelled",
    ] {
        assert!(stderr.contains(line), "{line} missing from:\n{stderr}");
    }
    // A `set` the reader cannot place is an error, still without the value.
    let (ok2, stdout2, stderr2) = generate(&export);
    assert!(!ok2, "{stderr2}");
    assert!(stderr2.contains("line 4"), "{stderr2}");
    for s in secrets {
        for text in [&stdout, &stderr, &stdout2, &stderr2] {
            assert!(!text.contains(s), "{s} leaked:\n{text}");
        }
    }
}

#[test]
fn a_truncated_export_is_an_error_with_its_line_number() {
    let (ok, _, stderr) =
        generate("/interface macsec\nadd interface=ether1 name=m1\nadd comment=\"cut off");
    assert!(!ok);
    assert!(stderr.contains("line 3: "), "{stderr}");
    assert!(stderr.contains("cut off"), "{stderr}");
}
