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
            "applicability": if f.safe { "safe" } else { "unsafe" },
            "edits": f.edits.iter().map(|e| json!({ "range": span_json(report, e.span), "content": e.content })).collect::<Vec<_>>(),
        })),
        "suppression": d.suppression.as_ref().map(|s| json!({ "kind": s.kind, "reason": s.reason })),
        "fingerprint": fingerprint,
    })
}

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document(cx))?;
    writeln!(out)
}

/// The whole document, written as it is serialised: one diagnostic's JSON value at a time
/// instead of a tree of every diagnostic of the run (which cost ~90 MB on the corpus). The keys
/// come in the order a `serde_json::Value` object keeps them (sorted), so the bytes are the same
/// as serialising the tree.
struct Document<'a, 'b>(&'a RenderContext<'b>);

impl serde::Serialize for Document<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let summary = serde_json::to_value(self.0.summary).map_err(S::Error::custom)?;
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("diagnostics", &Diagnostics(self.0))?;
        map.serialize_entry("files", &Files(self.0))?;
        map.serialize_entry("summary", &summary)?;
        map.serialize_entry(
            "tool",
            &json!({ "name": "schemaguard", "version": env!("CARGO_PKG_VERSION") }),
        )?;
        map.serialize_entry("version", &VERSION)?;
        map.end()
    }
}

/// Each file checked and its role.
struct Files<'a, 'b>(&'a RenderContext<'b>);

impl serde::Serialize for Files<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.reports.len()))?;
        for r in self.0.reports {
            let mut file = json!({ "path": r.source.display, "role": r.role.name() });
            if let Some(d) = r.dialect {
                file["dialect"] = json!(d.as_str());
            }
            if let Some(set) = &r.migration_set {
                file["migration_set"] = set_json(set);
            }
            seq.serialize_element(&file)?;
        }
        seq.end()
    }
}

/// A migration set as the project model knows it: where, which tool, which engine, and the
/// practice learned from it.
fn set_json(set: &crate::assemble::SetInfo) -> serde_json::Value {
    use crate::conventions::Practice;
    let c = &set.conventions;
    let mut practices = serde_json::Map::new();
    for p in Practice::ALL {
        let count = c.practices[p as usize];
        let followed = (count.cases as usize >= crate::conventions::Conventions::SAMPLE)
            .then(|| c.rarely_follows(p).is_none());
        practices.insert(
            serde_json::to_value(p)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            json!({ "cases": count.cases, "followed": count.followed, "practised": followed }),
        );
    }
    json!({
        "root": set.root,
        "framework": set.framework.name(),
        "dialect": set.dialect.map(|d| d.as_str()),
        "conventions": {
            "writes_rollbacks": c.writes_rollbacks,
            "empty_downs": c.empty_downs,
            "practices": practices,
        },
    })
}

struct Diagnostics<'a, 'b>(&'a RenderContext<'b>);

impl serde::Serialize for Diagnostics<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for report in self.0.reports {
            let fps = fingerprints(report);
            for (d, fp) in report.diagnostics.iter().zip(&fps) {
                seq.serialize_element(&diagnostic_json(report, d, fp))?;
            }
        }
        seq.end()
    }
}
