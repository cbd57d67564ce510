//! RouterOS version numbers as `/system/resource` reports them.

use std::fmt;

/// A RouterOS version such as `7.18.2 (stable)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major (6, 7).
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch (0 when absent).
    pub patch: u32,
    /// The text as the router sent it.
    pub raw: String,
}

impl Version {
    /// Parses `7.18`, `7.9.2 (stable)`, `6.49.10 (long-term)` or
    /// `7.23beta2 (testing)`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        let word = text.split_whitespace().next()?;
        let mut nums = [0u32; 3];
        let mut count = 0;
        for (i, part) in word.split('.').enumerate() {
            if i >= 3 {
                break;
            }
            let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return None;
            }
            nums[i] = digits.parse().ok()?;
            count += 1;
            if digits.len() != part.len() {
                break;
            }
        }
        if count < 2 {
            return None;
        }
        Some(Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            raw: text.to_string(),
        })
    }

    /// True when this version is at least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            self.raw.split_whitespace().next().unwrap_or(&self.raw)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_router_forms() {
        let v = Version::parse("7.9.2 (stable)").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (7, 9, 2));
        let v = Version::parse("6.49.10 (long-term)").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (6, 49, 10));
        let v = Version::parse("7.23beta2 (testing)").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (7, 23, 0));
        assert_eq!(Version::parse("7.18").unwrap().to_string(), "7.18");
        assert!(Version::parse("seven").is_none());
        assert!(Version::parse("7").is_none());
    }

    #[test]
    fn compares_minor_numerically() {
        let old = Version::parse("7.9.2").unwrap();
        let new = Version::parse("7.18").unwrap();
        assert!(new > old);
        assert!(new.at_least(7, 9));
        assert!(old.at_least(7, 9));
        assert!(!Version::parse("7.8").unwrap().at_least(7, 9));
        assert!(!Version::parse("6.49.10").unwrap().at_least(7, 9));
    }
}
