use super::*;

fn entries() -> Vec<BuiltinEntry> {
    builtin_entries().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn data_file_gives_the_same_defs_as_the_rust_literals() {
    let from_data: Vec<AssistantDef> = entries().into_iter().map(|e| e.def).collect();
    let from_code = crate::engine::catalog::builtin();
    assert_eq!(from_data.len(), from_code.len());
    for (d, c) in from_data.iter().zip(&from_code) {
        assert_eq!(d.id, c.id);
        assert_eq!(d.name, c.name, "{}", c.id);
        assert_eq!(d.builtin, c.builtin, "{}", c.id);
        assert_eq!(d.github_ids, c.github_ids, "{}", c.id);
        for (field, got, want) in [
            ("emails", &d.emails, &c.emails),
            ("identities", &d.identities, &c.identities),
            ("names", &d.names, &c.names),
            ("markers", &d.markers, &c.markers),
            ("session_trailers", &d.session_trailers, &c.session_trailers),
            ("models", &d.models, &c.models),
        ] {
            assert_eq!(got.len(), want.len(), "{} {field}", c.id);
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                assert_eq!(g, w, "{} {field} #{}", c.id, i + 1);
            }
        }
    }
    assert_eq!(from_data, from_code);
}

/// Every expanded pattern, one per line: `id field #n pattern`.
fn expansion(defs: &[AssistantDef]) -> String {
    let mut out = String::new();
    for d in defs {
        out.push_str(&format!("{} name {}\n", d.id, d.name));
        for (field, list) in [
            ("emails", &d.emails),
            ("identities", &d.identities),
            ("names", &d.names),
            ("markers", &d.markers),
            ("session_trailers", &d.session_trailers),
            ("models", &d.models),
        ] {
            for (i, p) in list.iter().enumerate() {
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
