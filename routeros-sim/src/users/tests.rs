use super::*;

#[test]
fn login_gives_the_users_access() {
    let mut users = Users::default();
    users.add(SimUser::new("admin", "a", true)).unwrap();
    users.add(SimUser::new("reader", "r", false)).unwrap();
    assert_eq!(users.login("admin", "a"), Some(Access::FULL));
    assert_eq!(
        users.login("reader", "r"),
        Some(Access { sensitive: false })
    );
    assert_eq!(users.login("reader", "a"), None);
    assert_eq!(users.login("nobody", "r"), None);
    assert!(users.add(SimUser::new("reader", "x", true)).is_err());
    assert!(users.add(SimUser::new("a:b", "x", true)).is_err());
    assert!(users.add(SimUser::new("", "x", true)).is_err());
    let shown = format!("{:?}", SimUser::new("u", "hunter2-secret", false));
    assert!(!shown.contains("hunter2-secret"), "{shown}");
}
