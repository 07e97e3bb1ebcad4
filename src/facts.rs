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
        // Years are 1970..=9999 here (git times are unsigned; jiff's range ends at 9999).
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
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
        // Only the first paragraph matters: decode just that much of a long message.
        let start = self
            .message
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(self.message.len());
        let body = &self.message[start..];
        let end = body
            .windows(2)
            .position(|w| w == b"\n\n")
            .map_or(body.len(), |i| i + 1);
        let text = String::from_utf8_lossy(&body[..end]);
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

#[cfg(test)]
mod summary_tests {
    use super::*;

    fn summary_of(message: &str) -> String {
        let s = Signature {
            name: String::new(),
            email: String::new(),
            time: 0,
            offset_minutes: 0,
        };
        CommitFacts {
            id: String::new(),
            parents: vec![],
            author: s.clone(),
            committer: s,
            message: message.into(),
        }
        .summary()
    }

    #[test]
    fn subject_is_the_first_paragraph_joined() {
        assert_eq!(summary_of("a\nb\n\nc"), "a b");
        assert_eq!(summary_of("\n\nTitle  \r\ncont\r\n\r\nbody"), "Title cont");
        assert_eq!(summary_of("x\n   \ny"), "x");
        assert_eq!(summary_of(""), "");
        assert_eq!(summary_of("only"), "only");
    }
}
