//! Baselines: adopt schemaguard on a repository with historical findings without fixing them
//! first. `check --write-baseline FILE` records the current findings; `check --baseline FILE`
//! marks the recorded ones suppressed (kind `baseline`) and reports entries that match nothing
//! any more (`LN007 baseline-entry-unmatched`), so the baseline only shrinks.
//!
//! The file is versioned JSON (schema/baseline.schema.json). Each entry is keyed by the same
//! line-move-stable fingerprint as the JSON and SARIF outputs, computed with the file's path
//! relative to the baseline's folder, so the baseline matches from any working directory. The
//! entry's rule, file and (already redacted) message are there for the people reviewing it:
//! nothing in the file is ever a secret value.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Suppression};
use crate::discover::normalize_path;
use crate::lint::FileReport;
use crate::output::fingerprints_as;
use crate::rules::tool::BaselineEntryUnmatched;
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    /// Human-facing note: what wrote the file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generated_by: String,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The file, relative to the baseline's folder (`..` where needed), `/`-separated.
    pub file: String,
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// The finding's message when it was recorded (secrets already masked).
    #[serde(default)]
    pub message: String,
    pub fingerprint: String,
}

/// A baseline read from disk.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    /// The folder entry paths are relative to.
    pub dir: PathBuf,
    pub text: String,
    pub baseline: Baseline,
}

/// Whether a finding is recorded in baselines (LN007 is about the baseline itself).
fn recordable(d: &Diagnostic) -> bool {
    !d.is_suppressed() && d.rule.code != BaselineEntryUnmatched::META.code
}

/// `path` relative to `dir` when below it, `/`-separated; else the path as displayed.
fn key_path(dir: &Path, source: &SourceFile) -> String {
    let abs = if source.path.is_absolute() {
        source.path.clone()
    } else {
        std::env::current_dir()
            .unwrap_or_default()
            .join(&source.path)
    };
    let abs = std::fs::canonicalize(&abs).unwrap_or_else(|_| normalize_path(&abs));
    relative_to(dir, &abs).unwrap_or_else(|| source.display.clone())
}

/// `path` relative to `dir` (both absolute), with `..` where needed, `/`-separated.
fn relative_to(dir: &Path, path: &Path) -> Option<String> {
    let d: Vec<_> = dir.components().collect();
    let p: Vec<_> = path.components().collect();
    // Different roots (another drive) have no relative path.
    if d.first() != p.first() {
        return None;
    }
    let common = d.iter().zip(&p).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); d.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// The folder a baseline at `path` anchors its entries to.
pub fn anchor_dir(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::canonicalize(&dir).unwrap_or_else(|_| normalize_path(&dir))
}

/// The baseline of the active findings in `reports`, for a file written at `path`.
pub fn build(reports: &[FileReport], path: &Path) -> Baseline {
    let dir = anchor_dir(path);
    let mut findings = Vec::new();
    for report in reports {
        let file = key_path(&dir, &report.source);
        let fps = fingerprints_as(report, &file);
        for (d, fp) in report.diagnostics.iter().zip(fps) {
            if recordable(d) {
                findings.push(Entry {
                    file: file.clone(),
                    code: d.rule.code.to_string(),
                    name: d.rule.name.to_string(),
                    message: d.message.clone(),
                    fingerprint: fp,
                });
            }
        }
    }
    findings.sort();
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    Baseline {
        version: VERSION,
        generated_by: format!("schemaguard {}", env!("CARGO_PKG_VERSION")),
        findings,
    }
}

/// Writes a baseline as pretty JSON with a trailing newline.
pub fn write(path: &Path, baseline: &Baseline) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(baseline).map_err(std::io::Error::other)?;
    text.push('\n');
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Reads a baseline; the error says what is wrong and where.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a schemaguard baseline: {e}", path.display()))?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "{}: baseline version {v} is not supported by this schemaguard (it reads version {VERSION}); regenerate it with --write-baseline",
                path.display()
            ));
        }
        None => {
            return Err(format!(
                "{}: not a schemaguard baseline (no `version`)",
                path.display()
            ));
        }
    }
    let baseline: Baseline = serde_json::from_value(value)
        .map_err(|e| format!("{}: not a schemaguard baseline: {e}", path.display()))?;
    Ok(Loaded {
        dir: anchor_dir(path),
        path: path.to_path_buf(),
        text,
        baseline,
    })
}

/// Marks the findings of `reports` that the baseline records as suppressed (kind `baseline`),
/// and returns a report on the baseline file holding one LN007 finding per entry that matched
/// nothing, when there is one.
///
/// An entry is judged only when its rule ran and its file was linted in this run, or its file
/// no longer exists: a run over part of a repository says nothing about the rest.
pub fn apply(
    loaded: &Loaded,
    reports: &mut [FileReport],
    settings: &Settings,
) -> Option<FileReport> {
    let by_fp: HashMap<&str, &Entry> = loaded
        .baseline
        .findings
        .iter()
        .map(|e| (e.fingerprint.as_str(), e))
        .collect();
    let reason = format!("recorded in the baseline {}", display(&loaded.path));
    let mut matched: HashSet<&str> = HashSet::new();
    let mut linted: HashSet<String> = HashSet::new();
    for report in reports.iter_mut() {
        let file = key_path(&loaded.dir, &report.source);
        let fps = fingerprints_as(report, &file);
        linted.insert(file);
        for (d, fp) in report.diagnostics.iter_mut().zip(fps) {
            if let Some((key, _)) = by_fp.get_key_value(fp.as_str()) {
                matched.insert(key);
                if recordable(d) {
                    d.suppression = Some(Suppression {
                        kind: "baseline",
                        reason: reason.clone(),
                    });
                }
            }
        }
    }
    let meta = &BaselineEntryUnmatched::META;
    if !settings.is_enabled(meta.code) {
        return None;
    }
    let mut diagnostics = Vec::new();
    for entry in &loaded.baseline.findings {
        if matched.contains(entry.fingerprint.as_str()) {
            continue;
        }
        let gone = !loaded.dir.join(&entry.file).exists();
        let judged = gone || (linted.contains(&entry.file) && settings.is_enabled(&entry.code));
        if !judged {
            continue;
        }
        let needle = format!("\"{}\"", entry.fingerprint);
        let span = loaded
            .text
            .find(&needle)
            .map(|at| Span::new(at, at + needle.len()))
            .unwrap_or(Span::at(0));
        let why = if gone {
            "the file no longer exists"
        } else {
            "the finding is gone or its line was rewritten"
        };
        let mut d = Diagnostic::new(
            meta,
            span,
            format!(
                "baseline entry for {} in `{}` matches no finding any more ({why})",
                entry.code, entry.file
            ),
        );
        d.label("stale entry");
        d.help(format!(
            "delete this entry, or regenerate the baseline with `schemaguard check --write-baseline {}` and review the diff",
            display(&loaded.path)
        ));
        if let Some(sev) = settings.severity_of(meta.code) {
            d.severity = sev;
        }
        diagnostics.push(d);
    }
    if diagnostics.is_empty() {
        return None;
    }
    diagnostics.sort_by_key(|d| d.span.start);
    let source = SourceFile::new(
        loaded.path.clone(),
        display(&loaded.path),
        loaded.text.as_str(),
    );
    let source = Arc::new(source);
    Some(FileReport {
        display_text: crate::redact::redact(&source.text, &mut diagnostics),
        source,
        diagnostics,
        dialect: None,
        role: crate::roles::Role::Deployed,
        migration_set: None,
    })
}

fn display(path: &Path) -> String {
    crate::discover::display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::FileKind;

    fn report(dir: &Path, name: &str, text: &str) -> FileReport {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let source = SourceFile::new(path, name, text);
        crate::lint::lint(
            crate::lint::Request::texts(vec![(source, FileKind::Sql)]),
            &all_rules(),
        )
        .pop()
        .expect("one report")
    }

    /// Every rule, so the findings do not depend on which are on by default.
    fn all_rules() -> Settings {
        Settings::resolve(
            None,
            &crate::settings::Overrides {
                select: Some(vec!["ALL".into()]),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn round_trip_hides_recorded_findings_and_reports_stale_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let bad = "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n";
        let reports = vec![report(d, "a.sql", bad)];
        let baseline_path = d.join("baseline.json");
        let b = build(&reports, &baseline_path);
        assert!(
            b.findings
                .iter()
                .any(|e| e.code == "BC001" && e.file == "a.sql")
        );
        write(&baseline_path, &b).unwrap();
        let loaded = load(&baseline_path).unwrap();

        // The same finding two lines lower is still recorded.
        let moved = format!("-- a comment\n\n{bad}");
        let mut reports = vec![report(d, "a.sql", &moved)];
        let stale = apply(&loaded, &mut reports, &all_rules());
        assert!(stale.is_none(), "{stale:?}");
        assert_eq!(reports[0].active().count(), 0);
        assert!(
            reports[0]
                .diagnostics
                .iter()
                .all(|d| d.suppression.as_ref().unwrap().kind == "baseline")
        );

        // Fixed: the entry is reported, at its line in the baseline.
        let mut reports = vec![report(d, "a.sql", "SELECT 1;\n")];
        let stale = apply(&loaded, &mut reports, &all_rules()).unwrap();
        assert_eq!(stale.diagnostics.len(), b.findings.len());
        assert_eq!(stale.diagnostics[0].rule.code, "LN007");
        let line = stale.source.line_col(stale.diagnostics[0].span.start).line;
        assert!(
            loaded
                .text
                .lines()
                .nth(line - 1)
                .unwrap()
                .contains("fingerprint")
        );
    }

    #[test]
    fn entries_of_files_not_linted_are_not_judged() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let reports = vec![report(d, "a.sql", "ALTER TABLE users DROP COLUMN email;\n")];
        let baseline_path = d.join("baseline.json");
        write(&baseline_path, &build(&reports, &baseline_path)).unwrap();
        let loaded = load(&baseline_path).unwrap();
        let mut other = vec![report(d, "b.sql", "SELECT 1;\n")];
        assert!(apply(&loaded, &mut other, &all_rules()).is_none());
        // Nor entries of rules that did not run.
        let only_naming = Settings::resolve(
            None,
            &crate::settings::Overrides {
                select: Some(vec!["NM".into(), "LN".into()]),
                ..Default::default()
            },
        )
        .unwrap();
        let mut same = vec![report(d, "a.sql", "SELECT 1;\n")];
        assert!(apply(&loaded, &mut same, &only_naming).is_none());
    }

    #[test]
    fn paths_relative_to_the_baseline() {
        assert_eq!(
            relative_to(Path::new("/r/ci"), Path::new("/r/db/a.sql")).as_deref(),
            Some("../db/a.sql")
        );
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r/db/a.sql")).as_deref(),
            Some("db/a.sql")
        );
    }

    #[test]
    fn other_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, r#"{"version": 9, "findings": []}"#).unwrap();
        assert!(load(&p).unwrap_err().contains("version 9"));
        std::fs::write(&p, r#"[]"#).unwrap();
        assert!(load(&p).is_err());
    }
}
