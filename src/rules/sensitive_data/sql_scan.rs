//! Where secrets and personal data hide in SQL: string literals, dollar-quoted bodies,
//! comments and `COPY … FROM stdin` data; and which column each INSERT/COPY value goes to.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::parse::sql::lexer::{Tok, TokKind};
use crate::secrets::{self, SecretMatch};
use crate::source::Span;
use crate::sql::{SqlUnit, Statement, StmtKind};

/// A piece of free text of a SQL script and what it is.
#[derive(Clone, Copy, Debug)]
pub struct SqlText {
    /// The content (inside the quotes or comment markers).
    pub span: Span,
    pub kind: TokKind,
}

impl SqlText {
    pub fn place(&self) -> &'static str {
        match self.kind {
            TokKind::String => "in a string literal",
            TokKind::DollarString => "in a dollar-quoted body",
            TokKind::CopyData => "in COPY data",
            _ => "in a comment",
        }
    }
}

/// The content span of a string, dollar-quoted string or comment token.
pub fn content(text: &str, tok: &Tok) -> Option<Span> {
    let raw = tok.span().text(text);
    let s = tok.span().start;
    let (from, to) = match tok.kind {
        TokKind::String => {
            let q = raw.find(['\'', '"'])?;
            let prefix = raw[..q].to_ascii_uppercase();
            // Hex and bit strings hold no text.
            if prefix == "X" || prefix == "B" {
                return None;
            }
            let quote = raw.as_bytes()[q];
            let end =
                if !tok.unterminated && raw.len() > q + 1 && raw.as_bytes()[raw.len() - 1] == quote
                {
                    raw.len() - 1
                } else {
                    raw.len()
                };
            (q + 1, end)
        }
        TokKind::DollarString => {
            let tag_end = raw[1..].find('$')? + 2;
            let end = if tok.unterminated {
                raw.len()
            } else {
                raw.len().saturating_sub(tag_end).max(tag_end)
            };
            (tag_end, end)
        }
        TokKind::LineComment => (if raw.starts_with("--") { 2 } else { 1 }, raw.len()),
        TokKind::BlockComment => {
            let end = if raw.ends_with("*/") && raw.len() >= 4 {
                raw.len() - 2
            } else {
                raw.len()
            };
            (2, end)
        }
        TokKind::CopyData => (0, raw.len()),
        _ => return None,
    };
    (to > from).then(|| Span::new(s + from, s + to))
}

/// The tokens of a unit: those of its statements, plus comments after the last statement of
/// the file (and every token of a file without statements). Units of one file may share
/// trailing comments; the engine drops duplicate findings.
pub fn unit_tokens<'u>(unit: &'u SqlUnit) -> impl Iterator<Item = &'u Tok> + 'u {
    let last_code = unit.tokens.iter().rposition(|t| !t.is_trivia());
    let tail_from = match (unit.statements.last(), last_code) {
        (Some(s), Some(lc)) if s.tokens.end > lc => Some(s.tokens.end),
        (None, _) => Some(0),
        _ => None,
    };
    let tail = tail_from.map_or(&[][..], |from| &unit.tokens[from.min(unit.tokens.len())..]);
    unit.statements
        .iter()
        .flat_map(|stmt| unit.tokens[stmt.tokens.clone()].iter())
        .chain(tail)
}

/// Every piece of free text of the unit.
pub fn texts(unit: &SqlUnit) -> Vec<SqlText> {
    let text: &str = &unit.source.text;
    unit_tokens(unit)
        .filter(|t| {
            matches!(
                t.kind,
                TokKind::String
                    | TokKind::DollarString
                    | TokKind::LineComment
                    | TokKind::BlockComment
                    | TokKind::CopyData
            )
        })
        .filter_map(|t| content(text, t).map(|span| SqlText { span, kind: t.kind }))
        .collect()
}

/// One value of an INSERT row or COPY line: its column, and the text it holds.
#[derive(Clone, Debug)]
pub struct RowValue<'a> {
    /// The column's name, when known (column list, or the table's CREATE TABLE in the unit).
    pub column: Option<&'a str>,
    /// The strings of the value (content spans); a COPY field is one.
    pub strings: Vec<Span>,
    /// The value is a string literal alone (maybe with a cast): `'x'`, `'x'::text`.
    pub literal: Option<Span>,
}

/// Calls `each` with every row of data an INSERT or COPY statement writes, columns resolved
/// where possible, one row at a time (a dump's COPY block holds millions: they are never all
/// in memory). Returns how many rows there were.
pub fn for_each_row(
    unit: &SqlUnit,
    index: usize,
    each: &mut dyn for<'n> FnMut(&[RowValue<'n>]),
) -> usize {
    let stmt = &unit.statements[index];
    match &stmt.kind {
        StmtKind::Insert { table, columns } => {
            let mut names: Vec<String> = columns.iter().map(|c| c.value.clone()).collect();
            if names.is_empty() {
                names = table_columns(unit, index, &table.key());
            }
            insert_rows(unit, stmt, &names, each)
        }
        StmtKind::Copy { table, from: true } => {
            let mut names = copy_columns(unit, stmt);
            if names.is_empty()
                && let Some(t) = table
            {
                names = table_columns(unit, index, &t.key());
            }
            copy_rows(unit, stmt, &names, each)
        }
        _ => 0,
    }
}

/// The columns of a table created earlier in the unit.
fn table_columns(unit: &SqlUnit, index: usize, key: &str) -> Vec<String> {
    unit.statements[..index]
        .iter()
        .rev()
        .find_map(|s| match &s.kind {
            StmtKind::CreateTable(ct) if ct.name.key() == key => {
                Some(ct.columns.iter().map(|c| c.name.value.clone()).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn insert_rows<'n>(
    unit: &SqlUnit,
    stmt: &Statement,
    names: &'n [String],
    each: &mut dyn FnMut(&[RowValue<'n>]),
) -> usize {
    let text: &str = &unit.source.text;
    let code: Vec<&Tok> = unit.code_tokens(stmt).collect();
    // `VALUES` (MySQL also `VALUE`) outside parentheses: a column may be named `value`.
    let mut depth = 0usize;
    let Some(values_at) = code.iter().position(|t| {
        match t.kind {
            TokKind::LParen => depth += 1,
            TokKind::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && (t.is_kw(text, "VALUES") || t.is_kw(text, "VALUE"))
    }) else {
        return 0;
    };
    let mut rows = 0;
    let mut depth = 0usize;
    let mut row: Vec<RowValue<'n>> = Vec::new();
    let mut value: Vec<&Tok> = Vec::new();
    let finish_value = |row: &mut Vec<RowValue<'n>>, value: &mut Vec<&Tok>| {
        let column = names.get(row.len()).map(String::as_str);
        let strings: Vec<Span> = value
            .iter()
            .filter(|t| t.kind == TokKind::String)
            .filter_map(|t| content(text, t))
            .collect();
        let literal = match value.as_slice() {
            [t] if t.kind == TokKind::String => content(text, t),
            [t, op, ..] if t.kind == TokKind::String && op.span().text(text) == "::" => {
                content(text, t)
            }
            _ => None,
        };
        row.push(RowValue {
            column,
            strings,
            literal,
        });
        value.clear();
    };
    for t in &code[values_at + 1..] {
        match t.kind {
            TokKind::LParen => {
                depth += 1;
                if depth > 1 {
                    value.push(t);
                }
            }
            TokKind::RParen => {
                if depth == 1 {
                    finish_value(&mut row, &mut value);
                    each(&row);
                    rows += 1;
                    row.clear();
                } else if depth > 1 {
                    value.push(t);
                }
                depth = depth.saturating_sub(1);
            }
            TokKind::Comma if depth == 1 => finish_value(&mut row, &mut value),
            _ if depth >= 1 => value.push(t),
            // `ON CONFLICT`, `RETURNING`…: the rows are over.
            TokKind::Word => break,
            _ => {}
        }
    }
    rows
}

/// The column list of `COPY table (a, b) FROM …`.
fn copy_columns(unit: &SqlUnit, stmt: &Statement) -> Vec<String> {
    let text: &str = &unit.source.text;
    let code: Vec<&Tok> = unit.code_tokens(stmt).collect();
    let Some(open) = code.iter().position(|t| t.kind == TokKind::LParen) else {
        return Vec::new();
    };
    // Only the list before FROM is a column list (`WITH (FORMAT csv)` comes after).
    if code[..open].iter().any(|t| t.is_kw(text, "FROM")) {
        return Vec::new();
    }
    code[open + 1..]
        .iter()
        .take_while(|t| t.kind != TokKind::RParen)
        .filter(|t| matches!(t.kind, TokKind::Word | TokKind::QuotedIdent))
        .map(|t| crate::parse::sql::cursor::unquote(t.span().text(text)))
        .collect()
}

fn copy_rows<'n>(
    unit: &SqlUnit,
    stmt: &Statement,
    names: &'n [String],
    each: &mut dyn FnMut(&[RowValue<'n>]),
) -> usize {
    let text: &str = &unit.source.text;
    let Some(data) = unit.tokens[stmt.tokens.clone()]
        .iter()
        .find(|t| t.kind == TokKind::CopyData)
    else {
        return 0;
    };
    let header: String = unit
        .code_tokens(stmt)
        .map(|t| t.span().text(text).to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let csv = header.contains("csv");
    let delim = if csv { b',' } else { b'\t' };
    let mut rows = 0;
    let mut row = Vec::new();
    let mut line_start = data.span().start;
    for line in data.span().text(text).split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body == "\\." || body.is_empty() {
            continue;
        }
        row.clear();
        let mut field_start = 0;
        let b = body.as_bytes();
        let mut in_quotes = false;
        for i in 0..=b.len() {
            let at_end = i == b.len();
            if !at_end && csv && b[i] == b'"' {
                in_quotes = !in_quotes;
                continue;
            }
            if at_end || (b[i] == delim && !in_quotes) {
                let mut fs = field_start;
                let mut fe = i;
                if csv && fe > fs + 1 && b[fs] == b'"' && b[fe - 1] == b'"' {
                    fs += 1;
                    fe -= 1;
                }
                let span = Span::new(start + fs, start + fe);
                let field = &body[fs..fe];
                let is_null = field == "\\N" || field.is_empty();
                row.push(RowValue {
                    column: names.get(row.len()).map(String::as_str),
                    strings: if is_null { Vec::new() } else { vec![span] },
                    literal: (!is_null).then_some(span),
                });
                field_start = i + 1;
            }
        }
        each(&row);
        rows += 1;
    }
    rows
}

/// Whether a key literal looks like a configuration key (`mail.smtp.password`, `db_password`)
/// rather than a word of prose or a label (`password`), or sits in a key-like column.
fn config_key_like(key: &str, column: Option<&str>) -> bool {
    let key_column = column.is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        [
            "key", "name", "property", "param", "config", "setting", "variable", "option",
        ]
        .iter()
        .any(|w| c.contains(w))
    });
    !key.contains(char::is_whitespace) && (key.contains(['.', '_', '-']) || key_column)
}

/// Every credential in the unit, with where it is: formats and connection strings in all free
/// text, credential-named columns of INSERT/COPY rows, key/value rows
/// (`('smtp.password', '…')`), and `column = '…'` assignments (`UPDATE … SET`).
///
/// Four rules (SD001-SD004) ask for the same unit one after the other, on the same thread:
/// the last result is kept per thread, keyed by the file's text (held, so its address cannot
/// be reused) and the unit's statements.
pub fn secrets(unit: &SqlUnit) -> Rc<Vec<(SecretMatch, String)>> {
    type Cached = (
        Arc<str>,
        Option<Span>,
        usize,
        Rc<Vec<(SecretMatch, String)>>,
    );
    thread_local! {
        static LAST: RefCell<Option<Cached>> = const { RefCell::new(None) };
    }
    let first = unit.statements.first().map(|s| s.span);
    let count = unit.statements.len();
    if let Some(hit) = LAST.with(|c| {
        c.borrow().as_ref().and_then(|(text, f, n, v)| {
            (Arc::ptr_eq(text, &unit.source.text) && *f == first && *n == count).then(|| v.clone())
        })
    }) {
        return hit;
    }
    let found = Rc::new(compute_secrets(unit));
    LAST.with(|c| {
        *c.borrow_mut() = Some((unit.source.text.clone(), first, count, found.clone()));
    });
    found
}

fn compute_secrets(unit: &SqlUnit) -> Vec<(SecretMatch, String)> {
    let text: &str = &unit.source.text;
    let mut out: Vec<(SecretMatch, String)> = Vec::new();
    for t in texts(unit) {
        let place = t.place();
        out.extend(
            secrets::scan_text(t.span.text(text), t.span.start)
                .into_iter()
                .map(|m| (m, place.to_string())),
        );
    }
    // Provider tokens written outside any string: as an identifier, or in a statement the
    // parser gave up on (`ALTER TABLE t ghp_…;`). The lexer may split such a token
    // (`xoxb-1-2-abc` is a word, numbers and operators), so each run of code tokens written
    // without a blank between them is read as one piece of text. No provider token is shorter
    // than `MIN_TOKEN`: shorter runs (most names) are not scanned.
    const MIN_TOKEN: usize = 20;
    let scan_run = |run: Span, out: &mut Vec<(SecretMatch, String)>| {
        if run.len() < MIN_TOKEN {
            return;
        }
        out.extend(
            secrets::scan_text(run.text(text), run.start)
                .into_iter()
                .filter(|m| m.detector.family() == secrets::Family::ProviderToken)
                .map(|m| (m, "in the statement text".to_string())),
        );
    };
    for stmt in unit.statements {
        let mut run: Option<Span> = None;
        for t in unit.code_tokens(stmt) {
            let span = t.span();
            let free_text = matches!(
                t.kind,
                TokKind::String | TokKind::DollarString | TokKind::CopyData
            );
            run = match run {
                Some(r) if r.end == span.start && !free_text => Some(Span::new(r.start, span.end)),
                Some(r) => {
                    scan_run(r, &mut out);
                    (!free_text).then_some(span)
                }
                None => (!free_text).then_some(span),
            };
        }
        if let Some(r) = run {
            scan_run(r, &mut out);
        }
    }
    let assign = |key: &str, value: Span, place: String, out: &mut Vec<(SecretMatch, String)>| {
        if let Some(m) = secrets::check_assignment(key, value.text(text), value) {
            out.push((m, place));
        }
    };
    for (i, stmt) in unit.statements.iter().enumerate() {
        let table = match &stmt.kind {
            StmtKind::Insert { table, .. } => Some(table.to_string()),
            StmtKind::Copy { table, .. } => table.as_ref().map(|t| t.to_string()),
            _ => None,
        };
        let place = || format!("in data for `{}`", table.as_deref().unwrap_or("?"));
        for_each_row(unit, i, &mut |row| {
            for (j, v) in row.iter().enumerate() {
                let Some(lit) = v.literal else { continue };
                if let Some(col) = v.column {
                    assign(col, lit, place(), &mut out);
                }
                // A key/value row: ('smtp.password', 'value'). The key's own word after it is
                // its label (a translation, a caption): ('password', 'Password', 'Passwort').
                let key = lit.text(text);
                if secrets::credential_key(key).is_some()
                    && config_key_like(key, v.column)
                    && let Some(next) = row.get(j + 1).and_then(|n| n.literal)
                    && !next.text(text).eq_ignore_ascii_case(key)
                {
                    assign(key, next, place(), &mut out);
                }
            }
        });
        // `column = 'value'` (UPDATE … SET, MySQL INSERT … SET).
        let code: Vec<&Tok> = unit.code_tokens(stmt).collect();
        for w in code.windows(3) {
            let [k, eq, v] = w else { continue };
            if matches!(k.kind, TokKind::Word | TokKind::QuotedIdent)
                && eq.kind == TokKind::Op
                && eq.span().text(text) == "="
                && v.kind == TokKind::String
                && let Some(value) = content(text, v)
            {
                let key = crate::parse::sql::cursor::unquote(k.span().text(text));
                assign(&key, value, "in this statement".to_string(), &mut out);
            }
        }
    }
    // Role passwords are `literal-role-password`'s.
    let role: Vec<Span> = unit
        .statements
        .iter()
        .flat_map(|s| super::literal_role_password::role_passwords(unit, s))
        .map(|p| p.span)
        .collect();
    out.retain(|(m, _)| {
        !role
            .iter()
            .any(|r| r.encloses(m.span) || m.span.encloses(*r))
    });
    out.sort_by_key(|(m, _)| m.span);
    out.dedup_by(|a, b| a.0.span == b.0.span);
    out
}
