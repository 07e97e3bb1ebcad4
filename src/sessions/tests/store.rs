//! Tests for the session store and the records' life in it.

use crate::sessions::store::read_record;
use crate::sessions::*;
use jiff::{SignedDuration, Timestamp};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

const T1: &str = "2026-11-27T15:04:05Z";
const T2: &str = "2026-11-27T15:10:00Z";
const T3: &str = "2026-11-27T16:00:00Z";

/// `main` at a fixed commit.
fn on_main() -> Checkout {
    Checkout {
        branch: "refs/heads/main".into(),
        head: Some("1".repeat(40)),
    }
}

fn store() -> (tempfile::TempDir, SessionStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(dir.path());
    (dir, store)
}

fn start(store: &SessionStore, assistant: &str, session: &str, at: &str) -> SessionRecord {
    store
        .start(assistant, Some(session), None, None, None, ts(at))
        .expect("start")
}

/// Names of every file in the store's directory.
fn files(store: &SessionStore) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store.dir())
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn start_writes_a_record_file() {
    let (_dir, store) = store();
    let r = store
        .start(
            "claude-code",
            Some("abc"),
            Some("claude-opus-4-7"),
            Some("/t/abc.jsonl"),
            Some("/w"),
            ts(T1),
        )
        .expect("start");
    assert_eq!(r.started, ts(T1));
    assert!(r.is_open());
    let path = store.path_for("claude-code", "abc");
    assert!(path.starts_with(store.dir()));
    let text = std::fs::read_to_string(&path).expect("record file");
    assert_eq!(
        text,
        "assistant = \"claude-code\"\nsession = \"abc\"\nmodel = \"claude-opus-4-7\"\n\
         started = \"2026-11-27T15:04:05Z\"\ntranscript = \"/t/abc.jsonl\"\ncwd = \"/w\"\n"
    );
    assert_eq!(
        store.list().into_iter().map(Result::ok).collect::<Vec<_>>(),
        [Some(r)]
    );
}

#[test]
fn store_lives_under_the_given_git_dir() {
    let store = SessionStore::new(Path::new("repo/.git/worktrees/wt"));
    assert_eq!(
        store.dir(),
        Path::new("repo/.git/worktrees/wt/trailgate/sessions")
    );
}

#[test]
fn resume_keeps_started_reopens_and_updates_model() {
    let (_dir, store) = store();
    store
        .start("claude-code", Some("abc"), Some("m1"), None, None, ts(T1))
        .expect("start");
    store
        .end(Some("claude-code"), Some("abc"), ts(T2), &on_main())
        .expect("end");
    let r = store
        .start("claude-code", Some("abc"), Some("m2"), None, None, ts(T3))
        .expect("resume");
    assert_eq!(r.started, ts(T1), "a resumed session keeps its start");
    assert_eq!(r.ended, None, "and is open again");
    assert_eq!(r.model.as_deref(), Some("m2"));
    // Without a model the recorded one stays.
    let r = store
        .start("claude-code", Some("abc"), None, None, None, ts(T3))
        .expect("resume");
    assert_eq!(r.model.as_deref(), Some("m2"));
    assert_eq!(store.list().len(), 1);
}

#[test]
fn same_session_id_of_two_assistants_are_two_records() {
    let (_dir, store) = store();
    start(&store, "claude-code", "s", T1);
    start(&store, "cursor", "s", T2);
    assert_eq!(store.list().len(), 2);
}

#[test]
fn end_by_session_id() {
    let (_dir, store) = store();
    start(&store, "claude-code", "a", T1);
    start(&store, "claude-code", "b", T2);
    let ended = store
        .end(Some("claude-code"), Some("a"), ts(T3), &on_main())
        .expect("end");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].session, "a");
    assert_eq!(ended[0].ended, Some(ts(T3)));
    let open: Vec<String> = store
        .list()
        .into_iter()
        .filter_map(Result::ok)
        .filter(SessionRecord::is_open)
        .map(|r| r.session)
        .collect();
    assert_eq!(open, ["b"]);
    // A session id without an assistant finds it under any assistant.
    let ended = store.end(None, Some("b"), ts(T3), &on_main()).expect("end");
    assert_eq!(ended.len(), 1);
}

#[test]
fn end_with_only_an_assistant_ends_its_latest_open_session() {
    let (_dir, store) = store();
    start(&store, "kiro", "old", T1);
    start(&store, "kiro", "new", T2);
    start(&store, "claude-code", "newest", T3);
    let ended = store
        .end(Some("kiro"), None, ts(T3), &on_main())
        .expect("end");
    assert_eq!(
        ended.iter().map(|r| &r.session).collect::<Vec<_>>(),
        ["new"]
    );
    let ended = store
        .end(Some("kiro"), None, ts(T3), &on_main())
        .expect("end");
    assert_eq!(
        ended.iter().map(|r| &r.session).collect::<Vec<_>>(),
        ["old"]
    );
    let ended = store
        .end(Some("kiro"), None, ts(T3), &on_main())
        .expect("end");
    assert!(ended.is_empty(), "nothing open is not an error");
}

#[test]
fn end_with_neither_ends_the_latest_open_session() {
    let (_dir, store) = store();
    start(&store, "kiro", "a", T1);
    start(&store, "claude-code", "b", T2);
    let ended = store.end(None, None, ts(T3), &on_main()).expect("end");
    assert_eq!(ended.iter().map(|r| &r.session).collect::<Vec<_>>(), ["b"]);
}

#[test]
fn ending_what_is_not_open_changes_nothing() {
    let (_dir, store) = store();
    assert!(
        store
            .end(None, None, ts(T1), &on_main())
            .expect("end")
            .is_empty()
    );
    assert!(
        store
            .end(Some("claude-code"), Some("never"), ts(T1), &on_main())
            .expect("end")
            .is_empty()
    );
    start(&store, "claude-code", "a", T1);
    store
        .end(Some("claude-code"), Some("a"), ts(T2), &on_main())
        .expect("end");
    let again = store
        .end(Some("claude-code"), Some("a"), ts(T3), &on_main())
        .expect("end");
    assert!(again.is_empty());
    let r = store.list().remove(0).expect("record");
    assert_eq!(r.ended, Some(ts(T2)), "the first end stands");
}

#[test]
fn generated_ids_are_unique_and_sortable() {
    let (_dir, store) = store();
    let mut ids = Vec::new();
    for at in [T1, T1, T1, T2, T3] {
        let r = store
            .start("kiro", None, None, None, None, ts(at))
            .expect("start");
        ids.push(r.session);
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(
        ids[0].starts_with(&format!("tg-20261127T150405Z-{}-", std::process::id())),
        "{}",
        ids[0]
    );
    // Ids of different seconds sort by time.
    assert!(ids[2] < ids[3] && ids[3] < ids[4], "{ids:?}");
    // Many in one second stay distinct.
    let many: std::collections::HashSet<String> = (0..5000).map(|_| generate_id(ts(T1))).collect();
    assert_eq!(many.len(), 5000);
    for id in &ids {
        validate_session(id).expect("a generated id is a valid id");
    }
}

#[test]
fn file_names() {
    let cases = [
        ("claude-code", "abc", "claude-code--abc-"),
        ("kiro", "a/b c:d", "kiro--a_b_c_d-"),
        ("x", "../../etc", "x--.._.._etc-"),
        ("x", "é", "x--_-"),
    ];
    for (assistant, session, prefix) in cases {
        let name = file_name(assistant, session);
        assert!(name.starts_with(prefix), "{session}: {name}");
        assert!(name.ends_with(".toml"));
        let hash = &name[prefix.len()..name.len() - ".toml".len()];
        assert_eq!(hash.len(), 8, "{name}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
    }
    // sha256("abc") starts ba7816bf.
    assert_eq!(file_name("a", "abc"), "a--abc-ba7816bf.toml");
    // Ids that sanitise alike stay apart.
    assert_ne!(file_name("x", "a/b"), file_name("x", "a:b"));
    // Long ids are cut to 64 characters before the hash.
    let long = "s".repeat(200);
    let name = file_name("x", &long);
    assert!(
        name.starts_with(&format!("x--{}-", "s".repeat(64))),
        "{name}"
    );
    assert_eq!(name.len(), "x--".len() + 64 + "-".len() + 8 + ".toml".len());
}

#[test]
fn validation() {
    let (_dir, store) = store();
    for bad in ["", "Claude", "claude_code", "a b", "ü"] {
        let err = store
            .start(bad, Some("s"), None, None, None, ts(T1))
            .expect_err(bad);
        assert!(matches!(err, SessionError::InvalidAssistant(_)), "{bad}");
        assert!(err.to_string().contains("lowercase letters"), "{err}");
    }
    let long = "x".repeat(257);
    for bad in ["", "a\nb", "tab\there", "nul\0", long.as_str()] {
        let err = store
            .start("kiro", Some(bad), None, None, None, ts(T1))
            .expect_err(bad);
        assert!(matches!(err, SessionError::InvalidSession { .. }), "{err}");
    }
    store
        .start("kiro", Some(&"x".repeat(256)), None, None, None, ts(T1))
        .expect("256 bytes is allowed");
    store
        .start(
            "kiro",
            Some("ünïcode id / with spaces"),
            None,
            None,
            None,
            ts(T1),
        )
        .expect("printable unicode is allowed");
    assert!(store.end(Some("Bad"), None, ts(T1), &on_main()).is_err());
    assert!(store.end(None, Some(""), ts(T1), &on_main()).is_err());
}

#[test]
fn writes_replace_atomically_and_leave_no_temp_files() {
    let (_dir, store) = store();
    start(&store, "claude-code", "a", T1);
    store
        .start("claude-code", Some("a"), Some("m"), None, None, ts(T2))
        .expect("resume");
    store.end(None, None, ts(T3), &on_main()).expect("end");
    assert_eq!(files(&store), [file_name("claude-code", "a")]);
}

#[test]
fn concurrent_starts_do_not_corrupt_each_other() {
    let (_dir, store) = store();
    std::thread::scope(|s| {
        for i in 0..16 {
            let store = &store;
            s.spawn(move || {
                let id = format!("s{i}");
                start(store, "claude-code", &id, T1);
                store
                    .end(Some("claude-code"), Some(&id), ts(T2), &on_main())
                    .expect("end");
            });
        }
    });
    let records: Vec<SessionRecord> = store
        .list()
        .into_iter()
        .map(|r| r.expect("valid"))
        .collect();
    assert_eq!(records.len(), 16);
    assert!(records.iter().all(|r| r.ended == Some(ts(T2))));
    assert_eq!(files(&store).len(), 16);
}

#[test]
fn corrupt_files_are_reported_by_name() {
    let (_dir, store) = store();
    start(&store, "claude-code", "good", T1);
    let cases = [
        ("claude-code--garbage-00000000.toml", "not toml ="),
        (
            "claude-code--missing-00000000.toml",
            "assistant = \"claude-code\"\n",
        ),
        (
            "claude-code--badtime-00000000.toml",
            "assistant = \"claude-code\"\nsession = \"x\"\nstarted = \"yesterday\"\n",
        ),
        (
            "claude-code--badid-00000000.toml",
            "assistant = \"Claude\"\nsession = \"x\"\nstarted = \"2026-11-27T15:04:05Z\"\n",
        ),
    ];
    for (name, text) in cases {
        std::fs::write(store.dir().join(name), text).expect("write");
    }
    std::fs::write(
        store.dir().join("claude-code--bin-00000000.toml"),
        b"\xff\xfe",
    )
    .expect("write");
    // Files that are not records are not looked at.
    std::fs::write(store.dir().join(".tmpXYZ"), "half").expect("write");
    let list = store.list();
    assert_eq!(list.len(), 6);
    assert_eq!(list[0].as_ref().expect("good first").session, "good");
    let mut named: Vec<String> = Vec::new();
    for entry in &list[1..] {
        let err = entry.as_ref().expect_err("corrupt");
        assert!(matches!(err, SessionError::Corrupt { .. }), "{err}");
        let file = err.file().expect("names the file");
        assert!(err.to_string().contains(&file.display().to_string()));
        named.push(
            file.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
        );
    }
    assert_eq!(
        named,
        [
            "claude-code--badid-00000000.toml",
            "claude-code--badtime-00000000.toml",
            "claude-code--bin-00000000.toml",
            "claude-code--garbage-00000000.toml",
            "claude-code--missing-00000000.toml",
        ]
    );
    // The good record can still be ended; counting skips the corrupt ones.
    assert_eq!(
        store
            .end(None, None, ts(T2), &on_main())
            .expect("end")
            .len(),
        1
    );
    assert_eq!(store.counting(&on_main(), ts(T3), HOUR).len(), 1);
}

#[test]
fn a_corrupt_record_blocks_its_own_resume_only() {
    let (_dir, store) = store();
    std::fs::create_dir_all(store.dir()).expect("mkdir");
    std::fs::write(store.path_for("kiro", "s"), "junk").expect("write");
    let err = store
        .start("kiro", Some("s"), None, None, None, ts(T1))
        .expect_err("corrupt");
    assert!(err.to_string().contains("corrupt session record"), "{err}");
    start(&store, "kiro", "other", T1);
}

const HOUR: SignedDuration = SignedDuration::from_hours(1);

fn sessions(records: Vec<SessionRecord>) -> Vec<String> {
    let mut ids: Vec<String> = records.into_iter().map(|r| r.session).collect();
    ids.sort();
    ids
}

#[test]
fn what_counts_for_the_next_commit() {
    let (_dir, store) = store();
    start(&store, "kiro", "open", T1);
    start(&store, "kiro", "ended", T1);
    start(&store, "kiro", "stale", "2026-11-27T10:00:00Z");
    store
        .end(None, Some("ended"), ts(T2), &on_main())
        .expect("end");
    let elsewhere = Checkout {
        branch: "refs/heads/older".into(),
        head: Some("2".repeat(40)),
    };
    let main_moved = Checkout {
        head: Some("3".repeat(40)),
        ..on_main()
    };
    let now = ts(T3);
    assert_eq!(
        sessions(store.counting(&on_main(), now, HOUR)),
        ["ended", "open"]
    );
    assert_eq!(sessions(store.counting(&elsewhere, now, HOUR)), ["open"]);
    assert_eq!(sessions(store.counting(&main_moved, now, HOUR)), ["open"]);
    let states: Vec<State> = store
        .list()
        .into_iter()
        .map(|r| r.expect("valid").state(now, HOUR))
        .collect();
    assert_eq!(states, [State::Expired, State::Pending, State::Active]);

    // A commit on another branch consumes nothing; the next commit on main consumes it.
    assert_eq!(store.consume("refs/heads/older", "c1").expect("consume"), 0);
    assert_eq!(store.consume("refs/heads/main", "c2").expect("consume"), 1);
    assert_eq!(sessions(store.counting(&on_main(), now, HOUR)), ["open"]);
    let ended = store.path_for("kiro", "ended");
    let r = read_record(&ended).expect("read").expect("there");
    assert_eq!(r.consumed_by.as_deref(), Some("c2"));
    assert_eq!(r.ended_at, Some(on_main()));

    // Resuming makes it active again, and young: its age counts from the resume.
    start(&store, "kiro", "ended", T3);
    start(&store, "kiro", "stale", T3);
    assert_eq!(
        sessions(store.counting(&elsewhere, now, HOUR)),
        ["ended", "open", "stale"]
    );
}

#[test]
fn clear_removes_every_record_file() {
    let (_dir, store) = store();
    assert_eq!(store.clear().expect("nothing to clear"), 0);
    start(&store, "kiro", "a", T1);
    start(&store, "kiro", "b", T1);
    std::fs::write(store.dir().join("kiro--junk-00000000.toml"), "junk").expect("write");
    std::fs::write(store.dir().join("note.txt"), "kept").expect("write");
    assert_eq!(store.clear().expect("clear"), 3);
    assert_eq!(files(&store), ["note.txt"]);
}

#[test]
fn list_is_sorted_by_start() {
    let (_dir, store) = store();
    start(&store, "kiro", "c", T3);
    start(&store, "kiro", "a", T1);
    start(&store, "claude-code", "b", T2);
    let order: Vec<String> = store
        .list()
        .into_iter()
        .map(|r| r.expect("valid").session)
        .collect();
    assert_eq!(order, ["a", "b", "c"]);
}
