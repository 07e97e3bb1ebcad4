//! Commits read ahead of the walk (by scan threads with nothing else to do) are the commits
//! git reads, and the walk takes them in git's order.

use crate::support::Repo;
use trailgate::git::{self, ObjectKind, Objects, RevSelection};

/// Six branches of 40 commits each whose dates interleave, merged into `main` at the end:
/// the walk has six commits waiting at a time, whose parents can be read before it gets
/// there. Packed as git packs real histories.
fn parallel_branches() -> Repo {
    let repo = Repo::new();
    let mut stream = String::from(
        "commit refs/heads/main\nmark :1\ncommitter A <a@x> 1700000000 +0000\ndata 5\nroot\n\n",
    );
    let mut tips = [1usize; 6];
    let mut mark = 1;
    for i in 0..40 {
        for (b, tip) in tips.iter_mut().enumerate() {
            mark += 1;
            let message = format!("branch {b} commit {i}\n\nSigned-off-by: P{b} <p{b}@x>\n");
            stream.push_str(&format!(
                "commit refs/heads/b{b}\nmark :{mark}\ncommitter A <a@x> {} +0000\ndata {}\n{message}from :{tip}\nM 644 inline b{b}/f{i}\ndata 3\n{i:02}\n\n",
                1_700_000_100 + i * 10 + b,
                message.len(),
            ));
            *tip = mark;
        }
    }
    stream.push_str(
        "commit refs/heads/main\ncommitter A <a@x> 1700009999 +0000\ndata 6\nmerge\nfrom :1\n",
    );
    for tip in tips {
        stream.push_str(&format!("merge :{tip}\n"));
    }
    stream.push_str("\ndone\n");
    repo.fast_import(&stream);
    repo.git(&["repack", "-adf", "--depth=50", "--window=250"]);
    repo
}

#[test]
fn commits_read_ahead_are_the_commits_git_reads_in_its_order() {
    let repo = parallel_branches();
    let order = repo.git(&["log", "--format=%H", "main"]);
    let order: Vec<&str> = order.lines().collect();
    assert_eq!(order.len(), 242);

    let handle = git::open_at(repo.path()).unwrap();
    let selection = RevSelection {
        revs: vec!["main".into()],
        ..RevSelection::default()
    };
    let mut walk = git::walk_revisions(&handle, &selection).unwrap().unwrap();
    let packs = walk.packs();
    let mut idle = Objects::new(packs.clone());
    let mut check = Objects::new(packs.clone());
    let mut walked = Vec::new();
    loop {
        // A thread with all the time in the world reads whatever the walk wants first.
        while packs.read_ahead(&mut idle) {}
        let Some(next) = walk.next() else { break };
        let next = next.unwrap();
        let raw = next.raw().expect("the walk read the commit from the pack");
        let (kind, bytes) = check.packed(next.id()).expect("packed");
        assert_eq!(kind, ObjectKind::Commit);
        assert_eq!(raw, bytes.as_slice(), "bytes of {}", next.id());
        walked.push(next.id().to_string());
    }
    assert_eq!(walked, order, "the walk lists the commits as git log does");
    // Most commits wait behind another branch's newer one: read ahead, not by the walk.
    let taken = packs.taken_ahead();
    assert!(taken > 150, "only {taken} commits were taken read ahead");
    // Every commit asked for was taken or passed by the walk: nothing is left to read.
    assert!(!packs.read_ahead(&mut idle), "nothing left to read ahead");
}
