//! A commit re-encoded to UTF-8 the way `git log` does before it reads anything from it
//! (`pretty.c` `repo_logmsg_reencode`; `utf8.c` `reencode_string_len`, `same_encoding`,
//! `is_encoding_utf8`): the whole object up to its first NUL, headers included, is converted
//! from the encoding its first `encoding` header names, with the system's iconv; where the
//! conversion fails, the raw bytes stand, as in git.

use super::iconv::Converter;
use std::borrow::Cow;
use std::ffi::CString;

/// A commit object as `git log` reads it.
pub(super) struct Reencoded<'a> {
    /// The object's bytes, converted to UTF-8 where git converts them.
    pub(crate) text: Cow<'a, [u8]>,
    /// Where the object's own text ends in `text`: what follows is left over from git's
    /// in-place edit of the C string, read only by headers that run into it.
    pub(crate) end: usize,
    /// The declared encoding, when this system's iconv does not know it: git here shows the
    /// raw bytes too, but a git with another iconv may show other text.
    pub(crate) unknown_encoding: Option<String>,
}

/// `raw` re-encoded to UTF-8 as `git log` re-encodes it.
pub(super) fn to_utf8(raw: &[u8]) -> Reencoded<'_> {
    let unchanged = |unknown_encoding| Reencoded {
        text: Cow::Borrowed(raw),
        end: raw.len(),
        unknown_encoding,
    };
    let Some(encoding) = header_value(raw, b"encoding") else {
        return unchanged(None);
    };
    // From here git handles the object as a C string: it ends at the first NUL.
    let c_string = crate::engine::facts::c_string(raw);
    let utf8 = if same_encoding(encoding, b"UTF-8") {
        c_string.to_vec()
    } else {
        match converter(encoding) {
            Some(mut c) => match c.convert(c_string) {
                Some(out) => out,
                None => return unchanged(None),
            },
            None => return unchanged(Some(String::from_utf8_lossy(encoding).into_owned())),
        }
    };
    let (text, end) = drop_encoding_header(utf8);
    Reencoded {
        text: Cow::Owned(text),
        end,
        unknown_encoding: None,
    }
}

/// `pretty.c` `replace_encoding_header`: the first `encoding` line before an empty line is cut
/// out of the C string in place, so the string's last bytes stay behind its new end, where git
/// reads on when the headers run into that end. Those bytes are kept here after a NUL; the
/// new end is returned with the text.
fn drop_encoding_header(buf: Vec<u8>) -> (Vec<u8>, usize) {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let unchanged = |buf: Vec<u8>| {
        let len = buf.len();
        (buf, len)
    };
    let mut start = 0;
    while !buf[start..end].starts_with(b"encoding ") {
        let Some(nl) = buf[start..end].iter().position(|&b| b == b'\n') else {
            return unchanged(buf);
        };
        start += nl + 1;
        if buf.get(start) == Some(&b'\n') {
            return unchanged(buf);
        }
    }
    let Some(nl) = buf[start..end].iter().position(|&b| b == b'\n') else {
        return unchanged(buf);
    };
    let len = nl + 1;
    let mut out = Vec::with_capacity(buf.len());
    out.extend_from_slice(&buf[..start]);
    out.extend_from_slice(&buf[start + len..end]);
    out.push(0);
    out.extend_from_slice(&buf[end - len + 1..end]);
    out.extend_from_slice(&buf[end..]);
    (out, end - len)
}

/// The value of the first header line `KEY value`, as `commit.c` `find_commit_header` finds
/// it: the headers end at the first empty line or NUL.
fn header_value<'a>(raw: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut line = 0;
    loop {
        let rest = raw.get(line..)?;
        let len = memchr::memchr2(b'\n', 0, rest).unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        if len > key.len() && rest.starts_with(key) && rest[key.len()] == b' ' {
            return rest.get(key.len() + 1..len);
        }
        if rest.get(len) != Some(&b'\n') {
            return None;
        }
        line += len + 1;
    }
}

/// git's `is_encoding_utf8`: whether `name` spells UTF-8 (then `git commit` writes no
/// `encoding` header).
pub(super) fn is_utf8(name: &[u8]) -> bool {
    same_utf_encoding(b"utf-8", name)
}

/// A conversion to UTF-8 from `encoding`, trying git's fallback spellings as git does.
fn converter(encoding: &[u8]) -> Option<Converter> {
    let utf8 = c"UTF-8";
    // git reads UTF-16LE-BOM as UTF-16.
    let from = if same_utf_encoding(b"UTF-16LE-BOM", encoding) {
        b"UTF-16".as_slice()
    } else {
        encoding
    };
    let name = CString::new(from).ok()?;
    Converter::open(utf8, &name).or_else(|| {
        let fallback = CString::new(fallback_encoding(from)).ok()?;
        Converter::open(utf8, &fallback)
    })
}

/// Some systems know only the most official spelling of UTF-8 and of Latin-1.
fn fallback_encoding(name: &[u8]) -> &[u8] {
    if same_utf_encoding(b"utf-8", name) {
        b"UTF-8"
    } else if name.eq_ignore_ascii_case(b"latin-1") {
        b"ISO-8859-1"
    } else {
        name
    }
}

/// git's `same_encoding`: equal ignoring case, or two spellings of one UTF.
fn same_encoding(a: &[u8], b: &[u8]) -> bool {
    same_utf_encoding(a, b) || a.eq_ignore_ascii_case(b)
}

/// `UTF-16BE` and `utf16be` are one encoding: `utf`, an optional `-`, the rest ignoring case.
fn same_utf_encoding(a: &[u8], b: &[u8]) -> bool {
    let rest = |s: &[u8]| -> Option<Vec<u8>> {
        let tail = s.get(3..).filter(|_| s[..3].eq_ignore_ascii_case(b"utf"))?;
        Some(tail.strip_prefix(b"-").unwrap_or(tail).to_vec())
    };
    match (rest(a), rest(b)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(&b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_names_as_git_compares_them() {
        assert!(same_encoding(b"utf8", b"UTF-8"));
        assert!(same_encoding(b"Utf-8", b"UTF-8"));
        assert!(same_encoding(b"latin1", b"LATIN1"));
        assert!(!same_encoding(b"UTF-16", b"UTF-8"));
        assert!(!same_encoding(b"UTF--8", b"UTF-8"));
        assert!(!same_encoding(b"ut", b"UTF-8"));
    }

    #[test]
    fn the_first_encoding_header_before_the_message_counts() {
        let v = |raw: &[u8]| header_value(raw, b"encoding").map(<[u8]>::to_vec);
        assert_eq!(
            v(b"tree x\nencoding A\nencoding B\n\nm"),
            Some(b"A".to_vec())
        );
        assert_eq!(v(b"tree x\n\nencoding A\n"), None);
        assert_eq!(v(b"tree x\0\nencoding A\n"), None);
        assert_eq!(v(b"tree x\nencoding\n"), None);
        assert_eq!(v(b"tree x\nencoding \n"), Some(Vec::new()));
    }

    #[test]
    fn converted_as_git_converts() {
        let text = |raw: &[u8]| to_utf8(raw).text.into_owned();
        // The encoding line is cut out in place: the string's old last bytes stay after a NUL.
        assert_eq!(
            text(b"tree x\nencoding UTF-7\n\n+AEM-o: 1\0+AEM-"),
            b"tree x\n\nCo: 1\0g UTF-7\n\nCo: 1"
        );
        // A conversion that fails leaves the raw bytes.
        assert_eq!(
            text(b"encoding UTF-7\n\n+0000 x"),
            b"encoding UTF-7\n\n+0000 x"
        );
        assert_eq!(
            text(b"t\nencoding latin-1\n\n\xe9"),
            b"t\n\n\xc3\xa9\0ding latin-1\n\n\xc3\xa9"
        );
        assert_eq!(to_utf8(b"t\nencoding latin-1\n\n\xe9").end, 5);
        assert_eq!(
            text(b"t\nencoding utf8\n\n\xe9\0z"),
            b"t\n\n\xe9\0oding utf8\n\n\xe9"
        );
        let unknown = to_utf8(b"encoding X-NONE\n\nx");
        assert_eq!(unknown.unknown_encoding.as_deref(), Some("X-NONE"));
        assert_eq!(&*unknown.text, b"encoding X-NONE\n\nx");
    }
}
