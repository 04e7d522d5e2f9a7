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
    let rules: Vec<&RuleMeta> = cx.settings.rules.iter().map(|r| r.meta()).collect();
    let index_of = |code: &str| rules.iter().position(|m| m.code == code);
    let mut results = Vec::new();
    for report in cx.reports {
        let fps = fingerprints(report);
        for (d, fp) in report.diagnostics.iter().zip(&fps) {
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
            if let Some(i) = index_of(d.rule.code) {
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
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "schemaguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri() } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
