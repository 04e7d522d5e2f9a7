//! A cursor over one statement's code tokens: keyword matching, paren-aware skipping and
//! splitting, identifiers and spans. Shared by the recogniser (which understands statements
//! sqlparser refuses) and the converter (which takes exact clause spans from tokens).

use super::lexer::{Tok, TokKind};
use crate::source::Span;
use crate::sql::{Ident, ObjectName};

#[derive(Clone)]
pub struct Cursor<'a> {
    pub text: &'a str,
    pub toks: &'a [Tok],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str, toks: &'a [Tok]) -> Self {
        Cursor { text, toks, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<&'a Tok> {
        self.toks.get(self.pos + ahead)
    }

    pub fn tok_text(&self, t: &Tok) -> &'a str {
        t.span().text(self.text)
    }

    /// Whether the next token is keyword `kw`.
    pub fn is(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(self.text, kw))
    }

    /// Whether the next tokens are the keywords `kws`.
    pub fn is_seq(&self, kws: &[&str]) -> bool {
        kws.iter()
            .enumerate()
            .all(|(i, kw)| self.peek_at(i).is_some_and(|t| t.is_kw(self.text, kw)))
    }

    /// Consumes keyword `kw` if it is next.
    pub fn eat(&mut self, kw: &str) -> bool {
        if self.is(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes the keyword sequence if it is next, all or nothing.
    pub fn eat_seq(&mut self, kws: &[&str]) -> bool {
        if self.is_seq(kws) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub fn eat_kind(&mut self, kind: TokKind) -> Option<&'a Tok> {
        if self.peek().is_some_and(|t| t.kind == kind) {
            self.next()
        } else {
            None
        }
    }

    /// The next word, upper-cased (without consuming).
    pub fn word_upper(&self) -> Option<String> {
        self.peek()
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| self.tok_text(t).to_ascii_uppercase())
    }

    /// Parses an identifier: a word, a quoted identifier, or (MySQL users) a string.
    pub fn ident(&mut self) -> Option<Ident> {
        let t = *self.peek()?;
        let raw = self.tok_text(&t);
        let ident = match t.kind {
            TokKind::Word => Ident {
                value: raw.to_string(),
                quoted: false,
                span: t.span(),
            },
            // A placeholder substituted before the script runs (`${table}`) names an object.
            TokKind::Template => Ident {
                value: raw.to_string(),
                quoted: false,
                span: t.span(),
            },
            TokKind::QuotedIdent => Ident {
                value: unquote(raw),
                quoted: !raw.starts_with('`'),
                span: t.span(),
            },
            TokKind::String => Ident {
                value: unquote(raw),
                quoted: true,
                span: t.span(),
            },
            _ => return None,
        };
        self.pos += 1;
        Some(ident)
    }

    /// Parses a dotted name: `a`, `a.b`, `"a"."b"`.
    pub fn object_name(&mut self) -> Option<ObjectName> {
        let first = self.ident()?;
        let mut parts = vec![first];
        while self.peek().is_some_and(|t| t.kind == TokKind::Dot) {
            let save = self.pos;
            self.pos += 1;
            match self.ident() {
                Some(id) => parts.push(id),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(ObjectName { parts })
    }

    /// Skips one token, or a whole balanced parenthesised group.
    pub fn skip_one(&mut self) {
        if self.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            self.skip_group();
        } else {
            self.pos += 1;
        }
    }

    /// Skips a balanced `( ... )` group starting at the cursor.
    pub fn skip_group(&mut self) {
        let mut depth = 0usize;
        for t in self.by_ref() {
            match t.kind {
                TokKind::LParen => depth += 1,
                TokKind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Parses a parenthesised, comma-separated list of identifiers: `(a, b)`.
    pub fn ident_list(&mut self) -> Option<Vec<Ident>> {
        self.eat_kind(TokKind::LParen)?;
        let mut out = Vec::new();
        loop {
            let save = self.pos;
            if let Some(id) = self.ident() {
                out.push(id);
                // Skip index options such as ASC, (length), operator classes.
                while !self.at_end()
                    && !self
                        .peek()
                        .is_some_and(|t| matches!(t.kind, TokKind::Comma | TokKind::RParen))
                {
                    self.skip_one();
                }
            } else {
                self.pos = save;
                // An expression: skip it.
                while !self.at_end()
                    && !self
                        .peek()
                        .is_some_and(|t| matches!(t.kind, TokKind::Comma | TokKind::RParen))
                {
                    self.skip_one();
                }
            }
            match self.next().map(|t| t.kind) {
                Some(TokKind::Comma) => continue,
                Some(TokKind::RParen) => return Some(out),
                _ => return None,
            }
        }
    }

    /// Token index ranges of the comma-separated items at paren depth 0 from the cursor to the end.
    pub fn split_top_level(&self) -> Vec<std::ops::Range<usize>> {
        split_top_level(self.toks, self.pos, self.toks.len())
    }

    /// Span covering tokens `range`.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        span_of(self.toks, range)
    }

    /// Span of the rest of the tokens from the cursor.
    pub fn rest_span(&self) -> Span {
        self.span_of(self.pos..self.toks.len())
    }

    /// Source text of the tokens in `range`.
    pub fn text_of(&self, range: std::ops::Range<usize>) -> &'a str {
        self.span_of(range).text(self.text)
    }

    /// Source text of the tokens in `range` without the comments between them.
    pub fn code_text_of(&self, range: std::ops::Range<usize>) -> String {
        code_text(self.text, &self.toks[range])
    }
}

/// The source text of code tokens with whatever lies between them (comments, line breaks)
/// reduced to one space, so `varchar(10)` stays `varchar(10)` and a comment inside a type or an
/// enum's value list is not taken for part of it.
pub fn code_text(text: &str, toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut prev_end: Option<usize> = None;
    for t in toks.iter().filter(|t| !t.is_trivia()) {
        if prev_end.is_some_and(|e| e < t.span().start) {
            out.push(' ');
        }
        out.push_str(t.span().text(text));
        prev_end = Some(t.span().end);
    }
    out
}

/// Consumes one token at a time.
impl<'a> Iterator for Cursor<'a> {
    type Item = &'a Tok;

    fn next(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.pos);
        if t.is_some() {
            self.pos += 1;
        }
        t
    }
}

pub fn span_of(toks: &[Tok], range: std::ops::Range<usize>) -> Span {
    match (
        toks.get(range.start),
        range.end.checked_sub(1).and_then(|e| toks.get(e)),
    ) {
        (Some(a), Some(b)) if range.start < range.end => a.span().cover(b.span()),
        (Some(a), _) => Span::at(a.span().start),
        _ => toks
            .last()
            .map(|t| Span::at(t.span().end))
            .unwrap_or_default(),
    }
}

/// Splits `toks[from..to]` at commas outside parentheses.
pub fn split_top_level(toks: &[Tok], from: usize, to: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = from;
    for (i, t) in toks.iter().enumerate().take(to).skip(from) {
        match t.kind {
            TokKind::LParen => depth += 1,
            TokKind::RParen => depth -= 1,
            TokKind::Comma if depth == 0 => {
                out.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < to {
        out.push(start..to);
    }
    out
}

/// Removes the quotes of a quoted identifier or string, un-doubling embedded quotes.
pub fn unquote(raw: &str) -> String {
    let mut chars = raw.chars();
    let Some(open) = chars.next() else {
        return String::new();
    };
    let close = match open {
        '[' => ']',
        '"' | '`' | '\'' => open,
        // E'..', N'..' and the like.
        _ => {
            return match raw.find('\'') {
                Some(q) => unquote(&raw[q..]),
                None => raw.to_string(),
            };
        }
    };
    let inner = raw[open.len_utf8()..]
        .strip_suffix(close)
        .unwrap_or(&raw[open.len_utf8()..]);
    let doubled: String = [close, close].iter().collect();
    inner.replace(&doubled, &close.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sql::lexer::tokenize;
    use crate::sql::Dialect;

    #[test]
    fn code_text_drops_comments() {
        let text = "varchar(10) ENUM( -- note\n 'a', /* x */ 'b')";
        let toks = tokenize(text, Dialect::Postgres);
        assert_eq!(code_text(text, &toks), "varchar(10) ENUM( 'a', 'b')");
    }
}
