//! Changed-only runs: `--diff-base REF` lints only the files added or changed since the merge
//! base of HEAD and REF, and `--only-changed-lines` keeps only the findings on lines changed
//! since then. Both sit on [`crate::git`]; each step is a small function so the CLI can compose
//! them with other file-set logic (migration directories replay every migration but report on
//! the changed ones).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::discover::Candidate;
use crate::git::{DiffBase, GitError};
use crate::lint::FileReport;
use crate::source::Span;

/// Resolves `--diff-base REF` in the repository holding the working directory.
pub fn resolve_base(reference: &str) -> Result<DiffBase, GitError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    crate::git::resolve(reference, &cwd)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Keeps the candidates added, modified or renamed since the merge base (committed, staged,
/// in the working tree, or untracked and not ignored).
pub fn keep_changed_files(files: &mut Vec<Candidate>, base: &DiffBase) -> Result<(), GitError> {
    let changed: HashSet<PathBuf> = base
        .changed_files()?
        .into_iter()
        .map(|f| canonical(&f.path))
        .collect();
    files.retain(|c| changed.contains(&canonical(&c.path)));
    Ok(())
}

/// Drops the findings that are not on lines changed since the merge base (see [`is_changed`]).
pub fn restrict_to_changed_lines(
    reports: &mut [FileReport],
    base: &DiffBase,
) -> Result<(), GitError> {
    for report in reports.iter_mut() {
        if report.diagnostics.is_empty() {
            continue;
        }
        let ranges = base.changed_lines(&report.source.path)?;
        let statements = statement_spans(report);
        report
            .diagnostics
            .retain(|d| is_changed(&report.source, d, &ranges, &statements));
    }
    Ok(())
}

/// The spans of the statements of a SQL file: a finding inside one is about all of it.
fn statement_spans(report: &FileReport) -> Vec<Span> {
    match report.dialect {
        Some(dialect) => crate::parse::sql::parse(&report.source, dialect)
            .statements
            .iter()
            .map(|s| s.span)
            .collect(),
        None => Vec::new(),
    }
}

/// Whether a finding concerns a changed line: it is about the whole file (an unreadable file, a
/// file-level finding), its own lines overlap a changed range, or the statement holding it does
/// (editing any line of a statement makes all of it new).
pub fn is_changed(
    source: &crate::source::SourceFile,
    d: &Diagnostic,
    ranges: &[(usize, usize)],
    statements: &[Span],
) -> bool {
    if is_file_level(source, d) {
        return true;
    }
    let lines = |span: Span| {
        let first = source.line_col(span.start).line;
        let last_offset = if span.end > span.start {
            span.end - 1
        } else {
            span.start
        };
        (first, source.line_col(last_offset).line.max(first))
    };
    let overlaps = |(a, b): (usize, usize)| ranges.iter().any(|&(s, e)| a <= e && s <= b);
    if overlaps(lines(d.span)) {
        return true;
    }
    statements
        .iter()
        .filter(|s| s.start <= d.span.start && d.span.start < s.end.max(s.start + 1))
        .any(|s| overlaps(lines(*s)))
}

/// A finding about the file as a whole rather than a place in it.
fn is_file_level(source: &crate::source::SourceFile, d: &Diagnostic) -> bool {
    d.whole_file
        || matches!(d.rule.code, "LN002" | "LN003")
        || (d.span.start == 0 && (d.span.is_empty() || d.span.end >= source.text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::backward_incompatible::DropColumn;
    use crate::source::SourceFile;

    #[test]
    fn findings_on_changed_lines_or_statements_are_kept() {
        let text =
            "ALTER TABLE users\n  DROP COLUMN email;\nSELECT 1;\nALTER TABLE t DROP COLUMN c;\n";
        let source = SourceFile::from_text("a.sql", text);
        let first_stmt = Span::new(0, text.find(';').unwrap());
        let second = text.rfind("ALTER").unwrap();
        let second_stmt = Span::new(second, text.len() - 2);
        let statements = [first_stmt, second_stmt];
        // The finding marks `DROP COLUMN email` on line 2; only line 1 changed.
        let at = text.find("DROP").unwrap();
        let d = Diagnostic::new(&DropColumn::META, Span::new(at, at + 17), "x");
        assert!(is_changed(&source, &d, &[(1, 1)], &statements));
        assert!(is_changed(&source, &d, &[(2, 2)], &statements));
        assert!(!is_changed(&source, &d, &[(3, 4)], &statements));
        assert!(!is_changed(&source, &d, &[(3, 4)], &[]));
        let d2 = Diagnostic::new(&DropColumn::META, second_stmt, "y");
        assert!(is_changed(&source, &d2, &[(4, 4)], &statements));
        assert!(!is_changed(&source, &d2, &[(1, 3)], &statements));
        // A file-level finding counts wherever the change is.
        let whole = Diagnostic::new(&DropColumn::META, Span::at(0), "z");
        assert!(is_changed(&source, &whole, &[(3, 3)], &statements));
    }
}
