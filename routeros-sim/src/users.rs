//! The emulator's users (`/user`) and what each may see.
//!
//! RouterOS grants the right to read secrets such as the MACsec `cak` through the
//! `sensitive` policy of a user's group (DESIGN.md, "Facts: sensitive values and user policies", MT-USER, MT-SENS).
//! The emulator models only that policy: a user either has it (like `admin`, whose group
//! is `full`) or not.

/// A REST user of the emulator. `Debug` output leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct SimUser {
    /// Login name (non-empty, no `:`).
    pub name: String,
    /// Password.
    pub password: String,
    /// The user's group has the `sensitive` policy: it may read secrets such as `cak`.
    pub sensitive: bool,
}

impl SimUser {
    /// A user named `name` with `password`; `sensitive` grants the `sensitive` policy.
    pub fn new(name: impl Into<String>, password: impl Into<String>, sensitive: bool) -> SimUser {
        SimUser {
            name: name.into(),
            password: password.into(),
            sensitive,
        }
    }
}

redact::debug!(SimUser { name, sensitive });

/// What an authenticated request may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Access {
    /// Secrets (`cak`) are shown.
    pub(crate) sensitive: bool,
}

impl Access {
    /// Everything visible (a user with the `sensitive` policy).
    pub(crate) const FULL: Access = Access { sensitive: true };
}

/// Checks a user name the way the REST server needs it: non-empty and without `:` (Basic
/// authentication splits at the first `:`).
pub(crate) fn check_user_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(':') || name.chars().any(char::is_control) {
        return Err(format!(
            "invalid username {name:?}: it must be non-empty and contain neither ':' nor control characters"
        ));
    }
    Ok(())
}

/// The user table of one emulator.
#[derive(Clone, Debug, Default)]
pub(crate) struct Users {
    users: Vec<SimUser>,
}

impl Users {
    /// Adds a user; names are unique.
    pub(crate) fn add(&mut self, user: SimUser) -> Result<(), String> {
        check_user_name(&user.name)?;
        if self.users.iter().any(|u| u.name == user.name) {
            return Err(format!(
                "user {:?} already exists: pick another name",
                user.name
            ));
        }
        self.users.push(user);
        Ok(())
    }

    /// The access of the user with this name and password, or `None` when they do not match.
    pub(crate) fn login(&self, name: &str, password: &str) -> Option<Access> {
        self.users
            .iter()
            .find(|u| u.name == name && u.password == password)
            .map(|u| Access {
                sensitive: u.sensitive,
            })
    }

    /// The access of user `name` when `check` accepts its password, or `None`.
    pub(crate) fn login_with(&self, name: &str, check: impl Fn(&str) -> bool) -> Option<Access> {
        self.users
            .iter()
            .find(|u| u.name == name && check(&u.password))
            .map(|u| Access {
                sensitive: u.sensitive,
            })
    }
}

#[cfg(test)]
mod tests;
