//! The engine: one file through parse, rules, suppressions, per-file ignores and redaction; many
//! files in parallel, in a deterministic order.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::discover::{Candidate, FileKind};
use crate::parse::sql::ParsedSql;
use crate::registry::{Category, Cx, RuleMeta};
use crate::rules::tool::{FileTooLarge, UnreadableFile};
use crate::settings::Settings;
use crate::source::{SourceFile, Span, Unreadable, read_source};
use crate::sql::{Dialect, Direction, SqlUnit};
use crate::suppress::{self, CommentRef};

/// The findings of one file.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    /// The text with every secret masked: what renderers show.
    pub display_text: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
    /// The dialect the file was read as (SQL files).
    pub dialect: Option<Dialect>,
}

impl FileReport {
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_suppressed())
    }

    /// The report with its text dropped when it has no findings: renderers read a file's text
    /// only to place and show findings, and a run over a monorepo would otherwise hold every
    /// file it read until the report is written (memory growing with the repository).
    pub fn without_text(self) -> FileReport {
        if !self.diagnostics.is_empty() {
            return self;
        }
        let s = &self.source;
        let mut light = SourceFile::new(s.path.clone(), s.display.clone(), "");
        light.had_bom = s.had_bom;
        let light = Arc::new(light);
        FileReport {
            display_text: light.text.clone(),
            source: light,
            diagnostics: self.diagnostics,
            dialect: self.dialect,
        }
    }
}

/// Lints files in parallel; the reports come back in the candidates' (sorted) order. A report
/// without findings keeps only its file's name (see [`FileReport::without_text`]).
pub fn lint_files(files: &[Candidate], settings: &Settings) -> Vec<FileReport> {
    files
        .par_iter()
        .map(|c| lint_file(c, settings).without_text())
        .collect()
}

pub fn lint_file(c: &Candidate, settings: &Settings) -> FileReport {
    match read_source(&c.path, &c.display, settings.max_file_size) {
        Ok(source) => lint_source(source, c.kind, settings),
        Err((why, _)) => unreadable(&c.path, &c.display, why, settings),
    }
}

/// The report for a file that could not be read as text: one LN finding at the offending byte.
fn unreadable(path: &Path, display: &str, why: Unreadable, settings: &Settings) -> FileReport {
    let (meta, preview, offset): (&'static RuleMeta, String, usize) = match &why {
        Unreadable::TooLarge { .. } => (&FileTooLarge::META, String::new(), 0),
        Unreadable::Io(_) => (&UnreadableFile::META, String::new(), 0),
        Unreadable::Binary { offset } | Unreadable::InvalidUtf8 { offset } => {
            // Keep the line structure up to the bad byte (so its line and column render right),
            // and show at most the last 120 bytes before it, with NULs made visible.
            let mut bytes = std::fs::read(path).unwrap_or_default();
            // The offset counts a UTF-8 BOM, which is not text: drop it from the preview.
            let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            bytes.drain(..bom);
            let end = offset.saturating_sub(bom).min(bytes.len());
            let line_start = bytes[..end]
                .iter()
                .rposition(|b| *b == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            let keep_from = line_start.max(end.saturating_sub(120));
            let newlines = bytes[..line_start].iter().filter(|b| **b == b'\n').count();
            let hidden_cols = String::from_utf8_lossy(&bytes[line_start..keep_from])
                .chars()
                .count();
            let mut text = "\n".repeat(newlines);
            text.extend(std::iter::repeat_n(' ', hidden_cols));
            text.push_str(
                &String::from_utf8_lossy(&bytes[keep_from..end]).replace('\0', "\u{2400}"),
            );
            let offset = text.len();
            text.push('\u{FFFD}');
            (&UnreadableFile::META, text, offset)
        }
    };
    let source = SourceFile::new(path, display, preview);
    let mut diagnostics = Vec::new();
    if settings.is_enabled(meta.code) {
        let span = if source.text.is_empty() {
            Span::at(0)
        } else {
            Span::new(offset, source.text.len())
        };
        let mut d = Diagnostic::new(meta, span, why.to_string());
        if let Some(sev) = settings.severity_of(meta.code) {
            d.severity = sev;
        }
        diagnostics.push(d);
    }
    let source = Arc::new(source);
    FileReport {
        display_text: source.text.clone(),
        source,
        diagnostics,
        dialect: None,
    }
}

/// Lints one file's text.
pub fn lint_source(source: SourceFile, kind: FileKind, settings: &Settings) -> FileReport {
    let mut diags = Vec::new();
    let dialect = match kind {
        FileKind::Sql => {
            let d = sql_dialect(&source, settings);
            let mut parsed = crate::parse::sql::parse(&source, d);
            run_sql_rules(&source, &mut parsed, settings, &mut diags);
            let comments: Vec<CommentRef> = parsed
                .comments()
                .map(|t| CommentRef { span: t.span })
                .collect();
            finish(
                &source,
                &mut diags,
                &comments,
                &|offset| sql_scope(&parsed, offset),
                settings,
            );
            Some(d)
        }
        FileKind::Terraform
        | FileKind::Yaml
        | FileKind::Xml
        | FileKind::Python
        | FileKind::Json => {
            finish(&source, &mut diags, &[], &|_| None, settings);
            None
        }
    };
    let display_text = redacted_text(&source.text, &diags);
    FileReport {
        source: Arc::new(source),
        display_text,
        diagnostics: diags,
        dialect,
    }
}

/// The dialect of a SQL file: configured (per path, then globally), else told from its path,
/// else from its content, else generic.
pub fn sql_dialect(source: &SourceFile, settings: &Settings) -> Dialect {
    settings
        .dialect_for(&source.path)
        .or_else(|| crate::sql::dialect::from_path(&source.display))
        .or_else(|| crate::sql::dialect::from_content(&source.text))
        .unwrap_or(Dialect::Generic)
}

/// Which way a migration file runs, from its name (framework adapters refine this).
pub fn direction_from_name(display: &str) -> Direction {
    let lower = display.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    let down = stem == "down"
        || stem.ends_with(".down")
        || stem.ends_with("_down")
        || stem.ends_with("-down")
        || stem.ends_with(".undo")
        || stem.ends_with(".rollback")
        || stem.ends_with("_rollback")
        || (name.starts_with('u')
            && name[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
            && name.contains("__"))
        || lower
            .split('/')
            .any(|p| p == "revert" || p == "down" || p == "rollback");
    if down {
        Direction::Down
    } else {
        Direction::Unknown
    }
}

/// Splits a parsed file into the scripts rules check: the whole file, or each goose/dbmate section.
pub fn sql_units<'a>(source: &'a SourceFile, parsed: &'a ParsedSql) -> Vec<SqlUnit<'a>> {
    let by_name = direction_from_name(&source.display);
    if parsed.sections.is_empty() {
        return vec![SqlUnit::new(
            source,
            parsed.dialect,
            &parsed.tokens,
            parsed.statements.clone(),
            by_name,
        )];
    }
    let mut units = Vec::new();
    let first = parsed.sections[0].start;
    let pre: Vec<_> = parsed
        .statements
        .iter()
        .filter(|s| s.span.start < first)
        .cloned()
        .collect();
    if !pre.is_empty() {
        units.push(SqlUnit::new(
            source,
            parsed.dialect,
            &parsed.tokens,
            pre,
            by_name,
        ));
    }
    for (i, sec) in parsed.sections.iter().enumerate() {
        let end = parsed
            .sections
            .get(i + 1)
            .map(|s| s.start)
            .unwrap_or(usize::MAX);
        // goose and dbmate run each section in a transaction unless told not to.
        let in_tx = !(sec.no_transaction || parsed.no_transaction);
        let stmts: Vec<_> = parsed
            .statements
            .iter()
            .filter(|s| s.span.start >= sec.start && s.span.start < end)
            .cloned()
            .map(|mut s| {
                s.in_transaction |= in_tx;
                s
            })
            .collect();
        units.push(SqlUnit::new(
            source,
            parsed.dialect,
            &parsed.tokens,
            stmts,
            sec.direction,
        ));
    }
    units
}

fn run_sql_rules(
    source: &SourceFile,
    parsed: &mut ParsedSql,
    settings: &Settings,
    diags: &mut Vec<Diagnostic>,
) {
    // A file without sections is one unit holding every statement: lend it the statements
    // rather than cloning them (a big dump has hundreds of thousands), and take them back after.
    let whole = parsed.sections.is_empty();
    let units = if whole {
        let statements = std::mem::take(&mut parsed.statements);
        let by_name = direction_from_name(&source.display);
        vec![SqlUnit::new(
            source,
            parsed.dialect,
            &parsed.tokens,
            statements,
            by_name,
        )]
    } else {
        sql_units(source, parsed)
    };
    for rule in &settings.rules {
        // A dump (pg_dump, mysqldump...) is a snapshot of a schema or its data, not a change
        // applied to a live database: its DROP ... IF EXISTS, TRUNCATE and index builds are
        // not migration hazards. Parse errors, naming and secrets still apply.
        if parsed.dump.is_some()
            && matches!(
                rule.meta().category,
                Category::BackwardIncompatible | Category::Locking | Category::MissingRollback
            )
        {
            continue;
        }
        for unit in &units {
            let mut cx = Cx::new(settings, source, rule.meta(), diags);
            rule.check_sql(unit, &mut cx);
        }
    }
    if whole && let Some(unit) = units.into_iter().next() {
        parsed.statements = unit.statements;
    }
}

/// What an own-line suppression comment before `offset` covers in SQL: from the next code token
/// to the end of the statement holding it.
fn sql_scope(parsed: &ParsedSql, offset: usize) -> Option<Span> {
    // Tokens and statements are in file order (statements never overlap): binary searches, so
    // a file of thousands of suppressions is not quadratic.
    let from = parsed.tokens.partition_point(|t| t.span.start < offset);
    let next = parsed.tokens[from..].iter().find(|t| !t.is_trivia())?;
    let before = parsed
        .statements
        .partition_point(|s| s.span.start <= next.span.start);
    let stmt = before
        .checked_sub(1)
        .map(|i| &parsed.statements[i])
        .filter(|s| next.span.start < s.span.end.max(s.span.start + 1));
    Some(match stmt {
        Some(s) => Span::new(next.span.start, s.span.end.max(next.span.end)),
        None => next.span,
    })
}

/// Severity overrides, per-file ignores, suppressions, secret scrubbing and ordering.
pub fn finish(
    source: &SourceFile,
    diags: &mut Vec<Diagnostic>,
    comments: &[CommentRef],
    scope: &dyn Fn(usize) -> Option<Span>,
    settings: &Settings,
) {
    for d in diags.iter_mut() {
        if let Some(sev) = settings.severity_of(d.rule.code) {
            d.severity = sev;
        }
    }
    let ignored = settings.ignored_for(&source.path);
    if !ignored.is_empty() {
        diags.retain(|d| !ignored.iter().any(|s| d.rule.matches(s)));
    }
    suppress::apply(source, comments, scope, diags, settings);
    if !ignored.is_empty() {
        diags.retain(|d| !ignored.iter().any(|s| d.rule.matches(s)));
    }
    scrub_secrets(&source.text, diags);
    diags.sort_by(|a, b| {
        (a.span.start, a.rule.code, a.span.end).cmp(&(b.span.start, b.rule.code, b.span.end))
    });
    diags.dedup_by(|a, b| a.span == b.span && a.rule.code == b.rule.code && a.message == b.message);
}

/// How much of a secret may stay visible: nothing for short values, two characters otherwise.
fn visible_prefix(secret: &str) -> usize {
    if secret.chars().count() >= 16 {
        secret.char_indices().nth(2).map(|(i, _)| i).unwrap_or(0)
    } else {
        0
    }
}

/// Masks a secret, keeping its byte length (so every span into the text stays valid).
pub fn mask(secret: &str) -> String {
    let keep = visible_prefix(secret);
    let mut out = String::with_capacity(secret.len());
    out.push_str(&secret[..keep]);
    out.extend(std::iter::repeat_n('*', secret.len() - keep));
    out
}

/// The file text with every secret span of `diags` masked.
pub fn redacted_text(text: &Arc<str>, diags: &[Diagnostic]) -> Arc<str> {
    let mut spans: Vec<Span> = diags
        .iter()
        .flat_map(|d| d.secrets.iter().copied())
        .filter(|s| !s.is_empty() && s.end <= text.len())
        .collect();
    if spans.is_empty() {
        return text.clone();
    }
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        let start = crate::source::floor_char_boundary(text, s.start.max(pos));
        let end = crate::source::ceil_char_boundary(text, s.end);
        if end <= pos {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&mask(&text[start..end]));
        pos = end;
    }
    out.push_str(&text[pos..]);
    Arc::from(out)
}

/// Removes secret values from messages, labels and help, whatever a rule wrote.
fn scrub_secrets(text: &str, diags: &mut [Diagnostic]) {
    let secrets: Vec<String> = diags
        .iter()
        .flat_map(|d| d.secrets.iter())
        .map(|s| s.text(text).to_string())
        .filter(|s| s.len() >= 4)
        .collect();
    if secrets.is_empty() {
        return;
    }
    let scrub = |s: &mut String| {
        for secret in &secrets {
            if s.contains(secret.as_str()) {
                *s = s.replace(secret.as_str(), &mask(secret));
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
            for e in &mut f.edits {
                scrub(&mut e.content);
            }
        }
    }
}

/// Counts of active findings by severity.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

pub fn summarize(reports: &[FileReport]) -> Summary {
    let mut s = Summary {
        files: reports.len(),
        ..Default::default()
    };
    for r in reports {
        for d in &r.diagnostics {
            if d.is_suppressed() {
                s.suppressed += 1;
                continue;
            }
            match d.severity {
                crate::diagnostic::Severity::Error => s.errors += 1,
                crate::diagnostic::Severity::Warning => s.warnings += 1,
                crate::diagnostic::Severity::Info => s.infos += 1,
            }
        }
    }
    s
}

/// Whether any active finding is a security finding (for callers that care).
pub fn has_security_findings(reports: &[FileReport]) -> bool {
    reports
        .iter()
        .flat_map(|r| r.active())
        .any(|d| d.rule.category.is_security())
}

/// Text used in messages: a short, single-line excerpt.
pub fn excerpt(text: &str, max: usize) -> Cow<'_, str> {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.contains('\n') {
        return Cow::Borrowed(line);
    }
    let cut: String = line.chars().take(max).collect();
    Cow::Owned(format!("{cut}…"))
}
