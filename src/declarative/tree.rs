//! The document tree declarative rules read: maps, lists and scalars, each with the byte span it
//! was written at, and an explicit "unknown" for values that cannot be known before they are
//! applied (unresolved variables, references to other resources, function calls).
//!
//! Every input that declarative rules check is mapped into this tree by an adapter: Terraform
//! blocks (`crate::terraform`), Terraform plan JSON (`crate::parse::json`), and config YAML later.
//! Rules never see the parser crates' types.

use std::fmt;
use std::sync::Arc;

use crate::source::Span;

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where the value is written. A value obtained through a reference (a variable's default,
    /// a local) carries the span of the reference, so every span points into the file being
    /// linted.
    pub span: Span,
    /// How the value was obtained when it is not written at `span`, e.g.
    /// "`var.port` defaults to `5432` (variables.tf:3)".
    pub origin: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(Arc<str>),
    List(Vec<Node>),
    Map(Map),
    /// Not known statically. The hint names what it depends on (`aws_db_instance.main.port`,
    /// `var.engine`), for rules that follow references.
    Unknown(Option<Arc<str>>),
}

/// A map (a Terraform block or object, a JSON object, a YAML mapping).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map {
    pub entries: Vec<Entry>,
    /// Where a finding about an absent key points: a block's header, an object's opening brace.
    pub anchor: Span,
    /// Whether keys not listed may exist (an object with computed keys): then an absent key is
    /// unknown rather than absent.
    pub open: bool,
}

/// One key of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Arc<str>,
    /// The whole entry (`key = value`, a nested block): what a finding about it points at.
    pub span: Span,
    pub node: Node,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node {
            value,
            span,
            origin: None,
        }
    }

    pub fn unknown(span: Span, hint: Option<Arc<str>>) -> Node {
        Node::new(Value::Unknown(hint), span)
    }

    pub fn string(s: &str, span: Span) -> Node {
        Node::new(Value::String(Arc::from(s)), span)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if &**s == "true" => Some(true),
            Value::String(s) if &**s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The scalar as text, the way Terraform converts it to a string (`true`, `5432`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            Value::String(s) => Some(s.to_string()),
            _ => None,
        }
    }

    /// The entry `key` when this is a map.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.get(key)
    }

    /// Whether the value, or any value inside it, is unknown.
    pub fn has_unknown(&self) -> bool {
        match &self.value {
            Value::Unknown(_) => true,
            Value::List(l) => l.iter().any(Node::has_unknown),
            Value::Map(m) => m.open || m.entries.iter().any(|e| e.node.has_unknown()),
            _ => false,
        }
    }

    /// Gives the whole subtree the span (and origin) of a reference to it: a resolved variable
    /// default is reported where the variable is used.
    pub fn relocate(&mut self, span: Span, origin: &Option<Arc<str>>) {
        self.span = span;
        if origin.is_some() {
            self.origin = origin.clone();
        }
        match &mut self.value {
            Value::List(l) => l.iter_mut().for_each(|n| n.relocate(span, origin)),
            Value::Map(m) => {
                m.anchor = span;
                for e in &mut m.entries {
                    e.span = span;
                    e.node.relocate(span, origin);
                }
            }
            _ => {}
        }
    }
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| &*e.key == key)
    }

    /// Adds an entry; a nested block whose key already holds a list of blocks is appended to it.
    pub fn push_block(&mut self, key: &str, key_span: Span, block: Node) {
        if let Some(e) = self.entries.iter_mut().find(|e| &*e.key == key)
            && let Value::List(l) = &mut e.node.value
        {
            l.push(block);
            return;
        }
        let span = block.span;
        self.entries.push(Entry {
            key: Arc::from(key),
            span,
            node: Node::new(Value::List(vec![block]), key_span.cover(span)),
        });
    }
}

/// Numbers the way HCL and JSON print them: no trailing `.0` on integers.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "\"{s}\""),
            Value::List(l) => write!(f, "[…{} items]", l.len()),
            Value::Map(_) => f.write_str("{…}"),
            Value::Unknown(Some(h)) => write!(f, "({h})"),
            Value::Unknown(None) => f.write_str("(unknown)"),
        }
    }
}
