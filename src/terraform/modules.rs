//! Calls of well-known registry modules, read as the resources they create.
//!
//! Most teams write database Terraform as `module "db" { source = "terraform-aws-modules/rds/aws"
//! … }`, not as an `aws_db_instance`. A call of a module listed here becomes, for every rule, the
//! resource the module creates: each input the module passes through is the resource's
//! attribute (a finding points at the call's argument), and an input the call leaves out takes
//! the module's own default (a finding about it points at the call's header and says so).
//! Inputs whose module default is unset (`null`) are left out: the provider's default applies,
//! as it does inside the module.
//!
//! The mappings are data (`rules/modules/*.yaml`, and a user's own in an `extend-rules`
//! folder): facts about the modules' published interfaces (their `variables.tf` and the resource
//! arguments they feed), not their code. A call whose module is on disk is read from its code
//! instead (see `super::calls`).

use std::sync::{Arc, OnceLock, RwLock};

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::source::Span;

/// A module default, when it is a scalar the rules read.
#[derive(Clone, Debug)]
pub enum Default {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// One resource a module creates from its inputs.
#[derive(Debug)]
pub struct Creates {
    pub type_name: String,
    /// The input that switches the resource off when literally `false`.
    pub gate: Option<String>,
    /// (input, attribute path in the resource: `settings.ip_configuration`; a path whose last
    /// step is a block takes an object input as that block).
    pub inputs: Vec<(String, String)>,
    /// (input, the module's default), for inputs whose default is set.
    pub defaults: Vec<(String, Default)>,
    /// Cloud SQL modules: the default of `availability_type`. A `REGIONAL` instance gets
    /// automated backups unless the call turns them off; a `ZONAL` one only if it turns them on.
    pub availability_default: Option<String>,
}

/// A registry module schemaguard reads through: a module mapping (`rules/modules/*.yaml`, or
/// a user's in an `extend-rules` folder; see `rules/README.md`).
#[derive(Debug)]
pub struct KnownModule {
    /// The registry address, `namespace/name/provider`, with `//subdir` when the call names one.
    pub source: String,
    pub creates: Vec<Creates>,
}

/// The shipped module mappings. A broken shipped file is a bug: it panics with the error's
/// position (tests load every file).
fn builtin() -> &'static [KnownModule] {
    static MODULES: OnceLock<Vec<KnownModule>> = OnceLock::new();
    MODULES.get_or_init(|| {
        crate::declarative::embedded_files()
            .iter()
            .filter(|(_, text)| crate::declarative::load::is_module_mapping(text))
            .map(
                |(path, text)| match crate::declarative::load::parse_module(path, text) {
                    Ok(m) => m,
                    Err(e) => panic!("built-in module mapping is invalid: {e}"),
                },
            )
            .collect()
    })
}

/// Mappings from `extend-rules` folders: consulted before the shipped ones.
static EXTENSIONS: RwLock<Vec<&'static KnownModule>> = RwLock::new(Vec::new());

/// Adds module mappings read from a user's folder; one for a module already mapped replaces it.
pub fn register(modules: Vec<KnownModule>) {
    let mut guard = EXTENSIONS.write().unwrap_or_else(|e| e.into_inner());
    for m in modules {
        guard.retain(|o| !o.source.eq_ignore_ascii_case(&m.source));
        guard.push(Box::leak(Box::new(m)));
    }
}

/// The registry address a `source` names, `namespace/name/provider[//subdir]`: the registry
/// form with or without its host (`registry.terraform.io/…`, a private registry's), or a
/// GitHub repository named `terraform-<provider>-<name>`
/// (`git::https://github.com/ns/terraform-aws-rds.git?ref=v6`, `github.com/ns/terraform-aws-rds`).
pub fn registry_address(source: &str) -> Option<String> {
    let s = source.trim();
    let (main, subdir) = match s.split_once("//") {
        // `https://` and `git::https://` are schemes, not a subdirectory.
        Some((scheme, rest)) if scheme.ends_with(':') => match rest.split_once("//") {
            Some((repo, sub)) => (format!("{scheme}//{repo}"), Some(sub.to_string())),
            None => (s.to_string(), None),
        },
        Some((m, sub)) => (m.to_string(), Some(sub.to_string())),
        None => (s.to_string(), None),
    };
    let strip_query = |t: &str| t.split('?').next().unwrap_or(t).to_string();
    let main = strip_query(&main);
    let subdir = subdir.map(|d| strip_query(&d)).filter(|d| !d.is_empty());
    let main = main
        .trim_start_matches("git::")
        .trim_start_matches("https://")
        .trim_start_matches("ssh://")
        .trim_start_matches("git@")
        .trim_start_matches("registry.terraform.io/")
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_string();
    let address = if let Some(repo) = main
        .strip_prefix("github.com/")
        .or_else(|| main.strip_prefix("github.com:"))
    {
        let (ns, name) = repo.split_once('/')?;
        let rest = name.strip_prefix("terraform-")?;
        let (provider, module) = rest.split_once('-')?;
        format!("{ns}/{module}/{provider}")
    } else {
        let mut parts: Vec<&str> = main.split('/').collect();
        // A registry's host (`registry.opentofu.org/`, a private `app.terraform.io/`).
        if parts.len() == 4 && parts[0].contains('.') {
            parts.remove(0);
        }
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.contains('.')) {
            return None;
        }
        parts.join("/")
    };
    Some(match subdir {
        Some(d) => format!("{address}//{}", d.trim_matches('/')),
        None => address,
    })
}

/// The known module a `source` calls: a user's mapping first, then a shipped one.
pub fn known(source: &str) -> Option<&'static KnownModule> {
    let address = registry_address(source)?;
    let user = EXTENSIONS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .find(|m| m.source.eq_ignore_ascii_case(&address));
    user.or_else(|| {
        builtin()
            .iter()
            .find(|m| m.source.eq_ignore_ascii_case(&address))
    })
}

/// The resource a module call stands for: `call` is the call's evaluated body (its arguments
/// as a map), `header` its `module "name"` span.
pub fn resource_node(c: &Creates, source: &str, call: &Node, header: Span) -> Node {
    let mut root = Map {
        entries: Vec::new(),
        anchor: header,
        open: false,
    };
    let args = call.as_map();
    for (input, path) in &c.inputs {
        let given = args.and_then(|m| m.get(input));
        let (node, span) = match given {
            Some(e) => (e.node.clone(), e.span),
            None => match c.defaults.iter().find(|(i, _)| i == input) {
                Some((_, d)) => {
                    let value = match d {
                        Default::Bool(b) => Value::Bool(*b),
                        Default::Number(n) => Value::Number(*n),
                        Default::Text(t) => Value::String(Arc::from(t.as_str())),
                    };
                    let mut n = Node::new(value, header);
                    n.origin = Some(Arc::from(format!(
                        "from the default of input `{input}` of module `{source}`"
                    )));
                    (n, header)
                }
                None => continue,
            },
        };
        insert(&mut root, path, node, span);
    }
    if let Some(default) = &c.availability_default {
        regional_backups(&mut root, args, default, source, header);
    }
    Node::new(Value::Map(root), header)
}

/// A Cloud SQL module turns automated backups on by itself for a `REGIONAL` instance when the
/// call's `backup_configuration` does not say `enabled`; for a `ZONAL` one they stay off.
fn regional_backups(root: &mut Map, args: Option<&Map>, default: &str, source: &str, at: Span) {
    let availability = args
        .and_then(|m| m.get("availability_type"))
        .map(|e| e.node.clone());
    let enabled = match availability.as_ref().map(|n| (&n.value, n.span)) {
        None => Some(default == "REGIONAL"),
        Some((Value::String(s), _)) => Some(s.eq_ignore_ascii_case("REGIONAL")),
        Some(_) => None,
    };
    let given = args
        .and_then(|m| m.get("backup_configuration"))
        .and_then(|e| match &e.node.value {
            Value::Map(b) => Some(b.get("enabled").is_some() || b.open),
            Value::Unknown(_) => Some(true),
            _ => None,
        })
        .unwrap_or(false);
    if given {
        return;
    }
    let node = match enabled {
        Some(on) => {
            let mut n = Node::new(Value::Bool(on), at);
            n.origin = Some(Arc::from(format!(
                "as module `{source}` sets it for an instance whose `availability_type` is {}",
                if on { "`REGIONAL`" } else { "not `REGIONAL`" }
            )));
            n
        }
        None => Node::unknown(at, None),
    };
    insert(root, "settings.backup_configuration.enabled", node, at);
}

/// Puts `node` at a dotted `path` of `map`, making the blocks on the way (as one-element lists,
/// the shape nested blocks have). An object for a block becomes that block.
fn insert(map: &mut Map, path: &str, node: Node, span: Span) {
    match path.split_once('.') {
        None => {
            let node = match node.value {
                Value::Map(_) if map_is_block(path) => {
                    Node::new(Value::List(vec![node.clone()]), node.span)
                }
                _ => node,
            };
            map.entries.push(Entry {
                key: Arc::from(path),
                span,
                node,
            });
        }
        Some((head, rest)) => {
            let at = match map.entries.iter().position(|e| &*e.key == head) {
                Some(i) => i,
                None => {
                    map.entries.push(Entry {
                        key: Arc::from(head),
                        span: map.anchor,
                        node: Node::new(
                            Value::List(vec![Node::new(
                                Value::Map(Map {
                                    entries: Vec::new(),
                                    anchor: map.anchor,
                                    open: false,
                                }),
                                map.anchor,
                            )]),
                            map.anchor,
                        ),
                    });
                    map.entries.len() - 1
                }
            };
            if let Value::List(items) = &mut map.entries[at].node.value
                && let Some(Node {
                    value: Value::Map(inner),
                    ..
                }) = items.first_mut()
            {
                insert(inner, rest, node, span);
            }
        }
    }
}

/// Whether an attribute name is a nested block of the resources read here (an object input
/// for it stands for the block).
fn map_is_block(name: &str) -> bool {
    matches!(name, "ip_configuration" | "backup_configuration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_module_mapping_loads() {
        let files = crate::declarative::embedded_files()
            .iter()
            .filter(|(_, t)| crate::declarative::load::is_module_mapping(t))
            .count();
        assert!(files >= 5);
        assert_eq!(builtin().len(), files);
        for m in builtin() {
            assert_eq!(
                registry_address(&m.source).as_deref(),
                Some(m.source.as_str())
            );
            assert!(known(&format!("registry.terraform.io/{}", m.source)).is_some());
        }
    }

    #[test]
    fn registry_addresses() {
        let cases = [
            (
                "terraform-aws-modules/rds/aws",
                Some("terraform-aws-modules/rds/aws"),
            ),
            (
                "registry.terraform.io/terraform-aws-modules/rds/aws",
                Some("terraform-aws-modules/rds/aws"),
            ),
            (
                "terraform-aws-modules/rds/aws//modules/db_instance",
                Some("terraform-aws-modules/rds/aws//modules/db_instance"),
            ),
            (
                "git::https://github.com/terraform-aws-modules/terraform-aws-rds.git?ref=v6.1.0",
                Some("terraform-aws-modules/rds/aws"),
            ),
            (
                "github.com/terraform-google-modules/terraform-google-sql-db//modules/postgresql?ref=v20.0.0",
                Some("terraform-google-modules/sql-db/google//modules/postgresql"),
            ),
            (
                "app.terraform.io/acme/postgres/aws",
                Some("acme/postgres/aws"),
            ),
            ("./modules/db", None),
            ("../db", None),
            ("s3::https://bucket.s3.amazonaws.com/db.zip", None),
        ];
        for (source, want) in cases {
            assert_eq!(registry_address(source).as_deref(), want, "{source}");
        }
    }
}
