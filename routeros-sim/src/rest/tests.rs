use super::*;
use crate::schema::Version;
use serde_json::json;

fn router(version: &str) -> Router {
    Router::new(Version::parse(version).unwrap(), 3, "MikroTik", "CHR")
}

fn call(r: &mut Router, method: &str, path: &str, body: Value) -> Reply {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    handle(r, method, path, query, &body)
}

fn detail(reply: &Reply) -> String {
    reply.body.as_ref().unwrap()["detail"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn paths_resolve_like_routeros() {
    let r = router("7.18");
    let t = |p: &str| resolve(&r, p);
    assert_eq!(t("/rest/interface"), Ok(Target::Menu(Menu::Interface)));
    assert_eq!(
        t("/rest/interface/macsec/profile"),
        Ok(Target::Menu(Menu::MacsecProfile))
    );
    assert_eq!(
        t("/rest/interface/ether1"),
        Ok(Target::Item(Menu::Interface, "ether1".into()))
    );
    assert_eq!(
        t("/rest/interface/macsec/%2A1"),
        Ok(Target::Item(Menu::Macsec, "*1".into()))
    );
    assert_eq!(
        t("/rest/interface/macsec/print"),
        Ok(Target::Command(Menu::Macsec, "print".into()))
    );
    assert_eq!(
        t("/rest/nonexistent"),
        Err(RosError::no_such_directory("nonexistent"))
    );
    assert_eq!(t("/rest/system"), Err(RosError::no_such_command()));
    assert_eq!(
        t("/rest/system/nope"),
        Err(RosError::no_such_directory("nope"))
    );
    assert_eq!(
        t("/rest/system/identity/nope"),
        Err(RosError::no_such_directory("nope"))
    );
    assert_eq!(
        t("/rest/interface/ether1/x"),
        Err(RosError::no_such_directory("ether1"))
    );
    let old = router("6.49");
    assert_eq!(
        resolve(&old, "/rest/interface/macsec"),
        Err(RosError::no_such_directory("macsec"))
    );
    assert_eq!(
        resolve(&old, "/rest/interface/macsec/profile"),
        Err(RosError::no_such_directory("macsec"))
    );
}

#[test]
fn crud_cycle_on_macsec() {
    let mut r = router("7.18");
    let created = call(
        &mut r,
        "PUT",
        "/rest/interface/macsec",
        json!({"interface": "ether1", "mtu": 1400, "disabled": "yes"}),
    );
    assert_eq!(created.status, 200);
    let obj = created.body.unwrap();
    let id = obj[".id"].as_str().unwrap().to_string();
    assert_eq!(obj["mtu"], "1400");
    assert_eq!(obj["disabled"], "true");
    assert_eq!(obj["status"], "disabled");
    let patched = call(
        &mut r,
        "PATCH",
        &format!("/rest/interface/macsec/{id}"),
        json!({"comment": "uplink", "disabled": false}),
    );
    assert_eq!(patched.status, 200);
    let obj = patched.body.unwrap();
    assert_eq!(obj["comment"], "uplink");
    assert_eq!(obj["disabled"], "false");
    assert_eq!(obj["cak"].as_str().unwrap().len(), 32);
    let by_name = call(&mut r, "GET", "/rest/interface/macsec/macsec1", Value::Null);
    assert_eq!(by_name.body.unwrap()[".id"], id.as_str());
    let deleted = call(
        &mut r,
        "DELETE",
        &format!("/rest/interface/macsec/{id}"),
        Value::Null,
    );
    assert_eq!(deleted, Reply::empty());
    let again = call(
        &mut r,
        "DELETE",
        &format!("/rest/interface/macsec/{id}"),
        Value::Null,
    );
    assert_eq!(again.status, 404);
    assert_eq!(
        again.body.unwrap(),
        json!({"error": 404, "message": "Not Found"})
    );
}

#[test]
fn unknown_parameters_follow_the_version() {
    let mut r = router("7.18");
    let reply = call(
        &mut r,
        "PUT",
        "/rest/interface/macsec/profile",
        json!({"name": "p", "ciphers": "aes-gcm-128"}),
    );
    assert_eq!(reply.status, 400);
    assert_eq!(detail(&reply), "unknown parameter ciphers");
    let reply = call(
        &mut r,
        "PATCH",
        "/rest/interface/macsec/profile/default",
        json!({"ciphers": "aes-gcm-128"}),
    );
    assert_eq!(detail(&reply), "unknown parameter ciphers");
    let reply = call(
        &mut r,
        "PUT",
        "/rest/interface/macsec",
        json!({"interface": "ether1", "status": "x"}),
    );
    assert_eq!(detail(&reply), "unknown parameter status");
    r.set_version(Version::parse("7.23").unwrap());
    let reply = call(
        &mut r,
        "PUT",
        "/rest/interface/macsec/profile",
        json!({"name": "p", "ciphers": ["aes-gcm-xpn-128"]}),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.unwrap()["ciphers"], "aes-gcm-xpn-128");
}

#[test]
fn ethernet_verbs() {
    let mut r = router("7.18");
    let put = call(
        &mut r,
        "PUT",
        "/rest/interface/ethernet",
        json!({"name": "ether9"}),
    );
    assert_eq!(put.status, 406);
    assert_eq!(detail(&put), "no such command or directory (add)");
    let del = call(
        &mut r,
        "DELETE",
        "/rest/interface/ethernet/ether1",
        Value::Null,
    );
    assert_eq!(del.status, 406);
    assert_eq!(
        del.body.unwrap(),
        json!({"detail": "no such command or directory (remove)", "error": 406, "message": "Not Acceptable"})
    );
    let patch = call(
        &mut r,
        "PATCH",
        "/rest/interface/ethernet/*2",
        json!({"l2mtu": 1630, "mtu": "1500", "comment": "x"}),
    );
    assert_eq!(patch.status, 200);
    assert_eq!(patch.body.unwrap()["l2mtu"], "1630");
    let bad = call(
        &mut r,
        "PATCH",
        "/rest/interface/ethernet/*2",
        json!({"mtu": "abc"}),
    );
    assert_eq!(detail(&bad), "invalid value for argument mtu");
    let get_cmd = call(&mut r, "GET", "/rest/interface/ethernet/print", Value::Null);
    assert_eq!(get_cmd.status, 400);
    assert_eq!(detail(&get_cmd), "no such command");
}

#[test]
fn post_commands() {
    let mut r = router("7.18");
    let added = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/add",
        json!({"interface": "ether2", "name": "m"}),
    );
    assert_eq!(added.body.unwrap(), json!({"ret": "*4"}));
    let set = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/set",
        json!({".id": "m", "mtu": "1000"}),
    );
    assert_eq!(set.body.unwrap(), json!([]));
    let got = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/get",
        json!({"number": "*4", "value-name": "mtu"}),
    );
    assert_eq!(got.body.unwrap(), json!({"ret": "1000"}));
    let disable = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/disable",
        json!({"numbers": "m"}),
    );
    assert_eq!(disable.status, 200);
    let printed = call(
        &mut r,
        "POST",
        "/rest/interface/print",
        json!({".proplist": ["name", "type"], ".query": ["type=macsec", "type=ether", "#|", "name=ether1", "#!&"]}),
    );
    assert_eq!(
        printed.body.unwrap(),
        json!([{"name": "ether2", "type": "ether"}, {"name": "ether3", "type": "ether"}, {"name": "m", "type": "macsec"}])
    );
    let count = call(
        &mut r,
        "POST",
        "/rest/interface/print",
        json!({"count-only": ""}),
    );
    assert_eq!(count.body.unwrap(), json!({"ret": "4"}));
    let unknown = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/print",
        json!({"bogus": ""}),
    );
    assert_eq!(detail(&unknown), "unknown parameter bogus");
    let removed = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/remove",
        json!({".id": "*4"}),
    );
    assert_eq!(removed.body.unwrap(), json!([]));
    let missing = call(
        &mut r,
        "POST",
        "/rest/interface/macsec/remove",
        json!({".id": "*4"}),
    );
    assert_eq!(detail(&missing), "no such item");
    let ident = call(
        &mut r,
        "POST",
        "/rest/system/identity/set",
        json!({"name": "r1"}),
    );
    assert_eq!(ident.status, 200);
    let ident = call(&mut r, "GET", "/rest/system/identity", Value::Null);
    assert_eq!(ident.body.unwrap(), json!({"name": "r1"}));
}

#[test]
fn replies_to_users_without_sensitive_leave_the_cak_out() {
    let mut r = router("7.23");
    let reader = Access { sensitive: false };
    let body = json!({"interface": "ether1", "cak": "00ff"}).to_string();
    let put = handle_as(
        &mut r,
        reader,
        "PUT",
        "/rest/interface/macsec",
        None,
        body.as_bytes(),
    );
    let obj = put.body.unwrap();
    assert!(obj.get("cak").is_none(), "{obj}");
    assert_eq!(obj["name"], "macsec1");
    let get = handle_as(&mut r, reader, "GET", "/rest/interface/macsec", None, b"");
    assert!(get.body.unwrap()[0].get("cak").is_none());
    let full = call(&mut r, "GET", "/rest/interface/macsec/macsec1", Value::Null);
    assert_eq!(full.body.unwrap()["cak"], "00ff");
    // Profiles have nothing sensitive.
    let profiles = handle_as(
        &mut r,
        reader,
        "GET",
        "/rest/interface/macsec/profile/default",
        None,
        b"",
    );
    assert_eq!(profiles.body.unwrap()["ciphers"], "aes-gcm-128");
}

#[test]
fn get_filters_and_proplist() {
    let mut r = router("7.18");
    let reply = call(
        &mut r,
        "GET",
        "/rest/interface/ethernet?name=ether2&disabled=no&.proplist=name,.id",
        Value::Null,
    );
    assert_eq!(
        reply.body.unwrap(),
        json!([{".id": "*2", "name": "ether2"}])
    );
    let none = call(&mut r, "GET", "/rest/interface/macsec", Value::Null);
    assert_eq!(none.body.unwrap(), json!([]));
    let res = call(
        &mut r,
        "GET",
        "/rest/system/resource?.proplist=version,board-name",
        Value::Null,
    );
    assert_eq!(
        res.body.unwrap(),
        json!({"board-name": "CHR", "version": "7.18 (stable)"})
    );
    let head = call(&mut r, "HEAD", "/rest/interface", Value::Null);
    assert_eq!(head.status, 501);
}
