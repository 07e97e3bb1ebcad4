//! Plain facts about a commit, as the git layer reads them and the engine consumes them.

use jiff::Timestamp;

/// `bytes` as text, invalid UTF-8 replaced with U+FFFD. Valid UTF-8 (nearly all of it) is
/// checked by the standard library's fast validator and copied; only the rest goes through the
/// character-by-character lossy decoder.
pub(crate) fn lossy_utf8(bytes: &[u8]) -> String {
    as_text(bytes).into_owned()
}

/// [`lossy_utf8`] without the copy when `bytes` are valid UTF-8.
pub(crate) fn as_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// `bytes` up to the first NUL, as git reads a C string.
pub(crate) fn c_string(bytes: &[u8]) -> &[u8] {
    memchr::memchr(0, bytes).map_or(bytes, |nul| &bytes[..nul])
}

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
        // The local day and second of that day; the calendar date by arithmetic (this runs
        // twice for every commit of a scan, and author and committer days often differ).
        let local = instant.as_second() + i64::from(offset.seconds());
        let (day, second) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day_of_month) = civil_date(day);
        // Bytes, made a string once: pushing characters one by one costs more than the date.
        let mut out = Vec::with_capacity(25);
        if (0..10_000).contains(&year) {
            push_two_digits(&mut out, year / 100);
            push_two_digits(&mut out, year % 100);
        } else {
            out.extend_from_slice(format!("{year:04}").as_bytes());
        }
        out.push(b'-');
        push_two_digits(&mut out, month);
        out.push(b'-');
        push_two_digits(&mut out, day_of_month);
        let m = self.offset_minutes.unsigned_abs();
        let sign = if self.offset_minutes < 0 { b'-' } else { b'+' };
        out.push(b'T');
        push_two_digits(&mut out, second / 3600);
        out.push(b':');
        push_two_digits(&mut out, second / 60 % 60);
        out.push(b':');
        push_two_digits(&mut out, second % 60);
        out.push(sign);
        push_two_digits(&mut out, i64::from(m / 60));
        out.push(b':');
        push_two_digits(&mut out, i64::from(m % 60));
        // Digits, signs and separators only: always UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }
}

/// `n` as two digits; a larger `n` (an offset of 100 hours or more, which git can record) is
/// written whole, as `{:02}` writes it.
fn push_two_digits(out: &mut Vec<u8>, n: i64) {
    if (0..100).contains(&n) {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    } else {
        out.extend_from_slice(format!("{n:02}").as_bytes());
    }
}

/// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`), as jiff computes it.
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March, so the leap day ends the year.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
        let message = c_string(&self.message);
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
        lossy_utf8(&out)
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
            // Times around day boundaries, anywhere up to year 2200, and up to jiff's end of
            // time (and past it, where both read the epoch); offsets up to ±14 h.
            let time = match i % 4 {
                0 => (x % 100_000) as i64 * 86_400 + (x % 3) as i64 - 1,
                1 => (x % 253_402_400_000) as i64,
                _ => (x % 7_258_118_400) as i64,
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
