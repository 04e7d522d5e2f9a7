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
    /// Not set (or null, from `origin`).
    Absent(Option<Arc<str>>),
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
                state: WitnessState::Absent(origin.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declarative::load::parse_rule;
    use crate::declarative::{Check, Spec};

    fn spec(cond: &str) -> Spec {
        let text = format!(
            "code: IS999\nname: t\nseverity: error\nsecurity-severity: 1\nmatch:\n  terraform-resource: x\nforbid:\n{cond}\nmessage: m\nhelp: h\ndocs: \"## What it does\"\n"
        );
        parse_rule("t.yaml", &text).unwrap().spec
    }

    fn truth(cond: &str, json: &str) -> Tri {
        let s = spec(cond);
        let Check::Forbid(c) = &s.check else { panic!() };
        let node = crate::parse::json::parse(json).unwrap();
        eval(c, &node, "").truth
    }

    #[test]
    fn absent_values_are_unknown_unless_a_default_is_given() {
        assert_eq!(truth("  path: a\n  equals: 1", "{}"), Tri::Unknown);
        assert_eq!(
            truth("  path: a\n  equals: 1\n  default: 1", "{}"),
            Tri::True
        );
        assert_eq!(truth("  path: a\n  not-equals: 1", "{}"), Tri::Unknown);
        assert_eq!(truth("  path: a\n  exists: false", "{}"), Tri::True);
        assert_eq!(
            truth("  path: a\n  exists: true", r#"{"a": null}"#),
            Tri::False
        );
        assert_eq!(
            truth("  path: a\n  exists: true", r#"{"a": []}"#),
            Tri::False
        );
        assert_eq!(
            truth("  path: a\n  equals: true", r#"{"a": "true"}"#),
            Tri::True
        );
    }

    #[test]
    fn combinators_follow_three_valued_logic() {
        let any = "  any:\n    - path: a\n      equals: 1\n    - path: b\n      equals: 1";
        assert_eq!(truth(any, r#"{"b": 1}"#), Tri::True);
        assert_eq!(truth(any, r#"{"b": 2}"#), Tri::Unknown);
        assert_eq!(truth(any, r#"{"a": 2, "b": 2}"#), Tri::False);
        let all = any.replace("any:", "all:");
        assert_eq!(truth(&all, r#"{"b": 2}"#), Tri::False);
        assert_eq!(truth(&all, r#"{"b": 1}"#), Tri::Unknown);
        assert_eq!(
            truth("  not:\n    path: a\n    equals: 1", "{}"),
            Tri::Unknown
        );
    }

    #[test]
    fn a_path_through_a_list_means_some_element() {
        let c = "  path: rules.port\n  equals: 5432";
        assert_eq!(
            truth(c, r#"{"rules": [{"port": 22}, {"port": 5432}]}"#),
            Tri::True
        );
        assert_eq!(
            truth(c, r#"{"rules": [{"port": 22}, {"port": 80}]}"#),
            Tri::False
        );
        assert_eq!(truth(c, r#"{"rules": []}"#), Tri::Unknown);
        let contains = "  path: cidrs\n  contains: 0.0.0.0/0";
        assert_eq!(
            truth(contains, r#"{"cidrs": ["10.0.0.0/8", "0.0.0.0/0"]}"#),
            Tri::True
        );
        assert_eq!(truth(contains, r#"{"cidrs": ["10.0.0.0/8"]}"#), Tri::False);
    }

    #[test]
    fn for_each_keeps_attributes_of_one_element_together() {
        // 5432 open to 10/8 and 443 open to the world: no element has both.
        let s = spec(
            "  all:\n    - path: port\n      equals: 5432\n    - path: cidr\n      equals: 0.0.0.0/0",
        );
        let Check::Forbid(c) = &s.check else { panic!() };
        let node = crate::parse::json::parse(
            r#"{"rules": [{"port": 5432, "cidr": "10.0.0.0/8"}, {"port": 443, "cidr": "0.0.0.0/0"}]}"#,
        )
        .unwrap();
        let per_element: Vec<Tri> = elements(&node, &["rules".to_string()])
            .into_iter()
            .map(|el| eval(c, el, "rules").truth)
            .collect();
        assert_eq!(per_element, vec![Tri::False, Tri::False]);
        // Without for-each, each leaf reads "some element" on its own: the misreading that
        // for-each exists to prevent.
        let loose = spec(
            "  all:\n    - path: rules.port\n      equals: 5432\n    - path: rules.cidr\n      equals: 0.0.0.0/0",
        );
        let Check::Forbid(l) = &loose.check else {
            panic!()
        };
        assert_eq!(eval(l, &node, "").truth, Tri::True);
    }
}
