//! Terraform's JSON syntax (`.tf.json`) -> the typed HCL model in `crate::terraform::hcl`, so
//! every Terraform rule reads it as it reads `.tf` files, with spans into the JSON text.
//!
//! The mapping follows Terraform's JSON configuration syntax: the root object's keys are block
//! types; a block type's labels are nested object keys (`"resource": {"aws_db_instance":
//! {"main": {…}}}`); a body is an object, or an array of objects for several blocks of one name.
//! Inside a body, Terraform tells an attribute from a nested block by the provider's schema,
//! which the linter does not have: an object or an array of objects is read as nested blocks,
//! except under the attribute names that hold maps (`tags`, `labels`…) and in bodies whose
//! every key is an attribute (`locals`, `module` inputs, a variable's `default`). Strings are
//! templates: `"${var.password}"` is the reference. Keys named `//` are comments.

use std::str::FromStr;

use crate::declarative::tree::{Node, Value};
use crate::parse::hcl::{ParseFailure, ParsedHcl};
use crate::source::Span;
use crate::terraform::hcl::{
    Attribute, Block, Body, Expr, ExprKind, Label, ObjectKey, TemplatePart, TraversalOp,
};

/// Attribute names whose value is a map, never a nested block.
const MAP_ATTRIBUTES: &[&str] = &[
    "tags",
    "tags_all",
    "labels",
    "user_labels",
    "annotations",
    "metadata",
    "triggers",
    "variables",
    "environment",
    "environment_variables",
    "default",
    "value",
    "providers",
    "parameters",
    "options",
];

pub fn parse(text: &str) -> ParsedHcl {
    let root = match crate::parse::json::parse(text) {
        Ok(n) => n,
        Err(e) => {
            return ParsedHcl {
                errors: vec![ParseFailure {
                    message: e
                        .message
                        .replacen("cannot parse JSON", "cannot parse .tf.json", 1),
                    ..e
                }],
                ..Default::default()
            };
        }
    };
    let Some(map) = root.as_map() else {
        return ParsedHcl {
            errors: vec![ParseFailure {
                offset: root.span.start,
                message: "cannot parse .tf.json: the file must hold one JSON object".into(),
                recovered: false,
            }],
            ..Default::default()
        };
    };
    let mut body = Body::default();
    for e in &map.entries {
        if e.key.as_ref() == "//" {
            continue;
        }
        let (labels, attributes_only) = match e.key.as_ref() {
            "resource" | "data" | "ephemeral" => (2, false),
            "module" => (1, true),
            "variable" | "output" | "provider" => (1, false),
            "locals" => (0, true),
            _ => (0, false),
        };
        let key_span = key_span(text, e.span);
        blocks(
            text,
            &e.key,
            key_span,
            &e.node,
            labels,
            attributes_only,
            &mut Vec::new(),
            e.span,
            &mut body.blocks,
        );
    }
    ParsedHcl {
        body,
        ..Default::default()
    }
}

/// The span of an entry's key: the quoted string it starts with.
fn key_span(text: &str, entry: Span) -> Span {
    let t = &text[entry.start..entry.end.min(text.len())];
    let mut escaped = false;
    for (i, c) in t.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Span::new(entry.start, entry.start + i + 1),
            _ => escaped = false,
        }
    }
    entry
}

/// The blocks named `ident` that `node` holds, after `labels` more levels of label keys.
#[allow(clippy::too_many_arguments)]
fn blocks(
    text: &str,
    ident: &str,
    ident_span: Span,
    node: &Node,
    labels: usize,
    attributes_only: bool,
    prefix: &mut Vec<Label>,
    span: Span,
    out: &mut Vec<Block>,
) {
    if labels > 0 {
        let Some(map) = node.as_map() else { return };
        for e in &map.entries {
            if e.key.as_ref() == "//" {
                continue;
            }
            prefix.push(Label {
                value: e.key.to_string(),
                span: key_span(text, e.span),
            });
            blocks(
                text,
                ident,
                ident_span,
                &e.node,
                labels - 1,
                attributes_only,
                prefix,
                e.span,
                out,
            );
            prefix.pop();
        }
        return;
    }
    let bodies: Vec<&Node> = match &node.value {
        Value::List(items) => items.iter().collect(),
        _ => vec![node],
    };
    for b in bodies {
        if b.as_map().is_none() {
            continue;
        }
        out.push(Block {
            ident: ident.to_string(),
            ident_span,
            labels: prefix.clone(),
            body: body_of(text, b, attributes_only),
            // One body: the whole entry; several: each object.
            span: if matches!(node.value, Value::List(_)) {
                b.span
            } else {
                span
            },
        });
    }
}

fn body_of(text: &str, node: &Node, attributes_only: bool) -> Body {
    let mut body = Body::default();
    let Some(map) = node.as_map() else {
        return body;
    };
    for e in &map.entries {
        let key = e.key.as_ref();
        if key == "//" {
            continue;
        }
        let block_like = match &e.node.value {
            Value::Map(_) => true,
            Value::List(items) => {
                !items.is_empty() && items.iter().all(|i| matches!(i.value, Value::Map(_)))
            }
            _ => false,
        };
        if block_like && !attributes_only && !MAP_ATTRIBUTES.contains(&key) {
            // A `dynamic "x"` block and a provisioner keep their label.
            let labels = usize::from(matches!(key, "dynamic" | "provisioner" | "backend"));
            blocks(
                text,
                key,
                key_span(text, e.span),
                &e.node,
                labels,
                false,
                &mut Vec::new(),
                e.span,
                &mut body.blocks,
            );
            continue;
        }
        body.attributes.push(Attribute {
            key: key.to_string(),
            key_span: key_span(text, e.span),
            span: e.span,
            value: expr(&e.node),
        });
    }
    body
}

fn expr(node: &Node) -> Expr {
    let kind = match &node.value {
        Value::Null => ExprKind::Null,
        Value::Bool(b) => ExprKind::Bool(*b),
        Value::Number(n) => ExprKind::Number(*n),
        Value::String(s) => string(s, node.span),
        Value::List(items) => ExprKind::List(items.iter().map(expr).collect()),
        Value::Map(m) => ExprKind::Object(
            m.entries
                .iter()
                .filter(|e| e.key.as_ref() != "//")
                .map(|e| (ObjectKey::Ident(e.key.to_string(), e.span), expr(&e.node)))
                .collect(),
        ),
        // The JSON parser never yields an unknown value.
        Value::Unknown(_) => ExprKind::Null,
    };
    Expr {
        kind,
        span: node.span,
    }
}

/// A JSON string is a template: `"${var.x}"` is the expression, `"a-${var.x}"` a template.
fn string(s: &str, span: Span) -> ExprKind {
    if !s.contains("${") && !s.contains("%{") {
        return ExprKind::String(s.to_string());
    }
    match hcl_edit::template::Template::from_str(s) {
        Ok(t) => {
            let mut kind = crate::parse::hcl::template_kind(&t);
            respan(&mut kind, span);
            // `"${expr}"` alone is the expression itself.
            if let ExprKind::Template(parts) = &kind
                && let [TemplatePart::Interpolation(e)] = parts.as_slice()
            {
                return e.kind.clone();
            }
            kind
        }
        Err(_) => ExprKind::String(s.to_string()),
    }
}

/// Points every part of an expression parsed from a JSON string at that string: the offsets
/// hcl-edit gives are into the string's decoded text, not the file.
fn respan(kind: &mut ExprKind, span: Span) {
    let fix = |e: &mut Expr| {
        e.span = span;
        respan(&mut e.kind, span);
    };
    match kind {
        ExprKind::Template(parts) => {
            for p in parts {
                if let TemplatePart::Interpolation(e) = p {
                    fix(e);
                }
            }
        }
        ExprKind::List(items) => items.iter_mut().for_each(fix),
        ExprKind::Object(entries) => {
            for (k, v) in entries {
                match k {
                    ObjectKey::Ident(_, s) => *s = span,
                    ObjectKey::Expr(e) => fix(e),
                }
                fix(v);
            }
        }
        ExprKind::Traversal { root, ops } => {
            fix(root);
            for op in ops {
                if let TraversalOp::Index(e) = op {
                    fix(e);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(fix),
        ExprKind::Conditional {
            cond,
            then,
            otherwise,
        } => {
            fix(cond);
            fix(then);
            fix(otherwise);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => fix(expr),
        ExprKind::Binary { lhs, rhs, .. } => {
            fix(lhs);
            fix(rhs);
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Ident(_)
        | ExprKind::For => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_variables_and_nested_blocks() {
        let text = r#"{
  "//": "generated",
  "variable": {"db_password": {"type": "string"}},
  "resource": {
    "aws_db_instance": {
      "main": {
        "engine": "postgres",
        "password": "${var.db_password}",
        "tags": {"team": "data"},
        "timeouts": {"create": "1h"}
      }
    },
    "aws_security_group": {
      "db": {"ingress": [{"from_port": 5432, "to_port": 5432}, {"from_port": 22, "to_port": 22}]}
    }
  },
  "module": {"rds": {"source": "./rds", "settings": {"a": 1}}},
  "locals": {"name": "x-${var.env}"}
}"#;
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let b = &parsed.body.blocks;
        let idents: Vec<(&str, Vec<&str>)> = b
            .iter()
            .map(|b| {
                (
                    b.ident.as_str(),
                    b.labels.iter().map(|l| l.value.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            idents,
            [
                ("variable", vec!["db_password"]),
                ("resource", vec!["aws_db_instance", "main"]),
                ("resource", vec!["aws_security_group", "db"]),
                ("module", vec!["rds"]),
                ("locals", vec![]),
            ]
        );
        let db = &b[1].body;
        assert!(
            matches!(db.attribute("engine").unwrap().value.kind, ExprKind::String(ref s) if s == "postgres")
        );
        assert!(matches!(
            db.attribute("password").unwrap().value.kind,
            ExprKind::Traversal { .. }
        ));
        assert!(matches!(
            db.attribute("tags").unwrap().value.kind,
            ExprKind::Object(_)
        ));
        assert_eq!(db.blocks_named("timeouts").count(), 1);
        assert_eq!(b[2].body.blocks_named("ingress").count(), 2);
        assert!(b[3].body.attribute("settings").is_some());
        assert!(matches!(
            b[4].body.attribute("name").unwrap().value.kind,
            ExprKind::Template(_)
        ));
        // Spans point into the JSON text.
        let pw = db.attribute("password").unwrap();
        assert_eq!(&text[pw.key_span.start..pw.key_span.end], "\"password\"");
        assert_eq!(
            &text[pw.value.span.start..pw.value.span.end],
            "\"${var.db_password}\""
        );
        assert_eq!(
            &text[b[1].labels[1].span.start..b[1].labels[1].span.end],
            "\"main\""
        );
    }

    #[test]
    fn bad_json_is_one_error_with_its_position() {
        let parsed = parse("{\n  \"resource\": {\n    \"aws_db_instance\": ,\n}");
        assert_eq!(parsed.errors.len(), 1);
        assert!(
            parsed.errors[0]
                .message
                .starts_with("cannot parse .tf.json")
        );
        assert_eq!(parsed.errors[0].offset, 41);
        assert!(
            parse("[1, 2]").errors[0]
                .message
                .contains("one JSON object")
        );
    }
}
