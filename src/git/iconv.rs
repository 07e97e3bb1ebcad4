//! The system's iconv, called exactly as git calls it to re-encode a commit (`utf8.c`,
//! `reencode_string_iconv`), so every encoding git converts converts the same way here.

#![allow(unsafe_code)]

use std::ffi::CStr;

/// An open conversion.
pub(super) struct Converter(libc::iconv_t);

impl Converter {
    /// A conversion from `from` to `to`; `None` when the system's iconv has none.
    pub(super) fn open(to: &CStr, from: &CStr) -> Option<Converter> {
        // SAFETY: both arguments are NUL-terminated strings that outlive the call.
        let cd = unsafe { libc::iconv_open(to.as_ptr(), from.as_ptr()) };
        // iconv_open reports failure as `(iconv_t) -1`.
        if cd as isize == -1 {
            None
        } else {
            Some(Converter(cd))
        }
    }

    /// All of `input` converted, or `None` where git's conversion fails: any error but a full
    /// output buffer (which only grows it) fails, and no final flush call is made, as in git.
    pub(super) fn convert(&mut self, input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; input.len()];
        let mut in_ptr = input.as_ptr().cast_mut().cast::<libc::c_char>();
        let mut in_left = input.len();
        let mut written = 0;
        loop {
            let rest = out.get_mut(written..)?;
            let mut out_left = rest.len();
            let mut out_ptr = rest.as_mut_ptr().cast::<libc::c_char>();
            // SAFETY: `in_ptr`/`in_left` describe the unread rest of `input` (iconv only reads
            // through it despite the `*mut`), `out_ptr`/`out_left` the unwritten rest of
            // `out`; iconv advances each pointer only within its count.
            let result = unsafe {
                libc::iconv(
                    self.0,
                    &mut in_ptr,
                    &mut in_left,
                    &mut out_ptr,
                    &mut out_left,
                )
            };
            written = out.len() - out_left;
            if result != usize::MAX {
                out.truncate(written);
                return Some(out);
            }
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::E2BIG) {
                return None;
            }
            // git's growth rule: room for twice the unread input, and some.
            let room = in_left.checked_mul(2)?.checked_add(32)?;
            out.resize(written.checked_add(room)?, 0);
        }
    }
}

impl Drop for Converter {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from a successful iconv_open and is closed only here.
        unsafe {
            libc::iconv_close(self.0);
        }
    }
}
