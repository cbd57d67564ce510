use super::*;

fn port(enabled: bool, last: u8) -> PortState {
    PortState {
        enabled,
        mac: [2, 0, 0, 0, 0, last],
        macsec: None,
    }
}

#[test]
fn cables_join_two_ends_and_follow_the_registrations() {
    let hub = Arc::new(LinkHub::default());
    let a = hub.register();
    let b = hub.register();
    a.publish(vec![(1, port(true, 1)), (2, port(true, 2))]);
    b.publish(vec![(1, port(false, 3))]);
    assert_eq!(a.peer(1), Peer::Unlinked);
    a.connect(1, &b, 1).unwrap();
    assert_eq!(a.peer(1), Peer::Present(port(false, 3)));
    assert_eq!(b.peer(1), Peer::Present(port(true, 1)));
    // Re-plugging b's end into a's port 2 unplugs the first cable.
    b.connect(1, &a, 2).unwrap();
    assert_eq!(a.peer(1), Peer::Unlinked);
    assert_eq!(b.peer(1), Peer::Present(port(true, 2)));
    assert!(a.connect(2, &a, 2).is_err());
    // A stopped emulator leaves a dead cable behind.
    drop(a);
    assert_eq!(b.peer(1), Peer::Gone);
    b.disconnect(1);
    assert_eq!(b.peer(1), Peer::Unlinked);
}

#[test]
fn different_hubs_do_not_mix_and_secrets_stay_out_of_debug() {
    let a = Arc::new(LinkHub::default()).register();
    let b = Arc::new(LinkHub::default()).register();
    assert!(a.connect(1, &b, 1).is_err());
    let end = MacsecEnd {
        enabled: true,
        cak: "00112233445566778899aabbccddeeff".into(),
        ckn: "ab".into(),
        server_priority: 10,
        ciphers: vec!["aes-gcm-128".into()],
    };
    assert!(!format!("{end:?}").contains("0011223344"));
}
