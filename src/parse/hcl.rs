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

/// Why a file (or one top-level block of it) could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub offset: usize,
    pub message: String,
    /// The rest of the file was parsed and checked: the failure cost one top-level block only.
    pub recovered: bool,
}

/// A parsed HCL file: its body (without the top-level blocks that failed to parse; empty when
/// nothing could be recovered) and its comments.
#[derive(Debug, Default)]
pub struct ParsedHcl {
    pub body: Body,
    pub comments: Vec<Span>,
    /// One failure per top-level block that could not be parsed (or one for the whole file).
    pub errors: Vec<ParseFailure>,
}

pub fn parse(text: &str) -> ParsedHcl {
    let comments = comments(text);
    let (result, patched) = parse_patched(text);
    let failure = match result {
        Ok(Ok(body)) => {
            return ParsedHcl {
                body: body_of(&body),
                comments,
                errors: Vec::new(),
            };
        }
        Err(message) => ParseFailure {
            offset: 0,
            message,
            recovered: false,
        },
        Ok(Err(e)) => ParseFailure {
            offset: e.location().offset().min(text.len()),
            message: format!("cannot parse HCL: {}", e.message()),
            recovered: false,
        },
    };
    // One bad block must not cost the rest of the file: parse the top-level blocks one by one
    // and the file again without the ones that fail.
    let work = patched.as_deref().unwrap_or(text);
    if let Some((body, errors)) = recover(work) {
        return ParsedHcl {
            body,
            comments,
            errors,
        };
    }
    ParsedHcl {
        body: Body::default(),
        comments,
        errors: vec![failure],
    }
}

/// hcl-edit's parse of `text`, after renaming object keys it refuses as repeated (Terraform
/// accepts a key repeated in an object constructor, the last one wins; the rename is in place,
/// same length, so every span stays valid). Returns the renamed text when it renamed any.
#[allow(clippy::type_complexity)]
fn parse_patched(
    text: &str,
) -> (
    Result<Result<hcl_edit::structure::Body, hcl_edit::parser::Error>, String>,
    Option<String>,
) {
    let mut patched: Option<String> = None;
    let mut result = parse_body(text);
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
    // hcl-edit ends a `for` expression's value at a line break inside braces (`{ for k, v in m :
    // k => v.on\n ? a\n : b }`), which Terraform reads as one expression: join those lines.
    if let Ok(Err(_)) = &result
        && let Some(joined) = join_for_object_lines(patched.as_deref().unwrap_or(text))
    {
        let again = parse_body(&joined);
        if let Ok(Ok(_)) = &again {
            return (again, Some(joined));
        }
    }
    (result, patched)
}

/// `text` with the line breaks directly inside `{ for … }` expressions turned into spaces (and
/// the comments there blanked, so they do not swallow the joined line); lengths are kept, so
/// every span stays valid. Line breaks in an object constructor nested in the expression
/// separate its items and are kept. `None` when there is nothing to join, or a heredoc inside
/// such an expression needs its line breaks.
fn join_for_object_lines(text: &str) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        Str,
        Interpolation,
        /// `{`, and whether it opens a `for` expression.
        Brace(bool),
        Other,
    }
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if stack.last() == Some(&Ctx::Str) {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                // An unterminated string ends at the line break.
                b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Interpolation);
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        let in_for = stack.last() == Some(&Ctx::Brace(true));
        match c {
            b'\n' => {
                if in_for {
                    out[i] = b' ';
                    changed = true;
                }
                i += 1;
            }
            b'#' | b'/' if c == b'#' || b.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &b[i..])
                    .map(|p| i + p)
                    .unwrap_or(b.len());
                if in_for {
                    out[i..end].fill(b' ');
                }
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&b[i + 2..], b"*/")
                    .map(|p| i + 2 + p + 2)
                    .unwrap_or(b.len());
                if in_for {
                    out[i..end].fill(b' ');
                }
                i = end;
            }
            b'"' => {
                stack.push(Ctx::Str);
                i += 1;
            }
            b'{' => {
                let rest = text[i + 1..].trim_start();
                let for_expr = rest
                    .strip_prefix("for")
                    .is_some_and(|r| r.starts_with(|ch: char| ch.is_whitespace()));
                stack.push(Ctx::Brace(for_expr));
                i += 1;
            }
            b'[' | b'(' => {
                stack.push(Ctx::Other);
                i += 1;
            }
            b'}' | b']' | b')' => {
                stack.pop();
                i += 1;
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                let end = heredoc(text, i);
                if end > i + 2 && stack.contains(&Ctx::Brace(true)) {
                    return None;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

/// Block-level recovery: each top-level item (block or attribute) of `text` parsed alone; the
/// file parsed again with the failing ones blanked out (spaces, newlines kept, so every span
/// stays the file's). `None` when nothing is gained: a single item, no item fails alone (the
/// error is between items), or the rest still fails.
fn recover(text: &str) -> Option<(Body, Vec<ParseFailure>)> {
    let items = top_level_items(text);
    if items.len() < 2 {
        return None;
    }
    let mut errors = Vec::new();
    let mut work = text.as_bytes().to_vec();
    for item in &items {
        let (result, patched) = parse_patched(item.text(text));
        let failure = match result {
            Ok(Ok(_)) => {
                if let Some(p) = patched {
                    work[item.start..item.end].copy_from_slice(p.as_bytes());
                }
                continue;
            }
            Err(message) => ParseFailure {
                offset: item.start,
                message,
                recovered: true,
            },
            Ok(Err(e)) => ParseFailure {
                offset: item.start + e.location().offset().min(item.end - item.start),
                message: format!("cannot parse HCL: {}", e.message()),
                recovered: true,
            },
        };
        errors.push(failure);
        for b in &mut work[item.start..item.end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    if errors.is_empty() {
        return None;
    }
    let work = String::from_utf8(work).ok()?;
    match parse_body(&work) {
        Ok(Ok(body)) => Some((body_of(&body), errors)),
        _ => None,
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

/// A template's parts (for `.tf.json` strings, which are templates).
pub(crate) fn template_kind(t: &Template) -> ExprKind {
    template(t)
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
    let mut out = Vec::new();
    scan(text, |c| out.push(c), |_| {});
    out
}

/// The top-level items of HCL text (blocks and attributes), from their first character to the
/// end of their last line: what nests inside braces, brackets, parentheses, strings,
/// interpolations, heredocs and comments stays inside its item.
fn top_level_items(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    scan(text, |_| {}, |i| out.push(i));
    out
}

/// One lexical pass over HCL text: each comment (`#`, `//`, `/* */`, not inside a string or a
/// heredoc) goes to `comment`, each top-level item (a block or an attribute, with what nests in
/// it) to `item`. Strings resynchronise at the end of their line when unterminated.
fn scan(text: &str, mut comment: impl FnMut(Span), mut item: impl FnMut(Span)) {
    #[derive(Clone, Copy)]
    enum Ctx {
        Code(usize),
        Str,
    }
    let b = text.as_bytes();
    let mut stack = vec![Ctx::Code(0)];
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let top = stack.len() == 1;
        match *stack.last().expect("never empty") {
            Ctx::Str => match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                // An unterminated string: resynchronise on the next line.
                b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Code(0));
                    i += 2;
                }
                _ => i += 1,
            },
            Ctx::Code(depth) => {
                let is_comment =
                    c == b'#' || (c == b'/' && matches!(b.get(i + 1), Some(b'/') | Some(b'*')));
                // Comments between items belong to no item.
                if top && depth == 0 && start.is_none() && !c.is_ascii_whitespace() && !is_comment {
                    start = Some(i);
                }
                match c {
                    b'\n' if top && depth == 0 => {
                        if let Some(s) = start.take() {
                            item(Span::new(s, i));
                        }
                        i += 1;
                    }
                    b'#' => i = line_comment(b, i, &mut comment),
                    b'/' if b.get(i + 1) == Some(&b'/') => i = line_comment(b, i, &mut comment),
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        let end = memchr::memmem::find(&b[i + 2..], b"*/")
                            .map(|p| i + 2 + p + 2)
                            .unwrap_or(b.len());
                        comment(Span::new(i, end));
                        i = end;
                    }
                    b'"' => {
                        stack.push(Ctx::Str);
                        i += 1;
                    }
                    b'{' | b'[' | b'(' => {
                        *stack.last_mut().expect("never empty") = Ctx::Code(depth + 1);
                        i += 1;
                    }
                    b'}' | b']' | b')' => {
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
                }
            }
        }
    }
    if let Some(s) = start {
        item(Span::new(s, b.len()));
    }
}

fn line_comment(b: &[u8], start: usize, comment: &mut impl FnMut(Span)) -> usize {
    let mut end = memchr::memchr(b'\n', &b[start..])
        .map(|p| start + p)
        .unwrap_or(b.len());
    let next = end;
    if end > start && b[end - 1] == b'\r' {
        end -= 1;
    }
    comment(Span::new(start, end));
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
        assert!(p.errors.is_empty());
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
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            p.body.attributes[0].value.span.text(text),
            "{\n  a = 1\n  a = 2\n}"
        );
    }

    #[test]
    fn a_for_expression_whose_value_spans_lines_parses() {
        // Terraform reads `{ for … : k => cond\n ? a\n : b }` as one expression; the lines
        // of an object nested in it stay its item separators, and a comment there stays out
        // of the joined line.
        let text = "locals {\n  users = { for u in var.users : u.name => u.generated # pick one\n    ? random_password.pw[u.name].result\n    : u.password\n  }\n  hosts = { for h in var.hosts : h.name => {\n    port = h.port\n    tls  = h.tls\n  } }\n}\nresource \"aws_db_instance\" \"x\" {\n  publicly_accessible = true\n}\n";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let locals = &p.body.blocks[0].body.attributes;
        assert_eq!(locals.len(), 2);
        assert!(
            locals[0]
                .value
                .span
                .text(text)
                .ends_with(": u.password\n  }")
        );
        assert_eq!(p.body.blocks[1].label(0), Some("aws_db_instance"));
        assert_eq!(
            all_comments(text).len(),
            1,
            "the comment is still a comment"
        );
    }

    #[test]
    fn parse_errors_have_an_offset() {
        let text = "resource \"a\" \"b\" {\n  x = \n}\n";
        let p = parse(text);
        let e = &p.errors[0];
        assert!(e.offset > 0 && e.offset <= text.len(), "{e:?}");
    }

    #[test]
    fn a_broken_block_costs_that_block_only() {
        let text = "variable \"a\" {\n  default = \"x { y\"\n}\n\n# a comment\nresource \"r\" \"broken\" {\n  x = \n}\n\nresource \"r\" \"fine\" {\n  tags = { Name = \"${var.a}}\" }\n  policy = <<EOF\n{ \"unbalanced\": [\nEOF\n}\nlocals {\n  b = 1\n}\n";
        let p = parse(text);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        let e = &p.errors[0];
        assert!(e.recovered);
        assert!(text[..e.offset].contains("broken") && !text[..e.offset].contains("fine"));
        let names: Vec<&str> = p
            .body
            .blocks
            .iter()
            .map(|b| {
                b.labels
                    .last()
                    .map_or(b.ident.as_str(), |l| l.value.as_str())
            })
            .collect();
        assert_eq!(names, ["a", "fine", "locals"]);
        // Spans are the file's.
        let fine = &p.body.blocks[1];
        assert!(fine.span.text(text).starts_with("resource \"r\" \"fine\""));
    }

    #[test]
    fn top_level_items_keep_nesting_inside() {
        let text = "a = [\n  1,\n]\nb = \"x\\n${ { c = 1 } }\"\n// c\nd {\n}\n";
        let items: Vec<&str> = top_level_items(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(
            items,
            ["a = [\n  1,\n]", "b = \"x\\n${ { c = 1 } }\"", "d {\n}"]
        );
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
