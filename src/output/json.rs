//! Our own JSON format, versioned and documented by `schema/json-output.schema.json`.

use std::io::Write;

use serde_json::{Value, json};

use super::{RenderContext, fingerprints, range};
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;
use crate::source::Span;

pub const VERSION: u32 = 1;

fn position(report: &FileReport, offset: usize) -> Value {
    let lc = report.source.line_col(offset);
    json!({ "line": lc.line, "column": lc.column, "offset": offset })
}

fn span_json(report: &FileReport, span: Span) -> Value {
    json!({ "start": position(report, span.start), "end": position(report, span.end.max(span.start)) })
}

pub fn diagnostic_json(report: &FileReport, d: &Diagnostic, fingerprint: &str) -> Value {
    let _ = range(report, d);
    json!({
        "code": d.rule.code,
        "name": d.rule.name,
        "category": d.rule.category.name(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "url": d.rule.url(),
        "file": report.source.display,
        "range": span_json(report, d.span),
        "label": d.label,
        "labels": d.labels.iter().map(|l| json!({ "message": l.message, "range": span_json(report, l.span) })).collect::<Vec<_>>(),
        "fix": d.fix.as_ref().map(|f| json!({
            "description": f.description,
            "edits": f.edits.iter().map(|e| json!({ "range": span_json(report, e.span), "content": e.content })).collect::<Vec<_>>(),
        })),
        "suppression": d.suppression.as_ref().map(|s| json!({ "kind": s.kind, "reason": s.reason })),
        "fingerprint": fingerprint,
    })
}

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    let mut diagnostics = Vec::new();
    for report in cx.reports {
        let fps = fingerprints(report);
        for (d, fp) in report.diagnostics.iter().zip(&fps) {
            diagnostics.push(diagnostic_json(report, d, fp));
        }
    }
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "schemaguard", "version": env!("CARGO_PKG_VERSION") },
        "summary": cx.summary,
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
