//! The typed HCL model rules read: blocks, attributes and expressions, each with byte spans.
//! `crate::parse::hcl` builds it from hcl-edit; rules never see hcl-edit's types.

use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    /// `key = value`.
    pub span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<Label>,
    pub body: Body,
    /// From the identifier to the closing brace.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Label {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string without interpolation.
    String(String),
    /// A string or heredoc with interpolations or directives.
    Template(Vec<TemplatePart>),
    List(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A bare identifier (`each`, `count`, an iterator of a dynamic block...).
    Ident(String),
    /// `root.attr[index]...`
    Traversal {
        root: Box<Expr>,
        ops: Vec<TraversalOp>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Conditional {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Paren(Box<Expr>),
    /// `[for ...]` / `{for ...}`: never folded.
    For,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// `%{if}` / `%{for}`: never folded.
    Directive,
}

#[derive(Clone, Debug)]
pub enum ObjectKey {
    Ident(String, Span),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub enum TraversalOp {
    Attr(String),
    Index(Expr),
    Splat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    LessEq,
    GreaterEq,
    Less,
    Greater,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

impl Body {
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    pub fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

impl Block {
    /// The identifier and labels: `resource "aws_db_instance" "main"`.
    pub fn header_span(&self) -> Span {
        match self.labels.last() {
            Some(l) => self.ident_span.cover(l.span),
            None => self.ident_span,
        }
    }

    pub fn label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).map(|l| l.value.as_str())
    }
}

impl ObjectKey {
    /// The key's name when it is written literally (`key`, `"key"`).
    pub fn name(&self) -> Option<&str> {
        match self {
            ObjectKey::Ident(s, _) => Some(s),
            ObjectKey::Expr(e) => match &e.kind {
                ExprKind::String(s) => Some(s),
                // `(key)` evaluates `key`: only literal keys have a static name.
                _ => None,
            },
        }
    }

    pub fn span(&self) -> Span {
        match self {
            ObjectKey::Ident(_, s) => *s,
            ObjectKey::Expr(e) => e.span,
        }
    }
}

impl Expr {
    /// The literal string, when the expression is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            ExprKind::Paren(e) => e.as_str(),
            _ => None,
        }
    }

    /// The static reference path of a traversal: `aws_db_instance.main.password` gives
    /// `["aws_db_instance", "main", "password"]`; an index is kept as `[0]`, `["key"]` or `[*]`.
    pub fn reference(&self) -> Option<Vec<String>> {
        match &self.kind {
            ExprKind::Traversal { root, ops } => {
                let ExprKind::Ident(r) = &root.kind else {
                    return None;
                };
                let mut out = vec![r.clone()];
                for op in ops {
                    out.push(match op {
                        TraversalOp::Attr(a) => a.clone(),
                        TraversalOp::Splat => "[*]".into(),
                        TraversalOp::Index(e) => match &e.kind {
                            ExprKind::Number(n) => format!("[{}]", *n as i64),
                            ExprKind::String(s) => format!("[\"{s}\"]"),
                            _ => "[?]".into(),
                        },
                    });
                }
                Some(out)
            }
            ExprKind::Ident(r) => Some(vec![r.clone()]),
            ExprKind::Paren(e) => e.reference(),
            _ => None,
        }
    }

    /// Every reference inside the expression (through calls, templates, conditionals...).
    pub fn references(&self) -> Vec<(Vec<String>, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if matches!(e.kind, ExprKind::Traversal { .. })
                && let Some(r) = e.reference()
            {
                out.push((r, e.span));
                return false;
            }
            true
        });
        out
    }

    /// The references whose value can flow into the expression's value: not those only tested
    /// (a conditional's condition, a comparison, `length()`, an index), so in
    /// `var.generate ? random_password.p.result : var.password` only the last two count.
    pub fn value_references(&self) -> Vec<(Vec<String>, Span)> {
        fn go(e: &Expr, out: &mut Vec<(Vec<String>, Span)>) {
            match &e.kind {
                ExprKind::Traversal { .. } => {
                    if let Some(r) = e.reference() {
                        out.push((r, e.span));
                    }
                }
                ExprKind::Template(parts) => {
                    for p in parts {
                        if let TemplatePart::Interpolation(x) = p {
                            go(x, out);
                        }
                    }
                }
                ExprKind::List(items) => items.iter().for_each(|x| go(x, out)),
                ExprKind::Object(items) => items.iter().for_each(|(_, v)| go(v, out)),
                ExprKind::Conditional {
                    then, otherwise, ..
                } => {
                    go(then, out);
                    go(otherwise, out);
                }
                ExprKind::Paren(x) => go(x, out),
                ExprKind::Binary {
                    op:
                        BinaryOp::Plus | BinaryOp::Minus | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod,
                    lhs,
                    rhs,
                } => {
                    go(lhs, out);
                    go(rhs, out);
                }
                ExprKind::Call { name, args } => match name.as_str() {
                    "length" | "can" | "type" | "md5" | "sha1" | "sha256" | "sha512" | "bcrypt"
                    | "base64sha256" | "base64sha512" | "contains" | "startswith" | "endswith"
                    | "alltrue" | "anytrue" | "keys" => {}
                    // lookup(map, key, default): the key only selects.
                    "lookup" => args
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != 1)
                        .for_each(|(_, x)| go(x, out)),
                    _ => args.iter().for_each(|x| go(x, out)),
                },
                _ => {}
            }
        }
        let mut out = Vec::new();
        go(self, &mut out);
        out
    }

    /// Visits the expression tree depth-first; `f` returns whether to descend.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr) -> bool) {
        if !f(self) {
            return;
        }
        match &self.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Interpolation(e) = p {
                        e.walk(f);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|e| e.walk(f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        k.walk(f);
                    }
                    v.walk(f);
                }
            }
            ExprKind::Traversal { root, ops } => {
                root.walk(f);
                for op in ops {
                    if let TraversalOp::Index(e) = op {
                        e.walk(f);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.walk(f)),
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                cond.walk(f);
                then.walk(f);
                otherwise.walk(f);
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => expr.walk(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            _ => {}
        }
    }
}
