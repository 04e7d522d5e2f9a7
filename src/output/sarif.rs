//! SARIF 2.1.0: what GitHub code scanning and other viewers read.

use std::io::Write;

use serde_json::{Value, json};

use super::{RenderContext, fingerprints, range};
use crate::diagnostic::Severity;
use crate::registry::{RuleMeta, section};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn rule_descriptor(m: &RuleMeta) -> Value {
    let docs = m.docs();
    let why = section(&docs, "Why is this bad?").unwrap_or_default();
    let mut properties = json!({ "tags": [m.category.name()] });
    if m.category.is_security() {
        properties["tags"]
            .as_array_mut()
            .expect("array")
            .push(json!("security"));
        let score = m.security_severity.unwrap_or(match m.severity {
            Severity::Error => 7.5,
            Severity::Warning => 5.0,
            Severity::Info => 2.0,
        });
        properties["security-severity"] = json!(format!("{score:.1}"));
    }
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": { "text": m.summary() },
        "fullDescription": { "text": why.replace('\n', " ") },
        "help": { "text": docs.clone(), "markdown": docs },
        "helpUri": m.url(),
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": properties,
    })
}

/// Percent-encodes a relative path for a URI.
fn uri_path(path: &str) -> String {
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

fn root_uri() -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut p = uri_path(&cwd.to_string_lossy().replace('\\', "/"));
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{p}")
}

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document(cx))?;
    writeln!(out)
}

/// One result of the run.
fn result_json(
    report: &crate::lint::FileReport,
    d: &crate::diagnostic::Diagnostic,
    fp: &str,
    rule_index: Option<usize>,
) -> Value {
    let (start, end) = range(report, d);
    let mut region = json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    let snippet = d.span.text(&report.display_text);
    if !snippet.is_empty() {
        region["snippet"] = json!({ "text": snippet });
    }
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nHelp: {help}"));
    }
    let mut result = json!({
        "ruleId": d.rule.code,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&report.source.display), "uriBaseId": "%SRCROOT%" },
                "region": region,
            }
        }],
        "partialFingerprints": { "schemaguard/v1": fp },
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if let Some(s) = &d.suppression {
        result["suppressions"] = json!([{ "kind": if matches!(s.kind, "inline" | "file") { "inSource" } else { "external" }, "justification": s.reason }]);
    }
    if !d.labels.is_empty() {
        result["relatedLocations"] = json!(d.labels.iter().enumerate().map(|(i, l)| {
            let s = report.source.line_col(l.span.start);
            let e = report.source.line_col(l.span.end.max(l.span.start));
            json!({
                "id": i,
                "message": { "text": l.message },
                "physicalLocation": {
                    "artifactLocation": { "uri": uri_path(&report.source.display), "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": s.line, "startColumn": s.column, "endLine": e.line, "endColumn": e.column },
                }
            })
        }).collect::<Vec<_>>());
    }
    result
}

/// The SARIF log, written as it is serialised: one result's JSON value at a time instead of a
/// tree of every result of the run. Keys come in the order a `serde_json::Value` object keeps
/// them (sorted), so the bytes are those of serialising the tree.
struct Document<'a, 'b>(&'a RenderContext<'b>);

impl serde::Serialize for Document<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        map.serialize_entry("runs", &[Run(self.0)])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

struct Run<'a, 'b>(&'a RenderContext<'b>);

impl serde::Serialize for Run<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let rules: Vec<&RuleMeta> = self.0.settings.rules.iter().map(|r| r.meta()).collect();
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
        map.serialize_entry(
            "originalUriBaseIds",
            &json!({ "%SRCROOT%": { "uri": root_uri() } }),
        )?;
        map.serialize_entry("results", &Results(self.0, &rules))?;
        map.serialize_entry(
            "tool",
            &json!({
                "driver": {
                    "name": "schemaguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
                }
            }),
        )?;
        map.end()
    }
}

struct Results<'a, 'b>(&'a RenderContext<'b>, &'a [&'static RuleMeta]);

impl serde::Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for report in self.0.reports {
            let fps = fingerprints(report);
            for (d, fp) in report.diagnostics.iter().zip(&fps) {
                let index = self.1.iter().position(|m| m.code == d.rule.code);
                seq.serialize_element(&result_json(report, d, fp, index))?;
            }
        }
        seq.end()
    }
}
