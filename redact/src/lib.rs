//! `Debug` for types that hold secrets (passwords, CAKs, age identities),
//! clients or trait objects: [`debug!`] writes an impl that shows only the
//! fields it names and marks the rest as left out (`Name { a: 1, .. }`),
//! so a field added later is hidden until someone decides to show it.
//!
//! ```
//! struct Login {
//!     user: String,
//!     password: String,
//! }
//! redact::debug!(Login { user });
//!
//! let login = Login { user: "admin".into(), password: "hunter2".into() };
//! assert_eq!(format!("{login:?}"), r#"Login { user: "admin", .. }"#);
//! ```
//!
//! The forms:
//!
//! - `debug!(Name)`: the type's name only (`Name { .. }`);
//! - `debug!(Name { a, b })`: fields `a` and `b` as their own `Debug`;
//! - `debug!(Name { len = |s| s.bytes.len() })`: a value computed from the
//!   whole (`s` is `&Name`), under the name given;
//! - generics and bounds: `debug!(Engine<P> where P: Provider)`,
//!   `debug!(Progress<'a, W> { done } where W: Write)` (name lifetimes:
//!   `'_` cannot be declared).

#![no_std]

/// Implements `Debug` for a type showing only the fields named; see the
/// crate documentation for the forms.
#[macro_export]
macro_rules! debug {
    (
        $name:ident $(< $($param:tt),+ >)?
        $({ $($field:ident $(= $get:expr)?),* $(,)? })?
        $(where $($bound:tt)+)?
    ) => {
        impl $(< $($param),+ >)? ::core::fmt::Debug for $name $(< $($param),+ >)?
        $(where $($bound)+)?
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #[allow(unused_mut)]
                let mut s = f.debug_struct(::core::stringify!($name));
                $($(
                    $crate::__field!(s, self, $field $(= $get)?);
                )*)?
                s.finish_non_exhaustive()
            }
        }
    };
}

/// One field of [`debug!`]: its own value, or one computed from the whole.
#[doc(hidden)]
#[macro_export]
macro_rules! __field {
    ($s:ident, $this:ident, $field:ident) => {
        $s.field(::core::stringify!($field), &$this.$field)
    };
    ($s:ident, $this:ident, $field:ident = $get:expr) => {
        $s.field(::core::stringify!($field), &$crate::apply($this, $get))
    };
}

/// Calls `get` on `value`: lets [`debug!`] infer the closure's argument.
#[doc(hidden)]
pub fn apply<'a, T: ?Sized, R>(value: &'a T, get: impl FnOnce(&'a T) -> R) -> R {
    get(value)
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    struct Key {
        name: String,
        cak: String,
    }
    crate::debug!(Key { name });

    struct Opaque {
        #[allow(dead_code)]
        password: String,
    }
    crate::debug!(Opaque);

    struct Sized_ {
        bytes: Vec<u8>,
    }
    crate::debug!(Sized_ { len = |s| s.bytes.len() });

    struct Wrapper<'a, T> {
        shown: &'a str,
        #[allow(dead_code)]
        inner: T,
    }
    crate::debug!(Wrapper<'a, T> { shown } where T: Clone);

    #[test]
    fn a_secret_field_never_shows() {
        let key = Key {
            name: "m1".into(),
            cak: SECRET.into(),
        };
        let shown = format!("{key:?}");
        assert_eq!(shown, r#"Key { name: "m1", .. }"#);
        assert!(!shown.contains(SECRET));
        let alternate = format!("{key:#?}");
        assert!(!alternate.contains(SECRET), "{alternate}");
        assert_eq!(key.cak, SECRET);
        let opaque = format!(
            "{:?}",
            Opaque {
                password: SECRET.into()
            }
        );
        assert_eq!(opaque, "Opaque { .. }");
    }

    #[test]
    fn computed_fields_and_generics() {
        let s = Sized_ {
            bytes: SECRET.as_bytes().into(),
        };
        assert_eq!(format!("{s:?}"), "Sized_ { len: 32, .. }");
        let w = Wrapper {
            shown: "x",
            inner: SECRET,
        };
        assert_eq!(format!("{w:?}"), r#"Wrapper { shown: "x", .. }"#);
    }
}
