//! Plain facts about a commit, as the git layer reads them and the engine consumes them.

use jiff::Timestamp;

/// A name, an e-mail and a time, as recorded in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Name (lossy UTF-8).
    pub(crate) name: String,
    /// E-mail (lossy UTF-8).
    pub(crate) email: String,
    /// Seconds since the epoch.
    pub(crate) time: i64,
    /// Offset from UTC in minutes.
    pub(crate) offset_minutes: i32,
}

impl Signature {
    /// The instant.
    pub(crate) fn timestamp(&self) -> Timestamp {
        Timestamp::from_second(self.time).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339 with the recorded offset, e.g. `2026-11-02T10:00:00+01:00`.
    pub(crate) fn rfc3339(&self) -> String {
        let offset = jiff::tz::Offset::from_seconds(self.offset_minutes.saturating_mul(60))
            .unwrap_or(jiff::tz::Offset::UTC);
        let instant = self.timestamp();
        // The local day and second of that day: the calendar date is all that needs jiff, and
        // neighbouring commits mostly share it (remembered per thread).
        let local = instant.as_second() + i64::from(offset.seconds());
        let (day, second) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let mut out = String::with_capacity(25);
        LAST_DATE.with(|last| {
            let mut last = last.borrow_mut();
            if last.0 != Some(day) {
                let d = offset.to_datetime(instant).date();
                // Years are 1970..=9999 here (git times are unsigned; jiff's range ends at 9999).
                *last = (
                    Some(day),
                    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
                );
            }
            out.push_str(&last.1);
        });
        // Written digit by digit: this runs twice for every commit of a scan.
        let m = self.offset_minutes.unsigned_abs();
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        out.push('T');
        push_two_digits(&mut out, second / 3600);
        out.push(':');
        push_two_digits(&mut out, second / 60 % 60);
        out.push(':');
        push_two_digits(&mut out, second % 60);
        out.push(sign);
        push_two_digits(&mut out, i64::from(m / 60));
        out.push(':');
        push_two_digits(&mut out, i64::from(m % 60));
        out
    }
}

/// `n` as two digits; a larger `n` (an offset of 100 hours or more, which git can record) is
/// written whole, as `{:02}` writes it.
fn push_two_digits(out: &mut String, n: i64) {
    if (0..100).contains(&n) {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        out.push_str(&format!("{n:02}"));
    }
}

thread_local! {
    /// The last local day formatted by [`Signature::rfc3339`] on this thread.
    static LAST_DATE: std::cell::RefCell<(Option<i64>, String)> =
        const { std::cell::RefCell::new((None, String::new())) };
}

/// One commit, as read from git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitFacts {
    /// Full hex id.
    pub(crate) id: String,
    /// Parent ids.
    pub(crate) parents: Vec<String>,
    /// Who wrote the change, as the `author` header (the last one, as git reads it) says.
    pub(crate) author: Signature,
    /// Who made the commit object, as its `committer` header says.
    pub(crate) committer: Signature,
    /// The message as `git log` reads it: re-encoded to UTF-8 where git re-encodes it, from
    /// after the headers' blank line; git's view of it ends at the first NUL.
    pub(crate) message: Vec<u8>,
    /// The `encoding` the commit declares, when it could not be converted here
    /// (docs/recognition.md): the message and identities are then its raw bytes.
    pub(crate) undecodable_encoding: Option<String>,
}

impl CommitFacts {
    /// git's subject (`%s`): blank lines skipped, then the first paragraph's lines joined by
    /// spaces, each without its trailing whitespace (git's: space, tab, CR, LF); a NUL ends it.
    pub(crate) fn summary(&self) -> String {
        let message = match memchr::memchr(0, &self.message) {
            Some(nul) => &self.message[..nul],
            None => &self.message[..],
        };
        let lines = message
            .split_inclusive(|&b| b == b'\n')
            .map(|l| {
                let end = l
                    .iter()
                    .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                    .map_or(0, |i| i + 1);
                &l[..end]
            })
            .skip_while(|l| l.is_empty());
        let mut out = Vec::new();
        for line in lines.take_while(|l| !l.is_empty()) {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(line);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn rfc3339_equals_jiffs_formatting_across_days_and_offsets() {
        let mut x: u64 = 0x1234_5678;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Times around day boundaries and anywhere up to year 2200; offsets up to ±14 h.
            let time = if i % 3 == 0 {
                (x % 100_000) as i64 * 86_400 + (x % 3) as i64 - 1
            } else {
                (x % 7_258_118_400) as i64
            };
            let offset_minutes = ((x >> 40) % 1681) as i32 - 840;
            let s = Signature {
                name: String::new(),
                email: String::new(),
                time,
                offset_minutes,
            };
            let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap();
            let dt = offset.to_datetime(s.timestamp());
            let sign = if offset_minutes < 0 { '-' } else { '+' };
            let m = offset_minutes.unsigned_abs();
            let want = format!(
                "{}{sign}{:02}:{:02}",
                dt.strftime("%Y-%m-%dT%H:%M:%S"),
                m / 60,
                m % 60
            );
            assert_eq!(s.rfc3339(), want, "time {time} offset {offset_minutes}");
        }
    }

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
            undecodable_encoding: None,
        }
        .summary()
    }

    #[test]
    fn subject_is_the_first_paragraph_joined() {
        assert_eq!(summary_of("a\nb\n\nc"), "a b");
        assert_eq!(summary_of("\n\nTitle  \r\ncont\r\n\r\nbody"), "Title cont");
        assert_eq!(summary_of("x\n   \ny"), "x");
        assert_eq!(summary_of(" \t\n  Indented  \nnext"), "  Indented next");
        assert_eq!(summary_of("cut\0 here\nmore"), "cut");
        assert_eq!(summary_of(""), "");
        assert_eq!(summary_of("only"), "only");
    }
}
