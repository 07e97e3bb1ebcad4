//! `trailgate session start|end|status|clear`: the session records of docs/assistants.md. `start`
//! and `end` are made to be assistants' hook commands: they take the hook's JSON from stdin, print
//! nothing on stdout (Claude Code and Codex hand a `SessionStart` hook's stdout to the model), and
//! outside a repository they say so on stderr and succeed, since an assistant may run anywhere and
//! its hook must not fail there.

use super::args::{EndArgs, SessionCommand, StartArgs, StatusArgs, StatusFormat};
use anyhow::{Context, Result};
use jiff::Timestamp;
use std::io::{IsTerminal, Read, Write};
use std::time::Duration;
use trailgate::engine::policy::Sessions;
use trailgate::git;
use trailgate::sessions::{self, Checkout, HookPayload, SessionRecord, SessionStore, State};

/// How long to wait for a hook's stdin to reach its end: a runner that leaves stdin open must
/// not hang the assistant's session.
const STDIN_WAIT: Duration = Duration::from_secs(5);

pub(super) fn session(cmd: SessionCommand) -> Result<u8> {
    match cmd {
        SessionCommand::Start(args) => start(args),
        SessionCommand::End(args) => end(args),
        SessionCommand::Status(args) => status(args),
        SessionCommand::Clear => clear(),
    }
}

fn start(args: StartArgs) -> Result<u8> {
    // A wrong hook command line is an error wherever it runs.
    sessions::validate_assistant(&args.assistant)?;
    if let Some(s) = &args.session {
        sessions::validate_session(s)?;
    }
    let payload = read_payload()?;
    let Some(repo) = find_repo(payload.cwd.as_deref()) else {
        return Ok(0);
    };
    let cwd = payload.cwd.clone().or_else(|| {
        std::env::current_dir()
            .ok()
            .map(|d| d.to_string_lossy().into_owned())
    });
    SessionStore::new(repo.path()).start(
        &args.assistant,
        args.session.as_deref().or(payload.session_id.as_deref()),
        args.model.as_deref().or(payload.model.as_deref()),
        payload.transcript_path.as_deref(),
        cwd.as_deref(),
        Timestamp::now(),
    )?;
    Ok(0)
}

fn end(args: EndArgs) -> Result<u8> {
    if let Some(a) = &args.assistant {
        sessions::validate_assistant(a)?;
    }
    if let Some(s) = &args.session {
        sessions::validate_session(s)?;
    }
    let payload = read_payload()?;
    let Some(repo) = find_repo(payload.cwd.as_deref()) else {
        return Ok(0);
    };
    // Where the worktree is now decides which commit may still declare the session.
    let here = git::checkout(&repo)?;
    let id = args.session.or(payload.session_id);
    let ended = SessionStore::new(repo.path()).end(
        args.assistant.as_deref(),
        id.as_deref(),
        Timestamp::now(),
        &here,
    )?;
    if ended.is_empty() {
        // Not an error (the start may predate trailgate), but worth a word to a person.
        let what = match (&args.assistant, &id) {
            (_, Some(id)) => format!("session `{id}`"),
            (Some(a), None) => format!("session of `{a}`"),
            (None, None) => "session".to_string(),
        };
        eprintln!("trailgate: no open {what} to end");
    }
    Ok(0)
}

/// The hook's JSON, when stdin is not a terminal.
fn read_payload() -> Result<HookPayload> {
    if std::io::stdin().is_terminal() {
        return Ok(HookPayload::default());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    // Read on a thread so a stdin that never ends cannot block us; the process exits without
    // waiting for it.
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = std::io::stdin().read_to_end(&mut bytes).map(|_| bytes);
        let _ = tx.send(result);
    });
    let bytes = match rx.recv_timeout(STDIN_WAIT) {
        Ok(result) => result.context("cannot read the hook's standard input")?,
        Err(_) => {
            eprintln!(
                "trailgate: standard input did not end within {}s; going on without the hook's JSON",
                STDIN_WAIT.as_secs()
            );
            Vec::new()
        }
    };
    Ok(sessions::parse_payload(&bytes)?)
}

/// The worktree's repository, found from the hook's `cwd` when it gave one, else as git does;
/// `None` (after a note on stderr) outside a repository.
fn find_repo(cwd: Option<&str>) -> Option<git::Repo> {
    if let Some(dir) = cwd
        && let Err(e) = std::env::set_current_dir(dir)
    {
        eprintln!("trailgate: cannot enter the hook's directory {dir}: {e}; session not recorded");
        return None;
    }
    match git::open_from_env() {
        Ok(repo) => Some(repo),
        Err(_) => {
            let here = std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| ".".to_string());
            eprintln!("trailgate: {here} is not in a git repository; session not recorded");
            None
        }
    }
}

fn clear() -> Result<u8> {
    let repo = git::open_from_env()?;
    let removed = SessionStore::new(repo.path()).clear()?;
    // stderr, as `start` and `end` keep stdout empty for assistants' hooks.
    eprintln!("trailgate: cleared {removed} session record(s) of this worktree");
    Ok(0)
}

fn status(args: StatusArgs) -> Result<u8> {
    let repo = git::open_from_env()?;
    let here = git::checkout(&repo)?;
    // The policy only says how long open records last; without a readable one, the default,
    // said out loud: the hooks, which stop on such a policy, would not agree with the states.
    let max_age = match trailgate::config::source::load_policy(Some(&repo), None) {
        Ok(p) => p.sessions.max_age,
        Err(e) => {
            let default = Sessions::default().max_age;
            eprintln!(
                "warning: the policy cannot be read, so states assume `max_age = \"{default:#}\"`; the commit hooks will stop until it is fixed ({})",
                trailgate::report::EscapedLines(&e.to_string())
            );
            default
        }
    };
    let now = Timestamp::now();
    let mut records: Vec<SessionRecord> = Vec::new();
    let mut errors = Vec::new();
    for entry in SessionStore::new(repo.path()).list() {
        match entry {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e),
        }
    }
    let rows: Vec<Row> = records
        .into_iter()
        .map(|r| Row {
            state: r.state(now, max_age),
            next: r.counts_for(&here, now, max_age),
            record: r,
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        StatusFormat::Json => {
            let sessions: Vec<serde_json::Value> = rows
                .iter()
                .map(
                    |Row {
                         record: r,
                         state,
                         next,
                     }| {
                        serde_json::json!({
                            "assistant": r.assistant,
                            "session": r.session,
                            "model": r.model,
                            "started": r.started.to_string(),
                            "resumed": r.resumed.map(|t| t.to_string()),
                            "ended": r.ended.map(|t| t.to_string()),
                            "ended_on": r.ended_at.as_ref().map(|at| &at.branch),
                            "ended_head": r.ended_at.as_ref().and_then(|at| at.head.as_ref()),
                            "consumed_by": r.consumed_by,
                            "transcript": r.transcript,
                            "cwd": r.cwd,
                            "state": state.as_str(),
                            "next_commit": next,
                        })
                    },
                )
                .collect();
            let errors: Vec<serde_json::Value> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "file": e.file().map(|f| f.display().to_string()),
                        "error": e.to_string(),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "branch": here.branch,
                "head": here.head,
                "max_age": format!("{max_age:#}"),
                "sessions": sessions,
                "errors": errors,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        StatusFormat::Human => {
            write_table(&mut out, &rows, &here)?;
            for e in &errors {
                eprintln!("error: {e}");
            }
        }
    }
    Ok(if errors.is_empty() { 0 } else { 2 })
}

/// A record with what `status` says about it.
struct Row {
    record: SessionRecord,
    state: State,
    next: bool,
}

/// Seconds are enough for a person; JSON keeps the full time.
fn short_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn write_table(out: &mut dyn Write, rows: &[Row], here: &Checkout) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "no session records in this worktree");
    }
    let header = [
        "STATE",
        "NEXT",
        "ASSISTANT",
        "SESSION",
        "STARTED",
        "ENDED",
        "MODEL",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(
            |Row {
                 record: r,
                 state,
                 next,
             }| {
                [
                    state.as_str().to_string(),
                    if *next { "yes" } else { "no" }.to_string(),
                    r.assistant.clone(),
                    r.session.clone(),
                    short_time(r.started),
                    r.ended.map_or_else(|| "-".to_string(), short_time),
                    r.model.clone().unwrap_or_else(|| "-".to_string()),
                ]
            },
        )
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s
    };
    writeln!(out, "{}", line(&header))?;
    for row in &cells {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    let at = here.head.as_deref().map_or_else(
        || "no commit yet".to_string(),
        |h| h[..h.len().min(12)].to_string(),
    );
    writeln!(
        out,
        "next: declared on the next commit made here ({} at {at}); a pending session only on the branch and commit it ended on",
        here.branch
    )
}
