//! Where secrets hide in a migration file around its SQL: a Liquibase changelog's properties,
//! column values and attributes (XML, YAML, JSON), an Alembic revision's Python strings,
//! assignments, keyword arguments and dict entries, and the comments of both.
//!
//! The SQL of those files (`<sql>` bodies, `sql:` values, `op.execute("…")`) is read by
//! [`super::sql_scan`] through `check_sql`; whatever lies inside it is left alone here, so each
//! secret is reported once.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use rustpython_parser::{Mode, Tok, lexer::lex};

use crate::parse::script::FileModel;
use crate::parse::xml::{Element, Tree};
use crate::secrets::{self, SecretMatch};
use crate::source::{SourceFile, Span};

/// The matches of one file with where they are.
type Found = Vec<(SecretMatch, String)>;

struct Scan<'t> {
    text: &'t str,
    /// Spans of SQL text (sorted): read by the SQL rules.
    sql: Vec<Span>,
    out: Found,
}

impl Scan<'_> {
    fn in_sql(&self, s: Span) -> bool {
        let i = self.sql.partition_point(|t| t.end <= s.start);
        self.sql.get(i).is_some_and(|t| t.start < s.end)
    }

    /// Formats in a value or comment.
    fn text(&mut self, span: Span, place: &str) {
        if span.is_empty() || self.in_sql(span) {
            return;
        }
        let found = secrets::scan_text(span.text(self.text), span.start);
        self.out
            .extend(found.into_iter().map(|m| (m, place.to_string())));
    }

    /// A value assigned to `key`: formats inside it, or else the key's verdict.
    fn pair(&mut self, key: &str, span: Span) {
        if self.in_sql(span) {
            return;
        }
        let value = span.text(self.text);
        let found = secrets::scan_text(value, span.start);
        if found.is_empty() {
            if let Some(m) = secrets::check_assignment(key, value, span) {
                self.out.push((m, String::new()));
            }
        } else {
            let place = format!("in `{key}`");
            self.out
                .extend(found.into_iter().map(|m| (m, place.clone())));
        }
    }

    fn element(&mut self, tree: &Tree, e: &Element, depth: usize) {
        if depth > 200 {
            return;
        }
        // `<property name="db.password" value="…"/>`, `<column name="password" value="…"/>`,
        // `<param name="token" value="…"/>`: the name is the key.
        let named_value = matches!(
            e.name.as_str(),
            "property" | "column" | "param" | "whereParam" | "parameter"
        );
        let name = e.value("name").map(str::to_string);
        for a in &e.attrs {
            if matches!(a.name.as_str(), "sql" | "rollback" | "name") {
                continue;
            }
            match (&name, named_value && a.name.starts_with("value")) {
                (Some(n), true) => self.pair(n, a.span),
                _ => self.pair(&a.name, a.span),
            }
        }
        // A key/value row: `<column name="name" value="mail.smtp.password"/>` followed by
        // `<column name="value" value="…"/>`.
        let columns: Vec<&Element> = tree.children(e).filter(|c| c.name == "column").collect();
        for w in columns.windows(2) {
            if let (Some(k), Some(v)) = (w[0].attr("value"), w[1].attr("value"))
                && secrets::credential_key(&k.value).is_some()
                && !k.value.contains(char::is_whitespace)
                && k.value.contains(['.', '_', '-'])
            {
                self.pair(&k.value, v.span);
            }
        }
        for c in tree.children(e) {
            self.element(tree, c, depth + 1);
        }
    }
}

/// The data a changelog's `<insert>`/`<update>`/`<loadData>` changes write: per change, the
/// table and each column value (`value` attribute) with its column name. Empty for other files.
pub fn changelog_rows(
    source: &SourceFile,
    model: &FileModel,
) -> Vec<(String, Vec<(String, Span)>)> {
    let text: &str = &source.text;
    if !matches!(model.info, crate::parse::script::FileInfo::Changelog(_))
        || crate::parse::liquibase::is_formatted_sql(text)
    {
        return Vec::new();
    }
    let tree = changelog_tree(source);
    let mut out = Vec::new();
    for e in &tree.elements {
        if !matches!(e.name.as_str(), "insert" | "update") {
            continue;
        }
        let table = e.value("tableName").unwrap_or("?").to_string();
        let values: Vec<(String, Span)> = tree
            .children(e)
            .filter(|c| c.name == "column")
            .filter_map(|c| {
                let v = c.attr("value")?;
                Some((c.value("name").unwrap_or("").to_string(), v.span))
            })
            .collect();
        if !values.is_empty() {
            out.push((table, values));
        }
    }
    out
}

/// The last value computed for a file on this thread, keyed by the file's text (held, so the key
/// cannot be reused by another file). The rules that read a changelog or revision run one after
/// the other on one thread: the first computes, the others share.
type LastOf<T> = RefCell<Option<(Arc<str>, Rc<T>)>>;

fn last_or<T>(
    slot: &'static std::thread::LocalKey<LastOf<T>>,
    source: &SourceFile,
    compute: impl FnOnce() -> T,
) -> Rc<T> {
    if let Some(hit) = slot.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|(t, v)| Arc::ptr_eq(t, &source.text).then(|| v.clone()))
    }) {
        return hit;
    }
    let value = Rc::new(compute());
    slot.with(|c| *c.borrow_mut() = Some((source.text.clone(), value.clone())));
    value
}

/// The element tree of a changelog (XML, or YAML and JSON read as YAML): read once for the
/// secrets scan and the seed-data rows.
fn changelog_tree(source: &SourceFile) -> Rc<Tree> {
    thread_local! {
        static LAST: LastOf<Tree> = const { RefCell::new(None) };
    }
    last_or(&LAST, source, || {
        let text: &str = &source.text;
        if text.trim_start().starts_with('<') {
            crate::parse::xml::parse(text)
        } else {
            crate::parse::liquibase::yaml_tree(text).0
        }
    })
}

/// The spans of SQL text in a file's model (the tokens of its embedded SQL), merged.
fn sql_spans(model: &FileModel) -> Vec<Span> {
    let mut spans: Vec<Span> = model.tokens.iter().map(|t| t.span()).collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Every secret of a changelog or revision outside its SQL (asked for by four rules).
pub fn secrets(source: &SourceFile, model: &FileModel) -> Rc<Found> {
    thread_local! {
        static LAST: LastOf<Found> = const { RefCell::new(None) };
    }
    last_or(&LAST, source, || compute(source, model))
}

fn compute(source: &SourceFile, model: &FileModel) -> Found {
    let text: &str = &source.text;
    let mut scan = Scan {
        text,
        sql: sql_spans(model),
        out: Vec::new(),
    };
    match &model.info {
        crate::parse::script::FileInfo::Revision(_) => python(&mut scan),
        crate::parse::script::FileInfo::Changelog(_)
            if !crate::parse::liquibase::is_formatted_sql(text) =>
        {
            let tree = changelog_tree(source);
            for &r in &tree.roots {
                scan.element(&tree, &tree.elements[r], 0);
            }
            let comments: Vec<Span> = tree
                .comments
                .iter()
                .copied()
                .chain(model.comments.iter().map(|c| c.span))
                .collect();
            for c in comments {
                scan.text(c, "in a comment");
            }
        }
        _ => {}
    }
    let mut out = scan.out;
    out.sort_by_key(|(m, _)| m.span);
    out.dedup_by(|a, b| a.0.span == b.0.span);
    out
}

/// The content of a Python string token: inside its prefix and quotes.
fn py_content(text: &str, s: Span, triple: bool) -> Span {
    let raw = s.text(text);
    let q = raw.find(['"', '\'']).unwrap_or(0);
    let n = if triple { 3 } else { 1 };
    let from = (q + n).min(raw.len());
    let to = raw.len().saturating_sub(n).max(from);
    Span::new(s.start + from, s.start + to)
}

/// Python: every string not holding SQL is scanned for formats; a string assigned to a name
/// (`SMTP_PASSWORD = "…"`, `password: str = "…"`), passed as a keyword argument
/// (`password="…"`) or stored under a dict key (`{"password": "…"}`, `x["password"] = "…"`) is
/// judged by that name.
fn python(scan: &mut Scan) {
    let text = scan.text;
    // (token, span); comments kept, newlines and the rest reduced to what pairing needs.
    let mut toks: Vec<(Tok, Span)> = Vec::new();
    for t in lex(text, Mode::Module) {
        let Ok((tok, r)) = t else { break };
        let span = Span::new(usize::from(r.start()), usize::from(r.end()));
        toks.push((tok, span));
    }
    for i in 0..toks.len() {
        let span = toks[i].1;
        match &toks[i].0 {
            Tok::Comment(_) => scan.text(span, "in a comment"),
            Tok::String { triple_quoted, .. } => {
                let content = py_content(text, span, *triple_quoted);
                let key = key_before(&toks, i, text);
                match key {
                    Some(k) => scan.pair(&k, content),
                    None => scan.text(content, "in a string"),
                }
            }
            _ => {}
        }
    }
}

/// The name a string token at `i` is assigned to: `NAME = "…"`, `NAME: type = "…"`, a keyword
/// argument `NAME="…"`, a dict entry `"NAME": "…"`, a subscript `x["NAME"] = "…"`.
fn key_before(toks: &[(Tok, Span)], i: usize, text: &str) -> Option<String> {
    let prev = toks.get(i.checked_sub(1)?)?;
    // The next token must end the value: a string concatenated or called on is not assigned whole.
    if let Some((t, _)) = toks.get(i + 1)
        && !matches!(
            t,
            Tok::Newline
                | Tok::NonLogicalNewline
                | Tok::Comma
                | Tok::Rpar
                | Tok::Rbrace
                | Tok::Rsqb
                | Tok::Semi
                | Tok::Comment(_)
                | Tok::EndOfFile
        )
    {
        return None;
    }
    match &prev.0 {
        Tok::Equal => {
            // `NAME =` or `NAME: type =`: walk back over an annotation.
            let mut j = i.checked_sub(2)?;
            loop {
                match &toks[j].0 {
                    Tok::Name { name } => {
                        let before = j.checked_sub(1).map(|k| &toks[k].0);
                        if matches!(before, Some(Tok::Colon)) {
                            j = j.checked_sub(2)?;
                            continue;
                        }
                        return Some(name.clone());
                    }
                    // `settings["password"] = "…"`: the subscript's key.
                    Tok::Rsqb if j == i - 2 => {
                        let (Tok::String { triple_quoted, .. }, s) =
                            &toks.get(j.checked_sub(1)?)?
                        else {
                            return None;
                        };
                        if !matches!(toks.get(j.checked_sub(2)?)?.0, Tok::Lsqb) {
                            return None;
                        }
                        return Some(py_content(text, *s, *triple_quoted).text(text).to_string());
                    }
                    Tok::Dot | Tok::Rsqb | Tok::Lsqb => return None,
                    _ => {
                        // `self.password = "…"`: the attribute name.
                        return None;
                    }
                }
            }
        }
        Tok::Colon => {
            let (t, s) = toks.get(i.checked_sub(2)?)?;
            if let Tok::String { triple_quoted, .. } = t {
                let c = py_content(text, *s, *triple_quoted);
                return Some(c.text(text).to_string());
            }
            None
        }
        _ => None,
    }
}
