//! HCL text -> the typed model in `crate::terraform::hcl`, through hcl-edit (which keeps byte
//! spans for blocks, attributes and expressions), plus the comments suppressions are read from.

use hcl_edit::expr::{Expression, ObjectKey as EditKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Body as EditBody};
use hcl_edit::template::{Element, Template};

use crate::source::Span;
use crate::terraform::hcl::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, Label, ObjectKey, TemplatePart, TraversalOp,
    UnaryOp,
};

/// Why a file could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub offset: usize,
    pub message: String,
}

/// A parsed HCL file: its body (empty when parsing failed) and its comments.
#[derive(Debug, Default)]
pub struct ParsedHcl {
    pub body: Body,
    pub comments: Vec<Span>,
    pub error: Option<ParseFailure>,
}

pub fn parse(text: &str) -> ParsedHcl {
    let comments = comments(text);
    let mut patched: Option<String> = None;
    let mut result = parse_body(text);
    // Terraform accepts a key repeated in an object constructor (the last one wins); hcl-edit
    // refuses it. Rename the repeated key in place (same length, so every span stays valid) and
    // parse again.
    for _ in 0..16 {
        let Ok(Err(e)) = &result else { break };
        if !e.message().contains("redefined object key") {
            break;
        }
        let work = patched.get_or_insert_with(|| text.to_string());
        if !rename_key_at(work, e.location().offset()) {
            break;
        }
        result = parse_body(work);
    }
    match result {
        Ok(Ok(body)) => ParsedHcl {
            body: body_of(&body),
            comments,
            error: None,
        },
        Err(message) => ParsedHcl {
            body: Body::default(),
            comments,
            error: Some(ParseFailure { offset: 0, message }),
        },
        Ok(Err(e)) => {
            let offset = e.location().offset().min(text.len());
            ParsedHcl {
                body: Body::default(),
                comments,
                error: Some(ParseFailure {
                    offset,
                    message: format!("cannot parse HCL: {}", e.message()),
                }),
            }
        }
    }
}

/// hcl-edit's parser, with a panic inside it turned into an error (one bad file must not stop
/// the run).
fn parse_body(
    text: &str,
) -> Result<Result<hcl_edit::structure::Body, hcl_edit::parser::Error>, String> {
    std::panic::catch_unwind(|| hcl_edit::parser::parse_body(text))
        .map_err(|_| "cannot parse HCL: the parser failed on this file".to_string())
}

/// Makes the object key at `offset` unique by changing its last character; false when there is
/// no key there. A clash with another key is an error again, and renamed again by the caller.
fn rename_key_at(text: &mut String, offset: usize) -> bool {
    let bytes = text.as_bytes();
    let mut start = offset.min(bytes.len());
    if bytes.get(start) == Some(&b'"') {
        start += 1;
    }
    let len = bytes[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
        .count();
    if len == 0 {
        return false;
    }
    let at = start + len - 1;
    // A one-character key must stay an identifier: a letter, not a digit.
    let replacement = match (len, bytes[at]) {
        (1, b'z') => "y",
        (1, _) => "z",
        (_, b'9') => "8",
        _ => "9",
    };
    text.replace_range(at..at + 1, replacement);
    true
}

fn span_of(s: &impl hcl_edit::Span) -> Span {
    s.span().map(Span::from).unwrap_or_default()
}

fn body_of(body: &EditBody) -> Body {
    let mut out = Body::default();
    for a in body.attributes() {
        out.attributes.push(Attribute {
            key: a.key.as_str().to_string(),
            key_span: span_of(&a.key),
            span: span_of(a),
            value: expr(&a.value),
        });
    }
    for b in body.blocks() {
        out.blocks.push(Block {
            ident: b.ident.as_str().to_string(),
            ident_span: span_of(&b.ident),
            labels: b
                .labels
                .iter()
                .map(|l| Label {
                    value: match l {
                        BlockLabel::Ident(i) => i.as_str().to_string(),
                        BlockLabel::String(s) => s.as_str().to_string(),
                    },
                    span: span_of(l),
                })
                .collect(),
            body: body_of(&b.body),
            span: span_of(b),
        });
    }
    out
}

fn template(t: &Template) -> ExprKind {
    let mut parts = Vec::new();
    for el in t.iter() {
        parts.push(match el {
            Element::Literal(s) => TemplatePart::Literal(s.value().to_string()),
            Element::Interpolation(i) => TemplatePart::Interpolation(expr(&i.expr)),
            Element::Directive(_) => TemplatePart::Directive,
        });
    }
    match parts.as_slice() {
        [] => ExprKind::String(String::new()),
        [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
        _ => ExprKind::Template(parts),
    }
}

fn expr(e: &Expression) -> Expr {
    let span = span_of(e);
    let kind = match e {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => ExprKind::Number(n.as_f64().unwrap_or(f64::NAN)),
        Expression::String(s) => ExprKind::String(s.value().to_string()),
        Expression::Array(a) => ExprKind::List(a.iter().map(expr).collect()),
        Expression::Object(o) => ExprKind::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        EditKey::Ident(i) => ObjectKey::Ident(i.as_str().to_string(), span_of(i)),
                        EditKey::Expression(e) => ObjectKey::Expr(expr(e)),
                    };
                    (key, expr(v.expr()))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => template(t),
        Expression::HeredocTemplate(h) => template(&h.template),
        Expression::Parenthesis(p) => ExprKind::Paren(Box::new(expr(p.inner()))),
        Expression::Variable(v) => ExprKind::Ident(v.as_str().to_string()),
        Expression::Conditional(c) => ExprKind::Conditional {
            cond: Box::new(expr(&c.cond_expr)),
            then: Box::new(expr(&c.true_expr)),
            otherwise: Box::new(expr(&c.false_expr)),
        },
        Expression::FuncCall(f) => {
            let mut name = String::new();
            for ns in &f.name.namespace {
                name.push_str(ns.as_str());
                name.push_str("::");
            }
            name.push_str(f.name.name.as_str());
            ExprKind::Call {
                name,
                args: f.args.iter().map(expr).collect(),
            }
        }
        Expression::Traversal(t) => ExprKind::Traversal {
            root: Box::new(expr(&t.expr)),
            ops: t
                .operators
                .iter()
                .map(|op| match op.value() {
                    TraversalOperator::GetAttr(a) => TraversalOp::Attr(a.as_str().to_string()),
                    TraversalOperator::Index(e) => TraversalOp::Index(expr(e)),
                    TraversalOperator::LegacyIndex(i) => TraversalOp::Index(Expr {
                        kind: ExprKind::Number(*i.value() as f64),
                        span: span_of(op),
                    }),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        TraversalOp::Splat
                    }
                })
                .collect(),
        },
        Expression::UnaryOp(u) => ExprKind::Unary {
            op: match u.operator.value() {
                hcl_edit::expr::UnaryOperator::Neg => UnaryOp::Neg,
                hcl_edit::expr::UnaryOperator::Not => UnaryOp::Not,
            },
            expr: Box::new(expr(&u.expr)),
        },
        Expression::BinaryOp(b) => {
            use hcl_edit::expr::BinaryOperator as B;
            ExprKind::Binary {
                op: match b.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LessEq,
                    B::GreaterEq => BinaryOp::GreaterEq,
                    B::Less => BinaryOp::Less,
                    B::Greater => BinaryOp::Greater,
                    B::Plus => BinaryOp::Plus,
                    B::Minus => BinaryOp::Minus,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                },
                lhs: Box::new(expr(&b.lhs_expr)),
                rhs: Box::new(expr(&b.rhs_expr)),
            }
        }
        Expression::ForExpr(_) => ExprKind::For,
    };
    Expr { kind, span }
}

/// The spans of every comment (`#`, `//`, `/* */`) in HCL text, skipping strings, interpolations
/// and heredocs. Only texts that mention `schemaguard:` are scanned: nothing else needs comments.
pub fn comments(text: &str) -> Vec<Span> {
    if memchr::memmem::find(text.as_bytes(), b"schemaguard:").is_none() {
        return Vec::new();
    }
    all_comments(text)
}

/// The spans of every comment of HCL text, whatever they say (the secrets rules read
/// commented-out values too).
pub fn all_comments(text: &str) -> Vec<Span> {
    #[derive(Clone, Copy)]
    enum Ctx {
        Code(usize),
        Str,
    }
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![Ctx::Code(0)];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match *stack.last().expect("never empty") {
            Ctx::Str => match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'\n' => {
                    // An unterminated string: resynchronise on the next line.
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Code(0));
                    i += 2;
                }
                _ => i += 1,
            },
            Ctx::Code(depth) => match c {
                b'#' => i = line_comment(b, i, &mut out),
                b'/' if b.get(i + 1) == Some(&b'/') => i = line_comment(b, i, &mut out),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let end = memchr::memmem::find(&b[i + 2..], b"*/")
                        .map(|p| i + 2 + p + 2)
                        .unwrap_or(b.len());
                    out.push(Span::new(i, end));
                    i = end;
                }
                b'"' => {
                    stack.push(Ctx::Str);
                    i += 1;
                }
                b'{' => {
                    *stack.last_mut().expect("never empty") = Ctx::Code(depth + 1);
                    i += 1;
                }
                b'}' => {
                    if depth == 0 {
                        if stack.len() > 1 {
                            stack.pop();
                        }
                    } else {
                        *stack.last_mut().expect("never empty") = Ctx::Code(depth - 1);
                    }
                    i += 1;
                }
                b'<' if b.get(i + 1) == Some(&b'<') => i = heredoc(text, i),
                _ => i += 1,
            },
        }
    }
    out
}

fn line_comment(b: &[u8], start: usize, out: &mut Vec<Span>) -> usize {
    let mut end = memchr::memchr(b'\n', &b[start..])
        .map(|p| start + p)
        .unwrap_or(b.len());
    let next = end;
    if end > start && b[end - 1] == b'\r' {
        end -= 1;
    }
    out.push(Span::new(start, end));
    next
}

/// Skips a heredoc starting at `<<` (returns the offset after its closing delimiter line), or
/// just the `<<` when it is not one.
fn heredoc(text: &str, start: usize) -> usize {
    let rest = &text[start + 2..];
    let rest_trim = rest.strip_prefix('-').unwrap_or(rest);
    let ident_len = rest_trim
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        .count();
    if ident_len == 0 {
        return start + 2;
    }
    let ident = &rest_trim[..ident_len];
    let after_ident = &rest_trim[ident_len..];
    let Some(nl) = after_ident.find('\n') else {
        return start + 2;
    };
    if !after_ident[..nl].trim().is_empty() {
        return start + 2;
    }
    let mut pos = text.len() - after_ident.len() + nl + 1;
    while pos < text.len() {
        let line_end = text[pos..]
            .find('\n')
            .map(|p| pos + p)
            .unwrap_or(text.len());
        if text[pos..line_end].trim() == ident {
            return line_end;
        }
        pos = line_end + 1;
    }
    text.len()
}

/// The spans of every attribute and block (nested ones too), sorted by start: what an own-line
/// suppression comment can cover.
pub fn structure_spans(body: &Body) -> Vec<Span> {
    fn walk(body: &Body, out: &mut Vec<Span>) {
        out.extend(body.attributes.iter().map(|a| a.span));
        for b in &body.blocks {
            out.push(b.span);
            walk(&b.body, out);
        }
    }
    let mut out = Vec::new();
    walk(body, &mut out);
    out.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_attributes_blocks_and_values() {
        let text = "resource \"aws_db_instance\" \"main\" {\n  publicly_accessible = true\n  port = var.port\n  tags = { Name = \"x-${var.env}\" }\n  ingress {\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n";
        let p = parse(text);
        assert!(p.error.is_none());
        let b = &p.body.blocks[0];
        assert_eq!(b.ident, "resource");
        assert_eq!(b.labels[0].value, "aws_db_instance");
        assert_eq!(
            b.header_span().text(text),
            "resource \"aws_db_instance\" \"main\""
        );
        assert!(b.span.text(text).starts_with("resource") && b.span.text(text).ends_with('}'));
        let a = b.body.attribute("publicly_accessible").unwrap();
        assert_eq!(a.span.text(text), "publicly_accessible = true");
        assert_eq!(a.key_span.text(text), "publicly_accessible");
        assert_eq!(a.value.span.text(text), "true");
        let port = b.body.attribute("port").unwrap();
        assert_eq!(port.value.reference().unwrap(), vec!["var", "port"]);
        let ingress = b.body.blocks_named("ingress").next().unwrap();
        assert_eq!(ingress.header_span().text(text), "ingress");
        let cidrs = ingress.body.attribute("cidr_blocks").unwrap();
        let ExprKind::List(items) = &cidrs.value.kind else {
            panic!()
        };
        assert_eq!(items[0].span.text(text), "\"0.0.0.0/0\"");
    }

    #[test]
    fn a_repeated_object_key_is_accepted_like_terraform_does() {
        let text = "x = {\n  a = 1\n  a = 2\n}\n";
        let p = parse(text);
        assert!(p.error.is_none(), "{:?}", p.error);
        assert_eq!(
            p.body.attributes[0].value.span.text(text),
            "{\n  a = 1\n  a = 2\n}"
        );
    }

    #[test]
    fn parse_errors_have_an_offset() {
        let text = "resource \"a\" \"b\" {\n  x = \n}\n";
        let p = parse(text);
        let e = p.error.unwrap();
        assert!(e.offset > 0 && e.offset <= text.len(), "{e:?}");
    }

    #[test]
    fn comments_skip_strings_and_heredocs() {
        let text = "# schemaguard: a\nx = \"# not ${ \"// no\" } a comment\" // schemaguard: b\ny = <<EOF\n# no\nEOF\n/* schemaguard: c */\n";
        let cs: Vec<&str> = comments(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(
            cs,
            vec![
                "# schemaguard: a",
                "// schemaguard: b",
                "/* schemaguard: c */"
            ]
        );
    }
}
