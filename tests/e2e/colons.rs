//! Look-alike colons (SPEC §3): a declaration whose colon is any character UTS #39 lists as
//! confusable with `:` is no trailer to git, yet still evidences its assistant.

use crate::findings::setup;
use crate::support::{codes, record};

/// Every character confusables.txt maps to `:` (the data `unicode-security` 0.1.3 carries).
const COLONS: &[char] = &[
    '\u{02D0}',
    '\u{02F8}',
    '\u{0589}',
    '\u{05C3}',
    '\u{0703}',
    '\u{0704}',
    '\u{0831}',
    '\u{0903}',
    '\u{0A83}',
    '\u{1361}',
    '\u{1393}',
    '\u{16EC}',
    '\u{1803}',
    '\u{1809}',
    '\u{205A}',
    '\u{2236}',
    '\u{A4FD}',
    '\u{A789}',
    '\u{FE13}',
    '\u{FE30}',
    '\u{FE55}',
    '\u{FF1A}',
    '\u{1015B}',
    '\u{10AF5}',
    '\u{11002}',
    '\u{11082}',
    '\u{11182}',
    '\u{1123A}',
    '\u{115BE}',
    '\u{116AC}',
    '\u{11838}',
    '\u{11DD9}',
    '\u{1D108}',
];

#[test]
fn every_look_alike_colon_evidences_the_assistant() {
    let repo = setup();
    let ids: Vec<(char, String)> = COLONS
        .iter()
        .map(|&colon| {
            let message = format!("tweak the guide\n\nAssisted-by{colon} Cursor\n");
            let id = repo.commit(&message, &[("docs/guide.txt", &format!("{colon}\n"))]);
            // git sees no trailer: only the look-alike rule can find it.
            assert_eq!(
                repo.git(&["log", "-1", "--format=%(trailers:only)"]).trim(),
                "",
                "U+{:04X}",
                colon as u32
            );
            (colon, id)
        })
        .collect();
    let (_, records) = repo.scan_jsonl(&[]);
    for (colon, id) in ids {
        let r = record(&records, &id);
        let at = format!("U+{:04X}", colon as u32);
        assert_eq!(codes(r), ["ignored-declaration"], "{at}: {r:#}");
        assert_eq!(r["verdict"], "warn", "{at}");
        assert_eq!(r["findings"][0]["assistant"], "cursor", "{at}");
        assert_eq!(r["assistants"][0]["id"], "cursor", "{at}");
        assert_eq!(
            r["assistants"][0]["evidence"][0]["source"], "marker",
            "{at}"
        );
        assert_eq!(
            r["assistants"][0]["evidence"][0]["text"],
            format!("Assisted-by{colon} Cursor"),
            "{at}"
        );
    }
}
