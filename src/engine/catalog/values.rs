//! Reading a trailer value's shape: an address, the kernel form's AGENT, the TOOL of `MODEL
//! via TOOL`, an explicit `none`, a GitHub noreply id, and spellings of an id or name.

/// `text` folded for comparing spellings of an id or name: lowercase, without spaces, `-`
/// and `_`.
pub(super) fn spelling(text: &str) -> String {
    text.chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The TOOL of `MODEL via TOOL` or `MODEL using TOOL`: the text after the last ` via ` or
/// ` using ` (any case, between spaces), when both sides are non-empty.
pub(super) fn via_tool(value: &str) -> Option<&str> {
    let lower = value.to_ascii_lowercase();
    let at = [" via ", " using "]
        .iter()
        .filter_map(|w| lower.rfind(w).map(|at| at + w.len()))
        .max()?;
    let (model, tool) = (value[..at].trim(), value[at..].trim());
    let model_words = model.rsplit_once(' ').map_or("", |(m, _)| m.trim());
    (!model_words.is_empty() && !tool.is_empty()).then_some(tool)
}

/// `none`, `human`, `no`, `n/a` in any case.
pub(super) fn is_none_value(v: &str) -> bool {
    ["none", "human", "no", "n/a"]
        .iter()
        .any(|w| v.eq_ignore_ascii_case(w))
}

/// `Name <email>` → (name, email), both trimmed; text after `>` is ignored.
pub(super) fn split_address(v: &str) -> Option<(&str, &str)> {
    let lt = v.find('<')?;
    let gt = lt + v[lt..].find('>')?;
    Some((v[..lt].trim(), v[lt + 1..gt].trim()))
}

/// The AGENT of `AGENT:MODEL [TOOL...]`: the text before the first `:`, unless that `:`
/// starts `//` (a URL).
pub(super) fn kernel_agent(v: &str) -> Option<&str> {
    let colon = v.find(':')?;
    if v[colon + 1..].starts_with("//") {
        return None;
    }
    Some(v[..colon].trim())
}

/// The numeric id of `ID+LOGIN@users.noreply.github.com`.
pub(super) fn github_user_id(email: &str) -> Option<u64> {
    let (local, domain) = email.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case("users.noreply.github.com") {
        return None;
    }
    let (id, login) = local.split_once('+')?;
    if login.is_empty() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}
