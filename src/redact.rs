//! Redaction: what renderers may show of a file.
//!
//! Renderers print two kinds of input text: the file's own lines (code frames and the context
//! lines around them, SARIF snippets, baseline excerpts) and the strings of a finding (message,
//! labels, help, fix, suppression reason), which may quote the input (a parse error names the
//! token it stopped at). Neither may show a secret, whichever rules were selected. So the mask
//! is not taken from the findings alone: for every file with a finding,
//!
//! - the spans findings marked as secrets ([`Diagnostic::secrets`]),
//! - every secret the engine finds anywhere in the text ([`crate::secrets::scan_text`] over the
//!   whole file: identifiers, unparsed statements and comments included),
//! - the value of every credential-shaped assignment ([`crate::secrets::scan_for_display`]:
//!   `NEXTAUTH_SECRET=secret`, `CKAN_POSTGRES_PWD: pass`), flagged or not,
//!
//! are masked in the display text, and the values of the first two are replaced by their
//! masked form in every string of every finding of the file.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// Secrets at least this long are also masked where they are repeated in the file; shorter
/// ones would mask ordinary words.
const MIN_REPEAT_MASK: usize = 6;

/// Marked secrets shorter than this are not searched for in messages (they would mask words).
const MIN_SCRUB: usize = 4;

/// Masks every secret of the file in `diags`' strings and returns the text renderers show.
/// A file without findings shows nothing, and costs nothing.
pub fn redact(text: &Arc<str>, diags: &mut [Diagnostic]) -> Arc<str> {
    if diags.is_empty() {
        return text.clone();
    }
    // Secrets: what findings marked, and what the engine finds in the whole text.
    let (found, shaped) = scan_shown(text, diags);
    let mut secrets: Vec<Span> = diags
        .iter()
        .flat_map(|d| d.secrets.iter().copied())
        .chain(found.into_iter().map(|m| m.span))
        .filter(|s| !s.is_empty() && s.end <= text.len())
        .collect();
    secrets.sort();
    secrets.dedup();
    let values: BTreeSet<&str> = secrets
        .iter()
        .map(|s| s.text(text))
        .filter(|v| v.len() >= MIN_SCRUB)
        .collect();
    // A well-known default (`secret`, `root`) is an ordinary word in a finding's strings (`a
    // secret or token`, `client_secret`) and says nothing the finding's label does not: it is
    // masked in the text, not searched for in the strings.
    let words: BTreeSet<&str> = values
        .iter()
        .copied()
        .filter(|v| !crate::secrets::is_default_word(v))
        .collect();
    scrub(diags, &words);
    // The same value written again elsewhere in the file (a password repeated in a comment, a
    // second connection string) is masked too.
    let mut spans = secrets;
    for v in values.iter().filter(|v| v.len() >= MIN_REPEAT_MASK) {
        for at in memchr::memmem::find_iter(text.as_bytes(), v.as_bytes()) {
            spans.push(Span::new(at, at + v.len()));
        }
    }
    // Credential-shaped values are masked where they stand, not searched for elsewhere: they
    // can be ordinary words (`secret`, `pass`).
    masked_text(text, spans, shaped)
}

/// Lines of context a window keeps around what a finding points at: renderers show one line
/// around a code frame; one more keeps a value split over a line break in view.
const WINDOW_LINES: usize = 2;

/// [`crate::secrets::scan_for_display`] over the parts of the text a renderer can show: the
/// lines of each finding's span and labels, with [`WINDOW_LINES`] around them (a large file
/// with one finding is not scanned whole).
fn scan_shown(text: &str, diags: &[Diagnostic]) -> (Vec<crate::secrets::SecretMatch>, Vec<Span>) {
    let b = text.as_bytes();
    let back = |mut at: usize| {
        for _ in 0..=WINDOW_LINES {
            at = memchr::memrchr(b'\n', &b[..at]).unwrap_or(0);
        }
        if at > 0 { at + 1 } else { 0 }
    };
    let forward = |mut at: usize| {
        for _ in 0..=WINDOW_LINES {
            match memchr::memchr(b'\n', &b[at.min(b.len())..]) {
                Some(p) => at += p + 1,
                None => return b.len(),
            }
        }
        at
    };
    let mut windows: Vec<Span> = diags
        .iter()
        .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)))
        .map(|s| {
            let start = s.start.min(b.len());
            Span::new(back(start), forward(s.end.max(start).min(b.len())))
        })
        .collect();
    windows.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(windows.len());
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    let (mut found, mut shaped) = (Vec::new(), Vec::new());
    for w in merged {
        let (f, s) = crate::secrets::scan_for_display(w.text(text), w.start);
        found.extend(f);
        shaped.extend(s);
    }
    (found, shaped)
}

/// The text with `secrets` masked as [`mask`] does (overlapping ones as one, so no visible
/// prefix lands inside another secret), and every character of `shaped` that is not part of a
/// secret masked whole (a credential-shaped value beside a finding has no visible prefix, and
/// does not change how a secret it overlaps is shown).
fn masked_text(text: &Arc<str>, mut secrets: Vec<Span>, shaped: Vec<Span>) -> Arc<str> {
    let clamp = |s: &Span| {
        let start = crate::source::floor_char_boundary(text, s.start.min(text.len()));
        let end = crate::source::ceil_char_boundary(text, s.end.min(text.len()));
        Span::new(start, end.max(start))
    };
    secrets.retain(|s| !s.is_empty());
    if secrets.is_empty() && shaped.is_empty() {
        return text.clone();
    }
    secrets.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(secrets.len());
    for s in secrets.iter().map(clamp) {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    // Masking replaces bytes one for one, so every span into the text stays valid.
    let mut out = text.as_bytes().to_vec();
    let mut star = |i: usize| {
        if !matches!(out[i], b'\n' | b'\r') {
            out[i] = b'*';
        }
    };
    for s in &merged {
        let keep = visible_prefix(s.text(text));
        (s.start + keep..s.end).for_each(&mut star);
    }
    for s in shaped.iter().map(clamp) {
        for i in s.start..s.end {
            let in_secret = merged
                .get(merged.partition_point(|m| m.end <= i))
                .is_some_and(|m| m.start <= i);
            if !in_secret {
                star(i);
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Arc::from(s),
        Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Replaces each of `values` by its masked form in every string a finding carries, whatever a
/// rule wrote or quoted.
fn scrub(diags: &mut [Diagnostic], values: &BTreeSet<&str>) {
    if values.is_empty() {
        return;
    }
    let scrub = |s: &mut String| {
        for v in values {
            if s.contains(v) {
                *s = s.replace(v, &mask(v));
            }
        }
    };
    for d in diags.iter_mut() {
        scrub(&mut d.message);
        if let Some(h) = d.help.as_mut() {
            scrub(h);
        }
        if let Some(l) = d.label.as_mut() {
            scrub(l);
        }
        for l in &mut d.labels {
            scrub(&mut l.message);
        }
        if let Some(f) = d.fix.as_mut() {
            scrub(&mut f.description);
            for e in &mut f.edits {
                scrub(&mut e.content);
            }
        }
        if let Some(s) = d.suppression.as_mut() {
            scrub(&mut s.reason);
        }
    }
}

/// How much of a secret may stay visible: nothing for short values, two characters otherwise.
fn visible_prefix(secret: &str) -> usize {
    if secret.chars().count() >= 16 {
        secret.char_indices().nth(2).map(|(i, _)| i).unwrap_or(0)
    } else {
        0
    }
}

/// Masks a secret, keeping its byte length (so every span into the text stays valid) and its
/// line breaks (so a multi-line secret, such as a private key, keeps the lines after it where
/// they are).
pub fn mask(secret: &str) -> String {
    let keep = visible_prefix(secret);
    let mut out = String::with_capacity(secret.len());
    out.push_str(&secret[..keep]);
    out.extend(secret.as_bytes()[keep..].iter().map(|b| {
        if matches!(b, b'\n' | b'\r') {
            *b as char
        } else {
            '*'
        }
    }));
    out
}

/// At most `max` characters of `text`'s first line, for quoting input in a message: a message
/// never copies a long token whole. (Secrets in it are masked by [`redact`] like any message.)
pub fn excerpt(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.contains('\n') {
        return std::borrow::Cow::Borrowed(line);
    }
    let cut: String = line.chars().take(max).collect();
    std::borrow::Cow::Owned(format!("{cut}…"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RuleMeta;

    fn diag(message: &str) -> Diagnostic {
        let meta: &'static RuleMeta = &crate::rules::tool::ParseError::META;
        Diagnostic::new(meta, Span::new(0, 1), message)
    }

    #[test]
    fn unmarked_secrets_are_masked_in_text_and_strings() {
        let token = "ghp_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8";
        let text: Arc<str> = Arc::from(format!(
            "ALTER TABLE t {token};\n-- NEXTAUTH_SECRET=secret\nAPI_KEY: DEADBEEF\n"
        ));
        let mut d = vec![diag(&format!("found: {token}"))];
        d[0].help = Some(format!("remove {token}"));
        d[0].suppression = Some(crate::diagnostic::Suppression {
            kind: "inline",
            reason: format!("ok {token}"),
        });
        let shown = redact(&text, &mut d);
        assert!(!shown.contains(token));
        assert!(!shown.contains("=secret"));
        assert!(!shown.contains("DEADBEEF"));
        assert_eq!(shown.len(), text.len());
        let strings = format!("{} {:?} {:?}", d[0].message, d[0].help, d[0].suppression);
        assert!(
            !strings.contains(token),
            "a finding's strings keep the token"
        );
    }

    #[test]
    fn a_file_without_findings_is_not_read() {
        let text: Arc<str> = Arc::from("password=hunter2hunter2");
        assert!(Arc::ptr_eq(&redact(&text, &mut []), &text));
    }
}
