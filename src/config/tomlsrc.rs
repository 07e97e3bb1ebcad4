//! Reading TOML inputs (policy, registry) into raw structs while collecting every unknown key
//! with its line and column, so users fix a file in one go.

use crate::config::diag::{Diagnostic, Diagnostics};
use serde::de::DeserializeOwned;

/// One step of a key path inside a TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_ignored::Path<'_>, out: &mut Vec<Segment>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            segments(parent, out);
            out.push(Segment::Index(*index));
        }
        Path::Map { parent, key } => {
            segments(parent, out);
            out.push(Segment::Key(key.clone()));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent, out),
    }
}

/// Byte offset of the key at `path` in the document, if it can be found.
fn key_offset(doc: &toml_edit::ImDocument<&str>, path: &[Segment]) -> Option<usize> {
    // An element of an array of tables is a bare `Table`, anything else an `Item`.
    enum Node<'d> {
        Item(&'d toml_edit::Item),
        Table(&'d toml_edit::Table),
    }
    let mut node = Node::Table(doc.as_table());
    let mut offset = None;
    for seg in path {
        match seg {
            Segment::Key(k) => {
                let table: &dyn toml_edit::TableLike = match node {
                    Node::Item(item) => item.as_table_like()?,
                    Node::Table(t) => t,
                };
                let (key, value) = table.get_key_value(k)?;
                offset = key.span().map(|s| s.start).or(offset);
                node = Node::Item(value);
            }
            Segment::Index(i) => {
                let Node::Item(item) = node else {
                    return offset;
                };
                if let Some(tables) = item.as_array_of_tables() {
                    let t = tables.get(*i)?;
                    offset = t.span().map(|s| s.start).or(offset);
                    node = Node::Table(t);
                } else {
                    let value = item.as_array()?.get(*i)?;
                    return value.span().map(|s| s.start).or(offset);
                }
            }
        }
    }
    offset
}

/// Byte offset of the key at a dotted path such as `["assistants", "kiro"]`, for messages about
/// map keys (serde gives no span for them); 0 when not found.
pub(crate) fn key_position(text: &str, path: &[&str]) -> usize {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return 0;
    };
    let segs: Vec<Segment> = path.iter().map(|k| Segment::Key(k.to_string())).collect();
    key_offset(&doc, &segs).unwrap_or(0)
}

/// Human form of a key path: `production.pathz`, `exception[2].idd`.
fn display_path(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{}]", i + 1)),
        }
    }
    s
}

/// Deserialize `text` (named `file` in messages) into `T`. A syntax or type error stops there;
/// keys `T` does not know are returned beside the value, so validation can go on and report
/// everything at once.
pub(crate) fn deserialize<T: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<(T, Vec<Diagnostic>), Diagnostics> {
    let mut unknown: Vec<Vec<Segment>> = Vec::new();
    let de = toml::Deserializer::new(text);
    let result: Result<T, toml::de::Error> = serde_ignored::deserialize(de, |path| {
        let mut segs = Vec::new();
        segments(&path, &mut segs);
        // Spans are carried through serde as private wrapper fields; they are not keys.
        segs.retain(|s| !matches!(s, Segment::Key(k) if k.starts_with("$__")));
        unknown.push(segs);
    });
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_string();
            return Err(Diagnostics(vec![
                Diagnostic::at(file, text, offset, message)
                    .help("fix the TOML at this place; see docs/policy.md for the format"),
            ]));
        }
    };
    let doc = if unknown.is_empty() {
        None
    } else {
        toml_edit::ImDocument::parse(text).ok()
    };
    let diags = unknown
        .iter()
        .map(|path| {
            let offset = doc.as_ref().and_then(|d| key_offset(d, path)).unwrap_or(0);
            let name = display_path(path);
            Diagnostic::at(file, text, offset, format!("unknown key `{name}`"))
                .help("remove it or correct its spelling; docs/policy.md lists every key")
        })
        .collect();
    Ok((value, diags))
}

/// The text of a TOML date or date-time, however serde delivered it: a string, a datetime, or
/// (through span wrappers) the datetime's private one-key table.
pub(crate) fn datetime_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::Table(t) if t.len() == 1 => match t.get("$__toml_private_datetime") {
            Some(toml::Value::String(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}
