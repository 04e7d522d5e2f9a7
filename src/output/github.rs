//! GitHub Actions: workflow commands (each finding becomes an inline annotation on the pull
//! request), the Markdown findings table for the job summary, and the step outputs.

use std::io::Write;
use std::path::Path;

use super::{RenderContext, range, summary_line};
use crate::diagnostic::Severity;
use crate::lint::{FileReport, Summary};

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    for report in cx.reports {
        let path = repo_path(report, cx.workspace);
        for d in report.active() {
            let (start, end) = range(report, d);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = format!("{} {}", d.rule.code, d.rule.name);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&path),
                start.line,
                start.column,
                end.line,
                end.column,
                property(&title),
                data(&message)
            )?;
        }
    }
    Ok(())
}

/// The path GitHub knows a file by: relative to the workspace (the checked-out repository) when
/// the file is inside it, else as displayed.
pub fn repo_path(report: &FileReport, workspace: Option<&Path>) -> String {
    if let Some(ws) = workspace {
        let abs = if report.source.path.is_absolute() {
            report.source.path.clone()
        } else {
            std::env::current_dir()
                .unwrap_or_default()
                .join(&report.source.path)
        };
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        let ws = std::fs::canonicalize(ws).unwrap_or_else(|_| ws.to_path_buf());
        if let Ok(rel) = abs.strip_prefix(&ws) {
            return rel.to_string_lossy().replace('\\', "/");
        }
    }
    report.source.display.clone()
}

/// Where the summary's links point: `{server}/{repository}/blob/{sha}/{path}#L{line}`.
#[derive(Debug, Clone)]
pub struct Links {
    pub server: String,
    pub repository: String,
    pub sha: String,
}

/// At most this many rows in the job summary (GitHub caps a step summary at 1 MiB).
const MAX_ROWS: usize = 200;

/// The job summary: a headline and a Markdown table of the active findings.
pub fn step_summary(
    cx: &RenderContext,
    links: Option<&Links>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let s = &cx.summary;
    let icon = if s.errors > 0 {
        "\u{274c}"
    } else if s.warnings + s.infos > 0 {
        "\u{26a0}\u{fe0f}"
    } else {
        "\u{2705}"
    };
    writeln!(out, "### schemaguard\n\n{icon} {}\n", summary_line(s))?;
    let total = s.errors + s.warnings + s.infos;
    if total == 0 {
        return Ok(());
    }
    writeln!(out, "| Severity | Rule | Location | Finding |")?;
    writeln!(out, "|---|---|---|---|")?;
    let mut rows = 0;
    for report in cx.reports {
        let path = repo_path(report, cx.workspace);
        for d in report.active() {
            if rows == MAX_ROWS {
                break;
            }
            rows += 1;
            let (start, _) = range(report, d);
            let sev = match d.severity {
                Severity::Error => "\u{1f534} error",
                Severity::Warning => "\u{1f7e1} warning",
                Severity::Info => "\u{1f535} info",
            };
            let location = format!("{}:{}", path, start.line);
            let location = match links {
                Some(l) => format!(
                    "[`{}`]({}/{}/blob/{}/{}#L{})",
                    cell(&location),
                    l.server,
                    l.repository,
                    l.sha,
                    url_path(&path),
                    start.line
                ),
                None => format!("`{}`", cell(&location)),
            };
            let mut finding = cell(&d.message);
            if let Some(help) = &d.help {
                finding.push_str(&format!("<br>*{}*", cell(help)));
            }
            writeln!(
                out,
                "| {sev} | [{}]({}) `{}` | {location} | {finding} |",
                d.rule.code,
                d.rule.url(),
                d.rule.name
            )?;
        }
    }
    if total > rows {
        writeln!(
            out,
            "\n...and {} more: see the annotations, or the SARIF or JSON report.",
            total - rows
        )?;
    }
    writeln!(out)
}

/// The step outputs, as `name=value` lines for `$GITHUB_OUTPUT`.
pub fn outputs(
    summary: &Summary,
    sarif_file: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let findings = summary.errors + summary.warnings + summary.infos;
    writeln!(out, "findings={findings}")?;
    writeln!(out, "errors={}", summary.errors)?;
    writeln!(out, "warnings={}", summary.warnings)?;
    writeln!(out, "infos={}", summary.infos)?;
    writeln!(out, "suppressed={}", summary.suppressed)?;
    writeln!(out, "files={}", summary.files)?;
    writeln!(out, "sarif-file={}", sarif_file.unwrap_or(""))
}

/// Makes text safe inside a Markdown table cell: one line, no column breaks, no HTML.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Escapes a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(super::cell("a|b\n<c>"), "a\\|b &lt;c&gt;");
    }
}
