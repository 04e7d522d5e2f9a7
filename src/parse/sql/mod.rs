//! SQL text -> statements of our model.
//!
//! One pass of our lexer splits the file; each statement is then parsed alone by sqlparser with
//! the file's dialect. What sqlparser refuses goes to our recogniser; what nobody understands
//! becomes a parse error at its real position, and the statement still carries its tokens so
//! token-level rules can look at it.

pub mod convert;
pub mod cursor;
pub mod lexer;
pub mod recognize;
pub mod split;

use std::panic::AssertUnwindSafe;

use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use self::convert::{Converter, PosMap};
use self::cursor::span_of;
use self::lexer::{Tok, TokKind};
use crate::source::{SourceFile, Span};
use crate::sql::{Dialect, Direction, ParseState, Statement, StmtKind, TxnKind};

/// How deep sqlparser may recurse into one statement before giving up with an error (not a
/// stack overflow).
const RECURSION_LIMIT: usize = 96;

/// A section of a file that holds both directions (goose, dbmate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub direction: Direction,
    /// Where the marker comment starts.
    pub start: usize,
    pub no_transaction: bool,
}

pub struct ParsedSql {
    pub dialect: Dialect,
    /// The tool that wrote the file, when it is a database dump (`pg_dump`, `mysqldump`...)
    /// rather than a migration: a snapshot of a whole schema or its data, not a change.
    pub dump: Option<&'static str>,
    pub tokens: Vec<Tok>,
    pub statements: Vec<Statement>,
    pub sections: Vec<Section>,
    pub no_transaction: bool,
}

impl ParsedSql {
    /// Comments of the file with whether each is trailing (code before it on its line).
    pub fn comments(&self) -> impl Iterator<Item = &Tok> {
        self.tokens.iter().filter(|t| t.is_comment())
    }
}

/// Files at least this large have their statements parsed in parallel: one big dump would
/// otherwise keep one core busy long after the others ran out of files.
const PARALLEL_PARSE_BYTES: usize = 256 * 1024;

pub fn parse(source: &SourceFile, dialect: Dialect) -> ParsedSql {
    parse_range(source, 0..source.text.len(), dialect)
}

/// Parses the SQL in `range` of the file (a `<sql>` change, an `op.execute("...")` string, a
/// `--rollback` line): every span is an offset into the whole file.
pub fn parse_range(
    source: &SourceFile,
    range: std::ops::Range<usize>,
    dialect: Dialect,
) -> ParsedSql {
    let text = &source.text;
    let split = split::split_range(text, range, dialect);
    // sqlparser's dialects are not `Sync`: each statement looks its (static) one up.
    let one = |raw: &split::RawStmt| statement(source, &split, raw, dialect);
    // Each statement is parsed alone, from the file's text and its own tokens: the order in
    // which they are parsed cannot change the result.
    let mut statements: Vec<Statement> = if text.len() >= PARALLEL_PARSE_BYTES {
        use rayon::prelude::*;
        // Only statements with code make one; filtering first keeps the parallel collect
        // indexed (written in place, no intermediate lists).
        let with_code: Vec<&split::RawStmt> = split
            .stmts
            .iter()
            .filter(|raw| {
                split.tokens[raw.code.clone()]
                    .iter()
                    .any(|t| !t.is_trivia())
            })
            .collect();
        with_code
            .into_par_iter()
            .map(|raw| one(raw).expect("a statement with code"))
            .collect()
    } else {
        split.stmts.iter().filter_map(one).collect()
    };
    // An unterminated block comment after the last statement belongs to no statement: report it
    // on its own, or the rest of the file would vanish silently.
    if let Some(last) = split.tokens.len().checked_sub(1)
        && split.tokens[last].unterminated
        && !split.stmts.iter().any(|r| r.tokens.contains(&last))
    {
        let (kind, parse) = never_closed(text, &split.tokens[last]);
        statements.push(Statement {
            kind,
            span: split.tokens[last].span(),
            tokens: last..last + 1,
            parse,
            in_transaction: false,
        });
    }
    mark_transactions(&mut statements);
    statements.shrink_to_fit();
    let sections = split
        .sections
        .iter()
        .map(|m| Section {
            direction: m.direction,
            start: split.tokens[m.token].span().start,
            no_transaction: m.no_transaction,
        })
        .collect();
    ParsedSql {
        dialect,
        dump: dump_tool(text),
        tokens: split.tokens,
        statements,
        sections,
        no_transaction: split.no_transaction,
    }
}

/// One raw statement of the split: its kind and how well it parsed (`None` when it holds no code).
fn statement(
    source: &SourceFile,
    split: &split::Split,
    raw: &split::RawStmt,
    dialect: Dialect,
) -> Option<Statement> {
    let text: &str = &source.text;
    let code: Vec<Tok> = split.tokens[raw.code.clone()]
        .iter()
        .filter(|t| !t.is_trivia())
        .copied()
        .collect();
    if code.is_empty() {
        return None;
    }
    let span = span_of(&code, 0..code.len());
    // A comment or COPY data block that never ends swallows the rest of the file even when
    // it is not part of the statement's code.
    let unterminated = split.tokens[raw.tokens.clone()]
        .iter()
        .find(|t| t.unterminated);
    let (kind, parse) = if let Some(bad) = unterminated {
        never_closed(text, bad)
    } else if raw.client_command {
        let head = if code[0].kind == TokKind::MetaCommand {
            "psql meta-command"
        } else {
            "DELIMITER"
        };
        (
            StmtKind::Other { head: head.into() },
            ParseState::Recognized,
        )
    } else {
        parse_one(source, &code, span, dialect, dialect.sqlparser())
    };
    Some(Statement {
        kind,
        span,
        tokens: raw.tokens.clone(),
        parse,
        in_transaction: false,
    })
}

fn parse_one(
    source: &SourceFile,
    code: &[Tok],
    span: Span,
    dialect: Dialect,
    sp_dialect: &dyn sqlparser::dialect::Dialect,
) -> (StmtKind, ParseState) {
    let text: &str = &source.text;
    let stmt_text = for_sqlparser(text, code, span, dialect);
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        parse_with_sqlparser(&stmt_text, sp_dialect)
    }));
    let map = PosMap::new(source, span.start);
    match result {
        Ok(Ok(ast)) => {
            let conv = Converter {
                map,
                text,
                toks: code,
                dialect,
                stmt_span: span,
            };
            let kind = conv.statement(&ast);
            match refused_by_engine(&kind, text, code, dialect) {
                Some(message) => (
                    kind,
                    ParseState::Failed {
                        message,
                        span: Span::at(span.start),
                    },
                ),
                None => (kind, ParseState::Parsed),
            }
        }
        // The recogniser reads statements loosely; one with unbalanced parentheses, or a stray
        // comma (`a int,)`, `x,,y`, a trailing one), is broken whatever its kind, so sqlparser's
        // error stands.
        Ok(Err(err)) => match (!matches!(err, ParserError::RecursionLimitExceeded)
            && parens_balanced(code)
            && !stray_comma(code, dialect)
            && !foreign_quotes(text, code, dialect))
        .then(|| recognize::recognize(text, code, dialect))
        .flatten()
        {
            Some(kind) => match refused_by_engine(&kind, text, code, dialect) {
                Some(message) => (
                    kind,
                    ParseState::Failed {
                        message,
                        span: Span::at(span.start),
                    },
                ),
                None => (kind, ParseState::Recognized),
            },
            None => {
                let (message, at) = describe_error(&err, &map, code, span);
                // A CREATE TABLE we cannot read still creates its table: later statements on
                // it (and a DROP ... IF EXISTS just before it) must know the table is new.
                let kind = recognize::created_table(text, code)
                    .map(StmtKind::CreateTable)
                    .unwrap_or_else(|| StmtKind::Other {
                        head: head_of(text, code),
                    });
                (kind, ParseState::Failed { message, span: at })
            }
        },
        Err(_) => match parens_balanced(code)
            .then(|| recognize::recognize(text, code, dialect))
            .flatten()
        {
            Some(kind) => (kind, ParseState::Recognized),
            None => (
                StmtKind::Other {
                    head: head_of(text, code),
                },
                ParseState::Failed {
                    message: "the SQL parser crashed on this statement (please report it)".into(),
                    span: Span::at(span.start),
                },
            ),
        },
    }
}

/// The statement's text as sqlparser is given it, every position kept (the parse tree's
/// positions are the file's): each template placeholder (`{{ .Schema }}`, `${name}`) becomes an
/// identifier of the same byte length, and valid syntax that no rule reads and sqlparser does not
/// know becomes spaces (see [`unknown_to_sqlparser`]).
fn for_sqlparser<'t>(
    text: &'t str,
    code: &[Tok],
    span: Span,
    dialect: Dialect,
) -> std::borrow::Cow<'t, str> {
    let stmt = span.text(text);
    let fills = unknown_to_sqlparser(text, code, dialect);
    if fills.is_empty() {
        return std::borrow::Cow::Borrowed(stmt);
    }
    let mut out = String::with_capacity(stmt.len());
    let mut pos = span.start;
    for (t, fill) in fills {
        let at = code[t].span();
        out.push_str(&text[pos..at.start]);
        match fill {
            Fill::With(c) => out.extend(std::iter::repeat_n(c, at.len())),
            // A value-less option (`WITH (tsdb.hypertable)`, true in PostgreSQL) is given the
            // value sqlparser wants, in the place of the name's last two bytes.
            Fill::ValueLess => {
                out.push_str(&text[at.start..at.end - 2]);
                out.push_str("=1");
            }
        }
        pos = at.end;
    }
    out.push_str(&text[pos..span.end]);
    std::borrow::Cow::Owned(out)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fill {
    With(char),
    ValueLess,
}

/// The tokens to rewrite for sqlparser, in order, with what replaces each:
/// - template placeholders: an identifier;
/// - MySQL: `ZEROFILL` (display only); a column's `CHARSET name` (sqlparser knows only the
///   `CHARACTER SET` spelling) and its `BINARY` attribute (a binary collation); MariaDB's table
///   options `PAGE_COMPRESSED`,
///   `PAGE_COMPRESSION_LEVEL`, `ENCRYPTED`, `ENCRYPTION_KEY_ID`, `PAGE_CHECKSUM`, `TRANSACTIONAL`,
///   `IETF_QUOTES` with their values;
/// - PostgreSQL: the dot of an extension's namespaced storage option (`WITH
///   (timescaledb.compress, ...)`), which becomes `_`, and a value-less option of such a list.
fn unknown_to_sqlparser(text: &str, code: &[Tok], dialect: Dialect) -> Vec<(usize, Fill)> {
    let mysql = matches!(dialect, Dialect::Mysql | Dialect::Generic);
    let postgres = dialect.is_postgres_like() || dialect == Dialect::Generic;
    let kw = |i: usize, k: &str| code.get(i).is_some_and(|t| t.is_kw(text, k));
    let kind = |i: usize| code.get(i).map(|t| t.kind);
    // The kind of the token before `i` (none before the first).
    let before = |i: usize| i.checked_sub(1).and_then(kind);
    let word = |i: usize| {
        code.get(i)
            .filter(|t| matches!(t.kind, TokKind::Word | TokKind::QuotedIdent))
            .map(|t| cursor::unquote(t.span().text(text)).to_ascii_uppercase())
    };
    let is_create = kw(0, "CREATE");
    let is_alter = kw(0, "ALTER");
    let mut fills = Vec::new();
    let mut depth = 0usize;
    // The depth of each open parenthesis that starts an option list (`WITH (`, `SET (`).
    let mut option_lists: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let t = &code[i];
        match t.kind {
            TokKind::Template => fills.push((i, Fill::With('x'))),
            TokKind::LParen => {
                depth += 1;
                if postgres
                    && (is_create || is_alter)
                    && i > 0
                    && (kw(i - 1, "WITH") || kw(i - 1, "SET") || kw(i - 1, "RESET"))
                {
                    option_lists.push(depth);
                }
            }
            TokKind::RParen => {
                if option_lists.last() == Some(&depth) {
                    option_lists.pop();
                }
                depth = depth.saturating_sub(1);
            }
            TokKind::Dot
                if option_lists.last() == Some(&depth)
                    && before(i) == Some(TokKind::Word)
                    && kind(i + 1) == Some(TokKind::Word)
                    && code[i - 1].span().end == t.span().start
                    && t.span().end == code[i + 1].span().start =>
            {
                fills.push((i, Fill::With('_')));
            }
            TokKind::Word if mysql && t.is_kw(text, "ZEROFILL") => {
                fills.push((i, Fill::With(' ')));
            }
            TokKind::Word
                if mysql
                    && (t.is_kw(text, "CHARSET") || t.is_kw(text, "BINARY"))
                    && ((is_create && depth >= 1) || is_alter)
                    && i > 0
                    && (before(i) == Some(TokKind::RParen)
                        || word(i - 1).is_some_and(|w| {
                            matches!(
                                w.as_str(),
                                "TEXT"
                                    | "TINYTEXT"
                                    | "MEDIUMTEXT"
                                    | "LONGTEXT"
                                    | "CHAR"
                                    | "VARCHAR"
                            )
                        }))
                    && kind(i + 1) != Some(TokKind::LParen) =>
            {
                fills.push((i, Fill::With(' ')));
                // CHARSET's name.
                if t.is_kw(text, "CHARSET")
                    && matches!(
                        kind(i + 1),
                        Some(TokKind::Word | TokKind::QuotedIdent | TokKind::String)
                    )
                {
                    fills.push((i + 1, Fill::With(' ')));
                    i += 1;
                }
            }
            TokKind::Word | TokKind::QuotedIdent
                if mysql
                    && depth == 0
                    && word(i).is_some_and(|w| {
                        matches!(
                            w.as_str(),
                            "PAGE_COMPRESSED"
                                | "PAGE_COMPRESSION_LEVEL"
                                | "ENCRYPTED"
                                | "ENCRYPTION_KEY_ID"
                                | "PAGE_CHECKSUM"
                                | "TRANSACTIONAL"
                                | "IETF_QUOTES"
                        )
                    })
                    && (is_create || is_alter) =>
            {
                let eq = code
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokKind::Op && n.span().text(text) == "=");
                let value = if eq { i + 2 } else { i + 1 };
                if matches!(
                    kind(value),
                    Some(TokKind::Number | TokKind::Word | TokKind::String)
                ) {
                    fills.extend((i..=value).map(|j| (j, Fill::With(' '))));
                    i = value + 1;
                    continue;
                }
            }
            TokKind::Word | TokKind::QuotedIdent
                if option_lists.last() == Some(&depth)
                    && is_create
                    && t.span().len() >= 3
                    // Its last two bytes are replaced: never inside a character.
                    && t.span().text(text).is_ascii()
                    && matches!(kind(i + 1), Some(TokKind::Comma | TokKind::RParen))
                    && matches!(
                        before(i),
                        Some(TokKind::Comma | TokKind::LParen | TokKind::Dot)
                    ) =>
            {
                // The dotted name's last word when its dot became `_`, or a plain word.
                fills.push((i, Fill::ValueLess));
            }
            _ => {}
        }
        i += 1;
    }
    fills
}

/// Which dump tool wrote the file, from the banner those tools put in their first lines.
pub fn dump_tool(text: &str) -> Option<&'static str> {
    let head = &text[..crate::source::floor_char_boundary(text, 2048)];
    [
        ("-- PostgreSQL database dump", "pg_dump"),
        ("-- Dumped by pg_dump", "pg_dump"),
        ("-- MySQL dump ", "mysqldump"),
        ("-- MariaDB dump ", "mariadb-dump"),
        ("-- phpMyAdmin SQL Dump", "phpMyAdmin"),
        ("Navicat MySQL Data Transfer", "Navicat"),
        ("Navicat Premium Data Transfer", "Navicat"),
    ]
    .into_iter()
    .find(|(banner, _)| head.contains(banner))
    .map(|(_, tool)| tool)
}

/// An unterminated string, quoted identifier, dollar quote, comment or COPY data block: nothing
/// downstream can make sense of the statement, and the rest of the file is part of the token.
fn never_closed(text: &str, bad: &Tok) -> (StmtKind, ParseState) {
    let what = match bad.kind {
        TokKind::DollarString => "dollar-quoted string",
        TokKind::String => "string literal",
        TokKind::QuotedIdent => "quoted identifier",
        TokKind::BlockComment => "block comment",
        TokKind::CopyData => "COPY data block (no `\\.` line)",
        _ => "token",
    };
    let opener = Span::new(
        bad.span().start,
        crate::source::ceil_char_boundary(text, bad.span().start + 1).min(bad.span().end),
    );
    let message = format!("this {what} is never closed, so the rest of the file is part of it");
    (
        StmtKind::Other {
            head: String::new(),
        },
        ParseState::Failed {
            message,
            span: opener,
        },
    )
}

/// Whether every `(` of the statement is closed, in order.
/// A comma no engine of `dialect` accepts: before `)`, after another comma, or last. BigQuery,
/// Snowflake, DuckDB and ClickHouse take trailing commas in some lists, so they are left alone.
fn stray_comma(code: &[Tok], dialect: Dialect) -> bool {
    if matches!(
        dialect,
        Dialect::Bigquery | Dialect::Snowflake | Dialect::Duckdb | Dialect::Clickhouse
    ) {
        return false;
    }
    let comma = |t: &Tok| t.kind == TokKind::Comma;
    code.last().is_some_and(comma)
        || code
            .windows(2)
            .any(|w| comma(&w[0]) && (w[1].kind == TokKind::RParen || comma(&w[1])))
}

/// What the engine refuses that sqlparser (or the recogniser) reads in every dialect: in
/// PostgreSQL, MySQL's `MODIFY`/`CHANGE` column, a column placed with `AFTER col` or `FIRST`,
/// and `DROP INDEX name ON table`.
fn refused_by_engine(
    kind: &StmtKind,
    text: &str,
    code: &[Tok],
    dialect: Dialect,
) -> Option<String> {
    // PostgreSQL only, not a file whose engine is unknown (read leniently).
    if dialect != Dialect::Postgres {
        return None;
    }
    if let StmtKind::DropIndex { table: Some(_), .. } = kind {
        return Some(
            "PostgreSQL drops an index by its name alone: DROP INDEX name (no ON table)".into(),
        );
    }
    let StmtKind::AlterTable(at) = kind else {
        return None;
    };
    if at
        .actions
        .iter()
        .any(|a| matches!(a.action, crate::sql::AlterAction::ModifyColumn { .. }))
    {
        return Some(
            "PostgreSQL has no MODIFY or CHANGE: use ALTER COLUMN ... TYPE (and SET/DROP NOT NULL, SET DEFAULT)"
                .into(),
        );
    }
    let mut depth = 0i32;
    let placed = code.iter().enumerate().any(|(i, t)| {
        match t.kind {
            TokKind::LParen => depth += 1,
            TokKind::RParen => depth -= 1,
            _ => {}
        }
        let next = code.get(i + 1);
        depth == 0
            && ((t.is_kw(text, "AFTER") && next.is_some_and(|n| n.kind != TokKind::Comma))
                || (t.is_kw(text, "FIRST")
                    && next.is_none_or(|n| matches!(n.kind, TokKind::Comma))))
    });
    (placed
        && at
            .actions
            .iter()
            .any(|a| matches!(a.action, crate::sql::AlterAction::AddColumn { .. })))
    .then(|| {
        "PostgreSQL cannot place a column (AFTER, FIRST): a new column is always the last".into()
    })
}

/// A MySQL backtick-quoted name in PostgreSQL, which has no such quotes: the statement is
/// another engine's (a file that holds both), and the database refuses it.
fn foreign_quotes(text: &str, code: &[Tok], dialect: Dialect) -> bool {
    dialect == Dialect::Postgres
        && code
            .iter()
            .any(|t| t.kind == TokKind::QuotedIdent && t.span().text(text).starts_with('`'))
}

fn parens_balanced(code: &[Tok]) -> bool {
    let mut depth = 0usize;
    for t in code {
        match t.kind {
            TokKind::LParen => depth += 1,
            TokKind::RParen => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

fn parse_with_sqlparser(
    sql: &str,
    dialect: &dyn sqlparser::dialect::Dialect,
) -> Result<sqlparser::ast::Statement, ParserError> {
    let mut parser = Parser::new(dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)?;
    let stmt = parser.parse_statement()?;
    while parser.consume_token(&Token::SemiColon) {}
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(ParserError::ParserError(format!(
            "Expected: end of statement, found: {}{}",
            next.token, next.span.start
        )));
    }
    Ok(stmt)
}

fn head_of(text: &str, code: &[Tok]) -> String {
    code.iter()
        .take_while(|t| t.kind == TokKind::Word)
        .take(2)
        .map(|t| t.span().text(text).to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Turns a sqlparser error into a message and the span of the token it points at.
fn describe_error(err: &ParserError, map: &PosMap, code: &[Tok], stmt: Span) -> (String, Span) {
    let raw = match err {
        ParserError::RecursionLimitExceeded => {
            return (
                "this statement nests too deeply to analyse (more than 96 levels)".into(),
                Span::at(stmt.start),
            );
        }
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s.as_str(),
    };
    // Messages end with " at Line: L, Column: C" (positions relative to the statement).
    let (msg, pos) = match raw.rfind(" at Line: ") {
        Some(i) => (&raw[..i], Some(&raw[i + " at Line: ".len()..])),
        None => (raw, None),
    };
    let offset = pos.and_then(|p| {
        let (l, c) = p.split_once(", Column: ")?;
        let loc =
            sqlparser::tokenizer::Location::new(l.trim().parse().ok()?, c.trim().parse().ok()?);
        map.offset(loc)
    });
    let at_eof = msg.contains("found: EOF");
    let at = match offset {
        _ if at_eof => Span::at(stmt.end),
        Some(off) => code
            .iter()
            .find(|t| t.span().start >= off || t.span().contains(off))
            .map(|t| t.span())
            .unwrap_or(Span::at(off)),
        None => Span::at(stmt.start),
    };
    (
        format!("cannot parse this statement: {}", bounded(msg.trim())),
        at,
    )
}

/// A parser message with the input it quotes cut short: the token after `found: ` can be a
/// whole string literal or a 200,000-character word, and a message quotes an excerpt only.
fn bounded(msg: &str) -> String {
    const QUOTE: usize = 40;
    const WHOLE: usize = 300;
    let msg = match msg.rfind("found: ") {
        Some(i) => {
            let (head, found) = msg.split_at(i + "found: ".len());
            format!("{head}{}", crate::redact::excerpt(found, QUOTE))
        }
        None => msg.to_string(),
    };
    crate::redact::excerpt(&msg, WHOLE).into_owned()
}

/// Marks statements that run inside an explicit `BEGIN ... COMMIT`.
fn mark_transactions(statements: &mut [Statement]) {
    let mut open = false;
    for s in statements {
        match s.kind {
            StmtKind::Transaction(TxnKind::Begin) => {
                open = true;
                s.in_transaction = true;
            }
            StmtKind::Transaction(TxnKind::Commit | TxnKind::Rollback) => {
                s.in_transaction = open;
                open = false;
            }
            _ => s.in_transaction = open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::*;

    fn parse_pg(text: &str) -> ParsedSql {
        parse(&SourceFile::from_text("t.sql", text), Dialect::Postgres)
    }

    #[test]
    fn statement_spans_and_kinds() {
        let text = "-- hi\nCREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b text NOT NULL;\nDROP INDEX CONCURRENTLY i;\n";
        let p = parse_pg(text);
        assert_eq!(p.statements.len(), 3);
        assert_eq!(p.statements[0].span.text(text), "CREATE TABLE a (id int)");
        assert!(matches!(p.statements[1].kind, StmtKind::AlterTable(_)));
        assert_eq!(p.statements[2].parse, ParseState::Recognized);
        let StmtKind::AlterTable(at) = &p.statements[1].kind else {
            panic!()
        };
        assert_eq!(at.actions[0].span.text(text), "ADD COLUMN b text NOT NULL");
        let AlterAction::AddColumn { column, .. } = &at.actions[0].action else {
            panic!()
        };
        assert_eq!(column.name.span.text(text), "b");
        assert_eq!(column.data_type.as_ref().unwrap().span.text(text), "text");
        assert!(column.not_null);
    }

    #[test]
    fn a_placeholder_is_the_name_it_stands_for() {
        // sqlparser reads `${tableName}` as a run of `x`; the model names it as written, in
        // parsed and in recognised statements alike.
        let text = "ALTER TABLE ${tableName} DROP COLUMN id;\nALTER TABLE ${tableName} ALTER COLUMN data SET STORAGE EXTERNAL;\n";
        let p = parse_pg(text);
        for s in &p.statements {
            let StmtKind::AlterTable(at) = &s.kind else {
                panic!("{:?}", s.kind)
            };
            assert_eq!(at.name.parts[0].value, "${tableName}", "{:?}", s.parse);
        }
        assert_eq!(p.statements[0].parse, ParseState::Parsed);
        assert_eq!(p.statements[1].parse, ParseState::Recognized);
    }

    #[test]
    fn parse_errors_have_positions() {
        let text = "SELECT 1;\nALTER TABLE t ADD COLUMN;\n";
        let p = parse_pg(text);
        let ParseState::Failed { span, message } = &p.statements[1].parse else {
            panic!("{:?}", p.statements[1].parse)
        };
        assert!(message.starts_with("cannot parse"), "{message}");
        assert_eq!(
            SourceFile::from_text("t", text).line_col(span.start).line,
            2
        );
    }

    #[test]
    fn unterminated_dollar_quote() {
        let p = parse_pg("SELECT 1;\nDO $$ BEGIN\n");
        assert!(matches!(p.statements[1].parse, ParseState::Failed { .. }));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("SELECT {}1{};", "(".repeat(10_000), ")".repeat(10_000));
        let p = parse_pg(&text);
        assert!(matches!(p.statements[0].parse, ParseState::Failed { .. }));
    }

    #[test]
    fn dumps_are_told_by_their_banner() {
        assert_eq!(
            dump_tool("--\n-- PostgreSQL database dump\n--\nSET x = 1;"),
            Some("pg_dump")
        );
        assert_eq!(
            dump_tool("-- MySQL dump 10.13  Distrib 8.0\nDROP TABLE IF EXISTS `a`;"),
            Some("mysqldump")
        );
        assert_eq!(
            dump_tool("-- migration: dump old rows\nDROP TABLE a;"),
            None
        );
    }

    #[test]
    fn an_unparseable_create_table_still_creates_its_table() {
        let p = parse(
            &SourceFile::from_text(
                "t.sql",
                "CREATE TABLE IF NOT EXISTS s.t (a int FROBNICATE);",
            ),
            Dialect::Postgres,
        );
        assert!(matches!(p.statements[0].parse, ParseState::Failed { .. }));
        let StmtKind::CreateTable(ct) = &p.statements[0].kind else {
            panic!("{:?}", p.statements[0].kind)
        };
        assert_eq!(ct.name.key(), "s.t");
        assert!(ct.derived);
    }

    #[test]
    fn transactions() {
        let p = parse_pg(
            "CREATE INDEX a ON t (x); BEGIN; CREATE INDEX CONCURRENTLY b ON t (y); COMMIT;",
        );
        assert!(!p.statements[0].in_transaction);
        assert!(p.statements[2].in_transaction);
    }
}
