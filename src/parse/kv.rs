//! Key-value config files found beside migrations: `.env`, `*.properties`
//! (`liquibase.properties`), `*.conf` / `*.cnf` / `*.ini` (`flyway.conf`, `my.cnf`,
//! `alembic.ini`). One entry per `key = value` line, with spans.
//!
//! The grammar is the forgiving union of the formats: `#` and `;` comment lines (`!` in
//! properties), `[section]` headers, `export KEY=value` (dotenv), `=` or `:` separators (and
//! a blank in properties and conf files), single or double quotes around a value. In dotenv
//! files a ` #` after an unquoted value starts a comment; in the others a trailing comment is
//! recognised only when it is a `schemaguard:` suppression (elsewhere `#` may belong to the
//! value). Lines that are none of these (an nginx block, a `pg_hba.conf` rule) are skipped:
//! only credential rules read these files.

use crate::source::Span;

/// Which dialect of key-value file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvFlavor {
    /// `.env`, `.env.local`, `*.env`.
    Dotenv,
    /// `*.properties`.
    Properties,
    /// `*.ini`, `*.conf`, `*.cnf`.
    Ini,
    /// A key file read whole, not as `key = value` lines: `*.pem`, `*.key`, `*.ppk` (PuTTY),
    /// `id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa`.
    KeyFile,
}

impl KvFlavor {
    /// The flavor of a file, from its name (`None` if it is not a key-value file).
    pub fn of(file_name: &str) -> Option<KvFlavor> {
        let name = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(file_name)
            .to_ascii_lowercase();
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Some(KvFlavor::Dotenv);
        }
        if matches!(
            name.as_str(),
            "id_rsa" | "id_ecdsa" | "id_ed25519" | "id_dsa"
        ) {
            return Some(KvFlavor::KeyFile);
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "properties" => Some(KvFlavor::Properties),
            "ini" | "conf" | "cnf" => Some(KvFlavor::Ini),
            "pem" | "key" | "ppk" => Some(KvFlavor::KeyFile),
            _ => None,
        }
    }
}

/// One `key = value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvEntry {
    /// The `[section]` the entry is in (ini-style files).
    pub section: Option<String>,
    pub key: String,
    pub key_span: Span,
    /// The value without its quotes (escapes are kept as written).
    pub value: String,
    /// Where the value is, inside its quotes.
    pub value_span: Span,
    pub quoted: bool,
    /// From the key to the end of the value (or of the closing quote).
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct KvFile {
    pub flavor: KvFlavor,
    pub entries: Vec<KvEntry>,
    /// Every comment, with its leader.
    pub comments: Vec<Span>,
    /// A [`KvFlavor::KeyFile`]'s whole text: searched for keys and tokens, not split in lines.
    pub body: Option<Span>,
}

impl KvFile {
    /// What an own-line suppression comment ending at `offset` covers: the next entry.
    pub fn scope(&self, offset: usize) -> Option<Span> {
        self.entries
            .iter()
            .find(|e| e.span.start >= offset)
            .map(|e| e.span)
    }
}

pub fn parse(text: &str, flavor: KvFlavor) -> KvFile {
    let mut file = KvFile {
        flavor,
        entries: Vec::new(),
        comments: Vec::new(),
        body: None,
    };
    if flavor == KvFlavor::KeyFile {
        file.body = Some(Span::new(0, text.len()));
        return file;
    }
    let mut section: Option<String> = None;
    let mut continuation = false;
    let mut line_start = 0;
    for raw in text.split_inclusive('\n') {
        let start = line_start;
        line_start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if continuation {
            // A properties value continued with a trailing backslash.
            continuation = flavor == KvFlavor::Properties && ends_with_odd_backslashes(line);
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let body = &line[lead..];
        let at = start + lead;
        if body.is_empty() {
            continue;
        }
        let comment_leader = body.starts_with('#')
            || body.starts_with(';')
            || (flavor == KvFlavor::Properties && body.starts_with('!'));
        if comment_leader {
            file.comments.push(Span::new(at, at + body.len()));
            continue;
        }
        if flavor == KvFlavor::Ini && body.starts_with('[') {
            if let Some(close) = body.find(']') {
                section = Some(body[1..close].trim().to_string());
            }
            continue;
        }
        if let Some(entry) = entry(body, at, flavor, section.clone(), &mut file.comments) {
            continuation =
                flavor == KvFlavor::Properties && !entry.quoted && ends_with_odd_backslashes(line);
            file.entries.push(entry);
        }
    }
    file
}

fn ends_with_odd_backslashes(line: &str) -> bool {
    line.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

fn entry(
    body: &str,
    at: usize,
    flavor: KvFlavor,
    section: Option<String>,
    comments: &mut Vec<Span>,
) -> Option<KvEntry> {
    let b = body.as_bytes();
    let mut key_start = 0;
    if flavor == KvFlavor::Dotenv
        && let Some(rest) = body.strip_prefix("export")
        && rest.starts_with([' ', '\t'])
    {
        key_start = body.len() - rest.trim_start().len();
    }
    // The key runs to the first separator.
    let mut i = key_start;
    while i < b.len() {
        match b[i] {
            b'=' => break,
            b':' if flavor != KvFlavor::Dotenv => break,
            b' ' | b'\t' => break,
            _ => i += 1,
        }
    }
    let key_end = i;
    if key_end == key_start {
        return None;
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    match b.get(i) {
        Some(b'=') => i += 1,
        Some(b':') if flavor != KvFlavor::Dotenv => i += 1,
        // `key value` (properties, conf), but not a bare word.
        Some(_) if flavor != KvFlavor::Dotenv && i > key_end => {}
        _ => return None,
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let key = &body[key_start..key_end];
    if !key
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"._-/[]$@".contains(&c))
    {
        return None;
    }
    let (vs, ve, quoted, end) = match b.get(i) {
        Some(q @ (b'"' | b'\'')) => match body[i + 1..].find(*q as char) {
            Some(close) => {
                let ve = i + 1 + close;
                trailing_comment(body, ve + 1, at, flavor, true, comments);
                (i + 1, ve, true, ve + 1)
            }
            None => (i, body.len(), false, body.len()),
        },
        _ => {
            let ve = trailing_comment(body, i, at, flavor, false, comments);
            let ve = i + body[i..ve].trim_end().len();
            (i, ve, false, ve)
        }
    };
    Some(KvEntry {
        section,
        key: key.to_string(),
        key_span: Span::new(at + key_start, at + key_end),
        value: body[vs..ve].to_string(),
        value_span: Span::new(at + vs, at + ve),
        quoted,
        span: Span::new(at + key_start, at + end.max(key_end)),
    })
}

/// Finds a trailing comment from `from`; records it and returns where the value ends.
fn trailing_comment(
    body: &str,
    from: usize,
    at: usize,
    flavor: KvFlavor,
    after_quote: bool,
    comments: &mut Vec<Span>,
) -> usize {
    let b = body.as_bytes();
    let mut i = from;
    while i < b.len() {
        let leader = b[i] == b'#' || (b[i] == b';' && flavor == KvFlavor::Ini);
        let spaced = i == from && after_quote || (i > 0 && matches!(b[i - 1], b' ' | b'\t'));
        if leader && spaced {
            let rest = &body[i..];
            if flavor == KvFlavor::Dotenv
                || after_quote
                || rest.to_ascii_lowercase().contains("schemaguard:")
            {
                comments.push(Span::new(at + i, at + body.len()));
                return i;
            }
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(text: &str, flavor: KvFlavor) -> Vec<(String, String)> {
        parse(text, flavor)
            .entries
            .into_iter()
            .map(|e| (e.key, e.value_span.text(text).to_string()))
            .collect()
    }

    #[test]
    fn flavors() {
        assert_eq!(KvFlavor::of(".env"), Some(KvFlavor::Dotenv));
        assert_eq!(KvFlavor::of("app/.env.production"), Some(KvFlavor::Dotenv));
        assert_eq!(KvFlavor::of("flyway.conf"), Some(KvFlavor::Ini));
        assert_eq!(
            KvFlavor::of("liquibase.properties"),
            Some(KvFlavor::Properties)
        );
        assert_eq!(KvFlavor::of("my.cnf"), Some(KvFlavor::Ini));
        assert_eq!(KvFlavor::of("deploy/id_ed25519"), Some(KvFlavor::KeyFile));
        assert_eq!(KvFlavor::of("bastion.ppk"), Some(KvFlavor::KeyFile));
        assert_eq!(KvFlavor::of("id_rsa.pub"), None);
        assert_eq!(KvFlavor::of("main.sql"), None);
    }

    #[test]
    fn dotenv() {
        let text =
            "# db\nexport DB_USER=app\nDB_PASSWORD=\"s3 cret\" # why\nTOKEN=abc # note\nEMPTY=\n";
        assert_eq!(
            kv(text, KvFlavor::Dotenv),
            vec![
                ("DB_USER".into(), "app".into()),
                ("DB_PASSWORD".into(), "s3 cret".into()),
                ("TOKEN".into(), "abc".into()),
                ("EMPTY".into(), "".into()),
            ]
        );
        assert_eq!(parse(text, KvFlavor::Dotenv).comments.len(), 3);
    }

    #[test]
    fn properties_and_ini() {
        let text = "! comment\nurl=jdbc:h2:mem\npassword: pa#ss\nuser app\nlong=a\\\n  b=c\n";
        assert_eq!(
            kv(text, KvFlavor::Properties),
            vec![
                ("url".into(), "jdbc:h2:mem".into()),
                ("password".into(), "pa#ss".into()),
                ("user".into(), "app".into()),
                ("long".into(), "a\\".into()),
            ]
        );
        let ini = "[client]\npassword = x1 # schemaguard: ignore[SD004] local only\n";
        let f = parse(ini, KvFlavor::Ini);
        assert_eq!(f.entries[0].section.as_deref(), Some("client"));
        assert_eq!(f.entries[0].value, "x1");
        assert_eq!(f.comments.len(), 1);
    }
}
