//! GitLab Code Quality: a JSON array of issues (a subset of the Code Climate format) that GitLab
//! shows in merge request widgets and diffs. The `fingerprint` is the same line-move-stable one
//! as in our JSON and SARIF, so GitLab tells new findings from old ones across commits.

use std::io::Write;

use serde_json::{Value, json};

use super::{RenderContext, fingerprints, range};
use crate::diagnostic::Severity;

/// GitLab's severities are info, minor, major, critical and blocker.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    let mut issues: Vec<Value> = Vec::new();
    for report in cx.reports {
        let fps = fingerprints(report);
        for (d, fp) in report.diagnostics.iter().zip(&fps) {
            if d.is_suppressed() {
                continue;
            }
            let (start, end) = range(report, d);
            let mut description = format!("{} {}: {}", d.rule.code, d.rule.name, d.message);
            if let Some(help) = &d.help {
                description.push_str(&format!(" (help: {help})"));
            }
            issues.push(json!({
                "type": "issue",
                "check_name": d.rule.code,
                "description": description,
                "categories": [category(d.rule.category)],
                "severity": severity(d.severity),
                "fingerprint": fp,
                "location": {
                    "path": report.source.display,
                    "lines": { "begin": start.line, "end": end.line },
                },
                "engine_name": "schemaguard",
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// The Code Climate category closest to ours.
fn category(c: crate::registry::Category) -> &'static str {
    use crate::registry::Category::*;
    match c {
        SensitiveData | InsecureSettings => "Security",
        Naming => "Style",
        Locking => "Performance",
        BackwardIncompatible | MissingRollback => "Bug Risk",
        Tool => "Clarity",
    }
}
