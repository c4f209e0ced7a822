//! An ordered JSON-like tree for templates, rendered as JSON or as block YAML with
//! CloudFormation's short-form intrinsic function tags (`!Ref`, `!Sub`, ...).

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// A template value: keys keep their insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Str(String),
    Int(i64),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub(crate) fn s(v: impl Into<String>) -> Node {
        Node::Str(v.into())
    }

    pub(crate) fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub(crate) fn reference(name: &str) -> Node {
        Node::map([("Ref", Node::s(name))])
    }

    pub(crate) fn sub(text: &str) -> Node {
        Node::map([("Fn::Sub", Node::s(text))])
    }

    pub(crate) fn get_att(resource: &str, attribute: &str) -> Node {
        Node::map([(
            "Fn::GetAtt",
            Node::List(vec![Node::s(resource), Node::s(attribute)]),
        )])
    }

    pub(crate) fn equals(a: Node, b: Node) -> Node {
        Node::map([("Fn::Equals", Node::List(vec![a, b]))])
    }

    /// Converts a serde_json value, keeping the order in which `serialize` wrote keys
    /// (callers convert values built from ordered structs).
    pub(crate) fn from_json(v: &serde_json::Value) -> Node {
        match v {
            serde_json::Value::String(s) => Node::s(s.clone()),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Node::Int(i),
                None => Node::s(n.to_string()),
            },
            serde_json::Value::Bool(b) => Node::s(b.to_string()),
            serde_json::Value::Null => Node::s(""),
            serde_json::Value::Array(a) => Node::List(a.iter().map(Node::from_json).collect()),
            serde_json::Value::Object(o) => Node::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Rewrites every string with `f`.
    pub(crate) fn map_strings(self, f: &dyn Fn(String) -> Node) -> Node {
        match self {
            Node::Str(s) => f(s),
            Node::Int(i) => Node::Int(i),
            Node::List(v) => Node::List(v.into_iter().map(|n| n.map_strings(f)).collect()),
            Node::Map(m) => Node::Map(m.into_iter().map(|(k, v)| (k, v.map_strings(f))).collect()),
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a template always serializes")
    }

    pub(crate) fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Node::Map(m) if !m.is_empty() => write_map(&mut out, m, 0),
            other => {
                out.push_str(&inline(other).unwrap_or_default());
                out.push('\n');
            }
        }
        out
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Str(s) => serializer.serialize_str(s),
            Node::Int(i) => serializer.serialize_i64(*i),
            Node::List(v) => {
                let mut seq = serializer.serialize_seq(Some(v.len()))?;
                for n in v {
                    seq.serialize_element(n)?;
                }
                seq.end()
            }
            Node::Map(m) => {
                let mut map = serializer.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The short-form tag of a single-key intrinsic function map, e.g. `Fn::Sub` -> `!Sub`.
fn intrinsic(node: &Node) -> Option<(String, &Node)> {
    let Node::Map(m) = node else { return None };
    if m.len() != 1 {
        return None;
    }
    let (k, v) = &m[0];
    if k == "Ref" {
        return Some(("!Ref".into(), v));
    }
    if k == "Fn::GetAtt" {
        return Some(("!GetAtt".into(), v));
    }
    k.strip_prefix("Fn::").map(|name| (format!("!{name}"), v))
}

/// A plain YAML scalar when it cannot be read as anything but this string; otherwise a
/// double-quoted scalar with JSON escapes (valid YAML).
fn scalar(s: &str) -> String {
    const RESERVED: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let plain = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':'))
        && !s.ends_with(':')
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).expect("a string always serializes")
    }
}

/// The one-line form of a node, if it has one (scalars, empty collections, tags on scalars).
fn inline(node: &Node) -> Option<String> {
    if let Some((tag, arg)) = intrinsic(node) {
        return match arg {
            Node::Str(_) | Node::Int(_) => Some(format!("{tag} {}", inline(arg)?)),
            // !GetAtt takes the short `Resource.Attribute` form.
            Node::List(v) if tag == "!GetAtt" && v.len() == 2 => match (&v[0], &v[1]) {
                (Node::Str(r), Node::Str(a)) => Some(format!("{tag} {r}.{a}")),
                _ => None,
            },
            _ => None,
        };
    }
    match node {
        Node::Str(s) => Some(scalar(s)),
        Node::Int(i) => Some(i.to_string()),
        Node::List(v) if v.is_empty() => Some("[]".into()),
        Node::Map(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes the block body of a collection node that has no inline form, at `indent`.
fn write_block(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(m) => write_map(out, m, indent),
        Node::List(v) => write_list(out, v, indent),
        _ => unreachable!("scalars are inline"),
    }
}

/// After a key or a `- `: the value inline, or a tag and/or a newline then its block.
fn write_value(out: &mut String, node: &Node, indent: usize) {
    if let Some(text) = inline(node) {
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    let (tag, body) = match intrinsic(node) {
        Some((tag, arg)) => (Some(tag), arg),
        None => (None, node),
    };
    if let Some(tag) = tag {
        out.push(' ');
        out.push_str(&tag);
    }
    out.push('\n');
    write_block(out, body, indent + 2);
}

fn write_map(out: &mut String, m: &[(String, Node)], indent: usize) {
    for (k, v) in m {
        pad(out, indent);
        out.push_str(&scalar(k));
        out.push(':');
        write_value(out, v, indent);
    }
}

fn write_list(out: &mut String, v: &[Node], indent: usize) {
    for item in v {
        pad(out, indent);
        out.push('-');
        match item {
            // A map item starts on the dash line: "- Key: value".
            Node::Map(m) if intrinsic(item).is_none() && !m.is_empty() => {
                let mut body = String::new();
                write_map(&mut body, m, indent + 2);
                out.push(' ');
                out.push_str(&body[indent + 2..]);
            }
            _ => write_value(out, item, indent),
        }
    }
}
