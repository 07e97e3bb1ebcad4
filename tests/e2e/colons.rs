//! Look-alike colons (docs/recognition.md, "Lines outside the trailer block"): a declaration whose
//! colon is any character UTS #39 lists as confusable with `:` is no trailer to git, yet still
//! evidences its assistant.

use crate::findings::setup;
use crate::support::{codes, record};

/// Every character confusables.txt maps to `:` (a unit test checks the list against the data
/// `unicode-security` carries).
const COLONS: &[char] = trailgate::engine::evidence::LOOK_ALIKE_COLONS;

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
