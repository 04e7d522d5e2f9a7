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
    let sp_dialect = dialect.sqlparser();
    let mut statements = Vec::with_capacity(split.stmts.len());
    for raw in &split.stmts {
        let code: Vec<Tok> = split.tokens[raw.code.clone()]
            .iter()
            .filter(|t| !t.is_trivia())
            .copied()
            .collect();
        if code.is_empty() {
            continue;
        }
        let span = span_of(&code, 0..code.len());
        let (kind, parse) = if raw.client_command {
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
            parse_one(source, &code, span, dialect, &*sp_dialect)
        };
        statements.push(Statement {
            kind,
            span,
            tokens: raw.tokens.clone(),
            parse,
            in_transaction: false,
        });
    }
    mark_transactions(&mut statements);
    let sections = split
        .sections
        .iter()
        .map(|m| Section {
            direction: m.direction,
            start: split.tokens[m.token].span.start,
            no_transaction: m.no_transaction,
        })
        .collect();
    ParsedSql {
        dialect,
        tokens: split.tokens,
        statements,
        sections,
        no_transaction: split.no_transaction,
    }
}

fn parse_one(
    source: &SourceFile,
    code: &[Tok],
    span: Span,
    dialect: Dialect,
    sp_dialect: &dyn sqlparser::dialect::Dialect,
) -> (StmtKind, ParseState) {
    let text: &str = &source.text;
    // An unterminated string or comment: nothing downstream can make sense of the statement.
    if let Some(bad) = code.iter().find(|t| t.unterminated) {
        let what = match bad.kind {
            TokKind::DollarString => "dollar-quoted string",
            TokKind::String => "string literal",
            TokKind::QuotedIdent => "quoted identifier",
            TokKind::BlockComment => "block comment",
            TokKind::CopyData => "COPY data block (no `\\.` line)",
            _ => "token",
        };
        let opener = Span::new(
            bad.span.start,
            crate::source::ceil_char_boundary(text, bad.span.start + 1).min(bad.span.end),
        );
        let message = format!("this {what} is never closed, so the rest of the file is part of it");
        return (
            StmtKind::Other {
                head: String::new(),
            },
            ParseState::Failed {
                message,
                span: opener,
            },
        );
    }
    let stmt_text = span.text(text);
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        parse_with_sqlparser(stmt_text, sp_dialect)
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
            (conv.statement(&ast), ParseState::Parsed)
        }
        Ok(Err(err)) => match (!matches!(err, ParserError::RecursionLimitExceeded))
            .then(|| recognize::recognize(text, code, dialect))
            .flatten()
        {
            Some(kind) => (kind, ParseState::Recognized),
            None => {
                let (message, at) = describe_error(&err, &map, code, span);
                (
                    StmtKind::Other {
                        head: head_of(text, code),
                    },
                    ParseState::Failed { message, span: at },
                )
            }
        },
        Err(_) => match recognize::recognize(text, code, dialect) {
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
        .map(|t| t.span.text(text).to_ascii_uppercase())
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
            .find(|t| t.span.start >= off || t.span.contains(off))
            .map(|t| t.span)
            .unwrap_or(Span::at(off)),
        None => Span::at(stmt.start),
    };
    (format!("cannot parse this statement: {}", msg.trim()), at)
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
    fn transactions() {
        let p = parse_pg(
            "CREATE INDEX a ON t (x); BEGIN; CREATE INDEX CONCURRENTLY b ON t (y); COMMIT;",
        );
        assert!(!p.statements[0].in_transaction);
        assert!(p.statements[2].in_transaction);
    }
}
