//! A benchmark, not a test (ignored; `benches/servers.sh` runs it in release): the time a
//! push of 100 commits takes through each server, into a repository with trailgate's hook and
//! into one without, alternating, medians. Printed, not asserted.

use super::{client, gitolite, http, stderr};
use crate::support::Repo;
use std::path::Path;
use std::process::Output;
use std::time::Instant;

const COMMITS: usize = 100;
const ROUNDS: usize = 9;

/// 100 commits on top of the policy, each Cursor's on a production path and citing the
/// exception: the hook reads every commit's paths and judges its exception.
fn commits(client: &Repo) {
    for i in 0..COMMITS {
        client.commit(
            &format!("Change {i}\n\nAssisted-by: Cursor\nAI-Exception: EXC-1\n"),
            &[(&format!("src/m{i}.rs"), "x\n")],
        );
    }
}

/// Median milliseconds of `ROUNDS` pushes of the 100 commits to each of `(label, remote,
/// server repository)`, alternating; the server's `main` is set back to `base` after each.
fn measure(
    client: &Repo,
    base: &str,
    targets: &[(&str, &str, &Path)],
    push: &dyn Fn(&Repo, &[&str]) -> Output,
) -> Vec<(String, f64)> {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); targets.len()];
    for _ in 0..ROUNDS {
        for (i, (_, remote, repo)) in targets.iter().enumerate() {
            let start = Instant::now();
            let o = push(client, &["-q", remote, "main"]);
            times[i].push(start.elapsed().as_secs_f64() * 1000.0);
            assert!(o.status.success(), "{}", stderr(&o));
            let git = Repo::empty();
            git.git(&[
                "-C",
                repo.to_str().unwrap(),
                "update-ref",
                "refs/heads/main",
                base,
            ]);
        }
    }
    targets
        .iter()
        .zip(times)
        .map(|((label, _, _), mut t)| {
            t.sort_by(f64::total_cmp);
            (label.to_string(), t[t.len() / 2])
        })
        .collect()
}

/// The hook was judging all along: a restricted commit without its exception is refused by
/// the judged repository alone.
fn check_judged(client: &Repo, push: &dyn Fn(&Repo, &[&str]) -> Output) {
    client.commit(
        "Unexcused\n\nAssisted-by: Cursor\n",
        &[("src/bad.rs", "b\n")],
    );
    assert!(push(client, &["-q", "plain", "main"]).status.success());
    let o = push(client, &["-q", "judged", "main"]);
    assert!(!o.status.success() && stderr(&o).contains("restricted-assistant"));
}

fn report(server: &str, medians: &[(String, f64)]) {
    let (none, hook) = (medians[0].1, medians[1].1);
    println!(
        "{server}: push of {COMMITS} commits, median of {ROUNDS}: {} {none:.0} ms, {} {hook:.0} ms, trailgate adds {:.0} ms",
        medians[0].0,
        medians[1].0,
        hook - none
    );
}

/// One server's run: `client` has the remotes `plain` (no hook, at `plain`) and `judged`
/// (trailgate's hook, at `judged`) and pushes with `push`; `name_policy` names the policy of
/// `judged` once it has landed.
struct Server<'a> {
    name: &'a str,
    client: Repo,
    plain: std::path::PathBuf,
    judged: std::path::PathBuf,
    push: &'a dyn Fn(&Repo, &[&str]) -> Output,
    name_policy: &'a dyn Fn(),
}

fn run(s: Server<'_>) {
    for remote in ["plain", "judged"] {
        let o = (s.push)(&s.client, &["-q", remote, "main"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    (s.name_policy)();
    let base = s.client.head();
    commits(&s.client);
    let medians = measure(
        &s.client,
        &base,
        &[
            ("without hook", "plain", &s.plain),
            ("with trailgate", "judged", &s.judged),
        ],
        s.push,
    );
    check_judged(&s.client, s.push);
    report(s.name, &medians);
}

#[test]
#[ignore = "a benchmark: benches/servers.sh runs it"]
fn push_of_100_commits_through_each_server() {
    if let Some(h) = http::start() {
        let (plain, judged) = (h.repo("plain"), h.repo("judged"));
        let judged_arg = judged.to_str().unwrap().to_string();
        let (code, out, err) = h.server.run(&["-C", &judged_arg, "install", "--server"]);
        assert_eq!(code, 0, "{out}{err}");
        let client = client();
        client.git(&["remote", "add", "plain", &h.url("alice", "plain")]);
        client.git(&["remote", "add", "judged", &h.url("alice", "judged")]);
        run(Server {
            name: "smart HTTP (lighttpd, git http-backend)",
            client,
            plain,
            judged,
            push: &|c: &Repo, args: &[&str]| super::push(c, args, &[]),
            name_policy: &|| {
                h.server.git(&[
                    "-C",
                    &judged_arg,
                    "config",
                    "trailgate.policy",
                    "refs/heads/main:.trailgate/policy.toml",
                ]);
            },
        });
    }
    if let Some(g) = gitolite::start() {
        g.administer(
            &["alice"],
            "\nrepo plain\n    RW+ = alice\nrepo judged\n    RW+ = alice\n    option hook.pre-receive.trailgate = trailgate\n",
        );
        let client = client();
        client.git(&["remote", "add", "plain", &g.url("plain")]);
        client.git(&["remote", "add", "judged", &g.url("judged")]);
        run(Server {
            name: "gitolite over ssh (sshd, gitolite-shell)",
            client,
            plain: g.home().join("repositories/plain.git"),
            judged: g.home().join("repositories/judged.git"),
            push: &|c: &Repo, args: &[&str]| g.push(c, "alice", args),
            name_policy: &|| g.administer(&[], &gitolite::policy_conf("judged")),
        });
    }
}
