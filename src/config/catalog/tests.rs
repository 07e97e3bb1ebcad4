use super::*;

fn entries() -> Vec<BuiltinEntry> {
    builtin_entries().unwrap_or_else(|e| panic!("{e}"))
}

/// Every expanded pattern, one per line: `id field #n pattern`.
fn expansion(defs: &[AssistantDef]) -> String {
    let mut out = String::new();
    for d in defs {
        out.push_str(&format!("{} name {}\n", d.id, d.name));
        for (field, list) in d.pattern_fields() {
            for (i, p) in list.iter().enumerate() {
                // Debug form: a prefix's trailing space stays visible.
                let p = if field == "subject_prefixes" {
                    format!("{p:?}")
                } else {
                    p.clone()
                };
                out.push_str(&format!("{} {field} #{} {p}\n", d.id, i + 1));
            }
        }
        for id in &d.github_ids {
            out.push_str(&format!("{} github_ids {id}\n", d.id));
        }
    }
    out
}

/// The patterns the data file expands to, as committed: a change to the data or to the
/// expansion shows as a diff of `expanded.txt` (rewrite it with `TRAILGATE_WRITE_DOCS=1`).
#[test]
fn expansion_matches_the_committed_snapshot() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config/catalog/expanded.txt");
    let defs: Vec<AssistantDef> = entries().into_iter().map(|e| e.def).collect();
    let text = expansion(&defs);
    if std::env::var_os("TRAILGATE_WRITE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "src/config/catalog/expanded.txt differs from the catalog data: check the diff, then run `TRAILGATE_WRITE_DOCS=1 cargo test --lib config::catalog` and commit it"
    );
}

#[test]
fn catalog_doc_matches_the_data() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/catalog.md");
    let page = super::doc::markdown(&entries());
    if std::env::var_os("TRAILGATE_WRITE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == page,
        "docs/catalog.md differs from the built-in catalog: run `TRAILGATE_WRITE_DOCS=1 cargo test catalog_doc` and commit it"
    );
    for e in entries() {
        assert!(
            page.contains(&format!("\n## {}\n", e.def.id)),
            "{}",
            e.def.id
        );
    }
}

#[test]
fn embedded_data_is_valid_and_compiles() {
    let defs = builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(!defs.is_empty());
    // Each pattern on its own, as a policy's would be checked where it is written.
    read_checked(DATA).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = crate::engine::catalog::Catalog::compile(defs) {
        panic!("built-in catalog does not compile: {errors:?}");
    }
}

#[test]
fn every_entry_has_a_source_that_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for e in entries() {
        assert!(!e.sources.is_empty(), "{}", e.def.id);
        for s in &e.sources {
            if !s.starts_with("https://") {
                assert!(
                    root.join(s).is_file(),
                    "{}: source `{s}` is neither an address nor a project file",
                    e.def.id
                );
            }
        }
    }
}

/// A minimal valid entry, with `extra` lines added to its table.
fn one(extra: &str) -> String {
    format!(
        "[[assistant]]\nid = \"bot-x\"\nname = \"Bot X\"\nsources = [\"https://example.com\"]\n{extra}\n"
    )
}

#[test]
fn data_errors_name_the_entry_and_the_field() {
    let cases = [
        (
            one("names = ['(unclosed']"),
            "assistant `bot-x`, `names`: #1: invalid regex",
        ),
        (
            one("identities = ['a[']"),
            "assistant `bot-x`, `identities`: #1: invalid regex",
        ),
        (
            one("models = ['(?P<']"),
            "assistant `bot-x`, `models`: #1: invalid regex",
        ),
        (
            one("emails = ['no-at-sign']"),
            "assistant `bot-x`, `emails`: #1: `no-at-sign` is not an address",
        ),
        (
            one("bots = ['someone']"),
            "assistant `bot-x`, `bots`: `someone` is not a GitHub bot login",
        ),
        (
            one("markers = ['  ']"),
            "assistant `bot-x`, `markers`: #1: empty marker",
        ),
        (
            one("session_trailers = ['Bad Key']"),
            "assistant `bot-x`, `session_trailers`: #1: `Bad Key` is not a trailer key",
        ),
        (
            one("families = ['opus']"),
            "assistant `bot-x`, `families`: families follow `names`",
        ),
        (
            one("github_ids = [0]"),
            "assistant `bot-x`, `github_ids`: 0 is not a GitHub user id",
        ),
        (
            one("").replace("sources = [\"https://example.com\"]\n", ""),
            "assistant `bot-x`, `sources`: no source",
        ),
        (
            one("").replace("https://example.com", "see the docs"),
            "assistant `bot-x`, `sources`: `see the docs` is neither",
        ),
        (
            one("").replace("Bot X", " "),
            "assistant `bot-x`, `name`: empty name",
        ),
        (
            one("").replace("bot-x", "Bot_X"),
            "assistant `#1`, `id`: `Bot_X` is not an id",
        ),
        (
            format!("{}{}", one(""), one("")),
            "assistant `bot-x`, `id`: duplicate id",
        ),
    ];
    for (text, want) in cases {
        match read_checked(&text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => assert!(e.to_string().contains(want), "{e}\nwant: {want}"),
        }
    }
    // The file's own mistakes (an unknown field, a wrong type) say where they are.
    let e = read(&one("nmaes = ['x']")).unwrap_err().to_string();
    assert!(
        e.contains("unknown field `nmaes`") && e.contains("line 5"),
        "{e}"
    );
}

#[test]
fn names_stay_anchored_after_expansion() {
    let defs = read(&one("names = ['bot~x']\nfamilies = ['turbo']")).unwrap();
    let re = regex::Regex::new(&defs[0].def.names[0]).unwrap();
    for yes in [
        "Bot X",
        "bot-x 2",
        "Bot X Turbo",
        "bot_x (model)",
        "Bot X via Y",
    ] {
        assert!(re.is_match(yes), "{yes}");
    }
    for no in ["Bot Xavier", "Bot X Smith", "Mr Bot X"] {
        assert!(!re.is_match(no), "{no}");
    }
}
