//! The secrets of a config YAML file, found once per file for SD001-SD004.
//!
//! Every string (and number) scalar is scanned with [`crate::secrets::scan_text`] as it is
//! written in the file (so block scalars such as a workflow's `run:` keep their positions). In
//! the documents schemaguard knows (compose, Kubernetes, workflows, database settings), a value
//! under a credential-named key is also checked with [`crate::secrets::check_assignment`], and
//! so is the `value` of a `{name: DB_PASSWORD, value: ...}` pair (a Kubernetes container `env`).
//! Other YAML (translations, CI templates of other tools, fixtures) is only searched for
//! format-exact secrets: a key named `password` there is too often a label.
//!
//! Copies made by aliases and merge keys are skipped: the anchor is scanned where it is written.
//! The `data` and `stringData` of a Kubernetes `Secret` belong to SD011.
//!
//! Compose files, CI workflows and unknown YAML set up local or throwaway environments: a
//! well-known default password there (`POSTGRES_PASSWORD: postgres` for a CI service
//! container) is the setup's placeholder ([`secrets::Weakness::locally`]). In Kubernetes
//! objects and database settings it is a password others can reach, and is reported.

use crate::declarative::tree::{Node, Value};
use crate::secrets::{self, SecretMatch};
use crate::yaml::YamlFile;

/// The secrets of `file`, computed once (`text` is the file's text).
pub fn secrets<'f>(file: &'f YamlFile, text: &str) -> &'f [(SecretMatch, String)] {
    file.secrets.get_or_init(|| scan(file, text))
}

fn scan(file: &YamlFile, text: &str) -> Vec<(SecretMatch, String)> {
    let mut out: Vec<(SecretMatch, String)> = Vec::new();
    for doc in &file.docs {
        let from = out.len();
        let known = doc.kind.is_known();
        let is_secret = doc.kind.is_kubernetes("Secret");
        let mut stack: Vec<(&Node, Option<&str>, usize, Vec<&str>)> =
            vec![(&doc.root, None, 0, Vec::new())];
        while let Some((n, key, depth, siblings)) = stack.pop() {
            if n.origin.is_some() {
                continue;
            }
            match &n.value {
                Value::Map(m) => {
                    if known
                        && let (Some(name), Some(v)) = (
                            m.get("name").and_then(|e| e.node.as_str()),
                            m.get("value").map(|e| &e.node),
                        )
                        && v.origin.is_none()
                        && matches!(v.value, Value::String(_) | Value::Number(_))
                        && secrets::scan_text(v.span.text(text), v.span.start).is_empty()
                        && let Some(found) =
                            secrets::check_assignment(name, v.span.text(text), v.span)
                    {
                        out.push((found, String::new()));
                    }
                    let identities = identity_values(m);
                    for e in m.entries.iter().rev() {
                        if is_secret && depth == 0 && matches!(&*e.key, "data" | "stringData") {
                            continue;
                        }
                        stack.push((&e.node, Some(&e.key), depth + 1, identities.clone()));
                    }
                }
                Value::List(items) => {
                    stack.extend(items.iter().rev().map(|i| (i, None, depth + 1, Vec::new())));
                }
                Value::String(_) | Value::Number(_) | Value::Unknown(Some(_)) => {
                    let raw = n.span.text(text);
                    let found = secrets::scan_text(raw, n.span.start);
                    if !found.is_empty() {
                        for m in found {
                            let place = match key {
                                // `KEY=value` read as the value of `KEY` says it once.
                                Some(k) if m.detail.as_deref() == Some(k) => String::new(),
                                Some(k) => format!("in `{k}`"),
                                None => "in a value".to_string(),
                            };
                            out.push((m, place));
                        }
                    } else if known
                        && !n.is_unknown()
                        && let Some(k) = key
                        && let Some(mut m) = secrets::check_assignment(k, raw, n.span)
                    {
                        // `POSTGRES_USER: app` next to `POSTGRES_PASSWORD: app`: the
                        // throwaway database of a test setup, a well-known default.
                        if siblings.contains(&raw.trim()) {
                            m.weak = m.weak.max(secrets::Weakness::Default);
                        }
                        out.push((m, String::new()));
                    }
                }
                _ => {}
            }
        }
        if matches!(
            doc.kind,
            crate::yaml::DocKind::Compose
                | crate::yaml::DocKind::Workflow
                | crate::yaml::DocKind::Other
        ) {
            for (m, _) in &mut out[from..] {
                m.weak = m.weak.locally();
            }
        }
    }
    // Commented-out settings still commit their values: formats alone (a `password: x` in a
    // comment is usually documentation of a chart's values).
    for c in &file.comments {
        for mut m in secrets::scan_text(c.text(text), c.start)
            .into_iter()
            .filter(|m| m.detector != secrets::Detector::CredentialAssignment)
        {
            // A commented-out default is documentation of a local setup.
            m.weak = m.weak.locally();
            out.push((m, "in a comment".to_string()));
        }
    }
    out.sort_by_key(|(m, _)| (m.span.start, m.span.end));
    out.dedup_by(|a, b| a.0.span == b.0.span);
    out
}

/// The values of the keys of `m` that name a user or a database (`POSTGRES_USER`, `username`,
/// `MYSQL_DATABASE`): a password equal to one of them is a placeholder.
fn identity_values(m: &crate::declarative::tree::Map) -> Vec<&str> {
    m.entries
        .iter()
        .filter(|e| {
            let k = crate::yaml::setting_name(&e.key);
            let last = k.rsplit('_').next().unwrap_or(&k);
            matches!(
                last,
                "user" | "username" | "login" | "db" | "database" | "dbname"
            )
        })
        .filter_map(|e| e.node.as_str())
        .collect()
}
