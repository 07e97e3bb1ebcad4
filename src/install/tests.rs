//! Tests for installing and removing the shims.

use super::shim::{BINARY_LINE, TEMPLATE};
use super::*;
use std::os::unix::fs::{PermissionsExt, symlink};

fn write_mode(path: &Path, text: &[u8], mode: u32) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every entry of a directory with its bytes (or link target) and mode.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32, bool)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            let link = meta.file_type().is_symlink();
            let bytes = if link {
                fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                fs::read(&p).unwrap()
            };
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, bytes, meta.permissions().mode() & 0o7777, link)
        })
        .collect();
    out.sort();
    out
}

fn kinds(actions: &[Action]) -> Vec<ActionKind> {
    actions.iter().map(|a| a.kind).collect()
}

const BIN: &str = "/opt/trail gate/bin/trailgate";

#[test]
fn shim_is_the_template_with_the_binary_filled_in() {
    assert_eq!(TEMPLATE.matches(BINARY_LINE).count(), 1);
    assert!(is_ours(TEMPLATE.as_bytes()));
    assert!(TEMPLATE.starts_with("#!/bin/sh\n"));
    assert_eq!(shim(None), TEMPLATE);
    let s = shim(Some(Path::new("/a/it's/trailgate")));
    assert!(
        s.contains("\ntrailgate_binary='/a/it'\\''s/trailgate'\n"),
        "{s}"
    );
    assert_eq!(s.matches("trailgate_binary=").count(), 1);
}

#[test]
fn installs_into_a_missing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a/hooks");
    let actions = install(&dir, CLIENT_HOOKS, false, Some(Path::new(BIN))).unwrap();
    assert_eq!(
        kinds(&actions),
        vec![ActionKind::Installed; CLIENT_HOOKS.len()]
    );
    for name in CLIENT_HOOKS {
        let p = dir.join(name);
        assert_eq!(fs::read_to_string(&p).unwrap(), shim(Some(Path::new(BIN))));
        assert_eq!(mode(&p), 0o755);
    }
    // Only the hooks: no temporary files left behind.
    assert_eq!(snapshot(&dir).len(), CLIENT_HOOKS.len());
}

#[test]
fn install_twice_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(&dir.join("commit-msg"), b"#!/bin/sh\nexit 0\n", 0o700);
    install(dir, CLIENT_HOOKS, false, Some(Path::new(BIN))).unwrap();
    let before = snapshot(dir);
    let mtime = fs::metadata(dir.join("pre-push"))
        .unwrap()
        .modified()
        .unwrap();
    let again = install(dir, CLIENT_HOOKS, false, Some(Path::new(BIN))).unwrap();
    assert_eq!(
        kinds(&again),
        vec![ActionKind::Unchanged; CLIENT_HOOKS.len()]
    );
    assert_eq!(snapshot(dir), before);
    let after = fs::metadata(dir.join("pre-push"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(mtime, after);
}

#[test]
fn a_different_shim_of_ours_is_updated() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    install(
        dir,
        &["commit-msg"],
        false,
        Some(Path::new("/old/trailgate")),
    )
    .unwrap();
    let a = install(dir, &["commit-msg"], false, Some(Path::new(BIN))).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::Updated]);
    assert_eq!(
        fs::read_to_string(dir.join("commit-msg")).unwrap(),
        shim(Some(Path::new(BIN)))
    );
    // An older shim version is still ours.
    let old = TEMPLATE.replace("v1", "v0");
    write_mode(&dir.join("commit-msg"), old.as_bytes(), 0o755);
    let a = install(dir, &["commit-msg"], false, Some(Path::new(BIN))).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::Updated]);
    // Same text, lost its executable bit: rewritten with the right mode.
    fs::set_permissions(dir.join("commit-msg"), fs::Permissions::from_mode(0o644)).unwrap();
    let a = install(dir, &["commit-msg"], false, Some(Path::new(BIN))).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::Updated]);
    assert_eq!(mode(&dir.join("commit-msg")), 0o755);
    assert!(!dir.join("commit-msg.local").exists());
}

#[test]
fn foreign_hooks_are_kept_and_restored_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(
        &dir.join("commit-msg"),
        b"#!/bin/sh\necho mine\r\n\xff",
        0o750,
    );
    write_mode(&dir.join("pre-push"), b"#!/usr/bin/env python3\n", 0o644);
    write_mode(&dir.join("post-merge"), b"untouched", 0o700);
    let before = snapshot(dir);

    let actions = install(dir, CLIENT_HOOKS, false, None).unwrap();
    assert_eq!(
        kinds(&actions),
        vec![
            ActionKind::Installed,
            ActionKind::KeptExistingAsLocal,
            ActionKind::Installed,
            ActionKind::KeptExistingAsLocal
        ]
    );
    assert_eq!(
        fs::read(dir.join("commit-msg.local")).unwrap(),
        b"#!/bin/sh\necho mine\r\n\xff"
    );
    assert_eq!(mode(&dir.join("commit-msg.local")), 0o750);
    assert_eq!(mode(&dir.join("pre-push.local")), 0o644);

    let removed = uninstall(dir, ALL_HOOKS).unwrap();
    assert_eq!(
        kinds(&removed),
        vec![
            ActionKind::Restored,
            ActionKind::Removed,
            ActionKind::Removed,
            ActionKind::Restored,
            ActionKind::NotInstalled,
            ActionKind::NotInstalled
        ]
    );
    assert_eq!(snapshot(dir), before);
}

#[test]
fn a_foreign_symlink_is_moved_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hooks");
    fs::create_dir(&dir).unwrap();
    let target = tmp.path().join("shared-hook");
    write_mode(&target, b"#!/bin/sh\n", 0o755);
    symlink(&target, dir.join("pre-push")).unwrap();
    // A dangling one too.
    symlink("../nowhere", dir.join("commit-msg")).unwrap();
    let before = snapshot(&dir);

    install(&dir, &["pre-push", "commit-msg"], false, None).unwrap();
    let moved = dir.join("pre-push.local");
    assert!(
        fs::symlink_metadata(&moved)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&moved).unwrap(), target);
    assert_eq!(fs::read(&target).unwrap(), b"#!/bin/sh\n");
    assert!(is_ours(&fs::read(dir.join("pre-push")).unwrap()));

    uninstall(&dir, &["pre-push", "commit-msg"]).unwrap();
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_symlink_to_a_shim_is_not_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let shim_file = dir.join("elsewhere");
    write_mode(&shim_file, shim(None).as_bytes(), 0o755);
    symlink(&shim_file, dir.join("commit-msg")).unwrap();
    let a = uninstall(dir, &["commit-msg"]).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::NotOurs]);
    assert!(fs::symlink_metadata(dir.join("commit-msg")).is_ok());
}

#[test]
fn foreign_hook_beside_a_local_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(&dir.join("commit-msg"), b"#!/bin/sh\necho new\n", 0o755);
    write_mode(
        &dir.join("commit-msg.local"),
        b"#!/bin/sh\necho old\n",
        0o755,
    );
    let before = snapshot(dir);
    for force in [false, true] {
        // pre-push comes first and would be installable: the refusal must undo nothing.
        let err = install(dir, &["pre-push", "commit-msg"], force, None).unwrap_err();
        assert!(matches!(err, InstallError::BothExist { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("commit-msg.local") && msg.contains("Merge"),
            "{msg}"
        );
        assert_eq!(snapshot(dir), before);
    }
}

#[test]
fn a_hook_kept_by_a_killed_install_is_finished_not_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(&dir.join("pre-push"), b"#!/bin/sh\necho mine\n", 0o750);
    write_mode(&dir.join("commit-msg"), b"#!/bin/sh\necho copy\n", 0o700);
    let before = snapshot(dir);
    // Left as a killed install leaves them: a hard link, and a copy (no-link file systems).
    fs::hard_link(dir.join("pre-push"), dir.join("pre-push.local")).unwrap();
    fs::copy(dir.join("commit-msg"), dir.join("commit-msg.local")).unwrap();
    let a = install(dir, &["pre-push", "commit-msg"], false, None).unwrap();
    assert_eq!(
        kinds(&a),
        vec![
            ActionKind::KeptExistingAsLocal,
            ActionKind::KeptExistingAsLocal
        ]
    );
    assert!(is_ours(&fs::read(dir.join("pre-push")).unwrap()));
    uninstall(dir, &["pre-push", "commit-msg"]).unwrap();
    assert_eq!(snapshot(dir), before);

    // Uninstall after such a kill drops the second name.
    fs::hard_link(dir.join("pre-push"), dir.join("pre-push.local")).unwrap();
    let a = uninstall(dir, &["pre-push"]).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::NotOurs]);
    assert_eq!(snapshot(dir), before);
}

#[test]
fn an_orphan_local_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(&dir.join("pre-push.local"), b"#!/bin/sh\n", 0o755);
    let err = install(dir, &["pre-push"], false, None).unwrap_err();
    assert!(matches!(err, InstallError::OrphanLocal { .. }), "{err}");
    assert!(err.to_string().contains("--force"));
    assert!(!dir.join("pre-push").exists());

    let a = install(dir, &["pre-push"], true, None).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::AdoptedLocal]);
    assert_eq!(
        fs::read(dir.join("pre-push.local")).unwrap(),
        b"#!/bin/sh\n"
    );
    // From then on it is an ordinary install with a kept hook.
    let a = install(dir, &["pre-push"], false, None).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::Unchanged]);
}

#[test]
fn uninstall_leaves_foreign_hooks_and_their_locals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mode(&dir.join("commit-msg"), b"#!/bin/sh\n", 0o755);
    write_mode(&dir.join("commit-msg.local"), b"#!/bin/sh\nold\n", 0o755);
    let before = snapshot(dir);
    let a = uninstall(dir, &["commit-msg"]).unwrap();
    assert_eq!(kinds(&a), vec![ActionKind::NotOurs]);
    assert!(a[0].to_string().contains("did not write"));
    assert_eq!(snapshot(dir), before);
}

#[test]
fn names_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let err = install(dir, &["commit-msg", "pre-comit"], false, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("`pre-comit`") && msg.contains("pre-receive"),
        "{msg}"
    );
    assert!(fs::read_dir(dir).unwrap().next().is_none());
    assert!(matches!(
        uninstall(dir, &["../x"]),
        Err(InstallError::UnknownHook { .. })
    ));
    assert!(matches!(
        install(dir, &[], false, None),
        Err(InstallError::NoHooks)
    ));
    let a = install(dir, &["pre-push", "pre-push"], false, None).unwrap();
    assert_eq!(a.len(), 1);
}

#[test]
fn errors_name_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "x").unwrap();
    let err = install(&file, &["commit-msg"], false, None).unwrap_err();
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}
