//! Plain facts about a commit, as the git layer reads them and the engine consumes them.

use jiff::Timestamp;

/// A name, an e-mail and a time, as recorded in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Name (lossy UTF-8).
    pub name: String,
    /// E-mail (lossy UTF-8).
    pub email: String,
    /// Seconds since the epoch.
    pub time: i64,
    /// Offset from UTC in minutes.
    pub offset_minutes: i32,
}

impl Signature {
    /// The instant.
    pub fn timestamp(&self) -> Timestamp {
        Timestamp::from_second(self.time).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339 with the recorded offset, e.g. `2026-11-02T10:00:00+01:00`.
    pub fn rfc3339(&self) -> String {
        let offset = jiff::tz::Offset::from_seconds(self.offset_minutes.saturating_mul(60))
            .unwrap_or(jiff::tz::Offset::UTC);
        let dt = offset.to_datetime(self.timestamp());
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.unsigned_abs();
        format!(
            "{}{}{:02}:{:02}",
            dt.strftime("%Y-%m-%dT%H:%M:%S"),
            sign,
            m / 60,
            m % 60
        )
    }
}

/// One commit, as read from git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitFacts {
    /// Full hex id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Author.
    pub author: Signature,
    /// Committer.
    pub committer: Signature,
    /// Raw message, re-encoded to UTF-8 when the commit declares a Latin-1 encoding.
    pub message: Vec<u8>,
}

impl CommitFacts {
    /// git's subject: the first paragraph, lines joined by spaces.
    pub fn summary(&self) -> String {
        let text = String::from_utf8_lossy(&self.message);
        let mut out = String::new();
        for line in text.trim_start_matches(['\n', '\r']).lines() {
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(line);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_keeps_the_offset() {
        let s = Signature {
            name: "a".into(),
            email: "b".into(),
            time: 1_700_000_000,
            offset_minutes: -330,
        };
        assert_eq!(s.rfc3339(), "2023-11-14T16:43:20-05:30");
        let s = Signature {
            offset_minutes: 60,
            ..s
        };
        assert_eq!(s.rfc3339(), "2023-11-14T23:13:20+01:00");
    }
}
