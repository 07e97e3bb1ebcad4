//! Rule-by-rule tests of the verdict rules (docs/findings.md) over plain data.

use super::*;
use crate::config::common::SourceText;
use crate::config::policy;
use crate::engine::evidence::{Collector, CommitText, Source};
use crate::engine::findings::{Code, Severity, Verdict};

const POLICY: &str = r#"
version = 1
[defaults]
status = "restricted"
[assistants.kiro]
status = "approved"
[assistants.openai-codex]
status = "forbidden"
[production]
paths = ["services/*/src/**", "infra/prod/"]
exclude = ["**/*.md"]
[exceptions]
registry = "exceptions.toml"
"#;

const REGISTRY: &str = r#"
[[exception]]
id = "EXC-1"
assistants = ["claude-code"]
paths = ["services/billing/**"]
expires = "2026-12-31"

[[exception]]
id = "EXC-ANY"
assistants = ["*"]
starts = "2026-06-01"
expires = "2026-12-31T12:00:00Z"

[[exception]]
id = "EXC-REVOKED"
assistants = ["claude-code"]
expires = "2027-12-31"
revoked = true

[[exception]]
id = "EXC-ALICE"
assistants = ["claude-code"]
authors = ["Alice@Corp.example"]
expires = "2027-12-31"
"#;

fn load(policy_text: &str, registry_text: &str) -> Policy {
    let src = SourceText {
        name: "policy.toml".into(),
        text: policy_text.into(),
        repo_path: None,
    };
    let reg = registry_text.to_string();
    policy::load(&src, false, &move |_| {
        Ok(SourceText {
            name: "exceptions.toml".into(),
            text: reg.clone(),
            repo_path: None,
        })
    })
    .unwrap_or_else(|e| panic!("test policy must load: {e}"))
}

struct Case<'a> {
    message: &'a str,
    author_email: &'a str,
    paths: &'a [&'a str],
    at: &'a str,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            message: "title\n",
            author_email: "alice@corp.example",
            paths: &[],
            at: "2026-11-15T00:00:00Z",
        }
    }
}

fn run(policy: &Policy, case: Case<'_>) -> Judgement {
    run_with_evidence(policy, case).1
}

fn run_with_evidence(
    policy: &Policy,
    case: Case<'_>,
) -> (crate::engine::evidence::Evidence, Judgement) {
    let collector = Collector::with_recognition(
        &policy.catalog,
        &policy.exception_trailer,
        &policy.recognition,
    );
    let evidence = collector.collect(&CommitText {
        message: case.message.as_bytes(),
        author: ("Alice", case.author_email),
        committer: ("Alice", case.author_email),
    });
    let all: Vec<Vec<u8>> = case.paths.iter().map(|p| p.as_bytes().to_vec()).collect();
    let production: Vec<Vec<u8>> = all
        .iter()
        .filter(|p| policy.is_production(p))
        .cloned()
        .collect();
    let paths = match path_need(policy, &evidence) {
        PathNeed::None => None,
        PathNeed::Production => Some(ChangedPaths {
            all: None,
            production,
        }),
        PathNeed::All => Some(ChangedPaths {
            all: Some(all),
            production,
        }),
    };
    let judgement = judge(
        policy,
        &evidence,
        &CommitContext {
            author_email: case.author_email,
            at: case.at.parse().unwrap(),
            paths: paths.as_ref(),
            undecodable_encoding: None,
        },
    );
    (evidence, judgement)
}

fn codes(j: &Judgement) -> Vec<Code> {
    j.findings.iter().map(|f| f.code).collect()
}

const CLAUDE: &str = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";

#[test]
fn approved_assistant_needs_no_paths_and_passes() {
    let p = load(POLICY, REGISTRY);
    let j = run(
        &p,
        Case {
            message: "x\n\nAssisted-by: Kiro:claude-sonnet-4\n",
            paths: &["services/a/src/x.rs"],
            ..Case::default()
        },
    );
    assert_eq!(j.production_paths, None);
    assert_eq!(j.verdict, Verdict::Pass);
    assert_eq!(j.assistants[0].id, "kiro");
}

#[test]
fn restricted_outside_production_passes() {
    let p = load(POLICY, REGISTRY);
    let j = run(
        &p,
        Case {
            message: CLAUDE,
            paths: &["docs/x.rs", "services/a/src/README.md"],
            ..Case::default()
        },
    );
    assert_eq!(j.production_paths, Some(vec![]));
    assert_eq!(j.verdict, Verdict::Pass);
}

#[test]
fn restricted_on_production_without_exception_fails() {
    let p = load(POLICY, REGISTRY);
    let j = run(
        &p,
        Case {
            message: CLAUDE,
            paths: &["services/a/src/x.rs", "docs/y"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
    assert_eq!(j.findings[0].paths, ["services/a/src/x.rs"]);
    assert_eq!(j.findings[0].assistant.as_deref(), Some("claude-code"));
    assert!(j.findings[0].message.contains("AI-Exception"));
    assert_eq!(j.verdict, Verdict::Fail);
}

#[test]
fn directory_pattern_covers_everything_below() {
    let p = load(POLICY, REGISTRY);
    let j = run(
        &p,
        Case {
            message: CLAUDE,
            paths: &["infra/prod/a/b/c.tf"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
}

#[test]
fn policy_dir_is_always_production() {
    let p = load(POLICY, REGISTRY);
    let j = run(
        &p,
        Case {
            message: CLAUDE,
            paths: &[".trailgate/policy.toml"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
}

#[test]
fn valid_exception_covers() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), []);
    assert_eq!(
        j.exceptions,
        [ExceptionUse {
            id: "EXC-1".into(),
            state: "valid"
        }]
    );
}

#[test]
fn exception_out_of_scope_path() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs", "services/auth/src/b.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::ExceptionOutOfScope]);
    assert_eq!(j.findings[0].paths, ["services/auth/src/b.rs"]);
}

#[test]
fn two_exceptions_together_cover() {
    let p = load(POLICY, REGISTRY);
    let msg =
        "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1, EXC-ANY\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs", "services/auth/src/b.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), []);
}

#[test]
fn exception_out_of_scope_author() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-ALICE\n";
    let ok = run(
        &p,
        Case {
            message: msg,
            author_email: "ALICE@corp.example",
            paths: &["services/a/src/x"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&ok), []);
    let j = run(
        &p,
        Case {
            message: msg,
            author_email: "bob@corp.example",
            paths: &["services/a/src/x"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::ExceptionOutOfScope]);
    assert_eq!(j.exceptions[0].state, "author-not-allowed");
}

#[test]
fn revoked_wins_over_expired_and_scope() {
    let p = load(POLICY, REGISTRY);
    let msg =
        "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-REVOKED EXC-1\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/auth/src/b.rs"],
            at: "2027-02-01T00:00:00Z",
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RevokedException]);
    assert_eq!(j.findings[0].exception.as_deref(), Some("EXC-REVOKED"));
}

#[test]
fn expired_through_end_of_day() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1\n";
    let paths: &[&str] = &["services/billing/src/a.rs"];
    let last = run(
        &p,
        Case {
            message: msg,
            paths,
            at: "2026-12-31T23:59:59Z",
            ..Case::default()
        },
    );
    assert_eq!(codes(&last), []);
    let after = run(
        &p,
        Case {
            message: msg,
            paths,
            at: "2027-01-01T00:00:00Z",
            ..Case::default()
        },
    );
    assert_eq!(codes(&after), [Code::ExpiredException]);
    assert_eq!(after.exceptions[0].state, "expired");
}

#[test]
fn not_yet_started_is_expired_exception() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-ANY\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/a/src/x"],
            at: "2026-05-31T23:59:59Z",
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::ExpiredException]);
    assert_eq!(j.exceptions[0].state, "pending");
}

#[test]
fn exact_time_expiry_is_inclusive() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-ANY\n";
    let paths: &[&str] = &["services/a/src/x"];
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: msg,
                paths,
                at: "2026-12-31T12:00:00Z",
                ..Case::default()
            }
        )),
        []
    );
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: msg,
                paths,
                at: "2026-12-31T12:00:01Z",
                ..Case::default()
            }
        )),
        [Code::ExpiredException]
    );
}

#[test]
fn exception_for_another_assistant_is_no_candidate() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\nAI-Exception: EXC-1\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
}

#[test]
fn forbidden_needs_all_paths_even_none() {
    let p = load(POLICY, REGISTRY);
    let msg = "x\n\nCo-authored-by: Codex <noreply@openai.com>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &[],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::ForbiddenAssistant]);
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["docs/readme.txt"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::ForbiddenAssistant]);
    assert_eq!(j.findings[0].paths, ["docs/readme.txt"]);
    let with = "x\n\nCo-authored-by: Codex <noreply@openai.com>\nAI-Exception: EXC-ANY\n";
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: with,
                paths: &["docs/readme.txt"],
                ..Case::default()
            }
        )),
        []
    );
}

#[test]
fn unknown_exception_is_reported_whatever_else_holds() {
    let p = load(POLICY, REGISTRY);
    let msg =
        "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1, EXC-NOPE\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::UnknownException]);
    assert_eq!(j.findings[0].exception.as_deref(), Some("EXC-NOPE"));
}

#[test]
fn missing_declaration_only_with_require_declaration() {
    let strict = POLICY.replace(
        "exclude = [\"**/*.md\"]",
        "exclude = [\"**/*.md\"]\nrequire_declaration = true",
    );
    let p = load(&strict, REGISTRY);
    let paths: &[&str] = &["services/a/src/x.rs"];
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: "plain\n",
                paths,
                ..Case::default()
            }
        )),
        [Code::MissingDeclaration]
    );
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: "plain\n",
                paths: &["docs/x"],
                ..Case::default()
            }
        )),
        []
    );
    let none = "plain\n\nAssisted-by: none\n";
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: none,
                paths,
                ..Case::default()
            }
        )),
        []
    );
    // An exception citation alone declares nothing.
    let exc = "plain\n\nAI-Exception: EXC-1\n";
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: exc,
                paths,
                ..Case::default()
            }
        )),
        [Code::MissingDeclaration]
    );
    // A person in an AI key is not a declaration.
    let person = "plain\n\nAssisted-by: Waldek Maleska <weakcamel@example.com>\n";
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: person,
                paths,
                ..Case::default()
            }
        )),
        [Code::MissingDeclaration]
    );
    // A body `none` is silent and does not declare.
    let body_none = "plain\n\nAssisted-by: none\n\nSigned-off-by: A <a@b.c>\n";
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: body_none,
                paths,
                ..Case::default()
            }
        )),
        [Code::MissingDeclaration]
    );
    let p2 = load(POLICY, REGISTRY);
    assert_eq!(
        codes(&run(
            &p2,
            Case {
                message: "plain\n",
                paths,
                ..Case::default()
            }
        )),
        []
    );
}

#[test]
fn body_declaration_restricts_and_is_ignored_declaration() {
    let p = load(POLICY, REGISTRY);
    let msg = "squash\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n\nfollow-up\n\nSigned-off-by: A <a@b.c>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/a/src/x.rs"],
            ..Case::default()
        },
    );
    assert_eq!(
        codes(&j),
        [Code::RestrictedAssistant, Code::IgnoredDeclaration]
    );
    assert_eq!(j.assistants[0].evidence[0].source, Source::Marker);
}

#[test]
fn body_exception_grants_nothing() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nAI-Exception: EXC-1\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs"],
            ..Case::default()
        },
    );
    assert_eq!(
        codes(&j),
        [Code::RestrictedAssistant, Code::IgnoredDeclaration]
    );
    assert_eq!(
        j.exceptions,
        [ExceptionUse {
            id: "EXC-1".into(),
            state: "ignored"
        }]
    );
}

#[test]
fn ai_signoff_is_a_warning() {
    let p = load(POLICY, REGISTRY);
    let msg = "x\n\nSigned-off-by: Claude <noreply@anthropic.com>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::AiSignoff]);
    assert_eq!(j.findings[0].severity, Severity::Warning);
    assert_eq!(j.verdict, Verdict::Warn);
}

#[test]
fn severity_overrides_apply_and_off_drops() {
    let text =
        format!("{POLICY}\n[severity]\nai-signoff = \"error\"\nrestricted-assistant = \"off\"\n");
    let p = load(&text, REGISTRY);
    let msg = "x\n\nSigned-off-by: Claude <noreply@anthropic.com>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/a/src/x.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::AiSignoff]);
    assert_eq!(j.verdict, Verdict::Fail);
}

#[test]
fn unknown_assistant_takes_its_status() {
    let p = load(POLICY, REGISTRY);
    let msg = "x\n\nAssisted-by: generic LLM chatbot\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/a/src/x.rs"],
            ..Case::default()
        },
    );
    assert_eq!(j.assistants[0].id, "unknown");
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
    let approved = POLICY.replace(
        "[assistants.kiro]",
        "[assistants.unknown]\nstatus = \"approved\"\n[assistants.kiro]",
    );
    let p = load(&approved, REGISTRY);
    assert_eq!(
        codes(&run(
            &p,
            Case {
                message: msg,
                paths: &["services/a/src/x.rs"],
                ..Case::default()
            }
        )),
        []
    );
}

#[test]
fn explicit_none_is_overridden_by_evidence() {
    let p = load(POLICY, REGISTRY);
    let msg = "x\n\nAssisted-by: none\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/a/src/x.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RestrictedAssistant]);
}

#[test]
fn revoked_names_only_paths_no_valid_exception_covers() {
    let p = load(POLICY, REGISTRY);
    let msg =
        "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1 EXC-REVOKED\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/billing/src/a.rs", "services/auth/src/b.rs"],
            ..Case::default()
        },
    );
    assert_eq!(codes(&j), [Code::RevokedException]);
    assert_eq!(j.findings[0].paths, ["services/auth/src/b.rs"]);
}

#[test]
fn out_of_scope_message_agrees_in_number() {
    let p = load(POLICY, REGISTRY);
    let msg = "fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nAI-Exception: EXC-1\n";
    let j = run(
        &p,
        Case {
            message: msg,
            paths: &["services/auth/src/b.rs"],
            ..Case::default()
        },
    );
    assert!(
        j.findings[0]
            .message
            .starts_with("exception EXC-1 cited for claude-code does not cover"),
        "{}",
        j.findings[0].message
    );
}

/// The report's JSON lines are written by hand for speed: they must be `serde_json`'s bytes
/// for every shape of record (assistants, exceptions in every state, findings, paths, odd text).
#[test]
fn records_render_as_serde_json_writes_them() {
    use crate::engine::facts::{CommitFacts, Signature};
    use crate::engine::record::CommitRecord;
    use crate::report::{Format, render};
    let policy = load(POLICY, REGISTRY);
    let messages = [
        "title\n",
        "fix\n\nAssisted-by: Claude Code\nAI-Exception: EXC-1\n",
        "fix\n\nAssisted-by: Claude Code\nAI-Exception: EXC-REVOKED\nAI-Exception: EXC-NONE\n",
        "fix\n\nCo-authored-by: Codex <codex@openai.com>\n",
        "\"quoted\" \\ tab\there \u{1} \u{1f} \u{7f} é ☃\n\nAssisted-by: Kiro\nSigned-off-by: A <a@x>\n",
        "fix\n\nAssisted-by: Claude Code, Cursor\nAI-Exception: EXC-ANY\n",
    ];
    let path_sets: [&[&str]; 3] = [
        &[],
        &["services/billing/src/lib.rs", "docs/readme.md"],
        &[
            "services/auth/src/a\"b.rs",
            "infra/prod/main.tf",
            "services/x/src/\u{1b}.rs",
        ],
    ];
    let mut checked = 0;
    for message in messages {
        for paths in path_sets {
            for at in ["2026-11-15T00:00:00Z", "2028-01-01T00:00:00Z"] {
                let case = Case {
                    message,
                    paths,
                    at,
                    ..Case::default()
                };
                let (evidence, judgement) = run_with_evidence(&policy, case);
                let signature = |name: &str, email: &str| Signature {
                    name: name.into(),
                    email: email.into(),
                    time: 1_793_527_200,
                    offset_minutes: -330,
                };
                let facts = CommitFacts {
                    id: "0123456789abcdef0123456789abcdef01234567".into(),
                    parents: vec!["1".repeat(40), "2".repeat(40)],
                    author: signature("Ævar \"Q\" <x>", "alice@corp.example"),
                    committer: signature("C\u{8}\u{c}", "c\\d@e"),
                    message: message.as_bytes().to_vec(),
                    undecodable_encoding: None,
                };
                let record = CommitRecord::new(facts, evidence, judgement);
                let mut want = serde_json::to_vec(&record).unwrap();
                assert_eq!(
                    render(Format::Json, &record, None),
                    if record.is_notable() {
                        want.clone()
                    } else {
                        Vec::new()
                    }
                );
                want.push(b'\n');
                assert_eq!(
                    String::from_utf8_lossy(&render(Format::Jsonl, &record, None)),
                    String::from_utf8_lossy(&want)
                );
                checked +=
                    usize::from(!record.findings.is_empty() && !record.exceptions.is_empty());
            }
        }
    }
    assert!(
        checked > 4,
        "records with findings and exceptions: {checked}"
    );
}
