//! Alembic revision files -> the statement model, with a real Python parser (rustpython).
//!
//! Module-level `revision` / `down_revision` / `branch_labels` give the revision graph;
//! `upgrade()` and `downgrade()` become the up and down scripts. Each `op.*` call (and
//! `batch_op.*` inside `with op.batch_alter_table(...)`) becomes a statement whose spans point at
//! the call and its arguments; `op.execute("...")` SQL is parsed by the SQL parser in place.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rustpython_parser::ast::{self, Constant, Expr, Stmt};
use rustpython_parser::text_size::TextRange;
use rustpython_parser::{Mode, Tok, lexer::lex, parse_tokens};

use crate::parse::script::{FileInfo, FileModel, RevisionInfo, Script, append_sql, shadow_text};
use crate::source::{SourceFile, Span};
use crate::sql::*;
use crate::suppress::CommentRef;

/// Bracket nesting and operator chains (per logical line) beyond which a file is refused.
const MAX_PY_DEPTH: usize = 100;
const MAX_PY_CHAIN: usize = 2_000;

/// Whether a Python file looks like an Alembic revision (cheap sniff before parsing).
pub fn is_revision(text: &str) -> bool {
    text.contains("down_revision") && text.contains("revision")
}

fn span(r: TextRange) -> Span {
    Span::new(usize::from(r.start()), usize::from(r.end()))
}

fn range_of(e: &Expr) -> TextRange {
    match e {
        Expr::Call(x) => x.range,
        Expr::Constant(x) => x.range,
        Expr::Name(x) => x.range,
        Expr::Attribute(x) => x.range,
        Expr::JoinedStr(x) => x.range,
        Expr::List(x) => x.range,
        Expr::Tuple(x) => x.range,
        Expr::BinOp(x) => x.range,
        Expr::UnaryOp(x) => x.range,
        Expr::Subscript(x) => x.range,
        Expr::Dict(x) => x.range,
        Expr::BoolOp(x) => x.range,
        Expr::Compare(x) => x.range,
        Expr::IfExp(x) => x.range,
        Expr::Lambda(x) => x.range,
        Expr::ListComp(x) => x.range,
        Expr::Starred(x) => x.range,
        Expr::FormattedValue(x) => x.range,
        other => {
            use rustpython_parser::ast::Ranged;
            other.range()
        }
    }
}

fn str_const(e: &Expr) -> Option<&str> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// A string argument as an identifier spanning the text inside the quotes.
fn str_ident(text: &str, e: &Expr) -> Option<Ident> {
    let s = str_const(e)?;
    let r = span(range_of(e));
    let raw = &text[r.start..r.end];
    let q = raw.find(['\'', '"']).unwrap_or(0);
    let start = r.start + q + 1;
    let end = (start + s.len()).min(r.end);
    Some(Ident::new(s, Span::new(start, end)))
}

/// `op`, `batch_op`... the receiver of a call like `op.add_column(...)`.
fn method_call(e: &Expr) -> Option<(&str, &str, &ast::ExprCall)> {
    let Expr::Call(call) = e else { return None };
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return None;
    };
    let recv = match attr.value.as_ref() {
        Expr::Name(n) => n.id.as_str(),
        _ => return None,
    };
    Some((recv, attr.attr.as_str(), call))
}

fn kw<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a Expr> {
    call.keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
}

/// Positional argument `i`, or keyword `name`.
fn arg<'a>(call: &'a ast::ExprCall, i: usize, name: &str) -> Option<&'a Expr> {
    call.args.get(i).or_else(|| kw(call, name))
}

fn is_true(e: Option<&Expr>) -> bool {
    matches!(e, Some(Expr::Constant(c)) if matches!(c.value, Constant::Bool(true)))
}

fn is_false(e: Option<&Expr>) -> bool {
    matches!(e, Some(Expr::Constant(c)) if matches!(c.value, Constant::Bool(false)))
}

fn str_list(text: &str, e: Option<&Expr>) -> Vec<Ident> {
    match e {
        Some(Expr::List(l)) => l.elts.iter().filter_map(|x| str_ident(text, x)).collect(),
        Some(Expr::Tuple(t)) => t.elts.iter().filter_map(|x| str_ident(text, x)).collect(),
        Some(x) => str_ident(text, x).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The SQL type a SQLAlchemy type expression stands for (`sa.String(50)` -> `varchar(50)`).
fn sa_type(e: &Expr) -> Option<(String, Span)> {
    let (name, call) = match e {
        Expr::Call(c) => (type_name(&c.func)?, Some(c)),
        other => (type_name(other)?, None),
    };
    let args: Vec<String> = call
        .map(|c| {
            c.args
                .iter()
                .filter_map(|a| match a {
                    Expr::Constant(k) => match &k.value {
                        Constant::Int(i) => Some(i.to_string()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let length = call
        .and_then(|c| kw(c, "length").or_else(|| kw(c, "precision")))
        .and_then(|a| match a {
            Expr::Constant(k) => match &k.value {
                Constant::Int(i) => Some(i.to_string()),
                _ => None,
            },
            _ => None,
        });
    let tz = call.is_some_and(|c| is_true(kw(c, "timezone")));
    let base = match name.to_ascii_lowercase().as_str() {
        "string" | "unicode" | "varchar" | "nvarchar" => "varchar",
        "text" | "unicodetext" => "text",
        "integer" | "int" => "integer",
        "biginteger" | "bigint" => "bigint",
        "smallinteger" | "smallint" => "smallint",
        "boolean" | "bool" => "boolean",
        "datetime" | "timestamp" => {
            if tz {
                "timestamptz"
            } else {
                "timestamp"
            }
        }
        "date" => "date",
        "time" => "time",
        "float" | "real" => "real",
        "numeric" | "decimal" => "numeric",
        "json" => "json",
        "jsonb" => "jsonb",
        "uuid" => "uuid",
        "largebinary" | "binary" | "bytea" => "bytea",
        "interval" => "interval",
        "enum" => "text",
        "char" => "char",
        "array" => "text[]",
        other => return Some((other.to_string(), span(range_of(e)))),
    };
    let args = if let Some(l) = length { vec![l] } else { args };
    let t = if args.is_empty() || base.ends_with(']') {
        base.to_string()
    } else {
        format!("{base}({})", args.join(","))
    };
    Some((t, span(range_of(e))))
}

fn type_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.to_string()),
        _ => None,
    }
}

/// `sa.Column("name", sa.Type, nullable=False, ...)`.
fn column(text: &str, e: &Expr) -> Option<ColumnDef> {
    let Expr::Call(c) = e else { return None };
    if type_name(&c.func)?.as_str() != "Column" {
        return None;
    }
    let name = str_ident(text, c.args.first()?)?;
    let ty = c.args.get(1).or_else(|| kw(c, "type_")).and_then(sa_type);
    let mut def = ColumnDef::new(name, ty.map(|(t, s)| SqlType::parse(&t, s)), span(c.range));
    def.not_null = is_false(kw(c, "nullable"));
    def.primary_key = is_true(kw(c, "primary_key"));
    if def.primary_key && kw(c, "nullable").is_none() {
        def.not_null = true;
    }
    def.unique = is_true(kw(c, "unique"));
    def.identity = is_true(kw(c, "autoincrement"));
    if let Some(d) = kw(c, "server_default") {
        let r = span(range_of(d));
        let raw = text[r.start..r.end].to_string();
        let inner = str_const(d)
            .map(str::to_string)
            .or_else(|| match d {
                Expr::Call(tc) => tc.args.first().and_then(str_const).map(str::to_string),
                _ => None,
            })
            .unwrap_or(raw);
        def.default = Some(DefaultExpr {
            volatility: crate::parse::sql::recognize::volatility(&inner, Dialect::Generic),
            is_null: inner.eq_ignore_ascii_case("null"),
            text: inner,
            span: r,
        });
    }
    Some(def)
}

struct Walker<'a> {
    text: &'a str,
    model: FileModel,
    /// String assignments seen (module level and in the current function): name -> expr.
    strings: HashMap<String, &'a Expr>,
    /// SQL regions found: (range, text to parse there).
    regions: Vec<(Range<usize>, String)>,
    /// Pending statements in order: either a structured one or a SQL region index.
    items: Vec<Item>,
    opaque: bool,
    irreversible: Option<(Span, String)>,
    /// Inside `with op.get_context().autocommit_block():`.
    autocommit: bool,
}

enum Item {
    Stmt(Box<Statement>, bool),
    Sql(usize, bool),
}

fn stmt(kind: StmtKind, span: Span) -> Statement {
    Statement {
        kind,
        span,
        tokens: 0..0,
        parse: ParseState::Recognized,
        in_transaction: false,
    }
}

/// Replaces `{...}` and `%(name)s` / `%s` template holes with filler of the same length so the
/// rest still parses as SQL.
fn fill_template(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{'
            && let Some(end) = s[i..]
                .find('}')
                .filter(|e| *e < 60 && !s[i..i + e].contains('\n'))
        {
            // `{table}` -> `_table_`: same length, still readable in messages.
            out.push('_');
            out.extend(s.as_bytes()[i + 1..i + end].iter().map(|&c| {
                if c.is_ascii_alphanumeric() {
                    c as char
                } else {
                    '_'
                }
            }));
            out.push('_');
            i += end + 1;
            continue;
        }
        if b[i] == b'%' && i + 1 < b.len() {
            if b[i + 1] == b's' {
                out.push_str("x1");
                i += 2;
                continue;
            }
            if b[i + 1] == b'('
                && let Some(end) = s[i..].find(")s").filter(|e| *e < 60)
            {
                out.push('x');
                out.push_str(&"_".repeat(end + 1));
                i += end + 2;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

impl<'a> Walker<'a> {
    fn push(&mut self, kind: StmtKind, at: Span) {
        self.items
            .push(Item::Stmt(Box::new(stmt(kind, at)), self.autocommit));
    }

    fn alter(&mut self, table: ObjectName, actions: Vec<AlterItem>, at: Span) {
        self.push(
            StmtKind::AlterTable(Box::new(AlterTable {
                name: table,
                actions,
                if_exists: false,
                only: false,
                algorithm: None,
                lock: None,
            })),
            at,
        );
    }

    /// The SQL text of an `op.execute` argument: a literal, `sa.text(literal)`, an f-string, a
    /// `"...".format()` / `"..." % x`, or a name bound to one of those.
    fn sql_arg(&mut self, e: &'a Expr, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        match e {
            Expr::Constant(c) => {
                let Constant::Str(s) = &c.value else {
                    return false;
                };
                self.region(c.range, s.clone(), false)
            }
            Expr::JoinedStr(j) => {
                let mut s = String::new();
                for v in &j.values {
                    match v {
                        Expr::Constant(c) => {
                            if let Constant::Str(t) = &c.value {
                                s.push_str(t);
                            }
                        }
                        _ => s.push_str("{x}"),
                    }
                }
                self.region(j.range, s, true)
            }
            Expr::Call(c) => {
                let name = type_name(&c.func).unwrap_or_default();
                match name.as_str() {
                    "text" => c.args.first().is_some_and(|a| self.sql_arg(a, depth + 1)),
                    "format" => match c.func.as_ref() {
                        Expr::Attribute(a) => match a.value.as_ref() {
                            Expr::Constant(k) => match &k.value {
                                Constant::Str(s) => self.region(k.range, s.clone(), true),
                                _ => false,
                            },
                            _ => false,
                        },
                        _ => false,
                    },
                    _ => false,
                }
            }
            Expr::BinOp(b) if matches!(b.op, ast::Operator::Mod) => match b.left.as_ref() {
                Expr::Constant(k) => match &k.value {
                    Constant::Str(s) => self.region(k.range, s.clone(), true),
                    _ => false,
                },
                _ => false,
            },
            Expr::Name(n) => match self.strings.get(n.id.as_str()).copied() {
                Some(v) => self.sql_arg(v, depth + 1),
                None => false,
            },
            _ => false,
        }
    }

    /// Records a string literal's text as a SQL region over the literal's contents.
    fn region(&mut self, r: TextRange, value: String, template: bool) -> bool {
        let sp = span(r);
        let raw = &self.text[sp.start..sp.end];
        // Skip the prefix and the opening quotes.
        let prefix = raw.find(['\'', '"']).unwrap_or(0);
        let q = &raw[prefix..];
        let quote_len = if q.starts_with("\"\"\"") || q.starts_with("'''") {
            3
        } else {
            1
        };
        let start = sp.start + prefix + quote_len;
        let end = sp.end.saturating_sub(quote_len).max(start);
        let value = if template {
            fill_template(&value)
        } else {
            value
        };
        if value.len() > end - start {
            return false;
        }
        let idx = self.regions.len();
        self.regions.push((start..end, value));
        self.items.push(Item::Sql(idx, self.autocommit));
        true
    }

    fn body(&mut self, stmts: &'a [Stmt], batch: Option<&(String, ObjectName)>, depth: usize) {
        if depth > 32 {
            self.opaque = true;
            return;
        }
        for s in stmts {
            // Own-line suppressions cover the next statement of the body.
            if let Some(r) = stmt_range(s) {
                self.model.scopes.push(span(r));
            }
            match s {
                Stmt::Expr(x) => {
                    if let Some(sq) = str_const(&x.value) {
                        // A docstring.
                        let _ = sq;
                        continue;
                    }
                    if !self.call(&x.value, batch) {
                        self.opaque = true;
                    }
                }
                Stmt::Pass(_) => {}
                Stmt::Raise(r) => {
                    let reason = r
                        .exc
                        .as_deref()
                        .and_then(|e| match e {
                            Expr::Call(c) => c
                                .args
                                .first()
                                .and_then(str_const)
                                .map(str::to_string)
                                .or_else(|| type_name(&c.func)),
                            other => type_name(other),
                        })
                        .unwrap_or_else(|| "raise".into());
                    self.irreversible = Some((span(r.range), reason));
                }
                Stmt::Assign(a) => {
                    if let [Expr::Name(n)] = a.targets.as_slice() {
                        self.strings.insert(n.id.to_string(), &a.value);
                    }
                    // `conn = op.get_bind()`, `x = sa.table(...)`: no schema change by itself.
                    if let Expr::Call(_) = a.value.as_ref()
                        && let Some((recv, m, _)) = method_call(&a.value)
                        && recv == "op"
                        && m != "get_bind"
                        && m != "get_context"
                    {
                        self.call(&a.value, batch);
                    }
                }
                Stmt::With(w) => {
                    let mut inner = None;
                    for item in &w.items {
                        if let Some((recv, m, call)) = method_call(&item.context_expr)
                            && recv == "op"
                            && m == "batch_alter_table"
                            && let Some(t) =
                                arg(call, 0, "table_name").and_then(|e| str_ident(self.text, e))
                            && let Some(Expr::Name(v)) = item.optional_vars.as_deref()
                        {
                            inner = Some((v.id.to_string(), ObjectName::single(t)));
                        }
                    }
                    let autocommit = w.items.iter().any(|i| {
                        matches!(&i.context_expr, Expr::Call(c) if type_name(&c.func).as_deref() == Some("autocommit_block"))
                    });
                    match &inner {
                        Some(b) => self.body(&w.body, Some(b), depth + 1),
                        None if autocommit => {
                            let was = std::mem::replace(&mut self.autocommit, true);
                            self.body(&w.body, batch, depth + 1);
                            self.autocommit = was;
                        }
                        None => {
                            self.opaque = true;
                            self.body(&w.body, batch, depth + 1);
                        }
                    }
                }
                Stmt::If(i) => {
                    self.opaque = true;
                    self.body(&i.body, batch, depth + 1);
                    self.body(&i.orelse, batch, depth + 1);
                }
                Stmt::For(f) => {
                    self.opaque = true;
                    self.body(&f.body, batch, depth + 1);
                }
                Stmt::Try(t) => {
                    self.opaque = true;
                    self.body(&t.body, batch, depth + 1);
                }
                Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Global(_) => {}
                _ => self.opaque = true,
            }
        }
    }

    /// Maps one call; `false` when it is not an op call we know (the body is then opaque).
    fn call(&mut self, e: &'a Expr, batch: Option<&(String, ObjectName)>) -> bool {
        let Some((recv, m, c)) = method_call(e) else {
            return false;
        };
        let at = span(c.range);
        let text = self.text;
        // In a batch, the table is implied and arguments shift left by one.
        let table_arg: Option<ObjectName> = match batch {
            Some((var, t)) if var == recv => Some(t.clone()),
            _ if recv == "op" => None,
            _ => {
                // `conn.execute("...")`, `bind.execute(...)`.
                if m == "execute"
                    && let Some(a) = c.args.first()
                {
                    return self.sql_arg(a, 0);
                }
                return false;
            }
        };
        self.model.scopes.push(at);
        let table = |i: usize, name: &str| -> Option<ObjectName> {
            if let Some(t) = &table_arg {
                return Some(t.clone());
            }
            arg(c, i, name)
                .and_then(|e| str_ident(text, e))
                .map(ObjectName::single)
        };
        let pos = |i: usize| {
            if table_arg.is_some() {
                i.saturating_sub(1)
            } else {
                i
            }
        };
        match m {
            "execute" => {
                return c
                    .args
                    .first()
                    .or_else(|| kw(c, "sqltext"))
                    .is_some_and(|x| self.sql_arg(x, 0));
            }
            "create_table" => {
                let Some(name) = arg(c, 0, "table_name").and_then(|e| str_ident(text, e)) else {
                    return false;
                };
                let columns = c
                    .args
                    .iter()
                    .skip(1)
                    .filter_map(|x| column(text, x))
                    .collect();
                self.push(
                    StmtKind::CreateTable(CreateTable {
                        name: ObjectName::single(name),
                        columns,
                        constraints: Vec::new(),
                        if_not_exists: is_true(kw(c, "if_not_exists")),
                        temporary: false,
                        derived: false,
                        or_replace: false,
                    }),
                    at,
                );
            }
            "drop_table" => {
                let Some(name) = table(0, "table_name") else {
                    return false;
                };
                self.push(
                    StmtKind::Drop {
                        kind: ObjectKind::Table,
                        names: vec![name],
                        if_exists: is_true(kw(c, "if_exists")),
                        cascade: false,
                    },
                    at,
                );
            }
            "add_column" => {
                let (Some(t), Some(col)) = (
                    table(0, "table_name"),
                    arg(c, pos(1), "column").and_then(|x| column(text, x)),
                ) else {
                    return false;
                };
                self.alter(
                    t,
                    vec![AlterItem {
                        action: AlterAction::AddColumn {
                            column: col,
                            if_not_exists: is_true(kw(c, "if_not_exists")),
                        },
                        span: at,
                    }],
                    at,
                );
            }
            "drop_column" => {
                let (Some(t), Some(col)) = (
                    table(0, "table_name"),
                    arg(c, pos(1), "column_name").and_then(|e| str_ident(text, e)),
                ) else {
                    return false;
                };
                self.alter(
                    t,
                    vec![AlterItem {
                        action: AlterAction::DropColumn {
                            name: col,
                            if_exists: is_true(kw(c, "if_exists")),
                            cascade: false,
                        },
                        span: at,
                    }],
                    at,
                );
            }
            "alter_column" => {
                let (Some(t), Some(col)) = (
                    table(0, "table_name"),
                    arg(c, pos(1), "column_name").and_then(|e| str_ident(text, e)),
                ) else {
                    return false;
                };
                let mut actions = Vec::new();
                let item = |action| AlterItem { action, span: at };
                if let Some((ty, s)) = kw(c, "type_").and_then(sa_type) {
                    actions.push(item(AlterAction::AlterColumnType {
                        column: col.clone(),
                        new_type: SqlType::parse(&ty, s),
                        using: kw(c, "postgresql_using")
                            .and_then(str_const)
                            .map(str::to_string),
                    }));
                }
                if is_false(kw(c, "nullable")) {
                    actions.push(item(AlterAction::SetNotNull {
                        column: col.clone(),
                    }));
                } else if is_true(kw(c, "nullable")) {
                    actions.push(item(AlterAction::DropNotNull {
                        column: col.clone(),
                    }));
                }
                if let Some(to) = kw(c, "new_column_name").and_then(|e| str_ident(text, e)) {
                    actions.push(item(AlterAction::RenameColumn {
                        from: col.clone(),
                        to,
                    }));
                }
                if actions.is_empty() {
                    actions.push(item(AlterAction::Other {
                        what: "ALTER COLUMN".into(),
                    }));
                }
                self.alter(t, actions, at);
            }
            "rename_table" => {
                let (Some(from), Some(to)) = (
                    arg(c, 0, "old_table_name").and_then(|e| str_ident(text, e)),
                    arg(c, 1, "new_table_name").and_then(|e| str_ident(text, e)),
                ) else {
                    return false;
                };
                self.alter(
                    ObjectName::single(from),
                    vec![AlterItem {
                        action: AlterAction::RenameTable {
                            to: ObjectName::single(to),
                        },
                        span: at,
                    }],
                    at,
                );
            }
            "create_index" => {
                let name = arg(c, 0, "index_name").and_then(|e| str_ident(text, e));
                let Some(t) = table(1, "table_name") else {
                    return false;
                };
                let columns = str_list(text, arg(c, pos(2), "columns"))
                    .into_iter()
                    .map(|i| i.value)
                    .collect();
                self.push(
                    StmtKind::CreateIndex(Box::new(CreateIndex {
                        name,
                        table: t,
                        columns,
                        unique: is_true(kw(c, "unique")),
                        concurrently: is_true(kw(c, "postgresql_concurrently")),
                        if_not_exists: is_true(kw(c, "if_not_exists")),
                        partial: kw(c, "postgresql_where").is_some(),
                        algorithm: None,
                        lock: None,
                    })),
                    at,
                );
            }
            "drop_index" => {
                let Some(name) = arg(c, 0, "index_name").and_then(|e| str_ident(text, e)) else {
                    return false;
                };
                self.push(
                    StmtKind::DropIndex {
                        names: vec![ObjectName::single(name)],
                        concurrently: is_true(kw(c, "postgresql_concurrently")),
                        if_exists: is_true(kw(c, "if_exists")),
                        table: table(1, "table_name"),
                    },
                    at,
                );
            }
            "create_foreign_key"
            | "create_unique_constraint"
            | "create_primary_key"
            | "create_check_constraint" => {
                let name = arg(c, 0, "constraint_name").and_then(|e| str_ident(text, e));
                let t = if m == "create_foreign_key" {
                    table(1, "source_table")
                } else {
                    table(1, "table_name")
                };
                let Some(t) = t else { return false };
                let kind = match m {
                    "create_foreign_key" => ConstraintKind::ForeignKey {
                        columns: str_list(text, arg(c, pos(3), "local_cols")),
                        references: arg(c, pos(2), "referent_table")
                            .and_then(|e| str_ident(text, e))
                            .map(ObjectName::single)
                            .unwrap_or_else(|| ObjectName::single(Ident::new("", at))),
                        ref_columns: str_list(text, arg(c, pos(4), "remote_cols")),
                    },
                    "create_unique_constraint" => ConstraintKind::Unique {
                        columns: str_list(text, arg(c, pos(2), "columns")),
                        using_index: None,
                    },
                    "create_primary_key" => ConstraintKind::PrimaryKey {
                        columns: str_list(text, arg(c, pos(2), "columns")),
                        using_index: None,
                    },
                    _ => ConstraintKind::Check {
                        expr: arg(c, pos(2), "condition")
                            .and_then(str_const)
                            .unwrap_or("")
                            .to_string(),
                    },
                };
                let not_valid = kw(c, "postgresql_not_valid").is_some_and(|x| is_true(Some(x)));
                self.alter(
                    t,
                    vec![AlterItem {
                        action: AlterAction::AddConstraint {
                            constraint: TableConstraint {
                                name,
                                kind,
                                not_valid,
                                span: at,
                            },
                        },
                        span: at,
                    }],
                    at,
                );
            }
            "drop_constraint" => {
                let (Some(name), Some(t)) = (
                    arg(c, 0, "constraint_name").and_then(|e| str_ident(text, e)),
                    table(1, "table_name"),
                ) else {
                    return false;
                };
                self.alter(
                    t,
                    vec![AlterItem {
                        action: AlterAction::DropConstraint {
                            name,
                            if_exists: is_true(kw(c, "if_exists")),
                        },
                        span: at,
                    }],
                    at,
                );
            }
            "bulk_insert" => {
                let t = match c.args.first() {
                    Some(Expr::Call(tc)) => tc.args.first().and_then(|e| str_ident(text, e)),
                    Some(Expr::Name(n)) => self.strings.get(n.id.as_str()).and_then(|e| match e {
                        Expr::Call(tc) => tc.args.first().and_then(|e| str_ident(text, e)),
                        _ => None,
                    }),
                    _ => None,
                };
                let table = t
                    .map(ObjectName::single)
                    .unwrap_or_else(|| ObjectName::single(Ident::new("?", at)));
                self.push(
                    StmtKind::Insert {
                        table,
                        columns: Vec::new(),
                    },
                    at,
                );
            }
            "get_bind"
            | "get_context"
            | "f"
            | "inline_literal"
            | "create_table_comment"
            | "drop_table_comment" => {}
            other => self.push(
                StmtKind::Other {
                    head: format!("op.{other}"),
                },
                at,
            ),
        }
        true
    }
}

/// Parses a Python file; a file that is not an Alembic revision gives [`FileInfo::Other`].
pub fn parse(source: &SourceFile, dialect: Dialect) -> FileModel {
    let text: &str = &source.text;
    let mut model = FileModel {
        dialect,
        ..Default::default()
    };
    let mut tokens = Vec::new();
    // The parser and the syntax tree recurse: refuse nesting no revision file comes near.
    let mut depth = 0usize;
    let mut chain = 0usize;
    for t in lex(text, Mode::Module) {
        if let Ok((tok, r)) = &t {
            match tok {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
                Tok::Newline => chain = 0,
                Tok::Plus
                | Tok::Minus
                | Tok::Star
                | Tok::Slash
                | Tok::Percent
                | Tok::Vbar
                | Tok::Amper
                | Tok::CircumFlex
                | Tok::Dot
                | Tok::Not
                | Tok::And
                | Tok::Or
                | Tok::Tilde
                | Tok::DoubleStar
                | Tok::LeftShift
                | Tok::RightShift => chain += 1,
                _ => {}
            }
            if depth > MAX_PY_DEPTH || chain > MAX_PY_CHAIN {
                model.errors.push((
                    Span::at(usize::from(r.start())),
                    "this Python file nests too deeply to analyse".into(),
                ));
                model.info = FileInfo::Other;
                return model;
            }
        }
        match t {
            Ok((Tok::Comment(_), r)) => model.comments.push(CommentRef { span: span(r) }),
            Ok(tok) => tokens.push(Ok(tok)),
            Err(e) => {
                let at = usize::from(e.location).min(text.len());
                model.errors.push((
                    Span::at(at),
                    format!("cannot parse this Python file: {}", e.error),
                ));
                model.info = FileInfo::Other;
                return model;
            }
        }
    }
    let module = match parse_tokens(tokens, Mode::Module, &source.display) {
        Ok(ast::Mod::Module(m)) => m,
        Ok(_) => {
            model.info = FileInfo::Other;
            return model;
        }
        Err(e) => {
            let at = usize::from(e.offset).min(text.len());
            model.errors.push((
                Span::at(at),
                format!("cannot parse this Python file: {}", e.error),
            ));
            model.info = FileInfo::Other;
            return model;
        }
    };
    let mut info = RevisionInfo::default();
    let mut strings: HashMap<String, &Expr> = HashMap::new();
    let mut functions: Vec<(&str, &ast::StmtFunctionDef)> = Vec::new();
    for s in &module.body {
        match s {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Expr::Name(n) = t {
                        assign(&mut info, n.id.as_str(), &a.value, a.range);
                        strings.insert(n.id.to_string(), &a.value);
                    }
                }
            }
            Stmt::AnnAssign(a) => {
                if let (Expr::Name(n), Some(v)) = (a.target.as_ref(), a.value.as_deref()) {
                    assign(&mut info, n.id.as_str(), v, a.range);
                    strings.insert(n.id.to_string(), v);
                }
            }
            Stmt::FunctionDef(f) if matches!(f.name.as_str(), "upgrade" | "downgrade") => {
                functions.push((f.name.as_str(), f));
            }
            _ => {}
        }
    }
    if info.revision.is_none() {
        model.info = FileInfo::Other;
        return model;
    }
    // Walk both functions, collecting statements and SQL regions.
    let mut walked = Vec::new();
    let mut all_regions: Vec<(Range<usize>, String)> = Vec::new();
    for (name, f) in functions {
        let mut w = Walker {
            text,
            model: FileModel::default(),
            strings: strings.clone(),
            regions: Vec::new(),
            items: Vec::new(),
            opaque: false,
            irreversible: None,
            autocommit: false,
        };
        w.body(&f.body, None, 0);
        let base = all_regions.len();
        all_regions.append(&mut w.regions);
        model.scopes.append(&mut w.model.scopes);
        model.scopes.push(span(f.range));
        let def_span = {
            let s = span(f.range);
            let end = text[s.start..s.end]
                .find(':')
                .map(|p| s.start + p + 1)
                .unwrap_or(s.end);
            Span::new(s.start, end)
        };
        walked.push((name, w.items, w.opaque, w.irreversible, def_span, base));
    }
    let edits: Vec<(Range<usize>, String)> = all_regions
        .iter()
        .filter(|(r, t)| &text[r.clone()] != t)
        .cloned()
        .collect();
    let shadow = (!edits.is_empty()).then(|| {
        Arc::new(SourceFile::new(
            source.path.clone(),
            source.display.clone(),
            shadow_text(text, &edits),
        ))
    });
    let sql_src: &SourceFile = shadow.as_deref().unwrap_or(source);
    for (name, items, opaque, irreversible, def_span, base) in walked {
        let first = model.statements.len();
        let mut autocommit = Vec::new();
        for it in items {
            let (range, outside) = match it {
                Item::Stmt(mut s, outside) => {
                    let at = model.tokens.len();
                    s.tokens = at..at;
                    model.statements.push(*s);
                    (model.statements.len() - 1..model.statements.len(), outside)
                }
                Item::Sql(i, outside) => {
                    let (range, _) = all_regions[base + i].clone();
                    (append_sql(&mut model, sql_src, range, dialect), outside)
                }
            };
            if outside {
                autocommit.extend(range);
            }
        }
        let dir = if name == "upgrade" {
            Direction::Up
        } else {
            Direction::Down
        };
        let mut script = Script::new(dir, first..model.statements.len(), def_span);
        script.opaque = opaque;
        script.irreversible = irreversible;
        script.autocommit = autocommit;
        model.scripts.push(script);
        if name == "upgrade" {
            info.upgrade = Some(model.scripts.len() - 1);
        } else {
            info.downgrade = Some(model.scripts.len() - 1);
        }
    }
    model.shadow = shadow;
    model.scopes.sort_by_key(|s| (s.start, s.end));
    model.info = FileInfo::Revision(info);
    model
}

fn stmt_range(s: &Stmt) -> Option<TextRange> {
    Some(match s {
        Stmt::Expr(x) => x.range,
        Stmt::Raise(x) => x.range,
        Stmt::Pass(x) => x.range,
        Stmt::Assign(x) => x.range,
        Stmt::With(x) => x.range,
        Stmt::If(x) => x.range,
        Stmt::For(x) => x.range,
        _ => return None,
    })
}

fn assign(info: &mut RevisionInfo, name: &str, v: &Expr, r: TextRange) {
    let strs = |e: &Expr| -> Vec<String> {
        match e {
            Expr::Constant(c) => match &c.value {
                Constant::Str(s) => vec![s.clone()],
                Constant::Tuple(t) => t
                    .iter()
                    .filter_map(|c| match c {
                        Constant::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            Expr::Tuple(t) => t
                .elts
                .iter()
                .filter_map(|x| str_const(x).map(str::to_string))
                .collect(),
            Expr::List(l) => l
                .elts
                .iter()
                .filter_map(|x| str_const(x).map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    match name {
        "revision" => {
            info.revision = strs(v).into_iter().next();
            info.span = span(r);
        }
        "down_revision" => info.down_revisions = strs(v),
        "branch_labels" => {
            info.branch_labels = strs(v);
            // `branch_labels = (cli.EXPAND_BRANCH,)`: a label we cannot read is still a label.
            if info.branch_labels.is_empty() {
                let elts: Vec<&Expr> = match v {
                    Expr::Tuple(t) => t.elts.iter().collect(),
                    Expr::List(l) => l.elts.iter().collect(),
                    Expr::Constant(_) => Vec::new(),
                    other => vec![other],
                };
                info.branch_labels = elts.into_iter().filter_map(type_name).collect();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REV: &str = r#""""add nickname

Revision ID: b2
Revises: a1
"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.add_column("users", sa.Column("nickname", sa.String(50), nullable=False))
    op.execute("CREATE INDEX users_nick ON users (nickname)")


def downgrade():
    # schemaguard: ignore[RB005] example
    pass
"#;

    #[test]
    fn revision_and_ops() {
        let m = parse(
            &SourceFile::from_text("versions/b2.py", REV),
            Dialect::Postgres,
        );
        let FileInfo::Revision(info) = &m.info else {
            panic!("{:?}", m.errors)
        };
        assert_eq!(info.revision.as_deref(), Some("b2"));
        assert_eq!(info.down_revisions, vec!["a1"]);
        let up = &m.scripts[info.upgrade.unwrap()];
        let stmts = m.statements_of(up);
        assert_eq!(stmts.len(), 2);
        let StmtKind::AlterTable(at) = &stmts[0].kind else {
            panic!()
        };
        assert_eq!(at.name.span().text(REV), "users");
        let AlterAction::AddColumn { column, .. } = &at.actions[0].action else {
            panic!()
        };
        assert!(column.not_null);
        assert_eq!(column.data_type.as_ref().unwrap().raw, "varchar(50)");
        assert!(
            stmts[1]
                .span
                .text(REV)
                .starts_with("CREATE INDEX users_nick")
        );
        let down = &m.scripts[info.downgrade.unwrap()];
        assert!(down.is_empty() && !down.opaque);
        assert_eq!(m.comments.len(), 1);
    }

    #[test]
    fn syntax_errors_are_reported_not_fatal() {
        let m = parse(
            &SourceFile::from_text("x.py", "revision = 'a'\ndef upgrade(:\n"),
            Dialect::Postgres,
        );
        assert!(!m.errors.is_empty());
    }
}
