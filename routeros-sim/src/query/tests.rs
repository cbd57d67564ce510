use super::*;

fn row(pairs: &[(&str, &str)]) -> Row {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn q(words: &[&str]) -> Query {
    Query::parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>()).unwrap()
}

#[test]
fn equality_exists_and_comparisons() {
    let r = row(&[("type", "ether"), ("mtu", "1500"), ("disabled", "false")]);
    assert!(q(&["type=ether"]).matches(&r));
    assert!(!q(&["type=vlan"]).matches(&r));
    assert!(q(&["?type=ether", "mtu"]).matches(&r));
    assert!(q(&["-comment"]).matches(&r));
    assert!(!q(&["comment"]).matches(&r));
    assert!(q(&["<mtu=9000"]).matches(&r));
    assert!(!q(&[">mtu=9000"]).matches(&r));
    assert!(q(&["disabled=no"]).matches(&r));
    assert!(q(&[]).matches(&r));
}

#[test]
fn stack_operations_follow_the_api() {
    let ether = row(&[("type", "ether")]);
    let vlan = row(&[("type", "vlan")]);
    let macsec = row(&[("type", "macsec")]);
    let either = q(&["type=ether", "type=vlan", "#|"]);
    assert!(either.matches(&ether));
    assert!(either.matches(&vlan));
    assert!(!either.matches(&macsec));
    let neither = q(&["type=ether", "type=vlan", "#|!"]);
    assert!(!neither.matches(&ether));
    assert!(neither.matches(&macsec));
    // Two conditions without an operator are both required.
    assert!(!q(&["type=ether", "type=vlan"]).matches(&ether));
    let both = q(&["type=ether", "type", "#&"]);
    assert!(both.matches(&ether));
    // `#0` copies the bottom value; `.` duplicates the top.
    assert!(q(&["type=ether", "#0.&&"]).matches(&ether));
    assert!(!q(&["type=ether", "#0"]).matches(&vlan));
}

#[test]
fn rejects_malformed_words() {
    for bad in ["#", "#x", "<mtu", "-", "=x", ""] {
        assert!(
            Query::parse(&[bad.to_string()]).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

#[test]
fn filters_and_proplist() {
    let r = row(&[(".id", "*1"), ("name", "ether1"), ("running", "true")]);
    assert!(matches_filters(
        &r,
        &[
            ("name".into(), "ether1".into()),
            ("running".into(), "yes".into())
        ]
    ));
    assert!(!matches_filters(&r, &[("comment".into(), "".into())]));
    let only = apply_proplist(r.clone(), Some("name, .id,nonexistent"));
    assert_eq!(only, row(&[(".id", "*1"), ("name", "ether1")]));
    assert_eq!(apply_proplist(r.clone(), None), r);
}
