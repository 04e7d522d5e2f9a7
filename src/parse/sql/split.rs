//! Splits a script into statements on the token stream.
//!
//! Knows the places where `;` does not end a statement: strings, dollar quotes and comments
//! (the lexer), `BEGIN ATOMIC ... END` bodies, MySQL routine bodies and `DELIMITER` blocks;
//! and the places where something other than `;` ends one: a custom delimiter, SQL Server's
//! `GO`, a migration-tool section marker, goose's `StatementEnd`. The data rows of
//! `COPY ... FROM stdin` are attached to their statement.
//!
//! goose sends a `StatementBegin`/`StatementEnd` block to the database in one piece, but the
//! block often holds several statements (`CREATE TABLE a (...); CREATE TABLE b (...);`): they
//! are split like any others, since the bodies that need the block (routines) are already kept
//! whole by the rules above. The block's end still ends a statement without a `;`.

use std::ops::Range;

use super::lexer::{Lexer, Tok, TokKind};
use crate::sql::{Dialect, Direction};

/// A statement's tokens before parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawStmt {
    /// Every token of the statement, leading comments and terminator included.
    pub tokens: Range<usize>,
    /// First and one-past-last code token (no comments, no terminator).
    pub code: Range<usize>,
    /// Whether a terminator (`;`, custom delimiter) ended it.
    pub terminated: bool,
    /// A psql meta-command or a `DELIMITER` line: not SQL, never parsed.
    pub client_command: bool,
}

/// A `-- +goose Up`, `-- migrate:down`... marker: where a section of a migration file starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionMarker {
    pub direction: Direction,
    /// The marker comment's token index.
    pub token: usize,
    /// Options written on the marker line (`transaction:false`, `NO TRANSACTION`).
    pub no_transaction: bool,
}

#[derive(Debug, Default)]
pub struct Split {
    pub tokens: Vec<Tok>,
    pub stmts: Vec<RawStmt>,
    pub sections: Vec<SectionMarker>,
    /// A file-level `-- +goose NO TRANSACTION`.
    pub no_transaction: bool,
}

pub fn split(text: &str, dialect: Dialect) -> Split {
    split_range(text, 0..text.len(), dialect)
}

/// Splits only `range` of `text` (spans stay offsets into the whole text).
pub fn split_range(text: &str, range: std::ops::Range<usize>, dialect: Dialect) -> Split {
    let mut lx = Lexer::new_range(text, range, dialect);
    let mut out = Split::default();
    let mut st = State::default();

    while let Some(tok) = lx.next_token() {
        let idx = out.tokens.len();
        match tok.kind {
            TokKind::LineComment | TokKind::BlockComment => {
                out.tokens.push(tok);
                if tok.kind == TokKind::LineComment
                    && let Some(ann) = annotation(tok.text(text))
                {
                    match ann {
                        Annotation::StatementBegin => {
                            st.finish_before(&mut out, idx);
                            st.goose_block = true;
                        }
                        Annotation::StatementEnd => {
                            st.goose_block = false;
                            st.finish(&mut out, idx + 1, false);
                        }
                        Annotation::Boundary => st.finish_before(&mut out, idx),
                        Annotation::Section(direction, no_transaction) => {
                            // The marker ends whatever came before it and starts a section.
                            st.finish_before(&mut out, idx);
                            out.sections.push(SectionMarker {
                                direction,
                                token: idx,
                                no_transaction,
                            });
                        }
                        Annotation::NoTransaction => out.no_transaction = true,
                    }
                }
            }
            TokKind::MetaCommand | TokKind::DelimiterCommand => {
                st.finish_before(&mut out, idx);
                out.tokens.push(tok);
                out.stmts.push(RawStmt {
                    tokens: idx..idx + 1,
                    code: idx..idx + 1,
                    terminated: true,
                    client_command: true,
                });
                st.start = idx + 1;
            }
            TokKind::Word
                if !st.has_code()
                    && tok.is_kw(text, "DELIMITER")
                    && !st.goose_block
                    && alone_on_line_start(text, tok) =>
            {
                // `DELIMITER //` (a mysql CLI command, also seen in scripts for other databases)
                // sets a client-side terminator for what follows.
                let line = lx.rest_of_line(tok.span().start, TokKind::DelimiterCommand);
                let delim = line.text(text)["DELIMITER".len()..].trim().to_string();
                lx.set_delimiter(Some(delim));
                st.finish_before(&mut out, idx);
                out.tokens.push(line);
                out.stmts.push(RawStmt {
                    tokens: idx..idx + 1,
                    code: idx..idx + 1,
                    terminated: true,
                    client_command: true,
                });
                st.start = idx + 1;
            }
            TokKind::Word
                if dialect == Dialect::Mssql
                    && tok.is_kw(text, "GO")
                    && alone_on_line(text, tok) =>
            {
                out.tokens.push(tok);
                st.finish(&mut out, idx + 1, true);
            }
            TokKind::Delimiter => {
                out.tokens.push(tok);
                st.finish(&mut out, idx + 1, true);
            }
            TokKind::Semicolon if lx.delimiter().is_none() && st.block_depth == 0 => {
                out.tokens.push(tok);
                let copy_from_stdin = st.is_copy_from_stdin(&out.tokens, text);
                if copy_from_stdin && let Some(data) = lx.copy_data() {
                    out.tokens.push(data);
                    st.finish(&mut out, idx + 2, true);
                } else {
                    st.finish(&mut out, idx + 1, true);
                }
            }
            _ => {
                out.tokens.push(tok);
                st.code_token(&out.tokens, idx, text, dialect, &lx);
            }
        }
    }
    let end = out.tokens.len();
    st.finish(&mut out, end, false);
    // Kept until the whole migration folder is linted: give back what doubling over-reserved.
    out.tokens.shrink_to_fit();
    out
}

#[derive(Default)]
struct State {
    /// First token of the current statement (comments included).
    start: usize,
    first_code: Option<usize>,
    last_code: usize,
    /// Nesting of `BEGIN ATOMIC`/routine `BEGIN ... END` blocks.
    block_depth: usize,
    /// Whether the current statement creates a MySQL-style routine (its BEGIN opens a block).
    routine: Option<bool>,
    goose_block: bool,
}

impl State {
    fn has_code(&self) -> bool {
        self.first_code.is_some()
    }

    fn code_token(&mut self, tokens: &[Tok], idx: usize, text: &str, dialect: Dialect, lx: &Lexer) {
        let tok = tokens[idx];
        if self.first_code.is_none() {
            self.first_code = Some(idx);
            self.routine = None;
        }
        self.last_code = idx;
        if tok.kind != TokKind::Word {
            return;
        }
        let prev = self.prev_code(tokens, idx);
        if tok.is_kw(text, "ATOMIC") && prev.is_some_and(|p| p.is_kw(text, "BEGIN")) {
            self.block_depth += 1;
            return;
        }
        if self.block_depth > 0 {
            if tok.is_kw(text, "CASE") && !prev.is_some_and(|p| p.is_kw(text, "END")) {
                self.block_depth += 1;
            } else if tok.is_kw(text, "END") {
                let next = peek_code(lx);
                let closes_other = next.is_some_and(|n| {
                    ["IF", "LOOP", "WHILE", "REPEAT", "FOR"]
                        .iter()
                        .any(|k| n.is_kw(lx_text(lx, text), k))
                });
                if !closes_other {
                    self.block_depth -= 1;
                }
            } else if tok.is_kw(text, "BEGIN") && self.is_routine(tokens, text, dialect) {
                self.block_depth += 1;
            }
            return;
        }
        if tok.is_kw(text, "BEGIN")
            && self.is_routine(tokens, text, dialect)
            && lx.delimiter().is_none()
        {
            // A routine body without DELIMITER (Flyway and Liquibase accept this for MySQL):
            // `;` inside BEGIN ... END does not end the statement. `BEGIN;` is a transaction.
            let next = peek_code(lx);
            if next.is_some_and(|n| n.kind != TokKind::Semicolon) {
                self.block_depth += 1;
            }
        }
    }

    fn prev_code<'t>(&self, tokens: &'t [Tok], idx: usize) -> Option<&'t Tok> {
        let first = self.first_code?;
        tokens[first..idx].iter().rev().find(|t| !t.is_trivia())
    }

    /// `CREATE [DEFINER=...] {PROCEDURE|FUNCTION|TRIGGER|EVENT}` in a dialect whose routine
    /// bodies are written inline (MySQL, SQL Server, Oracle; not PostgreSQL's quoted bodies).
    fn is_routine(&mut self, tokens: &[Tok], text: &str, dialect: Dialect) -> bool {
        if let Some(r) = self.routine {
            return r;
        }
        let r = !dialect.is_postgres_like() || dialect == Dialect::Generic;
        let r = r && {
            let first = self.first_code.unwrap_or(0);
            let words: Vec<&Tok> = tokens[first..]
                .iter()
                .filter(|t| !t.is_trivia())
                .take(12)
                .collect();
            words.first().is_some_and(|t| t.is_kw(text, "CREATE"))
                && words.iter().any(|t| {
                    ["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"]
                        .iter()
                        .any(|k| t.is_kw(text, k))
                })
                && !words.iter().any(|t| t.kind == TokKind::DollarString)
        };
        self.routine = Some(r);
        r
    }

    fn is_copy_from_stdin(&self, tokens: &[Tok], text: &str) -> bool {
        let Some(first) = self.first_code else {
            return false;
        };
        if !tokens[first].is_kw(text, "COPY") {
            return false;
        }
        let code: Vec<&Tok> = tokens[first..].iter().filter(|t| !t.is_trivia()).collect();
        code.windows(2)
            .any(|w| w[0].is_kw(text, "FROM") && w[1].is_kw(text, "STDIN"))
    }

    /// Ends the current statement with its tokens up to `end` (exclusive).
    fn finish(&mut self, out: &mut Split, end: usize, terminated: bool) {
        if let Some(first) = self.first_code {
            out.stmts.push(RawStmt {
                tokens: self.start..end,
                code: first..self.last_code + 1,
                terminated,
                client_command: false,
            });
            self.start = end;
        } else if terminated {
            // A lone `;`: nothing to keep, but later comments start after it.
            self.start = end;
        }
        self.first_code = None;
        self.block_depth = 0;
        self.routine = None;
    }

    /// Ends the current statement (if it has code) just before token `idx`, unterminated.
    fn finish_before(&mut self, out: &mut Split, idx: usize) {
        if self.has_code() {
            self.finish(out, idx, false);
        }
    }
}

fn lx_text<'a>(_lx: &Lexer<'a>, text: &'a str) -> &'a str {
    text
}

/// The next code token, without consuming it.
fn peek_code(lx: &Lexer) -> Option<Tok> {
    let mut ahead = lx.clone();
    while let Some(t) = ahead.next_token() {
        if !t.is_trivia() {
            return Some(t);
        }
    }
    None
}

/// Only whitespace between the line's start and the token. Scans back only as far as the
/// whitespace goes: scanning to the line's start for each token is quadratic on a long line.
fn alone_on_line_start(text: &str, tok: Tok) -> bool {
    text[..tok.span().start]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace)
}

/// Only whitespace around the token on its line.
fn alone_on_line(text: &str, tok: Tok) -> bool {
    alone_on_line_start(text, tok)
        && text[tok.span().end..]
            .chars()
            .take_while(|&c| c != '\n')
            .all(char::is_whitespace)
}

enum Annotation {
    StatementBegin,
    StatementEnd,
    Section(Direction, bool),
    NoTransaction,
    /// Ends the statement before it without changing direction (Liquibase `--changeset`).
    Boundary,
}

/// Reads migration-tool annotations from a line comment: goose (`-- +goose Up`,
/// `StatementBegin`, `NO TRANSACTION`) and dbmate (`-- migrate:up transaction:false`).
fn annotation(comment: &str) -> Option<Annotation> {
    let body = comment.trim_start_matches(['-', '#']).trim();
    if let Some(rest) = body.strip_prefix("+goose") {
        let rest = rest.trim();
        let word = rest.split_whitespace().next().unwrap_or("");
        return match word.to_ascii_lowercase().as_str() {
            "up" => Some(Annotation::Section(
                Direction::Up,
                rest.to_ascii_lowercase().contains("no transaction"),
            )),
            "down" => Some(Annotation::Section(
                Direction::Down,
                rest.to_ascii_lowercase().contains("no transaction"),
            )),
            "statementbegin" => Some(Annotation::StatementBegin),
            "statementend" => Some(Annotation::StatementEnd),
            "no" if rest.to_ascii_lowercase().starts_with("no transaction") => {
                Some(Annotation::NoTransaction)
            }
            _ => None,
        };
    }
    // sql-migrate (`-- +migrate Up`), the same idea as goose.
    if let Some(rest) = body.strip_prefix("+migrate") {
        let rest = rest.trim().to_ascii_lowercase();
        return match rest.split_whitespace().next().unwrap_or("") {
            "up" => Some(Annotation::Section(
                Direction::Up,
                rest.contains("notransaction"),
            )),
            "down" => Some(Annotation::Section(
                Direction::Down,
                rest.contains("notransaction"),
            )),
            "statementbegin" => Some(Annotation::StatementBegin),
            "statementend" => Some(Annotation::StatementEnd),
            _ => None,
        };
    }
    // Liquibase formatted SQL: each changeset starts a new statement even without `;`.
    if comment.starts_with("--")
        && (body.starts_with("changeset ") || body.starts_with("changeSet "))
    {
        return Some(Annotation::Boundary);
    }
    if let Some(rest) = body.strip_prefix("migrate:") {
        let mut words = rest.split_whitespace();
        let dir = match words.next()?.to_ascii_lowercase().as_str() {
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => return None,
        };
        let no_tx = words.any(|w| w.eq_ignore_ascii_case("transaction:false"));
        return Some(Annotation::Section(dir, no_tx));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(text: &str, d: Dialect) -> Vec<String> {
        let s = split(text, d);
        s.stmts
            .iter()
            .map(|r| {
                let a = s.tokens[r.code.start].span().start;
                let b = s.tokens[r.code.end - 1].span().end;
                text[a..b].to_string()
            })
            .collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes() {
        let got = stmts(
            "select 'a;b'; select $$x;y$$;\n-- c;\nselect 3",
            Dialect::Postgres,
        );
        assert_eq!(got, vec!["select 'a;b'", "select $$x;y$$", "select 3"]);
    }

    #[test]
    fn begin_atomic() {
        let got = stmts(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; select 2;",
            Dialect::Postgres,
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("END"));
    }

    #[test]
    fn mysql_delimiter() {
        let text = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\nDELIMITER ;\nSELECT 3;";
        let s = split(text, Dialect::Mysql);
        let code: Vec<_> = s.stmts.iter().filter(|r| !r.client_command).collect();
        assert_eq!(code.len(), 2);
        let a = s.tokens[code[0].code.start].span().start;
        let b = s.tokens[code[0].code.end - 1].span().end;
        assert!(text[a..b].ends_with("END"));
    }

    #[test]
    fn mysql_routine_without_delimiter() {
        let got = stmts(
            "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT 2; END; SELECT 3;",
            Dialect::Mysql,
        );
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn goose_blocks_and_sections() {
        let text = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS 'a; b';\nSELECT 1;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f;\n";
        let s = split(text, Dialect::Postgres);
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.stmts.len(), 3);
        // The block's end ends a statement that has no `;`, and a routine body stays whole.
        let text = "-- +goose StatementBegin\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END\n-- +goose StatementEnd\nSELECT 1;";
        assert_eq!(stmts(text, Dialect::Mysql).len(), 2);
    }

    #[test]
    fn copy_data_is_attached() {
        let text = "COPY t (a) FROM stdin;\nit's; data\n\\.\nSELECT 1;";
        let got = stmts(text, Dialect::Postgres);
        assert_eq!(got, vec!["COPY t (a) FROM stdin", "SELECT 1"]);
    }

    #[test]
    fn psql_meta_commands() {
        let s = split("\\connect db\nSELECT 1;", Dialect::Postgres);
        assert!(s.stmts[0].client_command);
        assert_eq!(s.stmts.len(), 2);
    }
}
