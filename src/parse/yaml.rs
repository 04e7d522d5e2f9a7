//! YAML text -> the declarative engine's document tree ([`crate::declarative::tree`]), with a
//! byte span on every key, value and sequence item.
//!
//! Built from saphyr's parser events (not its node types), iteratively, so that:
//! - positions are converted once, here: saphyr counts characters, the tree holds bytes;
//! - nesting is bounded without recursion ([`MAX_DEPTH`]; saphyr's own limit guards flow
//!   collections), and a 10,000-level document costs one finding, not the stack;
//! - aliases and `<<` merge keys are applied by us: an alias gets a copy of its anchor's value,
//!   relocated to where the alias is written (with the anchor's line as its origin), within a
//!   budget of copied nodes, beyond which the value is unknown ("billion laughs");
//! - a syntax error keeps the documents before it, and becomes one finding at its position.
//!
//! Scalars are typed the YAML 1.2 core-schema way (`true`, `5432`, `null` and `~`), quoted ones
//! are strings. A string holding an interpolation (`${VAR}`, `${{ expr }}`) is unknown: its value
//! is decided when the file is used, not in the repository. A scalar's span is its content
//! (inside quotes; a block scalar's body), so a secret's span is the secret alone.
//!
//! Helm and other Go or Jinja templates are not YAML: [`template_marker`] recognises them so the
//! caller can skip them with a notice instead of reporting a parse error.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::source::{LineIndex, Span};

/// Deeper block nesting is refused (one finding); no real configuration comes near it.
pub const MAX_DEPTH: usize = 200;

/// How many nodes aliases may copy in one file before further aliases read as unknown.
const ALIAS_BUDGET: usize = 200_000;

/// A parsed YAML stream.
#[derive(Debug, Default)]
pub struct ParsedYaml {
    /// The complete documents, in order (those before a syntax error).
    pub docs: Vec<ParsedDoc>,
    /// `#` comments, leader included.
    pub comments: Vec<Span>,
    /// Syntax problems, as findings: the first syntax error, a refused depth, duplicate keys.
    pub errors: Vec<(Span, String)>,
    /// What an own-line comment can cover: every mapping entry and sequence item, sorted by
    /// start (outermost first among those starting at the same offset).
    pub scopes: Vec<Span>,
}

/// One document of a stream.
#[derive(Debug, Clone)]
pub struct ParsedDoc {
    pub root: Node,
    /// From the document's first token to its last.
    pub span: Span,
}

impl ParsedYaml {
    /// What an own-line suppression comment ending at `offset` covers: the next key or item,
    /// with everything nested in it.
    pub fn scope_after(&self, offset: usize) -> Option<Span> {
        let i = self.scopes.partition_point(|s| s.start < offset);
        self.scopes.get(i).copied()
    }
}

/// Character index -> byte offset, for a monotonic-ish sequence of queries (parser events).
struct Bytes<'t> {
    text: &'t str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> Bytes<'t> {
    fn new(text: &'t str) -> Self {
        Bytes {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn at(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.chars {
            // Rare (a span that starts before the previous one): step back.
            let back = self.chars - char_index;
            if back > 4096 {
                self.chars = 0;
                self.bytes = 0;
            } else {
                for c in self.text[..self.bytes].chars().rev().take(back) {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
            }
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars >= char_index {
                break;
            }
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        self.bytes
    }

    fn span(&mut self, s: saphyr_parser::Span) -> Span {
        let a = self.at(s.start.index());
        let b = self.at(s.end.index()).max(a);
        Span::new(a, b)
    }
}

/// A collection being built.
enum Frame {
    Map {
        map: Map,
        start: usize,
        end: usize,
        /// The key read, waiting for its value: (key, key span incl. quotes).
        key: Option<(Arc<str>, Span)>,
        /// `<<` values seen, applied at the end: (value, span of the `<<` entry).
        merges: Vec<(Node, Span)>,
        anchor: usize,
    },
    Seq {
        items: Vec<Node>,
        start: usize,
        end: usize,
        anchor: usize,
    },
}

struct Builder<'t> {
    text: &'t str,
    lines: LineIndex,
    bytes: Bytes<'t>,
    stack: Vec<Frame>,
    /// Anchor id -> (name, where it is defined, its value).
    anchors: HashMap<usize, (String, usize, Node)>,
    budget: usize,
    out: ParsedYaml,
    /// Spans of every scalar as written (quotes, block bodies): `#` inside them is no comment.
    scalar_spans: Vec<Span>,
    doc_start: usize,
    root: Option<Node>,
}

/// Every entry point of the YAML reading on arbitrary bytes, for fuzzing (`cargo fuzz`): the
/// template check, the parse, and classification into documents and objects. It must never
/// panic, whatever the input.
pub fn fuzz(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = template_marker(text, "fuzz/templates/x.yaml");
    let parsed = parse(text);
    let _ = crate::yaml::from_parsed(parsed, text, ".github/workflows/fuzz.yaml");
}

/// Parses a YAML stream. Never panics; syntax errors come back in [`ParsedYaml::errors`].
pub fn parse(text: &str) -> ParsedYaml {
    let mut b = Builder {
        text,
        lines: LineIndex::new(text),
        bytes: Bytes::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        out: ParsedYaml::default(),
        scalar_spans: Vec::new(),
        doc_start: 0,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    let mut error_at: Option<usize> = None;
    loop {
        match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                let at = b.bytes.at(e.marker().index());
                let at = crate::source::floor_char_boundary(text, at);
                let info = e.info();
                let message = if info.contains("recursion limit") {
                    "this YAML nests too deeply to be analysed".to_string()
                } else {
                    format!("invalid YAML: {info}")
                };
                b.out.errors.push((char_span(text, at), message));
                error_at = Some(at);
                break;
            }
            Some(Ok((event, span))) => {
                let span = b.bytes.span(span);
                if !b.event(event, span) {
                    error_at = Some(span.start);
                    break;
                }
            }
        }
    }
    b.finish(error_at)
}

/// A one-character span at `at` (or an empty one at the end of the text).
fn char_span(text: &str, at: usize) -> Span {
    let end = text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at);
    Span::new(at, end)
}

impl Builder<'_> {
    /// Handles one event; `false` stops the parse (too deep).
    fn event(&mut self, event: Event, span: Span) -> bool {
        match event {
            Event::DocumentStart(_) => {
                self.doc_start = span.start;
                self.root = None;
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    let end = root.span.end.max(self.doc_start);
                    self.out.docs.push(ParsedDoc {
                        span: Span::new(self.doc_start, end),
                        root,
                    });
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.out.errors.push((
                        char_span(self.text, span.start),
                        format!(
                            "this YAML nests more than {MAX_DEPTH} levels deep, too deep to analyse"
                        ),
                    ));
                    return false;
                }
                // A block collection's start event is empty; a flow one covers its bracket.
                let start = self.collection_start(span.start, anchor);
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            map: Map {
                                entries: Vec::new(),
                                anchor: Span::at(start),
                                open: false,
                            },
                            start,
                            end: span.end.max(start),
                            key: None,
                            merges: Vec::new(),
                            anchor,
                        }
                    } else {
                        Frame::Seq {
                            items: Vec::new(),
                            start,
                            end: span.end.max(start),
                            anchor,
                        }
                    });
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    mut map,
                    start,
                    end,
                    merges,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    let end = end.max(if self.text[span.start..span.end].ends_with('}') {
                        span.end
                    } else {
                        end
                    });
                    apply_merges(&mut map, merges);
                    self.value(Node::new(Value::Map(map), Span::new(start, end)), anchor);
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    items,
                    start,
                    end,
                    anchor,
                }) = self.stack.pop()
                {
                    let end = end.max(if self.text[span.start..span.end].ends_with(']') {
                        span.end
                    } else {
                        end
                    });
                    self.value(Node::new(Value::List(items), Span::new(start, end)), anchor);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let (node, raw) = self.scalar(&value, style, tag.as_deref(), span);
                self.scalar_spans.push(raw);
                self.value(node, anchor);
            }
            Event::Alias(id) => {
                let node = self.alias(id, span);
                self.value(node, 0);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        true
    }

    /// Where a collection starts: its anchor or tag is not part of it.
    fn collection_start(&self, at: usize, anchor: usize) -> usize {
        let rest = &self.text[at..];
        if anchor == 0 && !rest.starts_with('!') {
            return at;
        }
        // Skip `&name` and `!tag` properties and the blank space after them.
        let mut i = 0;
        let b = rest.as_bytes();
        while i < b.len() && (b[i] == b'&' || b[i] == b'!') {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        at + i
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> (Node, Span) {
        let raw_text = &self.text[span.start..span.end];
        let (content, raw) = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                // saphyr's span may run past the closing quote (over a trailing comment): find
                // the quote that closes the scalar.
                let q = if style == ScalarStyle::SingleQuoted {
                    b'\''
                } else {
                    b'"'
                };
                let b = raw_text.as_bytes();
                let close = (b.first() == Some(&q))
                    .then(|| {
                        let mut i = 1;
                        while i < b.len() {
                            if q == b'"' && b[i] == b'\\' {
                                i += 2;
                                continue;
                            }
                            if b[i] == q {
                                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                                    i += 2;
                                    continue;
                                }
                                return Some(i);
                            }
                            i += 1;
                        }
                        None
                    })
                    .flatten();
                match close {
                    Some(c) => (
                        Span::new(span.start + 1, span.start + c),
                        Span::new(span.start, span.start + c + 1),
                    ),
                    None => (span, span),
                }
            }
            _ => {
                let trimmed = raw_text.trim_end();
                (Span::new(span.start, span.start + trimmed.len()), span)
            }
        };
        let plain = matches!(style, ScalarStyle::Plain);
        let tagged_str =
            tag.is_some_and(|t| t.suffix == "str" || t.handle == "!" && t.suffix.is_empty());
        let v = if plain && !tagged_str {
            core_schema(value)
        } else {
            Value::String(Arc::from(value))
        };
        let v = match v {
            Value::String(s) if interpolated(&s) => Value::Unknown(Some(s)),
            other => other,
        };
        (Node::new(v, content), raw)
    }

    fn alias(&mut self, id: usize, span: Span) -> Node {
        let Some((name, line, node)) = self.anchors.get(&id) else {
            return Node::unknown(span, None);
        };
        let size = count_nodes(node, self.budget.saturating_add(1));
        if size > self.budget {
            self.budget = 0;
            return Node::unknown(span, Some(Arc::from(format!("*{name}"))));
        }
        self.budget -= size;
        let mut copy = node.clone();
        let origin: Option<Arc<str>> = Some(Arc::from(format!(
            "from the anchor `&{name}` (line {line})"
        )));
        copy.relocate(span, &origin);
        copy
    }

    /// A finished value: the document root, a key, a mapping value or a sequence item.
    fn value(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            let (name, at) = self.anchor_name(node.span.start);
            let line = self.lines.line_of(at) + 1;
            self.anchors.insert(anchor, (name, line, node.clone()));
        }
        let end = node.span.end;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, end: e, .. }) => {
                *e = (*e).max(end);
                let item_span = node.span;
                items.push(node);
                self.out.scopes.push(item_span);
            }
            Some(Frame::Map {
                map,
                end: e,
                key,
                merges,
                ..
            }) => {
                *e = (*e).max(end);
                match key.take() {
                    None => {
                        // The key: its text (a complex key is kept as written).
                        let k: Arc<str> = match &node.value {
                            Value::String(s) => s.clone(),
                            Value::Unknown(Some(s)) => s.clone(),
                            Value::Map(_) | Value::List(_) => Arc::from(node.span.text(self.text)),
                            _ => Arc::from(node.span.text(self.text)),
                        };
                        // A quoted key's span includes its quotes.
                        let ks = self
                            .scalar_spans
                            .last()
                            .filter(|r| r.encloses(node.span))
                            .copied()
                            .unwrap_or(node.span);
                        *key = Some((k, ks));
                    }
                    Some((k, ks)) => {
                        let entry_span = if same_line(self.text, ks.start, node.span.start)
                            && !matches!(node.value, Value::Map(_) | Value::List(_))
                        {
                            ks.cover(node.span)
                        } else if matches!(node.value, Value::Map(_) | Value::List(_))
                            && same_line(self.text, ks.start, node.span.end.saturating_sub(1))
                        {
                            // A flow collection on the key's line.
                            ks.cover(node.span)
                        } else {
                            ks
                        };
                        self.out.scopes.push(ks.cover(node.span));
                        if &*k == "<<" {
                            if is_mergeable(&node) {
                                let at = ks.cover(node.span);
                                merges.push((node, at));
                                return;
                            }
                            if node.is_unknown() {
                                // Keys we cannot see may be merged in.
                                map.open = true;
                                return;
                            }
                        }
                        let mut node = node;
                        if let Value::Map(m) = &mut node.value {
                            m.anchor = ks;
                        }
                        if let Some(i) = map.entries.iter().position(|e| e.key == k) {
                            self.out.errors.push((
                                ks,
                                format!(
                                    "duplicate key `{k}`: YAML tools disagree on which value wins (the first is on line {})",
                                    self.lines.line_of(map.entries[i].span.start) + 1
                                ),
                            ));
                            map.entries[i] = Entry {
                                key: k,
                                span: entry_span,
                                node,
                            };
                        } else {
                            map.entries.push(Entry {
                                key: k,
                                span: entry_span,
                                node,
                            });
                        }
                    }
                }
            }
        }
    }

    /// The name of the anchor written just before `at` (`&db`), and where it is, for labels.
    fn anchor_name(&self, at: usize) -> (String, usize) {
        let before = &self.text[..at];
        let Some(amp) = before.rfind('&') else {
            return ("anchor".to_string(), at);
        };
        let name: String = self.text[amp + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect();
        if name.is_empty() {
            ("anchor".to_string(), at)
        } else {
            (name, amp)
        }
    }

    fn finish(mut self, error_at: Option<usize>) -> ParsedYaml {
        // A document cut short by an error is dropped (the finding says where).
        if error_at.is_none()
            && let Some(root) = self.root.take()
        {
            let end = root.span.end;
            self.out.docs.push(ParsedDoc {
                span: Span::new(self.doc_start, end.max(self.doc_start)),
                root,
            });
        }
        self.scalar_spans.sort();
        self.out.comments = comments(self.text, &self.scalar_spans, error_at);
        self.out.scopes.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end)).cmp(&(b.start, std::cmp::Reverse(b.end)))
        });
        self.out.scopes.dedup();
        self.out
    }
}

fn same_line(text: &str, a: usize, b: usize) -> bool {
    // Bytes, not chars: `b` may be one byte before the end of a multi-byte character.
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let bytes = text.as_bytes();
    memchr::memchr(b'\n', &bytes[lo.min(bytes.len())..hi.min(bytes.len())]).is_none()
}

fn is_mergeable(node: &Node) -> bool {
    match &node.value {
        Value::Map(_) => true,
        Value::List(items) => items.iter().all(|i| matches!(i.value, Value::Map(_))),
        _ => false,
    }
}

/// Applies `<<` merges: keys written in the mapping win over merged ones, and an earlier merged
/// mapping over a later one.
fn apply_merges(map: &mut Map, merges: Vec<(Node, Span)>) {
    for (node, at) in merges {
        let sources: Vec<Node> = match node.value {
            Value::Map(_) => vec![node],
            Value::List(items) => items,
            _ => continue,
        };
        for src in sources {
            let origin = src.origin.clone();
            let Value::Map(m) = src.value else { continue };
            for mut e in m.entries {
                if map.get(&e.key).is_none() {
                    // A merge written inline (not through an alias) keeps its positions.
                    if origin.is_some() {
                        e.span = at;
                    }
                    map.entries.push(e);
                }
            }
        }
    }
}

fn count_nodes(node: &Node, limit: usize) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        if n > limit {
            return n;
        }
        match &x.value {
            Value::List(items) => stack.extend(items.iter()),
            Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.node)),
            _ => {}
        }
    }
    n
}

/// Whether a string's value is decided where the file is used: `${VAR}` (Compose, envsubst,
/// Spring), `${{ expr }}` (GitHub Actions), `{{ expr }}` (Jinja, Go templates, Prometheus).
pub fn interpolated(s: &str) -> bool {
    s.contains("${") || s.contains("{{")
}

/// A plain scalar typed by the YAML 1.2 core schema.
fn core_schema(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(f64::NEG_INFINITY),
        _ => {}
    }
    let b = s.as_bytes();
    let digits = |t: &[u8]| !t.is_empty() && t.iter().all(u8::is_ascii_digit);
    let unsigned = b.strip_prefix(b"-").or(b.strip_prefix(b"+")).unwrap_or(b);
    if digits(unsigned)
        && let Ok(n) = s.parse::<f64>()
    {
        return Value::Number(n);
    }
    if let Some(h) = s.strip_prefix("0x")
        && !h.is_empty()
        && h.bytes().all(|c| c.is_ascii_hexdigit())
        && let Ok(n) = u64::from_str_radix(h, 16)
    {
        return Value::Number(n as f64);
    }
    if let Some(o) = s.strip_prefix("0o")
        && !o.is_empty()
        && let Ok(n) = u64::from_str_radix(o, 8)
    {
        return Value::Number(n as f64);
    }
    // Floats: digits with a point or an exponent.
    let is_float = {
        let t = unsigned;
        let mut i = 0;
        let mut mantissa = 0;
        while i < t.len() && t[i].is_ascii_digit() {
            i += 1;
            mantissa += 1;
        }
        let mut point = false;
        if i < t.len() && t[i] == b'.' {
            point = true;
            i += 1;
            while i < t.len() && t[i].is_ascii_digit() {
                i += 1;
                mantissa += 1;
            }
        }
        let mut exp = false;
        if mantissa > 0 && i < t.len() && (t[i] == b'e' || t[i] == b'E') {
            let mut j = i + 1;
            if j < t.len() && (t[j] == b'+' || t[j] == b'-') {
                j += 1;
            }
            let ds = j;
            while j < t.len() && t[j].is_ascii_digit() {
                j += 1;
            }
            if j > ds {
                exp = true;
                i = j;
            }
        }
        mantissa > 0 && i == t.len() && (point || exp)
    };
    if is_float && let Ok(n) = s.parse::<f64>() {
        return Value::Number(n);
    }
    Value::String(Arc::from(s))
}

/// `#` comments outside scalars. Before `error_at` the parse knows every scalar; after it (a
/// broken file) quotes are tracked per line.
fn comments(text: &str, scalars: &[Span], error_at: Option<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut next_scalar = 0;
    for at in memchr::memchr_iter(b'#', bytes) {
        if at > 0 && !matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        if out.last().is_some_and(|s: &Span| s.end > at) {
            continue;
        }
        if error_at.is_none_or(|e| at < e) {
            while next_scalar < scalars.len() && scalars[next_scalar].end <= at {
                next_scalar += 1;
            }
            if scalars[next_scalar..]
                .iter()
                .take_while(|s| s.start <= at)
                .any(|s| s.contains(at))
            {
                continue;
            }
        } else if inside_quotes_on_line(text, at) {
            continue;
        }
        let end = text[at..]
            .find(['\n', '\r'])
            .map(|i| at + i)
            .unwrap_or(text.len());
        out.push(Span::new(at, end));
    }
    out
}

fn inside_quotes_on_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let (mut s, mut d) = (false, false);
    for c in text[line_start..at].bytes() {
        match c {
            b'\'' if !d => s = !s,
            b'"' if !s => d = !d,
            _ => {}
        }
    }
    s || d
}

/// Where a template construct is, if the text is a Go (Helm) or Jinja template rather than
/// YAML: `{{` or `{%` outside quoted scalars, block scalars and comments, not part of a GitHub
/// Actions `${{` expression. In a Helm chart's `templates/` folder any `{{` counts.
pub fn template_marker(text: &str, path: &str) -> Option<usize> {
    let has = memchr::memmem::find(text.as_bytes(), b"{{").is_some()
        || memchr::memmem::find(text.as_bytes(), b"{%").is_some();
    if !has {
        return None;
    }
    let in_chart_templates = path
        .replace('\\', "/")
        .split('/')
        .rev()
        .skip(1)
        .any(|p| p == "templates");
    if in_chart_templates {
        // Helm renders every file of the folder, quoted values included.
        let b = text.as_bytes();
        if let Some(at) = memchr::memmem::find_iter(b, b"{{").find(|&i| i == 0 || b[i - 1] != b'$')
        {
            return Some(at);
        }
    }
    lexical_template(text)
}

fn lexical_template(text: &str) -> Option<usize> {
    // Indentation of the line that opened a block scalar; its content is more indented.
    let mut block: Option<usize> = None;
    // A quoted scalar continued from an earlier line.
    let mut quote: Option<u8> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let lb = line.as_bytes();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = lb.iter().take_while(|c| **c == b' ').count();
        if let Some(parent) = block {
            if content.trim().is_empty() || indent > parent {
                continue;
            }
            block = None;
        }
        let mut i;
        if let Some(q) = quote {
            match close_quote(lb, 0, q) {
                Some(end) => {
                    quote = None;
                    i = end;
                }
                None => continue,
            }
        } else {
            i = indent;
        }
        let mut value_start = quote.is_none() && i == indent;
        while i < content.len() {
            let c = lb[i];
            if c == b'{' && matches!(lb.get(i + 1), Some(b'{') | Some(b'%')) {
                // Where a value starts, `{{` is no YAML; inside a plain scalar it is text that
                // something else renders later (`description: Pod {{ $labels.pod }} is down`).
                if value_start && (i == 0 || lb[i - 1] != b'$') {
                    return Some(start + i);
                }
                i += 2;
                continue;
            }
            match c {
                b'#' if i == 0 || lb[i - 1] == b' ' || lb[i - 1] == b'\t' => break,
                b'"' | b'\'' if value_start => match close_quote(lb, i + 1, c) {
                    Some(end) => {
                        i = end;
                        value_start = false;
                        continue;
                    }
                    None => {
                        quote = Some(c);
                        break;
                    }
                },
                b'|' | b'>' if value_start => {
                    // A block scalar header: the rest of the line holds only indicators.
                    let rest = content[i + 1..].trim_start_matches(|ch: char| {
                        ch == '-' || ch == '+' || ch.is_ascii_digit()
                    });
                    let rest = rest.trim();
                    if rest.is_empty() || rest.starts_with('#') {
                        block = Some(indent);
                        break;
                    }
                    value_start = false;
                }
                b'-' if value_start && matches!(lb.get(i + 1), Some(b' ') | None) => {
                    i += 2;
                    continue;
                }
                b':' if matches!(lb.get(i + 1), Some(b' ') | Some(b'\t') | None) => {
                    value_start = true;
                    i += 1;
                    continue;
                }
                b'[' | b'{' | b',' => {
                    value_start = true;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' => {
                    i += 1;
                    continue;
                }
                _ => value_start = false,
            }
            i += 1;
        }
    }
    None
}

/// The index after the quote closing a scalar opened before `from`, on this line.
fn close_quote(line: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        let c = line[i];
        if q == b'"' && c == b'\\' {
            i += 2;
            continue;
        }
        if c == q {
            if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(n: &'a Node, path: &str) -> &'a Node {
        let mut cur = n;
        for seg in path.split('.') {
            cur = match &cur.value {
                Value::Map(m) => &m.get(seg).unwrap_or_else(|| panic!("no {seg}")).node,
                Value::List(l) => &l[seg.parse::<usize>().unwrap()],
                _ => panic!("not a collection at {seg}"),
            };
        }
        cur
    }

    #[test]
    fn spans_are_bytes_and_scalars_are_typed() {
        let text = "# é comment\nname: \"café\" # c\nport: 5432\non: true\nempty:\nlist:\n  - 'a''b'\n  - x # trailing\nrun: |\n  echo é\n  echo b\n";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let root = &p.docs[0].root;
        let name = get(root, "name");
        assert_eq!(name.span.text(text), "café");
        assert_eq!(name.as_str(), Some("café"));
        assert_eq!(get(root, "port").value, Value::Number(5432.0));
        assert_eq!(get(root, "on").value, Value::Bool(true));
        assert!(get(root, "empty").is_null());
        assert_eq!(get(root, "list.0").as_str(), Some("a'b"));
        assert_eq!(get(root, "list.0").span.text(text), "a''b");
        assert_eq!(get(root, "list.1").span.text(text), "x");
        assert_eq!(get(root, "run").span.text(text), "echo é\n  echo b");
        let e = root.get("port").unwrap();
        assert_eq!(e.span.text(text), "port: 5432");
        let comments: Vec<&str> = p.comments.iter().map(|c| c.text(text)).collect();
        assert_eq!(comments, vec!["# é comment", "# c", "# trailing"]);
    }

    #[test]
    fn aliases_and_merge_keys_are_applied() {
        let text = "base: &db\n  image: postgres\n  env: {A: '1'}\nsvc:\n  <<: *db\n  image: mysql\nother:\n  copy: *db\n";
        let p = parse(text);
        let root = &p.docs[0].root;
        assert_eq!(get(root, "svc.image").as_str(), Some("mysql"));
        let merged = get(root, "svc.env.A");
        assert_eq!(merged.as_str(), Some("1"));
        // A merged value points at the merge, with where it came from.
        assert_eq!(merged.span.text(text), "*db");
        assert!(merged.origin.as_deref().unwrap().contains("&db` (line 1)"));
        assert_eq!(get(root, "other.copy.image").as_str(), Some("postgres"));
    }

    #[test]
    fn billion_laughs_stays_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names: Vec<String> = (b'b'..=b'k').map(|c| (c as char).to_string()).collect();
        let mut prev = "a".to_string();
        for n in &names {
            text.push_str(&format!("{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = n.clone();
        }
        let started = std::time::Instant::now();
        let p = parse(&text);
        assert_eq!(p.docs.len(), 1);
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn streams_errors_and_depth() {
        let text = "a: 1\n---\nb: 2\n---\nc: [1, 2\nd: 3\n";
        let p = parse(text);
        assert_eq!(p.docs.len(), 2);
        assert_eq!(p.errors.len(), 1);
        assert!(
            p.errors[0].1.starts_with("invalid YAML"),
            "{}",
            p.errors[0].1
        );

        let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let p = parse(&deep);
        assert!(p.docs.is_empty());
        assert_eq!(p.errors.len(), 1);
        let deep: String = (0..10_000)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        let p = parse(&deep);
        assert!(p.errors[0].1.contains("levels deep"), "{:?}", p.errors);
        let deep: String = (0..10_000)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        let _ = parse(&deep);

        let many: String = (0..5000)
            .map(|i| format!("---\nkind: Secret\nn: {i}\n"))
            .collect();
        let started = std::time::Instant::now();
        let p = parse(&many);
        assert_eq!(p.docs.len(), 5000);
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn the_fuzz_entry_point_takes_any_bytes() {
        for data in [
            &b"\xff\xfe"[..],
            b"",
            b"- [",
            b"a: &x *x",
            b"? ? ? :",
            b"---\n...\n---",
        ] {
            fuzz(data);
        }
    }

    /// A cheap fuzz: every prefix of a stream full of multi-byte text, flow and block forms,
    /// anchors and comments parses without a panic, and spans stay on character boundaries.
    #[test]
    fn every_prefix_parses_without_panic() {
        let text = "a: &x {k: 'é', l: [1, \"小\"]} # 设置\nb:\n  <<: *x\n  c: |\n    é\n  d: >-\n    ü ü\n- 小\n---\n? [k]\n: v\nlist:\n- é: 小\n  - !tag 'x'\n";
        for (i, _) in text.char_indices() {
            let p = parse(&text[..i]);
            for d in &p.docs {
                let mut stack = vec![&d.root];
                while let Some(n) = stack.pop() {
                    assert!(
                        text.is_char_boundary(n.span.start) && text.is_char_boundary(n.span.end),
                        "prefix {i}"
                    );
                    match &n.value {
                        Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.node)),
                        Value::List(l) => stack.extend(l.iter()),
                        _ => {}
                    }
                }
            }
        }
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let p = parse("a: 1\na: 2\n");
        assert_eq!(get(&p.docs[0].root, "a").value, Value::Number(2.0));
        assert!(p.errors[0].1.contains("duplicate key `a`"));
    }

    #[test]
    fn interpolations_are_unknown() {
        let p = parse("a: ${PASSWORD}\nb: \"${{ secrets.X }}\"\nc: plain\n");
        let root = &p.docs[0].root;
        assert!(get(root, "a").is_unknown());
        assert!(get(root, "b").is_unknown());
        assert!(!get(root, "c").is_unknown());
    }

    #[test]
    fn scopes_cover_the_next_key() {
        let text = "a:\n  # c\n  b:\n    c: 1\n  d: 2\n";
        let p = parse(text);
        let at = text.find("# c").unwrap() + 3;
        assert_eq!(p.scope_after(at).unwrap().text(text), "b:\n    c: 1");
    }

    #[test]
    fn templates_are_recognised() {
        let cases: &[(&str, bool)] = &[
            ("a: {{ .Values.x }}\n", true),
            ("{{- if .Values.enabled }}\na: 1\n{{- end }}\n", true),
            ("image: repo:{{ .Values.tag }}\n", false),
            ("description: Pod {{ $labels.pod }} is slow\n", false),
            ("- {{ .Values.x }}\n", true),
            ("{% if x %}\na: 1\n{% endif %}\n", true),
            ("run: echo ${{ secrets.TOKEN }}\n", false),
            ("a: \"{{ not a template }}\"\n", false),
            ("a: '{{ x }}'\n", false),
            (
                "summary: |\n  {{ $labels.instance }} is down\nnext: 1\n",
                false,
            ),
            ("a: 1 # {{ comment }}\n", false),
            ("a: \"multi\n  {{ x }} line\"\n", false),
            ("a: \"x\"\nb: {{ y }}\n", true),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            assert_eq!(
                template_marker(text, "k8s/app.yaml").is_some(),
                *want,
                "case {i}: {text}"
            );
        }
        assert!(template_marker("a: \"{{ .Values.x }}\"\n", "chart/templates/a.yaml").is_some());
    }
}
