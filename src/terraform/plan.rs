//! A Terraform plan as `terraform show -json` prints it: the resource changes (address, type,
//! actions, what forces a replacement) and each resource's planned values as a document tree,
//! with the values Terraform only knows after apply made unknown.

use std::sync::Arc;

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::parse::hcl::ParseFailure;
use crate::source::Span;

/// Whether a JSON text is the output of `terraform show -json` (a plan or a state): its first
/// kilobytes name `format_version` and `terraform_version`.
pub fn sniff(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(8192)];
    let finder = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    head.iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|c| *c == b'{')
        && finder(b"\"format_version\"")
        && finder(b"\"terraform_version\"")
}

#[derive(Debug, Default)]
pub struct Plan {
    pub error: Option<ParseFailure>,
    pub changes: Vec<ResourceChange>,
}

#[derive(Debug)]
pub struct ResourceChange {
    /// `module.db.aws_db_instance.this[0]`
    pub address: String,
    /// The `"address": "..."` entry: where findings about the resource point.
    pub address_span: Span,
    pub type_name: String,
    pub managed: bool,
    pub actions: Vec<String>,
    /// The `"actions": [...]` entry.
    pub actions_span: Span,
    /// `replace_because_cannot_update`, `replace_by_request`...
    pub action_reason: Option<String>,
    /// The attributes that force the replacement, dotted (`engine`, `ingress.0.cidr_blocks`),
    /// with their spans in the plan.
    pub replace_paths: Vec<(String, Span)>,
    /// The planned values (`change.after`) with unknown ones (`after_unknown`) marked, when the
    /// resource still exists after the change.
    pub after: Option<Node>,
}

impl ResourceChange {
    pub fn deletes(&self) -> bool {
        self.actions.iter().any(|a| a == "delete")
    }

    pub fn creates(&self) -> bool {
        self.actions.iter().any(|a| a == "create")
    }
}

impl Plan {
    pub fn parse(text: &str) -> Plan {
        match crate::parse::json::parse(text) {
            Ok(root) => Plan {
                error: None,
                changes: changes(&root),
            },
            Err(e) => Plan {
                error: Some(e),
                changes: Vec::new(),
            },
        }
    }
}

fn changes(root: &Node) -> Vec<ResourceChange> {
    let Some(list) = root.get("resource_changes").and_then(|e| e.node.as_list()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for rc in list {
        let str_of = |k: &str| rc.get(k).and_then(|e| e.node.as_str()).map(str::to_string);
        let Some(address) = str_of("address") else {
            continue;
        };
        let address_span = rc.get("address").map(|e| e.span).unwrap_or(rc.span);
        let Some(change) = rc.get("change").map(|e| &e.node) else {
            continue;
        };
        let actions_entry = change.get("actions");
        let actions: Vec<String> = actions_entry
            .and_then(|e| e.node.as_list())
            .map(|l| {
                l.iter()
                    .filter_map(|n| n.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let replace_paths = change
            .get("replace_paths")
            .and_then(|e| e.node.as_list())
            .map(|paths| {
                paths
                    .iter()
                    .filter_map(|p| {
                        let steps = p.as_list()?;
                        let dotted: Vec<String> =
                            steps.iter().filter_map(|s| s.scalar_text()).collect();
                        (!dotted.is_empty()).then(|| (dotted.join("."), p.span))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let after = change
            .get("after")
            .map(|e| e.node.clone())
            .and_then(|mut after| {
                if after.is_null() {
                    return None;
                }
                if let Some(unknown) = change.get("after_unknown") {
                    mark_unknown(&mut after, &unknown.node);
                }
                if let Value::Map(m) = &mut after.value {
                    m.anchor = address_span;
                }
                Some(after)
            });
        out.push(ResourceChange {
            address,
            address_span,
            type_name: str_of("type").unwrap_or_default(),
            managed: str_of("mode").is_none_or(|m| m == "managed"),
            actions,
            actions_span: actions_entry.map(|e| e.span).unwrap_or(address_span),
            action_reason: str_of("action_reason"),
            replace_paths,
            after,
        });
    }
    out
}

/// Applies `after_unknown` (a mirror of `after` with `true` where a value is known only after
/// apply) to `after`: those values become unknown, including ones `after` leaves out.
fn mark_unknown(after: &mut Node, unknown: &Node) {
    match (&mut after.value, &unknown.value) {
        (_, Value::Bool(true)) => {
            after.value = Value::Unknown(Some(Arc::from("known after apply")))
        }
        (Value::Map(m), Value::Map(u)) => {
            for ue in &u.entries {
                match m.entries.iter_mut().find(|e| e.key == ue.key) {
                    Some(e) => mark_unknown(&mut e.node, &ue.node),
                    None if ue.node.as_bool() == Some(true) => m.entries.push(Entry {
                        key: ue.key.clone(),
                        span: m.anchor,
                        node: Node::unknown(m.anchor, Some(Arc::from("known after apply"))),
                    }),
                    None => {}
                }
            }
        }
        (Value::List(l), Value::List(u)) => {
            for (n, un) in l.iter_mut().zip(u.iter()) {
                mark_unknown(n, un);
            }
        }
        _ => {}
    }
}

/// An empty map node anchored at a span (for resources without planned values).
pub fn empty_map(anchor: Span) -> Node {
    Node::new(
        Value::Map(Map {
            entries: Vec::new(),
            anchor,
            open: true,
        }),
        anchor,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_changes_and_marks_unknowns() {
        let text = r#"{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[
 {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
  "change":{"actions":["delete","create"],"before":{},"after":{"engine":"postgres","kms_key_id":null},
  "after_unknown":{"kms_key_id":true,"endpoint":true},"replace_paths":[["engine"]]},
  "action_reason":"replace_because_cannot_update"}]}"#;
        assert!(sniff(text));
        let p = Plan::parse(text);
        assert!(p.error.is_none());
        let c = &p.changes[0];
        assert!(c.deletes() && c.creates());
        assert_eq!(c.replace_paths[0].0, "engine");
        let after = c.after.as_ref().unwrap();
        assert!(after.get("kms_key_id").unwrap().node.is_unknown());
        assert!(after.get("endpoint").unwrap().node.is_unknown());
        assert_eq!(after.get("engine").unwrap().node.as_str(), Some("postgres"));
        assert!(!sniff("{\"name\": \"package\"}"));
    }
}
