//! What the running `git commit` was asked to do, read from its arguments exactly as git's
//! parse-options reads them (unique prefixes of long options, `--no-` forms, bundled short
//! options, options that take the next argument, `--` ending the options). git tells hooks
//! nothing of `--cleanup` or `--verbose`, so this is the only way to learn them.

/// The options of `git commit` that decide how its message is cleaned and what it amends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CommitArgs {
    /// `--cleanup=MODE`, as given (the last one wins; `--no-cleanup` forgets it).
    pub(crate) cleanup: Option<String>,
    /// `--amend`.
    pub(crate) amend: bool,
    /// `-v`/`--verbose` given (`Some(n)`), or neither (`None`: `commit.verbose` decides).
    pub(crate) verbose: Option<u32>,
    /// Whether git opens an editor, decided as `git commit` decides it.
    pub(crate) use_editor: bool,
    /// `--status` / `--no-status` given (`None`: `commit.status` decides).
    pub(crate) status: Option<bool>,
}

/// How an option takes a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// No value (`--all`, `-a`).
    Nothing,
    /// A value, attached or the next argument (`-m MSG`, `--cleanup=MODE`).
    Value,
    /// A value only when attached (`-Skey`, `--gpg-sign=key`).
    Attached,
}

/// One option of `git commit` (builtin/commit.c): long name, short name, value, negatable.
struct Opt(&'static str, Option<char>, Takes, bool);

const OPTIONS: &[Opt] = &[
    Opt("quiet", Some('q'), Takes::Nothing, true),
    Opt("verbose", Some('v'), Takes::Nothing, true),
    Opt("file", Some('F'), Takes::Value, true),
    Opt("author", None, Takes::Value, true),
    Opt("date", None, Takes::Value, true),
    Opt("message", Some('m'), Takes::Value, true),
    Opt("reedit-message", Some('c'), Takes::Value, true),
    Opt("reuse-message", Some('C'), Takes::Value, true),
    Opt("fixup", None, Takes::Value, true),
    Opt("squash", None, Takes::Value, true),
    Opt("reset-author", None, Takes::Nothing, true),
    Opt("trailer", None, Takes::Value, true),
    Opt("signoff", Some('s'), Takes::Nothing, true),
    Opt("template", Some('t'), Takes::Value, true),
    Opt("edit", Some('e'), Takes::Nothing, true),
    Opt("cleanup", None, Takes::Value, true),
    Opt("status", None, Takes::Nothing, true),
    Opt("gpg-sign", Some('S'), Takes::Attached, true),
    Opt("all", Some('a'), Takes::Nothing, true),
    Opt("include", Some('i'), Takes::Nothing, true),
    Opt("interactive", None, Takes::Nothing, true),
    Opt("patch", Some('p'), Takes::Nothing, true),
    Opt("unified", Some('U'), Takes::Value, false),
    Opt("inter-hunk-context", None, Takes::Value, false),
    Opt("only", Some('o'), Takes::Nothing, true),
    Opt("no-verify", Some('n'), Takes::Nothing, true),
    Opt("dry-run", None, Takes::Nothing, true),
    Opt("short", None, Takes::Nothing, true),
    Opt("branch", None, Takes::Nothing, true),
    Opt("ahead-behind", None, Takes::Nothing, true),
    Opt("porcelain", None, Takes::Nothing, true),
    Opt("long", None, Takes::Nothing, true),
    Opt("null", Some('z'), Takes::Nothing, true),
    Opt("amend", None, Takes::Nothing, true),
    Opt("no-post-rewrite", None, Takes::Nothing, true),
    Opt("untracked-files", Some('u'), Takes::Attached, true),
    Opt("pathspec-from-file", None, Takes::Value, true),
    Opt("pathspec-file-nul", None, Takes::Nothing, true),
    Opt("allow-empty", None, Takes::Nothing, true),
    Opt("allow-empty-message", None, Takes::Nothing, true),
];

/// git's own options that take the next argument when given without `=`.
const GIT_OPTIONS_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--super-prefix",
    "--config-env",
    "--attr-source",
];

/// The state parse-options builds, for the few options that matter here.
#[derive(Default)]
struct Seen {
    cleanup: Option<String>,
    amend: bool,
    verbose: Option<u32>,
    edit: Option<bool>,
    message: bool,
    file: bool,
    reuse: bool,
    fixup: Option<String>,
    status: Option<bool>,
}

/// Read a whole `git [OPTIONS] commit ARGS` command line (as the process was started: `git`
/// or a `git-commit` program first), expanding git aliases (`alias(NAME)` gives `alias.NAME`)
/// as git does. `None` when it is not `git commit` (a shell alias, another command) or not one
/// git would have accepted: then nothing can be concluded from it.
pub(super) fn parse(argv: &[String], alias: &dyn Fn(&str) -> Option<String>) -> Option<CommitArgs> {
    let program = argv.first()?.rsplit('/').next()?;
    let args: Vec<String> = if program == "git-commit" {
        argv.get(1..)?.to_vec()
    } else if program == "git" {
        let mut words = argv.get(1..)?.to_vec();
        // An alias may name another alias; git stops at a loop, so a few rounds suffice.
        let mut rounds = 0;
        loop {
            let mut i = 0;
            loop {
                let arg = words.get(i)?;
                if !arg.starts_with('-') {
                    break;
                }
                i += if GIT_OPTIONS_WITH_VALUE.contains(&arg.as_str()) {
                    2
                } else {
                    1
                };
            }
            let command = words.get(i)?;
            if command == "commit" {
                break words.get(i + 1..)?.to_vec();
            }
            rounds += 1;
            let expansion = alias(command).filter(|_| rounds <= 16)?;
            if expansion.starts_with('!') {
                return None;
            }
            let mut expanded = split_cmdline(&expansion)?;
            expanded.extend(words.get(i + 1..)?.iter().cloned());
            words = expanded;
        }
    } else {
        return None;
    };
    let args = &args[..];
    let seen = parse_commit_options(args)?;

    // builtin/commit.c: `-m`, `-F` and `-C` mean no editor, so does `--fixup=COMMIT`; `-e`
    // and `--no-edit` override all of that.
    let plain_fixup = seen.fixup.as_deref().is_some_and(|f| {
        let letters = f.bytes().take_while(u8::is_ascii_alphabetic).count();
        !(letters > 0 && f.as_bytes().get(letters) == Some(&b':'))
    });
    let use_editor = seen
        .edit
        .unwrap_or(!(seen.message || seen.file || seen.reuse || plain_fixup));
    Some(CommitArgs {
        cleanup: seen.cleanup,
        amend: seen.amend,
        verbose: seen.verbose,
        use_editor,
        status: seen.status,
    })
}

/// git's `split_cmdline` for alias values: words separated by whitespace, single and double
/// quotes, backslash escaping the next character outside single quotes. `None` for an
/// unclosed quote or a trailing backslash, which git refuses.
fn split_cmdline(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line
        .trim_start_matches(|c: char| c.is_ascii_whitespace())
        .chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_ascii_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            q => {
                if c == '\\' && q != Some('\'') {
                    word.push(chars.next()?);
                } else {
                    word.push(c);
                }
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if !word.is_empty() {
        words.push(word);
    }
    Some(words)
}

fn parse_commit_options(args: &[String]) -> Option<Seen> {
    let mut seen = Seen::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg == "--" || arg == "--end-of-options" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let (opt, unset) = find_long(name)?;
            let value = match (opt.2, unset, attached) {
                (_, true, Some(_)) | (Takes::Nothing, _, Some(_)) => return None,
                (_, true, None) | (Takes::Nothing, _, None) | (Takes::Attached, _, None) => None,
                (_, false, Some(v)) => Some(v.to_owned()),
                (Takes::Value, false, None) => {
                    i += 1;
                    Some(args.get(i - 1)?.clone())
                }
            };
            apply(&mut seen, opt, unset, value);
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (at, c) in shorts.char_indices() {
                let opt = OPTIONS.iter().find(|o| o.1 == Some(c))?;
                let rest = &shorts[at + c.len_utf8()..];
                match opt.2 {
                    Takes::Nothing => apply(&mut seen, opt, false, None),
                    Takes::Attached => {
                        apply(&mut seen, opt, false, Some(rest.to_owned()));
                        break;
                    }
                    Takes::Value => {
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i - 1)?.clone()
                        } else {
                            rest.to_owned()
                        };
                        apply(&mut seen, opt, false, Some(value));
                        break;
                    }
                }
            }
        }
        // Anything else is a path: parse-options goes on reading options after it.
    }
    Some(seen)
}

/// The option a long argument names (without `--` and `=value`) and whether it is negated,
/// as parse-options finds it: an exact name first, else the one option it abbreviates.
fn find_long(name: &str) -> Option<(&'static Opt, bool)> {
    let mut candidates: Vec<(&'static Opt, bool)> = Vec::new();
    for opt in OPTIONS {
        let negatable = opt.3;
        // `--no-verify` is an option of its own whose negation is `--verify`.
        let (long, base_unset) = match opt.0.strip_prefix("no-") {
            Some(positive) if negatable && !name.starts_with("no-") => (positive, true),
            _ => (opt.0, false),
        };
        if name == long {
            return Some((opt, base_unset));
        }
        if long.starts_with(name) {
            candidates.push((opt, base_unset));
            continue;
        }
        if !negatable {
            continue;
        }
        if "no-".starts_with(name) {
            candidates.push((opt, !base_unset));
        } else if let Some(negated) = name.strip_prefix("no-") {
            if negated == long {
                return Some((opt, !base_unset));
            }
            if long.starts_with(negated) {
                candidates.push((opt, !base_unset));
            }
        }
    }
    match candidates[..] {
        [one] => Some(one),
        // Ambiguous or unknown: git refuses it, so this is not the command git ran.
        _ => None,
    }
}

fn apply(seen: &mut Seen, opt: &Opt, unset: bool, value: Option<String>) {
    match opt.0 {
        "cleanup" => seen.cleanup = if unset { None } else { value },
        "amend" => seen.amend = !unset,
        "verbose" => {
            seen.verbose = Some(if unset {
                0
            } else {
                seen.verbose.unwrap_or(0).saturating_add(1)
            })
        }
        "edit" => seen.edit = Some(!unset),
        "message" => seen.message = !unset,
        "file" => seen.file = !unset,
        "reuse-message" => seen.reuse = !unset,
        "fixup" => seen.fixup = if unset { None } else { value },
        "status" => seen.status = Some(!unset),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
