//! The built-in catalog data: every built-in assistant, with the addresses, bot accounts, names,
//! markers and session trailers each one is publicly known to leave. docs/catalog.md is
//! generated from it.
//!
//! Rules the patterns follow (checked by the tests next to `catalog.rs`):
//! - `names` are anchored: the product name may be followed by a version, a model family,
//!   any word plus a version, or a parenthetical — never by a bare word, which would make
//!   it a person's name (`Claude Dioudonnat`, `Devin J. Pohly`, `Cody Smith`, `Amp Lee`).
//! - `identities` hold only names no person uses (`… (aider)`, `copilot-swe-agent[bot]`,
//!   `Claude Code`); first names such as `Claude`, `Devin` or `Amp` are not identities.
//! - `emails` never cover a domain whose people also commit (`*@aider.chat` would catch
//!   Paul Gauthier himself, `noreply@github.com` every web-flow merge).
//! - GitHub bots are covered by numeric id and by login (`*+login[bot]@…`, and the bare
//!   `login[bot]@…` form some tools write); a `[bot]` login cannot belong to a person.

use super::AssistantDef;

const NOREPLY: &str = "@users.noreply.github.com";

/// Expands `~`, the word separator of the bodies below.
fn sep(body: &str) -> String {
    body.replace('~', r"[\s_-]+")
}

/// What may follow a product name in an anchored `names` pattern.
///
/// Nothing; a version (`Codex 5`, `ChatGPTv5`, `claude-3-opus`); a known model family
/// (`Claude Opus`); any word followed by a version (`Claude Fable 5`, a family not yet
/// known); a parenthetical/bracket (`aider (gpt-4o)`, `claude[bot]`); or a connector and
/// whatever it joins (`Cursor with Claude 3.5 Sonnet`, `Claude Code + Opus`).
fn named(head: &str, families: &[&str]) -> String {
    let mut tail = String::new();
    if !families.is_empty() {
        tail.push_str(&format!(r"[\s_-]+(?:{})\b.*|", families.join("|")));
    }
    tail.push_str(r"(?:[\s_-]+v?|v)\d.*|[\s_-]+\p{L}+[\s_-]+v?\d.*|\s*[(\[].*");
    tail.push_str(r"|\s*[+/&,;].*|\s+(?:with|using|via|and)\s.*");
    format!(r"(?i)^(?:{})(?:{tail})?$", sep(head))
}

/// Case-insensitive, fully anchored identity pattern.
fn ident(body: &str) -> String {
    format!(r"(?i)^(?:{})$", sep(body))
}

/// Model-family pattern: anchored at the start, optionally behind a provider prefix
/// (`openai/`, `vertex_ai/`, `anthropic.`), open at the end (`GPT-5.6 Sol`).
fn model(body: &str) -> String {
    format!(r"(?i)^(?:[\w.-]+[/:.])?(?:{})", sep(body))
}

/// Noreply addresses of a GitHub bot login, numbered and bare.
fn bot(login: &str) -> [String; 2] {
    [format!("*+{login}{NOREPLY}"), format!("{login}{NOREPLY}")]
}

fn strs<const N: usize>(items: [&str; N]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

struct Entry {
    id: &'static str,
    name: &'static str,
    emails: Vec<String>,
    identities: Vec<String>,
    names: Vec<String>,
    markers: Vec<String>,
    session_trailers: Vec<String>,
    models: Vec<String>,
    github_ids: Vec<u64>,
}

impl Entry {
    fn new(id: &'static str, name: &'static str) -> Self {
        Entry {
            id,
            name,
            emails: Vec::new(),
            identities: Vec::new(),
            names: Vec::new(),
            markers: Vec::new(),
            session_trailers: Vec::new(),
            models: Vec::new(),
            github_ids: Vec::new(),
        }
    }
    fn emails<const N: usize>(mut self, e: [&str; N]) -> Self {
        self.emails.extend(strs(e));
        self
    }
    fn bots<const N: usize>(mut self, logins: [&str; N]) -> Self {
        for l in logins {
            self.emails.extend(bot(l));
        }
        self
    }
    fn identities<const N: usize>(mut self, bodies: [&str; N]) -> Self {
        self.identities.extend(bodies.iter().map(|b| ident(b)));
        self
    }
    fn name(mut self, head: &str, families: &[&str]) -> Self {
        self.names.push(named(head, families));
        self
    }
    fn markers<const N: usize>(mut self, m: [&str; N]) -> Self {
        self.markers.extend(strs(m));
        self
    }
    fn sessions<const N: usize>(mut self, keys: [&str; N]) -> Self {
        self.session_trailers.extend(strs(keys));
        self
    }
    fn models<const N: usize>(mut self, bodies: [&str; N]) -> Self {
        self.models.extend(bodies.iter().map(|b| model(b)));
        self
    }
    fn ids<const N: usize>(mut self, ids: [u64; N]) -> Self {
        self.github_ids.extend(ids);
        self
    }
    fn def(self) -> AssistantDef {
        AssistantDef {
            id: self.id.to_string(),
            name: self.name.to_string(),
            builtin: true,
            emails: self.emails,
            identities: self.identities,
            names: self.names,
            markers: self.markers,
            session_trailers: self.session_trailers,
            models: self.models,
            github_ids: self.github_ids,
        }
    }
}

/// Every built-in assistant, in a fixed order (policy-defined ones are put before these).
///
/// In `identities`, `names` and `models` bodies, `~` stands for a word separator
/// (`[\s_-]+`: `Claude Code`, `claude-code`, `claude_code`).
pub(crate) fn builtin() -> Vec<AssistantDef> {
    vec![
        Entry::new("claude-code", "Claude Code")
            .emails(["noreply@anthropic.com"])
            .bots(["claude[bot]", "anthropic-claude[bot]", "claude-code-action[bot]"])
            .ids([209825114, 215619710, 208546643])
            .identities([
                r"(?:claude|anthropic-claude|claude-code-action)\[bot\]",
                r"(?:anthropic~)?claude~code",
            ])
            .name(
                r"(?:anthropic~)?claude(?:~(?:code|ai|agent))?",
                &["opus", "sonnet", "haiku", "instant"],
            )
            .markers(["Generated with [Claude Code]", "Generated with Claude Code"])
            .sessions(["Claude-Session"])
            .models([r"(?:claude[\s_-]*)?(?:\d[\d.]*[\s_-]*)?(?:opus|sonnet|haiku)\b"])
            .def(),
        Entry::new("github-copilot", "GitHub Copilot")
            .emails(["*+Copilot@users.noreply.github.com", "copilot@github.com"])
            .bots(["copilot[bot]", "copilot-swe-agent[bot]"])
            .ids([198982749, 167198135, 175728472, 223556219])
            .identities([
                r"(?:copilot|copilot-swe-agent|copilot-pull-request-reviewer)\[bot\]",
                r"(?:github~)?copilot(?:~(?:agent|swe~agent|coding~agent|autofix|cli|chat))?",
            ])
            .name(
                r"(?:github~)?copilot(?:~(?:agent|swe~agent|coding~agent|autofix|cli|chat|workspace))?",
                &[],
            )
            .sessions(["Agent-Logs-Url"])
            .def(),
        Entry::new("cursor", "Cursor")
            .emails(["cursoragent@cursor.com", "cursoragent@users.noreply.github.com"])
            .bots(["cursor[bot]"])
            .ids([206951365])
            .identities([r"cursor(?:[\s_-]*agent)?(?:\[bot\])?"])
            .name(r"cursor(?:[\s_-]*(?:agent|ai|ide|cli|bugbot|composer))?", &[])
            .models([r"(?:cursor~)?composer[\s_-]*\d"])
            .def(),
        Entry::new("openai-codex", "OpenAI Codex")
            .emails(["noreply@openai.com", "codex@openai.com"])
            .bots(["openai-codex[bot]", "chatgpt-codex-connector[bot]"])
            .ids([215057067, 199175422])
            .identities([
                r"(?:openai-codex|chatgpt-codex-connector)\[bot\]",
                r"(?:openai~)?codex(?:~(?:cli|cloud|agent))?",
            ])
            .name(r"(?:openai~)?codex(?:~(?:cli|cloud|agent|connector))?", &[])
            .name(r"(?:openai~)?chatgpt(?:~codex)?", &[])
            .name(r"openai", &[])
            .models([r"(?:chat)?gpt(?:\b|[\s_-]*v?\d)", r"o[1-9](?:[\s_-]|$)"])
            .def(),
        Entry::new("gemini", "Gemini")
            .bots(["gemini-code-assist[bot]"])
            .ids([176961590])
            .identities([
                r"gemini-code-assist\[bot\]",
                r"(?:google~)?gemini(?:~(?:cli|code~assist|agent))?",
            ])
            .name(
                r"(?:google~)?gemini(?:~(?:cli|code~assist|agent|ai))?",
                &["pro", "flash", "ultra", "nano"],
            )
            .models([r"gemini[\s_-]*(?:\d|pro|flash|ultra|nano)"])
            .def(),
        Entry::new("jules", "Jules")
            .bots(["google-labs-jules[bot]"])
            .ids([161369871])
            .identities([
                r"google-labs-jules\[bot\]",
                r"google~(?:labs~)?jules",
                r"jules~(?:agent|bot)",
            ])
            .name(r"(?:google~(?:labs~)?)?jules(?:~(?:agent|ai|bot))?", &[])
            .def(),
        Entry::new("amazon-q", "Amazon Q Developer")
            .bots(["amazon-q-developer[bot]"])
            .ids([208079219])
            .identities([
                r"amazon-q-developer\[bot\]",
                r"(?:aws~)?amazon~q(?:~developer)?",
            ])
            .name(
                r"(?:aws~)?(?:amazon~q(?:~developer)?|q~developer|(?:amazon~)?codewhisperer)(?:~(?:agent|cli))?",
                &[],
            )
            .def(),
        Entry::new("devin", "Devin")
            .bots(["devin-ai-integration[bot]"])
            .ids([158243242])
            .identities([r"devin-ai-integration\[bot\]", r"devin~ai"])
            .name(r"devin(?:~ai)?", &[])
            .markers(["Generated with [Devin]", "app.devin.ai/sessions/"])
            .def(),
        Entry::new("amp", "Amp")
            .emails(["amp@ampcode.com"])
            // Not bare `Amp`: it is a common nickname.
            .identities([r"amp~(?:code|agent)", r"ampcode"])
            .name(r"(?:sourcegraph~)?amp(?:~(?:code|agent|cli))?", &[])
            .markers(["ampcode.com/threads/T-"])
            .sessions(["Amp-Thread-ID", "Amp-Thread"])
            .def(),
        Entry::new("openhands", "OpenHands")
            .emails(["openhands@all-hands.dev", "openhands@openhands.dev"])
            .identities([r"open[\s_-]?hands(?:~agent)?(?:\[bot\])?"])
            .name(
                r"(?:all~hands~(?:ai~)?)?(?:open[\s_-]?hands|opendevin)(?:~(?:ai|agent))?",
                &[],
            )
            .def(),
        Entry::new("aider", "aider")
            .emails(["aider@aider.chat", "noreply@aider.chat", "noreply@aider.dev"])
            // `Paul Gauthier (aider)`: aider appends its name to the user's.
            .identities([r".*\(aider\)", r"aider(?:\s*\(.*\))?"])
            .name(r"aider", &[])
            .def(),
        Entry::new("kiro", "Kiro")
            .emails([
                "*+kiro-agent@users.noreply.github.com",
                "kiro-agent@users.noreply.github.com",
            ])
            // Not bare `Kiro`: it is also a given name.
            .identities([r"kiro~(?:agent|ai)(?:~assistant)?", r"kiro-agent(?:\[bot\])?"])
            .name(r"(?:(?:amazon|aws)~)?kiro(?:~(?:ai|agent|ide|cli|assistant))*", &[])
            .def(),
        Entry::new("windsurf", "Windsurf")
            .bots(["windsurf-bot[bot]"])
            .identities([
                r"windsurf-bot\[bot\]",
                r"(?:codeium~)?windsurf(?:~(?:cascade|agent|ai))?",
            ])
            .name(
                r"(?:codeium~)?windsurf(?:~(?:cascade|agent|ai|editor|ide))?|codeium(?:~cascade)?",
                &[],
            )
            .models([r"swe[\s_-]*\d"])
            .def(),
        Entry::new("cline", "Cline")
            .bots(["cline[bot]"])
            .ids([205137888])
            .identities([r"cline\[bot\]", r"cline~(?:bot|agent)"])
            .name(r"cline(?:~(?:ai|agent|bot))?", &[])
            .def(),
        Entry::new("continue", "Continue")
            .emails(["noreply@continue.dev"])
            .bots(["continue[bot]"])
            .ids([230936708])
            .identities([r"continue\[bot\]", r"continue~(?:agent|cli)"])
            .name(r"continue(?:[\s._-]+(?:dev|cli|agent|ai))?", &[])
            .markers(["Generated with [Continue]"])
            .def(),
        Entry::new("cody", "Sourcegraph Cody")
            .bots(["sourcegraph-cody[bot]"])
            .ids([201248094])
            .identities([r"sourcegraph-cody\[bot\]", r"sourcegraph~cody"])
            .name(r"(?:sourcegraph~)?cody(?:~ai)?", &[])
            .def(),
        Entry::new("replit", "Replit Agent")
            .identities([r"replit~(?:agent|assistant)", r"replit-agent\[bot\]"])
            .name(r"replit(?:~(?:agent|ai|assistant|ghostwriter))?", &[])
            // Replit's agent signs its commits with this trailer; other values of the
            // same key (`Deployment`, a user) are not the agent.
            .markers(["Replit-Commit-Author: Agent", "Replit-Commit-Author: Assistant"])
            .sessions(["Replit-Commit-Session-Id"])
            .def(),
        Entry::new("jetbrains-ai", "JetBrains AI (Junie)")
            .emails(["junie@jetbrains.com"])
            .bots(["jetbrains-ai[bot]"])
            .ids([220155983])
            .identities([
                r"jetbrains-ai\[bot\]",
                r"jetbrains~(?:ai(?:~assistant)?|junie)",
            ])
            .name(r"(?:jetbrains~)?junie", &[])
            .name(r"jetbrains~ai(?:~assistant)?", &[])
            .def(),
        Entry::new("coderabbit", "CodeRabbit")
            .bots(["coderabbitai[bot]"])
            .ids([136622811])
            .identities([r"code[\s_-]?rabbit(?:[\s_-]?ai)?(?:\[bot\])?"])
            .name(r"code[\s_-]?rabbit(?:[\s_-]?ai)?", &[])
            .def(),
    ]
}
