//! Evaluates a condition on a document tree, in three-valued logic: true, false, or unknown. A
//! rule fires only on a definite answer; each answer carries the values that justify it
//! (witnesses), which become the finding's position and labels.

use std::sync::Arc;

use super::tree::{Node, Value};
use super::{Cond, Leaf, Op, Scalar};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A value that decided a condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness {
    pub span: Span,
    /// The condition's path (relative to the checked object).
    pub path: String,
    pub state: WitnessState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WitnessState {
    /// Set to this value (scalar text, when it is a scalar).
    Value {
        text: Option<String>,
        origin: Option<Arc<str>>,
    },
    /// Not set (or null, from `origin`); the provider default applies.
    Default(Arc<str>, Option<Arc<str>>),
    /// Not set.
    Absent,
}

#[derive(Debug)]
pub struct Outcome {
    pub truth: Tri,
    pub witnesses: Vec<Witness>,
}

impl Outcome {
    fn unknown() -> Outcome {
        Outcome {
            truth: Tri::Unknown,
            witnesses: Vec::new(),
        }
    }
}

/// A value the path leads to.
enum Hit<'a> {
    Value(&'a Node, Span),
    /// Not set, or null (with where the null came from).
    Absent(Span, Option<Arc<str>>),
    Unknown,
}

/// Follows `path` from `node`. A list met before the end of the path is entered element by
/// element: the path then leads to several values ("some element").
fn resolve<'a>(node: &'a Node, path: &[String], report: Span, out: &mut Vec<Hit<'a>>) {
    match (&node.value, path.first()) {
        (Value::Unknown(_), _) => out.push(Hit::Unknown),
        (Value::Null, _) => out.push(Hit::Absent(report, node.origin.clone())),
        (_, None) => out.push(Hit::Value(node, report)),
        (Value::Map(m), Some(key)) => match m.get(key) {
            Some(e) => resolve(&e.node, &path[1..], e.span, out),
            None if m.open => out.push(Hit::Unknown),
            None => out.push(Hit::Absent(m.anchor, None)),
        },
        (Value::List(items), Some(_)) => {
            if items.is_empty() {
                out.push(Hit::Absent(node.span, None));
            }
            for item in items {
                resolve(item, path, item.span, out);
            }
        }
        // A scalar where the path expects more: not a shape we can judge.
        (_, Some(_)) => out.push(Hit::Unknown),
    }
}

/// The elements `for-each` iterates over: the items of the list(s) the path leads to.
pub fn elements<'a>(root: &'a Node, path: &[String]) -> Vec<&'a Node> {
    let mut hits = Vec::new();
    resolve(root, path, root.span, &mut hits);
    let mut out = Vec::new();
    for h in hits {
        if let Hit::Value(n, _) = h {
            match &n.value {
                Value::List(items) => out.extend(items.iter().filter(|i| !i.is_unknown())),
                Value::Map(_) => out.push(n),
                _ => {}
            }
        }
    }
    out
}

pub fn eval(cond: &Cond, node: &Node, prefix: &str) -> Outcome {
    match cond {
        Cond::Leaf(l) => leaf(l, node, prefix),
        Cond::Not(c) => {
            let o = eval(c, node, prefix);
            Outcome {
                truth: o.truth.not(),
                witnesses: o.witnesses,
            }
        }
        Cond::All(cs) => {
            let mut witnesses = Vec::new();
            let mut unknown = false;
            for c in cs {
                let o = eval(c, node, prefix);
                match o.truth {
                    Tri::False => return o,
                    Tri::Unknown => unknown = true,
                    Tri::True => witnesses.extend(o.witnesses),
                }
            }
            if unknown {
                Outcome::unknown()
            } else {
                Outcome {
                    truth: Tri::True,
                    witnesses,
                }
            }
        }
        Cond::Any(cs) => {
            let mut witnesses = Vec::new();
            let mut unknown = false;
            for c in cs {
                let o = eval(c, node, prefix);
                match o.truth {
                    Tri::True => return o,
                    Tri::Unknown => unknown = true,
                    Tri::False => witnesses.extend(o.witnesses),
                }
            }
            if unknown {
                Outcome::unknown()
            } else {
                Outcome {
                    truth: Tri::False,
                    witnesses,
                }
            }
        }
    }
}

fn full_path(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

fn leaf(l: &Leaf, node: &Node, prefix: &str) -> Outcome {
    let mut hits = Vec::new();
    resolve(node, &l.path, node.span, &mut hits);
    let path = full_path(prefix, &l.path_text);
    // Negated operators are the negation of their positive form.
    let (positive, negated) = l.op.positive();
    let mut any_unknown = false;
    let mut falses = Vec::new();
    for h in &hits {
        let (truth, w) = hit_truth(&positive, h, l.default.as_ref(), &path);
        match truth {
            Tri::True => {
                let o = Outcome {
                    truth: Tri::True,
                    witnesses: w.into_iter().collect(),
                };
                return if negated { flip(o) } else { o };
            }
            Tri::False => falses.extend(w),
            Tri::Unknown => any_unknown = true,
        }
    }
    let o = if any_unknown || hits.is_empty() {
        Outcome::unknown()
    } else {
        falses.truncate(1);
        Outcome {
            truth: Tri::False,
            witnesses: falses,
        }
    };
    if negated { flip(o) } else { o }
}

fn flip(o: Outcome) -> Outcome {
    Outcome {
        truth: o.truth.not(),
        witnesses: o.witnesses,
    }
}

fn witness_of(n: &Node, span: Span, path: &str) -> Witness {
    Witness {
        span,
        path: path.to_string(),
        state: WitnessState::Value {
            text: n.scalar_text(),
            origin: n.origin.clone(),
        },
    }
}

fn hit_truth(op: &Op, hit: &Hit, default: Option<&Scalar>, path: &str) -> (Tri, Option<Witness>) {
    match hit {
        Hit::Unknown => (Tri::Unknown, None),
        Hit::Absent(anchor, origin) => {
            let absent = Witness {
                span: *anchor,
                path: path.to_string(),
                state: WitnessState::Absent,
            };
            if let Op::Exists(_) = op {
                return (Tri::False, Some(absent));
            }
            let Some(d) = default else {
                return (Tri::Unknown, None);
            };
            let w = Witness {
                span: *anchor,
                path: path.to_string(),
                state: WitnessState::Default(d.text.clone(), origin.clone()),
            };
            let t = scalar_truth(op, &d.text, d.number);
            (t, Some(w))
        }
        Hit::Value(n, span) => {
            let w = witness_of(n, *span, path);
            match op {
                // Set to an empty string or list is not set.
                Op::Exists(_) => {
                    let empty = match &n.value {
                        Value::String(s) => s.is_empty(),
                        Value::List(l) => l.is_empty(),
                        _ => false,
                    };
                    if n.has_unknown() && !matches!(&n.value, Value::List(_) | Value::Map(_)) {
                        (Tri::Unknown, None)
                    } else {
                        (bool_tri(!empty), Some(w))
                    }
                }
                Op::Contains(_) | Op::ContainsAny(_) => {
                    let wanted: Vec<&Scalar> = match op {
                        Op::Contains(s) => vec![s],
                        Op::ContainsAny(v) => v.iter().collect(),
                        _ => unreachable!(),
                    };
                    let single = std::slice::from_ref(*n);
                    let items = n.as_list().unwrap_or(single);
                    let mut unknown = false;
                    for it in items {
                        if it.has_unknown() {
                            unknown = true;
                            continue;
                        }
                        if let Some(t) = it.scalar_text()
                            && wanted.iter().any(|s| *s.text == t)
                        {
                            return (Tri::True, Some(witness_of(it, it.span, path)));
                        }
                    }
                    if unknown {
                        (Tri::Unknown, None)
                    } else {
                        (Tri::False, Some(w))
                    }
                }
                _ => {
                    if let Some(items) = n.as_list() {
                        // A scalar operator on a list: some element.
                        let mut unknown = false;
                        for it in items {
                            match node_scalar_truth(op, it) {
                                Tri::True => {
                                    return (Tri::True, Some(witness_of(it, it.span, path)));
                                }
                                Tri::Unknown => unknown = true,
                                Tri::False => {}
                            }
                        }
                        return if unknown {
                            (Tri::Unknown, None)
                        } else {
                            (Tri::False, Some(w))
                        };
                    }
                    (node_scalar_truth(op, n), Some(w))
                }
            }
        }
    }
}

fn node_scalar_truth(op: &Op, n: &Node) -> Tri {
    match &n.value {
        Value::Unknown(_) | Value::Map(_) | Value::List(_) => Tri::Unknown,
        Value::Null => Tri::Unknown,
        _ => match n.scalar_text() {
            Some(t) => scalar_truth(op, &t, n.as_number()),
            None => Tri::Unknown,
        },
    }
}

fn scalar_truth(op: &Op, text: &str, number: Option<f64>) -> Tri {
    let num = || number.or_else(|| text.trim().parse::<f64>().ok());
    let cmp = |f: &dyn Fn(f64) -> bool| match num() {
        Some(x) => bool_tri(f(x)),
        None => Tri::Unknown,
    };
    match op {
        Op::Equals(s) => bool_tri(*s.text == *text),
        Op::In(v) => bool_tri(v.iter().any(|s| *s.text == *text)),
        Op::Matches(re) => bool_tri(re.is_match(text)),
        Op::LessThan(x) => cmp(&|v| v < *x),
        Op::AtMost(x) => cmp(&|v| v <= *x),
        Op::GreaterThan(x) => cmp(&|v| v > *x),
        Op::AtLeast(x) => cmp(&|v| v >= *x),
        Op::Exists(_) => Tri::True,
        // A scalar "contains" itself.
        Op::Contains(s) => bool_tri(*s.text == *text),
        Op::ContainsAny(v) => bool_tri(v.iter().any(|s| *s.text == *text)),
        Op::NotEquals(_) | Op::NotIn(_) | Op::NotMatches(_) => {
            unreachable!("negated operators are evaluated through their positive form")
        }
    }
}

fn bool_tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}
