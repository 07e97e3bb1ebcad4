//! Bad input exits 2 with a message naming the file, the line and the fix; nothing panics.

use crate::support::Repo;

const GOOD_POLICY: &str = "version = 1\n[production]\npaths = [\"src/**\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n";
const GOOD_REGISTRY: &str =
    "[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude-code\"]\nexpires = \"2027-01-01\"\n";

/// Run `policy check` and `scan` against the repository's policy; both must exit 2 with
/// every expected fragment on stderr.
fn rejects(repo: &Repo, fragments: &[&str]) {
    for args in [&["policy", "check"][..], &["scan"][..]] {
        let (code, stdout, stderr) = repo.run(args);
        assert_eq!(
            code, 2,
            "{args:?} must exit 2; stdout: {stdout}\nstderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        for f in fragments {
            assert!(
                stderr.contains(f),
                "{args:?}: stderr lacks {f:?}:\n{stderr}"
            );
        }
        assert!(
            stderr.contains("help:"),
            "every problem says what to do:\n{stderr}"
        );
    }
}

fn repo_with(policy: &str, registry: &str) -> Repo {
    let repo = Repo::new();
    repo.commit("init\n", &[("src/a.rs", "x\n")]);
    repo.policy(policy, Some(registry));
    repo
}

#[test]
fn unknown_keys_are_all_reported_with_place() {
    let policy =
        "version = 1\n[production]\npaths = [\"src/**\"]\npathz = [\"x\"]\n[refs]\nprotectd = []\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[
            ".trailgate/policy.toml:4:1: unknown key `production.pathz`",
            ".trailgate/policy.toml:6:1: unknown key `refs.protectd`",
        ],
    );
}

#[test]
fn invalid_glob() {
    let policy = "version = 1\n[production]\npaths = [\"src/**\", \"lib/[a\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(&repo, &[".trailgate/policy.toml:3:20:", "lib/[a"]);
}

#[test]
fn negated_glob() {
    let policy = "version = 1\n[production]\npaths = [\"!src/**\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(&repo, &[".trailgate/policy.toml:3:10:", "!src/**"]);
}

#[test]
fn invalid_regex() {
    let policy =
        "version = 1\n[assistants.inhouse]\nstatus = \"approved\"\nnames = [\"(unclosed\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[".trailgate/policy.toml:4:10: `names`: invalid regex"],
    );
}

/// Patterns that parse but do not compile (an unknown Unicode class, a byte that is not
/// UTF-8) are refused where they are written too, for names and model families alike: the
/// catalog compiles those fields only when a value first needs them.
#[test]
fn regex_that_parses_but_does_not_compile() {
    let policy = "version = 1\n[assistants.inhouse]\nstatus = \"approved\"\nnames = [\"\\\\p{NotAClass}\", \"(?-u)\\\\xFF\"]\nmodels = [\"\\\\p{AlsoNot}\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[
            ".trailgate/policy.toml:4:10: `names`: invalid regex: Unicode property not found",
            ".trailgate/policy.toml:4:28: `names`: invalid regex: pattern can match invalid UTF-8",
            ".trailgate/policy.toml:5:11: `models`: invalid regex: Unicode property not found",
        ],
    );
}

#[test]
fn unknown_status_and_severity() {
    let policy = "version = 1\n[defaults]\nstatus = \"maybe\"\n[severity]\nrestricted-assistant = \"fatal\"\nno-such-code = \"error\"\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[
            ":3:10: unknown status `maybe`",
            ":5:24: unknown severity `fatal`",
            ":6:1: unknown finding code `no-such-code`",
        ],
    );
}

#[test]
fn trailer_keys_unknown_malformed_or_in_both_lists() {
    let policy = "version = 1\n[trailers]\nidentity_keys = [\"Assisted-by\", \"Reviewed-by\", \"X-AI-Tool\"]\nai_keys = [\"X AI\", \"X-AI-Tool\", \"Co-authored-by\"]\n[assistants.inhouse]\nsubject_prefixes = [\" \"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[
            ":3:33: unknown AI key `Reviewed-by` in `identity_keys`",
            ":3:48: `X-AI-Tool` is in both `identity_keys` and `ai_keys`",
            ":4:12: invalid trailer key `X AI` in `ai_keys`",
            ":4:33: `Co-authored-by` in `ai_keys` is an identity key",
            ":6:21: `subject_prefixes`: empty subject prefix",
        ],
    );
}

#[test]
fn duplicate_exception_id() {
    let registry = format!("{GOOD_REGISTRY}\n{GOOD_REGISTRY}");
    let repo = repo_with(GOOD_POLICY, &registry);
    rejects(
        &repo,
        &[
            ".trailgate/exceptions.toml:7:6: duplicate exception id `EXC-1` (first defined on line 1)",
        ],
    );
}

#[test]
fn date_that_is_not_a_date() {
    let registry = "[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude-code\"]\nexpires = \"soon\"\nstarts = \"2026-02-30\"\n";
    let repo = repo_with(GOOD_POLICY, registry);
    rejects(
        &repo,
        &[
            ".trailgate/exceptions.toml:4:11: `expires`: `soon` is not a date",
            ".trailgate/exceptions.toml:5:10: `starts`:",
        ],
    );
}

#[test]
fn time_without_offset() {
    let registry = "[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude-code\"]\nexpires = 2026-12-31T10:00:00\n";
    let repo = repo_with(GOOD_POLICY, registry);
    rejects(&repo, &[".trailgate/exceptions.toml:4:11:", "no offset"]);
}

#[test]
fn registry_that_is_not_toml() {
    let repo = repo_with(GOOD_POLICY, "this is not = = toml\n[[exception\n");
    rejects(&repo, &[".trailgate/exceptions.toml:1:"]);
}

#[test]
fn policy_that_is_not_toml() {
    let repo = repo_with("version = 1\n[production\npaths = []\n", GOOD_REGISTRY);
    rejects(&repo, &[".trailgate/policy.toml:2:"]);
}

#[test]
fn missing_registry() {
    let repo = Repo::new();
    repo.commit("init\n", &[]);
    repo.write(".trailgate/policy.toml", GOOD_POLICY);
    rejects(&repo, &["exceptions.toml", "cannot read the registry"]);
}

#[test]
fn unknown_assistant_in_registry() {
    let registry =
        "[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude\"]\nexpires = \"2027-01-01\"\n";
    let repo = repo_with(GOOD_POLICY, registry);
    rejects(
        &repo,
        &[".trailgate/exceptions.toml:3:15: unknown assistant `claude`"],
    );
}

#[test]
fn missing_revision_exits_2() {
    let repo = Repo::new();
    repo.commit("init\n", &[]);
    for args in [
        &["scan", "no-such-branch"][..],
        &["scan", "HEAD..nope"][..],
        &["check", "deadbeef"][..],
    ] {
        let (code, _, stderr) = repo.run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("unknown revision"), "{stderr}");
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn not_a_repository_exits_2() {
    let repo = Repo::new();
    let outside = tempfile::tempdir().unwrap();
    let out = repo
        .trailgate()
        .current_dir(outside.path())
        .env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap())
        .arg("scan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git repository"));
}

#[test]
fn bad_options_exit_2() {
    let repo = Repo::new();
    repo.commit("init\n", &[]);
    for args in [
        &["scan", "--at", "yesterday-ish"][..],
        &["scan", "--since", "2026-13-01"][..],
        &["scan", "--format", "xml"][..],
    ] {
        let (code, _, stderr) = repo.run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn rev_path_policy_spec_and_missing_path() {
    let repo = Repo::new();
    repo.policy(GOOD_POLICY, Some(GOOD_REGISTRY));
    repo.commit("policy\n", &[]);
    let (code, stdout, stderr) = repo.run(&["policy", "check", "HEAD:.trailgate/policy.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("HEAD:.trailgate/policy.toml"));
    assert!(stdout.contains("HEAD:.trailgate/exceptions.toml"));
    let (code, _, stderr) = repo.run(&["policy", "check", "HEAD:nope/policy.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("HEAD:nope/policy.toml"), "{stderr}");
}

#[test]
fn init_writes_a_policy_that_checks() {
    let repo = Repo::new();
    let (code, _, stderr) = repo.run(&["init"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = repo.run(&["policy", "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("ok"), "{stdout}");
    let (code, _, stderr) = repo.run(&["init"]);
    assert_eq!(code, 2, "init refuses to overwrite");
    assert!(stderr.contains("--force"));
    assert_eq!(repo.run(&["init", "--force"]).0, 0);
}

#[test]
fn policy_and_registry_problems_are_reported_together() {
    let policy = "version = 1\n[production]\npaths = [\"!x\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n";
    let registry =
        "[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude-code\"]\nexpires = \"never\"\n";
    let repo = repo_with(policy, registry);
    rejects(
        &repo,
        &[
            ".trailgate/policy.toml:3:10:",
            ".trailgate/exceptions.toml:4:11:",
        ],
    );
}

#[test]
fn unknown_keys_do_not_hide_other_problems() {
    let policy = "version = 1\n[production]\npathz = [\"x\"]\npaths = [\"!src\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n";
    let registry = "[[exception]]\nid = \"EXC-1\"\nassistantz = [\"claude-code\"]\nassistants = [\"claude-code\"]\nexpires = \"2027-01-01\"\n";
    let repo = repo_with(policy, registry);
    rejects(
        &repo,
        &[
            ".trailgate/policy.toml:3:1: unknown key `production.pathz`",
            ".trailgate/policy.toml:4:10: invalid pattern `!src`",
            ".trailgate/exceptions.toml:3:1: unknown key `exception[1].assistantz`",
        ],
    );
    let (_, _, stderr) = repo.run(&["policy", "check"]);
    let policy_at = stderr.find(".trailgate/policy.toml:3").unwrap();
    let registry_at = stderr.find(".trailgate/exceptions.toml:3").unwrap();
    assert!(
        policy_at < registry_at,
        "policy problems first, in line order:\n{stderr}"
    );
}

#[test]
fn bad_regex_is_reported_once_without_nested_error() {
    let policy = "version = 1\n[assistants.inhouse]\nnames = [\"(unclosed\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    let (code, _, stderr) = repo.run(&["policy", "check"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.matches("invalid regex").count() + stderr.matches("unclosed").count(),
        2,
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn assistant_fields_are_checked_where_written_and_together() {
    let policy = "version = 1\n[defaults]\nstatus = \"nope\"\n[assistants.bot]\nemails = [\"not-an-address\"]\nsession_trailers = [\"Bot Session\"]\n";
    let repo = repo_with(policy, GOOD_REGISTRY);
    rejects(
        &repo,
        &[
            ".trailgate/policy.toml:3:10: unknown status `nope`",
            ".trailgate/policy.toml:5:11: `emails`: `not-an-address` is not an address",
            ".trailgate/policy.toml:6:21: `session_trailers`: `Bot Session` is not a trailer key",
        ],
    );
}
