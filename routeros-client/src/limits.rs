//! How much one reply from the router may carry ([`ReplyLimits`]), so that
//! a broken or hostile router (or anything on the path to it) cannot make
//! the provider read without end: a listing that never ends, a listing of
//! millions of rows, a word claiming gigabytes.
//!
//! The defaults sit far above what a real router sends: a menu of 10,000
//! MACsec interfaces is about 4 MB over REST (some 400 bytes a row), so
//! 64 MiB and 200,000 rows leave more than ten times that, while capping
//! the provider's memory for one reply at a few hundred MiB.

/// The caps on one reply from the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLimits {
    /// Most bytes of one reply: a REST body, or the rows of one API command
    /// (names and values). Also the largest file the provider downloads.
    pub max_bytes: u64,
    /// Most rows of one reply (REST array items, API `!re` sentences).
    pub max_rows: u64,
}

/// [`ReplyLimits::max_bytes`] unless configured: 64 MiB.
pub const DEFAULT_MAX_REPLY_BYTES: u64 = 64 << 20;
/// [`ReplyLimits::max_rows`] unless configured: 200,000.
pub const DEFAULT_MAX_REPLY_ROWS: u64 = 200_000;

impl Default for ReplyLimits {
    fn default() -> Self {
        ReplyLimits {
            max_bytes: DEFAULT_MAX_REPLY_BYTES,
            max_rows: DEFAULT_MAX_REPLY_ROWS,
        }
    }
}

/// Which cap a reply went over, for [`super::Error::TooLarge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// [`ReplyLimits::max_bytes`].
    Bytes(u64),
    /// [`ReplyLimits::max_rows`].
    Rows(u64),
}

impl std::fmt::Display for Cap {
    /// `67108864 bytes (max_reply_bytes, ROUTEROS_MAX_REPLY_BYTES)`: the
    /// cap and the provider argument and environment variable that raise
    /// it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cap::Bytes(n) => write!(
                f,
                "{n} bytes, the cap `max_reply_bytes` (environment: ROUTEROS_MAX_REPLY_BYTES)"
            ),
            Cap::Rows(n) => write!(
                f,
                "{n} rows, the cap `max_reply_rows` (environment: ROUTEROS_MAX_REPLY_ROWS)"
            ),
        }
    }
}
