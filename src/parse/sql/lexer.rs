//! A small, total SQL lexer with byte spans.
//!
//! It never fails: an unterminated string, quoted identifier, dollar quote or comment becomes one
//! token running to the end of the text, flagged `unterminated`. It knows enough of each dialect
//! to find statement boundaries (PostgreSQL dollar quotes, `E''` strings and nested comments;
//! MySQL backslash escapes, backticks, `#` comments and `DELIMITER`), and emits comments as
//! tokens so suppressions and migration-tool annotations can be read from them.

use crate::source::Span;
use crate::sql::Dialect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// A keyword or unquoted identifier.
    Word,
    /// `"name"`, `` `name` `` or `[name]`.
    QuotedIdent,
    /// `'text'`, `E'text'`, `N'text'`, `X'ff'`, `B'01'`, `U&'text'`, and MySQL `"text"`.
    String,
    /// `$$ ... $$` or `$tag$ ... $tag$`.
    DollarString,
    Number,
    /// `$1`, `?`, `:name`, `@var`.
    Param,
    /// Any other punctuation or operator character (`=`, `::`, `<`, `+`...).
    Op,
    LParen,
    RParen,
    Comma,
    Dot,
    Semicolon,
    /// A custom statement delimiter set by MySQL `DELIMITER` (or `GO` for SQL Server).
    Delimiter,
    LineComment,
    BlockComment,
    /// A psql meta-command line (`\connect db`, `\set ON_ERROR_STOP on`).
    MetaCommand,
    /// The data rows of `COPY ... FROM stdin`, up to and including the `\.` line.
    CopyData,
    /// A client-side `DELIMITER x` line (MySQL).
    DelimiterCommand,
    /// A template placeholder filled in before the SQL runs: Go templates `{{ .Schema }}`,
    /// Jinja `{% ... %}`, Flyway/goose/envsubst `${name}`.
    Template,
}

/// One token: 12 bytes (its offsets are `u32`: files are capped far below 4 GiB by
/// `max-file-size`), since every token of every file of a migration folder is held until the
/// folder is linted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    /// A string, quoted identifier, dollar quote or block comment that never ends.
    pub unterminated: bool,
    start: u32,
    end: u32,
}

impl Tok {
    pub fn new(kind: TokKind, span: Span, unterminated: bool) -> Tok {
        let at = |o: usize| u32::try_from(o).expect("files are smaller than 4 GiB");
        Tok {
            kind,
            unterminated,
            start: at(span.start),
            end: at(span.end),
        }
    }

    /// Where the token is, in bytes of the file.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// The token moved to `span` (a token re-read from a decoded region keeps its kind).
    pub fn with_span(self, span: Span) -> Tok {
        Tok::new(self.kind, span, self.unterminated)
    }

    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokKind::LineComment | TokKind::BlockComment)
    }

    pub fn is_comment(&self) -> bool {
        self.is_trivia()
    }

    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        self.span().text(src)
    }

    /// Whether this is the keyword `kw` (case-insensitive).
    pub fn is_kw(&self, src: &str, kw: &str) -> bool {
        self.kind == TokKind::Word && self.span().text(src).eq_ignore_ascii_case(kw)
    }
}

#[derive(Clone)]
pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    dialect: Dialect,
    /// A custom delimiter (MySQL `DELIMITER //`); `None` means `;`.
    delimiter: Option<String>,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, dialect: Dialect) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            dialect,
            delimiter: None,
        }
    }

    /// A lexer over `range` of `text`: spans stay offsets into the whole text (SQL embedded in a
    /// changelog or a Python file is lexed in place).
    pub fn new_range(text: &'a str, range: std::ops::Range<usize>, dialect: Dialect) -> Self {
        let end = crate::source::floor_char_boundary(text, range.end.min(text.len()));
        let mut lx = Lexer::new(&text[..end], dialect);
        lx.pos = crate::source::ceil_char_boundary(text, range.start).min(end);
        lx
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn delimiter(&self) -> Option<&str> {
        self.delimiter.as_deref()
    }

    /// Sets the statement delimiter (`None` or `;` restores the default).
    pub fn set_delimiter(&mut self, delim: Option<String>) {
        self.delimiter = delim.filter(|d| d != ";" && !d.is_empty());
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    /// Whether the lexer is at the start of a line (only whitespace before it on this line).
    /// Only blanks before `pos` on its line (scanning back only over them: a long line of
    /// backslashes must not cost a scan to the line's start each).
    fn at_line_start(&self, pos: usize) -> bool {
        self.bytes[..pos]
            .iter()
            .rev()
            .take_while(|b| **b != b'\n')
            .all(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
    }

    fn skip_whitespace(&mut self) {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0c | 0x0b => self.pos += 1,
                0xC2 if self.peek(1) == 0xA0 => self.pos += 2, // no-break space
                _ => break,
            }
        }
    }

    fn tok(&self, kind: TokKind, start: usize, unterminated: bool) -> Tok {
        Tok::new(kind, Span::new(start, self.pos), unterminated)
    }

    /// Reads the rest of the current line as one token of `kind` (without the newline).
    pub fn rest_of_line(&mut self, start: usize, kind: TokKind) -> Tok {
        let end = memchr::memchr(b'\n', &self.bytes[self.pos..])
            .map(|p| self.pos + p)
            .unwrap_or(self.bytes.len());
        self.pos = end;
        // Exclude a trailing carriage return.
        let end = if end > start && self.bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Tok::new(kind, Span::new(start, end), false)
    }

    /// Consumes `COPY ... FROM stdin` data: every line up to and including a line that is `\.`.
    /// Called by the splitter right after such a statement's terminator.
    pub fn copy_data(&mut self) -> Option<Tok> {
        // Data starts on the line after the terminator.
        let nl = memchr::memchr(b'\n', &self.bytes[self.pos..])?;
        let start = self.pos + nl + 1;
        if start >= self.bytes.len() {
            return None;
        }
        let mut line_start = start;
        loop {
            let line_end = memchr::memchr(b'\n', &self.bytes[line_start..])
                .map(|p| line_start + p)
                .unwrap_or(self.bytes.len());
            let line = &self.bytes[line_start..line_end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line == b"\\." {
                self.pos = line_end;
                return Some(self.tok(TokKind::CopyData, start, false));
            }
            if line_end >= self.bytes.len() {
                self.pos = self.bytes.len();
                return Some(self.tok(TokKind::CopyData, start, true));
            }
            line_start = line_end + 1;
        }
    }

    pub fn next_token(&mut self) -> Option<Tok> {
        self.skip_whitespace();
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        if let Some(delim) = &self.delimiter
            && self.bytes[self.pos..].starts_with(delim.as_bytes())
        {
            self.pos += delim.len();
            return Some(self.tok(TokKind::Delimiter, start, false));
        }
        let b = self.bytes[self.pos];
        let mysql = self.dialect == Dialect::Mysql;
        match b {
            b'-' if self.peek(1) == b'-' => Some(self.rest_of_line(start, TokKind::LineComment)),
            b'#' if mysql => Some(self.rest_of_line(start, TokKind::LineComment)),
            b'/' if self.peek(1) == b'*' => Some(self.block_comment(start)),
            b'\\' if self.at_line_start(start) => {
                Some(self.rest_of_line(start, TokKind::MetaCommand))
            }
            b'\'' => Some(self.quoted(start, b'\'', TokKind::String, mysql)),
            b'"' => {
                let kind = if mysql {
                    TokKind::String
                } else {
                    TokKind::QuotedIdent
                };
                Some(self.quoted(start, b'"', kind, mysql))
            }
            b'`' => Some(self.quoted(start, b'`', TokKind::QuotedIdent, false)),
            b'[' if self.dialect == Dialect::Mssql => {
                Some(self.quoted(start, b']', TokKind::QuotedIdent, false))
            }
            b'{' if matches!(self.peek(1), b'{' | b'%') => Some(self.template(start)),
            b'$' if self.peek(1) == b'{' => Some(self.template(start)),
            b'$' => Some(self.dollar(start)),
            b'(' => Some(self.single(start, TokKind::LParen)),
            b')' => Some(self.single(start, TokKind::RParen)),
            b',' => Some(self.single(start, TokKind::Comma)),
            b';' => Some(self.single(start, TokKind::Semicolon)),
            b'.' if !self.peek(1).is_ascii_digit() => Some(self.single(start, TokKind::Dot)),
            b'0'..=b'9' | b'.' => Some(self.number(start)),
            b'?' => Some(self.single(start, TokKind::Param)),
            b':' if self.peek(1) == b':' => {
                self.pos += 2;
                Some(self.tok(TokKind::Op, start, false))
            }
            b':' if is_word_start(self.peek(1)) => {
                self.pos += 1;
                self.word_body();
                Some(self.tok(TokKind::Param, start, false))
            }
            b'@' if is_word_start(self.peek(1)) || self.peek(1) == b'@' => {
                self.pos += 1;
                while self.peek(0) == b'@' {
                    self.pos += 1;
                }
                self.word_body();
                Some(self.tok(TokKind::Param, start, false))
            }
            // String prefixes: E'..', N'..', B'..', X'..', U&'..'.
            b'e' | b'E' | b'n' | b'N' | b'b' | b'B' | b'x' | b'X' if self.peek(1) == b'\'' => {
                let escapes = matches!(b, b'e' | b'E') || mysql;
                self.pos += 1;
                Some(self.quoted(start, b'\'', TokKind::String, escapes))
            }
            b'u' | b'U' if self.peek(1) == b'&' && self.peek(2) == b'\'' => {
                self.pos += 2;
                Some(self.quoted(start, b'\'', TokKind::String, false))
            }
            _ if is_word_start(b) => {
                self.word_body();
                Some(self.tok(TokKind::Word, start, false))
            }
            _ => {
                // One character of punctuation (a whole UTF-8 sequence if not ASCII).
                let len = self.text[self.pos..]
                    .chars()
                    .next()
                    .map(char::len_utf8)
                    .unwrap_or(1);
                self.pos += len;
                Some(self.tok(TokKind::Op, start, false))
            }
        }
    }

    /// `{{ ... }}`, `{% ... %}` or `${ ... }`, as one token.
    fn template(&mut self, start: usize) -> Tok {
        let close: &[u8] = match (self.peek(0), self.peek(1)) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            _ => b"}",
        };
        self.pos += 2;
        match memchr::memmem::find(&self.bytes[self.pos..], close) {
            Some(off) => {
                self.pos += off + close.len();
                self.tok(TokKind::Template, start, false)
            }
            None => {
                self.pos = self.bytes.len();
                self.tok(TokKind::Template, start, true)
            }
        }
    }

    fn single(&mut self, start: usize, kind: TokKind) -> Tok {
        self.pos += 1;
        self.tok(kind, start, false)
    }

    fn word_body(&mut self) {
        while self.pos < self.bytes.len() && is_word_continue(self.bytes[self.pos]) {
            // `END$$` after `DELIMITER $$`: `$` continues a word, but not into the delimiter.
            // Bytes, not `str`: a word steps through a multi-byte character one byte at a time.
            if let Some(delim) = &self.delimiter
                && self.bytes[self.pos..].starts_with(delim.as_bytes())
            {
                break;
            }
            self.pos += 1;
        }
    }

    fn number(&mut self, start: usize) -> Tok {
        if self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X') {
            self.pos += 2;
            while self.peek(0).is_ascii_hexdigit() {
                self.pos += 1;
            }
            return self.tok(TokKind::Number, start, false);
        }
        while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
            self.pos += 1;
        }
        if self.peek(0) == b'.' && self.peek(1) != b'.' {
            self.pos += 1;
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), b'e' | b'E')
            && (self.peek(1).is_ascii_digit()
                || (matches!(self.peek(1), b'+' | b'-') && self.peek(2).is_ascii_digit()))
        {
            self.pos += 2;
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
        }
        // MySQL allows identifiers that start with digits (`1st_table`).
        if is_word_start(self.peek(0)) {
            self.word_body();
            return self.tok(TokKind::Word, start, false);
        }
        self.tok(TokKind::Number, start, false)
    }

    fn quoted(&mut self, start: usize, close: u8, kind: TokKind, backslash_escapes: bool) -> Tok {
        self.pos += 1; // opening quote
        loop {
            let Some(off) = memchr::memchr2(close, b'\\', &self.bytes[self.pos..]) else {
                self.pos = self.bytes.len();
                return self.tok(kind, start, true);
            };
            self.pos += off;
            if self.bytes[self.pos] == b'\\' {
                self.pos += if backslash_escapes { 2 } else { 1 };
                continue;
            }
            // The closing quote, unless doubled.
            self.pos += 1;
            if self.peek(0) == close {
                self.pos += 1;
                continue;
            }
            self.pos = self.pos.min(self.bytes.len());
            return self.tok(kind, start, false);
        }
    }

    fn block_comment(&mut self, start: usize) -> Tok {
        self.pos += 2;
        // PostgreSQL nests block comments; MySQL and most others do not.
        let nests = self.dialect.is_postgres_like();
        let mut depth = 1usize;
        while self.pos < self.bytes.len() {
            let Some(off) = memchr::memchr2(b'*', b'/', &self.bytes[self.pos..]) else {
                break;
            };
            self.pos += off;
            if self.bytes[self.pos] == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                depth -= 1;
                if depth == 0 {
                    return self.tok(TokKind::BlockComment, start, false);
                }
            } else if nests && self.bytes[self.pos] == b'/' && self.peek(1) == b'*' {
                self.pos += 2;
                depth += 1;
            } else {
                self.pos += 1;
            }
        }
        self.pos = self.bytes.len();
        self.tok(TokKind::BlockComment, start, true)
    }

    /// `$1` parameters, `$tag$ ... $tag$` strings, or a lone `$`.
    fn dollar(&mut self, start: usize) -> Tok {
        let rest = &self.bytes[self.pos + 1..];
        if rest.first().is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
            return self.tok(TokKind::Param, start, false);
        }
        // A tag is empty or an identifier without `$`.
        let tag_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b >= 0x80)
            .count();
        if rest.get(tag_len) == Some(&b'$') && !rest.first().is_some_and(u8::is_ascii_digit) {
            let delim_len = tag_len + 2;
            let delim = &self.bytes[self.pos..self.pos + delim_len];
            let body_start = self.pos + delim_len;
            let finder = memchr::memmem::Finder::new(delim);
            match finder.find(&self.bytes[body_start..]) {
                Some(off) => {
                    self.pos = body_start + off + delim_len;
                    return self.tok(TokKind::DollarString, start, false);
                }
                None => {
                    self.pos = self.bytes.len();
                    return self.tok(TokKind::DollarString, start, true);
                }
            }
        }
        // envsubst-style `$NAME` (goose ENVSUB): a placeholder, not SQL.
        if tag_len > 0
            && rest
                .first()
                .is_some_and(|b| b.is_ascii_uppercase() || *b == b'_')
        {
            self.pos += 1 + tag_len;
            return self.tok(TokKind::Template, start, false);
        }
        self.pos += 1;
        self.tok(TokKind::Op, start, false)
    }
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Lexes a whole text with the default delimiter (for callers that do not split statements).
pub fn tokenize(text: &str, dialect: Dialect) -> Vec<Tok> {
    let mut lx = Lexer::new(text, dialect);
    let mut out = Vec::new();
    while let Some(t) = lx.next_token() {
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, d: Dialect) -> Vec<(TokKind, String, bool)> {
        tokenize(text, d)
            .into_iter()
            .map(|t| (t.kind, t.text(text).to_string(), t.unterminated))
            .collect()
    }

    #[test]
    fn dollar_quotes_and_comments() {
        let text = "DO $x$ a; $$ b $x$; /* a /* nested */ still */ -- c\nselect $1";
        let toks = kinds(text, Dialect::Postgres);
        assert_eq!(
            toks[1],
            (TokKind::DollarString, "$x$ a; $$ b $x$".into(), false)
        );
        assert_eq!(toks[2].0, TokKind::Semicolon);
        assert_eq!(
            toks[3],
            (
                TokKind::BlockComment,
                "/* a /* nested */ still */".into(),
                false
            )
        );
        assert_eq!(toks[4], (TokKind::LineComment, "-- c".into(), false));
        assert_eq!(toks[6], (TokKind::Param, "$1".into(), false));
    }

    #[test]
    fn strings_by_dialect() {
        let toks = kinds(r"select 'it''s', E'a\'b', 'x;y'", Dialect::Postgres);
        assert_eq!(toks[1].1, "'it''s'");
        assert_eq!(toks[3].1, r"E'a\'b'");
        assert_eq!(toks[5].1, "'x;y'");
        let toks = kinds(r"select 'a\'b', `t`, # note", Dialect::Mysql);
        assert_eq!(toks[1].1, r"'a\'b'");
        assert_eq!(toks[3], (TokKind::QuotedIdent, "`t`".into(), false));
        assert_eq!(toks[5].0, TokKind::LineComment);
    }

    #[test]
    fn unterminated_runs_to_end() {
        let toks = kinds("select $$ abc", Dialect::Postgres);
        assert_eq!(toks[1], (TokKind::DollarString, "$$ abc".into(), true));
        let toks = kinds("select 'abc", Dialect::Postgres);
        assert!(toks[1].2);
        let toks = kinds("/* abc", Dialect::Postgres);
        assert!(toks[0].2);
    }

    #[test]
    fn templates() {
        let toks = kinds(
            "CREATE TABLE {{ index .Options \"Namespace\" }}.users (id ${id_type});",
            Dialect::Postgres,
        );
        assert_eq!(
            toks[2],
            (
                TokKind::Template,
                "{{ index .Options \"Namespace\" }}".into(),
                false
            )
        );
        assert!(
            toks.iter()
                .any(|t| t.0 == TokKind::Template && t.1 == "${id_type}")
        );
    }

    #[test]
    fn a_word_stops_at_the_custom_delimiter() {
        let text = "DROP PROCEDURE IF EXISTS p$$ END$$";
        let mut lx = Lexer::new(text, Dialect::Mysql);
        lx.set_delimiter(Some("$$".into()));
        let mut toks = Vec::new();
        while let Some(t) = lx.next_token() {
            toks.push((t.kind, t.text(text).to_string()));
        }
        assert_eq!(toks[4], (TokKind::Word, "p".into()));
        assert_eq!(toks[5].0, TokKind::Delimiter);
        assert_eq!(toks[6], (TokKind::Word, "END".into()));
        assert_eq!(toks[7].0, TokKind::Delimiter);
    }

    #[test]
    fn a_word_with_multibyte_characters_after_a_custom_delimiter() {
        // Found by fuzzing: the delimiter check sliced the text inside `ê`.
        let text = "CREATE PROCEêRE p() BEGIN SELECT 1; END //";
        let mut lx = Lexer::new(text, Dialect::Mysql);
        lx.set_delimiter(Some("//".into()));
        let mut toks = Vec::new();
        while let Some(t) = lx.next_token() {
            toks.push((t.kind, t.text(text).to_string()));
        }
        assert_eq!(toks[1], (TokKind::Word, "PROCEêRE".into()));
        assert_eq!(toks.last().unwrap().0, TokKind::Delimiter);
    }

    #[test]
    fn custom_delimiter() {
        let text = "BEGIN select 1; END //";
        let mut lx = Lexer::new(text, Dialect::Mysql);
        lx.set_delimiter(Some("//".into()));
        let mut toks = Vec::new();
        while let Some(t) = lx.next_token() {
            toks.push(t.kind);
        }
        assert_eq!(toks.last(), Some(&TokKind::Delimiter));
        assert!(toks.contains(&TokKind::Semicolon));
    }
}
