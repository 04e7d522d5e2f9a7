//! XML -> a small element tree with byte spans (quick-xml underneath, read iteratively: deep
//! nesting cannot overflow the stack). Also the shape YAML and JSON changelogs are turned into,
//! so one Liquibase reader serves all three.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub struct Attr {
    pub name: String,
    /// Decoded value.
    pub value: String,
    /// Where the value is written (inside the quotes).
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Element {
    /// Local name (namespace prefix dropped).
    pub name: String,
    pub attrs: Vec<Attr>,
    /// The whole element, start tag to end tag.
    pub span: Span,
    /// Between the start and end tags (empty for `<x/>`).
    pub content: Span,
    pub children: Vec<usize>,
    /// For YAML/JSON: the text value when the node is a scalar (`sql: "..."`).
    pub text: Option<(String, Span, ScalarStyle)>,
    /// Built from YAML/JSON: `content` is the value's span, never text to read as SQL.
    pub yaml: bool,
}

/// How a YAML/JSON scalar is written, to find its text in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScalarStyle {
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: the text starts on the next line.
    Block,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }
}

#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub elements: Vec<Element>,
    /// Top-level elements.
    pub roots: Vec<usize>,
    /// `<!-- ... -->` spans.
    pub comments: Vec<Span>,
    pub error: Option<(Span, String)>,
}

impl Tree {
    pub fn children<'a>(&'a self, e: &'a Element) -> impl Iterator<Item = &'a Element> + 'a {
        e.children.iter().map(move |&i| &self.elements[i])
    }
}

/// Reads attributes from a start tag's raw text (`<name a="1" b='2'>`), with value spans.
fn attributes(text: &str, tag: Span) -> Vec<Attr> {
    let raw = &text[tag.start..tag.end];
    let b = raw.as_bytes();
    let mut out = Vec::new();
    // Skip `<` and the name.
    let mut i = 1;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < b.len()
            && !b[i].is_ascii_whitespace()
            && b[i] != b'='
            && b[i] != b'>'
            && b[i] != b'/'
        {
            i += 1;
        }
        if i == start {
            break;
        }
        let name = &raw[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || (b[i] != b'"' && b[i] != b'\'') {
            break;
        }
        let q = b[i];
        i += 1;
        let vstart = i;
        while i < b.len() && b[i] != q {
            i += 1;
        }
        let vend = i.min(b.len());
        i += 1;
        let local = name.rsplit(':').next().unwrap_or(name);
        out.push(Attr {
            name: local.to_string(),
            value: unescape(&raw[vstart..vend]),
            span: Span::new(tag.start + vstart, tag.start + vend),
        });
    }
    out
}

/// Decodes the five XML entities and character references.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let ch = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                u32::from_str_radix(&ent[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of an element's content as SQL sees it, written over its own range: CDATA markers
/// and comments blanked, entities decoded (never longer than the original).
pub fn content_as_text(text: &str, content: Span) -> String {
    let raw = &text[content.start..content.end];
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let cdata = rest.find("<![CDATA[");
        let comment = rest.find("<!--");
        let next = match (cdata, comment) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(p) = next else {
            out.push_str(&unescape_padded(rest));
            break;
        };
        out.push_str(&unescape_padded(&rest[..p]));
        rest = &rest[p..];
        if rest.starts_with("<![CDATA[") {
            out.push_str(&" ".repeat(9));
            rest = &rest[9..];
            let end = rest.find("]]>").unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            if rest.starts_with("]]>") {
                out.push_str("   ");
                rest = &rest[3..];
            }
        } else {
            let end = rest.find("-->").map(|e| e + 3).unwrap_or(rest.len());
            for b in rest[..end].bytes() {
                out.push(if b == b'\n' { '\n' } else { ' ' });
            }
            rest = &rest[end..];
        }
    }
    // Multi-byte characters blanked as bytes keep the length.
    debug_assert!(out.len() <= raw.len());
    out
}

/// Unescapes, padding each entity to its original length.
fn unescape_padded(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match rest.find(';').filter(|e| *e <= 10) {
            Some(end) => {
                let dec = unescape(&rest[..=end]);
                if dec.len() <= end + 1 {
                    out.push_str(&dec);
                    out.push_str(&" ".repeat(end + 1 - dec.len()));
                } else {
                    out.push_str(&rest[..=end]);
                }
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn parse(text: &str) -> Tree {
    let mut tree = Tree::default();
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<usize> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader.read_event();
        let after = (reader.buffer_position() as usize).min(text.len());
        match ev {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let empty = after >= 2 && text.as_bytes().get(after - 2) == Some(&b'/');
                let name = e.local_name().into_inner().to_string();
                let tag = Span::new(before.min(after), after);
                let el = Element {
                    name,
                    attrs: attributes(text, tag),
                    span: tag,
                    content: Span::at(after),
                    children: Vec::new(),
                    text: None,
                    yaml: false,
                };
                let idx = tree.elements.len();
                tree.elements.push(el);
                match stack.last() {
                    Some(&p) => tree.elements[p].children.push(idx),
                    None => tree.roots.push(idx),
                }
                if !empty {
                    stack.push(idx);
                }
            }
            Ok(Event::End(_)) => {
                if let Some(idx) = stack.pop() {
                    let el = &mut tree.elements[idx];
                    el.content = Span::new(el.content.start, before.max(el.content.start));
                    el.span = Span::new(el.span.start, after);
                }
            }
            Ok(Event::Comment(_)) => tree.comments.push(Span::new(before, after)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let at = (reader.error_position() as usize).min(text.len());
                tree.error = Some((Span::at(at), format!("cannot parse this XML: {e}")));
                break;
            }
        }
    }
    // Unclosed elements run to the end.
    for idx in stack {
        let el = &mut tree.elements[idx];
        el.content = Span::new(el.content.start, text.len());
        el.span = Span::new(el.span.start, text.len());
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_spans() {
        let text = "<a x=\"1\"><b y='2 &amp; 3'/><!-- hi --><c><![CDATA[x < y]]></c></a>";
        let t = parse(text);
        let a = &t.elements[t.roots[0]];
        assert_eq!(a.value("x"), Some("1"));
        let kids: Vec<&Element> = t.children(a).collect();
        assert_eq!(kids[0].value("y"), Some("2 & 3"));
        assert_eq!(kids[0].attr("y").unwrap().span.text(text), "2 &amp; 3");
        assert_eq!(kids[1].content.text(text), "<![CDATA[x < y]]>");
        assert_eq!(content_as_text(text, kids[1].content).trim(), "x < y");
        assert_eq!(t.comments.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "<a>".repeat(100_000);
        let t = parse(&text);
        assert!(t.elements.len() >= 100_000 || t.error.is_some());
    }
}
