//! Renderers: pure functions from the reports to bytes, one per format.

mod concise;
pub mod github;
mod gitlab;
pub mod json;
mod junit;
mod pretty;
mod sarif;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::lint::{FileReport, Summary};
use crate::settings::Settings;
use crate::source::LineCol;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames with labels and help (for people).
    Pretty,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// Versioned JSON for editors and scripts (schema/json-output.schema.json).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other viewers.
    Sarif,
    /// GitHub Actions workflow commands (inline pull request annotations); in a GitHub Actions
    /// job also the job summary table and the step outputs.
    Github,
    /// GitLab Code Quality JSON (merge request widget and diff annotations).
    Gitlab,
    /// JUnit XML test report (Jenkins, GitLab and other CI test views).
    Junit,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Pretty => "pretty",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }
}

/// Everything a renderer needs.
pub struct RenderContext<'a> {
    pub reports: &'a [FileReport],
    pub summary: Summary,
    pub settings: &'a Settings,
    pub color: bool,
    /// The checked-out repository in a CI job (`GITHUB_WORKSPACE`): the github format reports
    /// paths relative to it.
    pub workspace: Option<&'a Path>,
}

pub fn render(format: Format, cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Pretty => pretty::render(cx, out),
        Format::Concise => concise::render(cx, out),
        Format::Json => json::render(cx, out),
        Format::Sarif => sarif::render(cx, out),
        Format::Github => github::render(cx, out),
        Format::Gitlab => gitlab::render(cx, out),
        Format::Junit => junit::render(cx, out),
    }
}

/// Start and end (exclusive) of a finding as 1-based lines and character columns.
pub fn range(report: &FileReport, d: &Diagnostic) -> (LineCol, LineCol) {
    let src = &report.source;
    let start = src.line_col(d.span.start);
    let end = if d.span.end > d.span.start {
        src.line_col(d.span.end)
    } else {
        start
    };
    (start, end)
}

/// A fingerprint of each finding that survives moving lines: it hashes the rule, the file, the
/// (redacted, whitespace-folded) text of the finding's first line, and how many identical
/// findings came before it in the file.
///
/// Each line's text is folded and hashed once, however many findings start on it: a minified
/// dump can put thousands of findings on one line of megabytes. (FNV-1a is a streaming hash, so
/// hashing the shared prefix once and the occurrence after it gives the same value as hashing
/// the whole key.)
pub fn fingerprints(report: &FileReport) -> Vec<String> {
    fingerprints_as(report, &report.source.display)
}

/// [`fingerprints`] with the file named `path` (the baseline names files relative to itself, so
/// it matches from any working directory).
pub fn fingerprints_as(report: &FileReport, path: &str) -> Vec<String> {
    let text = &report.display_text;
    // line -> id of its folded text; folded text -> id; id -> folded text.
    let mut line_content: HashMap<usize, usize> = HashMap::new();
    let mut content_ids: HashMap<String, usize> = HashMap::new();
    let mut contents: Vec<String> = Vec::new();
    // (content, rule) -> hash state after `rule \0 file \0 content \0`, findings so far.
    let mut seen: HashMap<(usize, &str), (u64, usize)> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let line = report.source.lines().line_of(d.span.start);
            let id = *line_content.entry(line).or_insert_with(|| {
                let content: String = report
                    .source
                    .lines()
                    .line_span(text, line)
                    .text(text)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let next = contents.len();
                *content_ids.entry(content.clone()).or_insert_with(|| {
                    contents.push(content);
                    next
                })
            });
            let (prefix, n) = seen.entry((id, d.rule.code)).or_insert_with(|| {
                let mut h = FNV_OFFSET;
                for part in [d.rule.code, path, &contents[id]] {
                    h = fnv1a_from(h, part.as_bytes());
                    h = fnv1a_from(h, &[0]);
                }
                (h, 0)
            });
            let occurrence = *n;
            *n += 1;
            let hash = fnv1a_from(*prefix, occurrence.to_string().as_bytes());
            format!("{hash:016x}")
        })
        .collect()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a_from(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// "3 errors, 1 warning" and the like.
pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if s.errors > 0 {
        parts.push(plural(s.errors, "error"));
    }
    if s.warnings > 0 {
        parts.push(plural(s.warnings, "warning"));
    }
    if s.infos > 0 {
        parts.push(plural(s.infos, "info"));
    }
    // "in 2 files" would read as if the findings were spread over both: say what was checked.
    let files = format!("{} checked", plural(s.files, "file"));
    let suppressed = if s.suppressed > 0 {
        format!(", {} suppressed", s.suppressed)
    } else {
        String::new()
    };
    if parts.is_empty() {
        format!("No findings ({files}{suppressed}).")
    } else {
        format!("Found {} ({files}{suppressed}).", parts.join(", "))
    }
}
