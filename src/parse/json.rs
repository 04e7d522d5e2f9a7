//! JSON -> the document tree, with the byte span of every key and value (serde_json drops them).
//! Used for Terraform plans (`terraform show -json`), whose findings point into the plan file.

use std::sync::Arc;

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::parse::hcl::ParseFailure;
use crate::source::Span;

/// Nesting deeper than this is refused with a parse error instead of overflowing the stack.
const MAX_DEPTH: usize = 256;

pub fn parse(text: &str) -> Result<Node, ParseFailure> {
    let mut p = Parser {
        b: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos < p.b.len() {
        return Err(p.fail("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn fail(&self, msg: &str) -> ParseFailure {
        ParseFailure {
            offset: self.pos.min(self.b.len()),
            message: format!("cannot parse JSON: {msg}"),
            recovered: false,
        }
    }

    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.pos) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Node, ParseFailure> {
        let start = self.pos;
        match self.b.get(self.pos) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(
                    Value::String(Arc::from(s)),
                    Span::new(start, self.pos),
                ))
            }
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => Err(self.fail("expected a value")),
            None => Err(self.fail("unexpected end of input")),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Node, ParseFailure> {
        if self.b[self.pos..].starts_with(w.as_bytes()) {
            let start = self.pos;
            self.pos += w.len();
            Ok(Node::new(v, Span::new(start, self.pos)))
        } else {
            Err(self.fail("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Node, ParseFailure> {
        let start = self.pos;
        while let Some(c) = self.b.get(self.pos) {
            if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(n) => Ok(Node::new(Value::Number(n), Span::new(start, self.pos))),
            Err(_) => {
                self.pos = start;
                Err(self.fail("invalid number"))
            }
        }
    }

    fn string(&mut self) -> Result<String, ParseFailure> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(c) = self.b.get(self.pos) {
                if *c == b'"' || *c == b'\\' || *c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.b.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.b.get(self.pos + 1).copied();
                    self.pos += 2;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.fail("invalid escape in a string"));
                        }
                    }
                }
                _ => return Err(self.fail("unterminated string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseFailure> {
        let h = self
            .text
            .get(self.pos..self.pos + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.fail("invalid \\u escape"))?;
        self.pos += 4;
        Ok(h)
    }

    fn enter(&mut self) -> Result<(), ParseFailure> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail("nested too deeply"));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, ParseFailure> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut map = Map {
            entries: Vec::new(),
            anchor: Span::new(start, start + 1),
            open: false,
        };
        self.ws();
        if self.b.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                if self.b.get(self.pos) != Some(&b'"') {
                    return Err(self.fail("expected a key"));
                }
                let key_start = self.pos;
                let key = self.string()?;
                self.ws();
                if self.b.get(self.pos) != Some(&b':') {
                    return Err(self.fail("expected `:`"));
                }
                self.pos += 1;
                self.ws();
                let node = self.value()?;
                map.entries.push(Entry {
                    key: Arc::from(key),
                    span: Span::new(key_start, node.span.end),
                    node,
                });
                self.ws();
                match self.b.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.fail("expected `,` or `}`")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node::new(Value::Map(map), Span::new(start, self.pos)))
    }

    fn array(&mut self) -> Result<Node, ParseFailure> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                items.push(self.value()?);
                self.ws();
                match self.b.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.fail("expected `,` or `]`")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node::new(Value::List(items), Span::new(start, self.pos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_spans() {
        let text = r#"{"a": [1, "x\"y", true, null], "b": {"c": -2.5e1}}"#;
        let n = parse(text).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.span.text(text), r#""a": [1, "x\"y", true, null]"#);
        let l = a.node.as_list().unwrap();
        assert_eq!(l[1].as_str(), Some("x\"y"));
        assert_eq!(l[1].span.text(text), r#""x\"y""#);
        let c = &n.get("b").unwrap().node.get("c").unwrap().node;
        assert_eq!(c.as_number(), Some(-25.0));
    }

    #[test]
    fn errors_have_positions_and_depth_is_bounded() {
        let e = parse("{\"a\": [1, }").unwrap_err();
        assert_eq!(e.offset, 10);
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).unwrap_err().message.contains("deeply"));
    }
}
