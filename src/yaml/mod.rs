//! Config YAML: which documents describe databases, and how, mapped into the declarative
//! engine's document tree.
//!
//! A file is parsed once ([`crate::parse::yaml`]), after a cheap prefilter: text that holds no
//! hint of a compose file, a Kubernetes object, a workflow, database settings or a secret is not
//! parsed at all. Each document is then classified ([`DocKind`]): a Compose file (`services`
//! with images), a Kubernetes object (`apiVersion` and `kind`; Argo CD Applications and operator
//! custom resources included), a GitHub Actions workflow (`on`/`jobs` under
//! `.github/workflows`), a database configuration (database settings such as
//! `password_encryption` or `max_connections`, or connection settings under a `database`-like
//! key), or anything else, which is left alone (only format-exact secrets are looked for there).
//!
//! Compose documents are normalised the way Compose itself reads them: an `environment` list
//! (`- KEY=value`) becomes a mapping, and short `ports` entries (`"127.0.0.1:5432:5432"`) become
//! their long form (`host_ip`, `published`, `target`, `protocol`), so a rule reads one shape.
//!
//! Declarative rules select [`YamlObject`]s by kind and type (`compose-service: [postgres]`,
//! `kubernetes: [Secret]`), the way Terraform rules select resource types.

pub mod engine;

use std::sync::{Arc, OnceLock};

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::parse::yaml::ParsedYaml;
use crate::secrets::SecretMatch;
use crate::source::Span;

pub use engine::engine_of_image;

/// A parsed config YAML file.
#[derive(Debug, Default)]
pub struct YamlFile {
    pub docs: Vec<YamlDoc>,
    pub comments: Vec<Span>,
    /// Syntax errors (LN001).
    pub errors: Vec<(Span, String)>,
    /// Set when the file is a Go or Jinja template, not YAML: where the first template construct
    /// is. Nothing else was read.
    pub template: Option<Span>,
    scopes: Vec<Span>,
    objects: Vec<YamlObject>,
    /// The secrets of the file, found once for the sensitive-data rules.
    pub(crate) secrets: OnceLock<Vec<(SecretMatch, String)>>,
}

/// One document of the file.
#[derive(Debug)]
pub struct YamlDoc {
    pub root: Node,
    pub span: Span,
    pub kind: DocKind,
}

/// What a document describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocKind {
    /// A Compose file (`services:` with images or builds).
    Compose,
    /// A Kubernetes object (`apiVersion` and `kind`), custom resources included.
    Kubernetes { api_version: String, kind: String },
    /// A GitHub Actions workflow.
    Workflow,
    /// Database settings: a parameter file, an application's datasource configuration.
    DatabaseConfig,
    /// Anything else: only format-exact secrets (tokens, keys, connection strings) are looked
    /// for in it.
    Other,
}

impl DocKind {
    /// Whether the document is one schemaguard knows (not [`DocKind::Other`]).
    pub fn is_known(&self) -> bool {
        *self != DocKind::Other
    }

    pub fn is_kubernetes(&self, kind: &str) -> bool {
        matches!(self, DocKind::Kubernetes { kind: k, .. } if k == kind)
    }
}

/// The kinds of objects declarative rules select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A service of a Compose file; its types are the database its image runs.
    ComposeService,
    /// A Kubernetes object; its type is its `kind`.
    Kubernetes,
    /// A container (or init container) of a Kubernetes pod template; its types are the database
    /// its image runs.
    KubernetesContainer,
    /// A set of database settings; its types are the database when it is known.
    DatabaseConfig,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 4] = [
        ObjectKind::ComposeService,
        ObjectKind::Kubernetes,
        ObjectKind::KubernetesContainer,
        ObjectKind::DatabaseConfig,
    ];

    /// The `match:` key of declarative rules.
    pub fn key(self) -> &'static str {
        match self {
            ObjectKind::ComposeService => "compose-service",
            ObjectKind::Kubernetes => "kubernetes",
            ObjectKind::KubernetesContainer => "kubernetes-container",
            ObjectKind::DatabaseConfig => "database-config",
        }
    }

    pub fn from_key(key: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// Something a declarative rule can check.
#[derive(Debug)]
pub struct YamlObject {
    pub kind: ObjectKind,
    /// What the object is, for selection (`postgres`, `Secret`).
    pub types: Vec<String>,
    /// How messages name it: ``service `db` ``, `` `Secret/db-credentials` ``.
    pub name: String,
    pub doc: usize,
    loc: Loc,
}

#[derive(Debug)]
enum Loc {
    /// Entry or item indices from the document root.
    Path(Vec<usize>),
    /// A node assembled from several places (database settings merged from `parameters`).
    Owned(Box<Node>),
}

impl YamlObject {
    /// Whether the object is of one of `types` (`*` selects every object of the kind).
    pub fn is_of(&self, types: &[String]) -> bool {
        types
            .iter()
            .any(|t| t == "*" || self.types.iter().any(|x| x.eq_ignore_ascii_case(t)))
    }
}

impl YamlFile {
    /// What an own-line suppression comment ending at `offset` covers: the next key or item.
    pub fn scope_after(&self, offset: usize) -> Option<Span> {
        let i = self.scopes.partition_point(|s| s.start < offset);
        self.scopes.get(i).copied()
    }

    pub fn objects(&self) -> &[YamlObject] {
        &self.objects
    }

    /// The document tree of an object.
    pub fn node_of<'a>(&'a self, o: &'a YamlObject) -> &'a Node {
        match &o.loc {
            Loc::Owned(n) => n,
            Loc::Path(path) => {
                let mut cur = &self.docs[o.doc].root;
                for &i in path {
                    cur = match &cur.value {
                        Value::Map(m) => &m.entries[i].node,
                        Value::List(l) => &l[i],
                        _ => unreachable!("object paths are built from the tree"),
                    };
                }
                cur
            }
        }
    }

    /// The database settings of the file: each object with its merged settings and the kind
    /// of the document it is in.
    pub fn database_settings(&self) -> impl Iterator<Item = (&YamlObject, &Node, &DocKind)> {
        self.objects
            .iter()
            .filter(|o| o.kind == ObjectKind::DatabaseConfig)
            .map(|o| (o, self.node_of(o), &self.docs[o.doc].kind))
    }

    /// Every string scalar of every document as written (copies made by aliases and merge keys
    /// are left out: the anchor is where the text is), with the key it is the value of and its
    /// document's index. Keys themselves are not included.
    pub fn strings(&self) -> Vec<(&Node, Option<&str>, usize)> {
        let mut out = Vec::new();
        for (di, doc) in self.docs.iter().enumerate() {
            let mut stack: Vec<(&Node, Option<&str>)> = vec![(&doc.root, None)];
            while let Some((n, key)) = stack.pop() {
                if n.origin.is_some() {
                    continue;
                }
                match &n.value {
                    Value::Map(m) => {
                        stack.extend(m.entries.iter().rev().map(|e| (&e.node, Some(&*e.key))))
                    }
                    Value::List(items) => stack.extend(items.iter().rev().map(|i| (i, key))),
                    Value::String(_) | Value::Unknown(Some(_)) => out.push((n, key, di)),
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether any document is one schemaguard knows.
    pub fn has_known_docs(&self) -> bool {
        self.docs.iter().any(|d| d.kind.is_known())
    }
}

/// Words whose presence makes a YAML file worth parsing: kinds of documents we classify,
/// database settings, and what the secrets engine starts from.
const HINTS: &[&str] = &[
    "services",
    "apiVersion",
    "jobs",
    "database",
    "datasource",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "sslmode",
    "ssl_mode",
    "ssl-mode",
    "usessl",
    "max_connections",
    "password_encryption",
    "listen_addresses",
    "log_statement",
    "pg_hba",
];

fn hints() -> &'static aho_corasick::AhoCorasick {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(HINTS)
            .expect("static needles")
    })
}

/// Whether a YAML file may hold anything a rule looks at (one pass over the text).
pub fn worth_parsing(text: &str) -> bool {
    hints().is_match(text) || crate::secrets::may_hold_secret(text)
}

/// Reads a config YAML file; `None` when it holds nothing worth parsing.
pub fn load(text: &str, path: &str) -> Option<YamlFile> {
    if let Some(at) = crate::parse::yaml::template_marker(text, path) {
        let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
        let end = text[at..end]
            .find("}}")
            .or_else(|| text[at..end].find("%}"))
            .map(|i| at + i + 2)
            .unwrap_or(end);
        return Some(YamlFile {
            template: Some(Span::new(at, end)),
            ..Default::default()
        });
    }
    if !worth_parsing(text) {
        return None;
    }
    Some(from_parsed(crate::parse::yaml::parse(text), text, path))
}

/// Classifies and normalises parsed documents.
pub fn from_parsed(parsed: ParsedYaml, text: &str, path: &str) -> YamlFile {
    let ParsedYaml {
        docs,
        comments,
        errors,
        scopes,
    } = parsed;
    let path_norm = path.replace('\\', "/");
    let mut file = YamlFile {
        comments,
        errors,
        scopes,
        ..Default::default()
    };
    for (i, d) in docs.into_iter().enumerate() {
        let mut root = d.root;
        let kind = classify(&root, &path_norm);
        if kind == DocKind::Compose {
            normalize_compose(&mut root);
        }
        file.docs.push(YamlDoc {
            root,
            span: d.span,
            kind,
        });
        collect_objects(&mut file, i, text, &path_norm);
    }
    file
}

fn str_of<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key)?.node.as_str()
}

/// What a document is.
pub fn classify(root: &Node, path: &str) -> DocKind {
    let Some(m) = root.as_map() else {
        return DocKind::Other;
    };
    if path.contains(".github/workflows/")
        && m.get("jobs").is_some_and(|e| e.node.as_map().is_some())
        && (m.get("on").is_some() || m.get("true").is_some())
    {
        return DocKind::Workflow;
    }
    if let (Some(api), Some(kind)) = (str_of(root, "apiVersion"), str_of(root, "kind"))
        && !api.is_empty()
        && !kind.is_empty()
    {
        return DocKind::Kubernetes {
            api_version: api.to_string(),
            kind: kind.to_string(),
        };
    }
    if let Some(services) = m.get("services").and_then(|e| e.node.as_map())
        && services.entries.iter().any(|s| {
            s.node
                .as_map()
                .is_some_and(|sm| sm.get("image").is_some() || sm.get("build").is_some())
        })
    {
        return DocKind::Compose;
    }
    if is_database_config(root, path) {
        return DocKind::DatabaseConfig;
    }
    DocKind::Other
}

// ---- Compose ----

/// Rewrites the short forms of a Compose file into the long ones.
fn normalize_compose(root: &mut Node) {
    let Some(Value::Map(m)) = root_map_value(root, "services") else {
        return;
    };
    for svc in &mut m.entries {
        let Value::Map(sm) = &mut svc.node.value else {
            continue;
        };
        for e in &mut sm.entries {
            match &*e.key {
                "environment" => normalize_environment(&mut e.node),
                "ports" => {
                    if let Value::List(items) = &mut e.node.value {
                        for it in items.iter_mut() {
                            normalize_port(it);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn root_map_value<'a>(root: &'a mut Node, key: &str) -> Option<&'a mut Value> {
    let Value::Map(m) = &mut root.value else {
        return None;
    };
    m.entries
        .iter_mut()
        .find(|e| &*e.key == key)
        .map(|e| &mut e.node.value)
}

/// `- KEY=value` items become `KEY: value` entries (a bare `- KEY` takes its value from the
/// shell: unknown). In the mapping form a null value also comes from the shell.
fn normalize_environment(node: &mut Node) {
    match &mut node.value {
        Value::List(items) => {
            let mut map = Map {
                entries: Vec::new(),
                anchor: node.span,
                open: false,
            };
            for it in items.iter() {
                let text: Option<&str> = match &it.value {
                    Value::String(s) => Some(s),
                    Value::Unknown(Some(s)) => Some(s),
                    _ => None,
                };
                let Some(text) = text else {
                    if it.is_unknown() {
                        map.open = true;
                    }
                    continue;
                };
                let (key, value) = match text.split_once('=') {
                    Some((k, v)) => (k.trim(), Some(v)),
                    None => (text.trim(), None),
                };
                if key.is_empty() {
                    continue;
                }
                let value_node = match value {
                    None => Node::unknown(it.span, Some(Arc::from(format!("${key}")))),
                    Some(v) => {
                        // The value's own span, when the item is written as it reads.
                        let span = if it.origin.is_none() && it.span.len() == text.len() {
                            let start = it.span.start + text.len() - v.len();
                            Span::new(start, it.span.end)
                        } else {
                            it.span
                        };
                        let value = if crate::parse::yaml::interpolated(v) {
                            Value::Unknown(Some(Arc::from(v)))
                        } else {
                            Value::String(Arc::from(v))
                        };
                        let mut n = Node::new(value, span);
                        n.origin = it.origin.clone();
                        n
                    }
                };
                map.entries.retain(|e| &*e.key != key);
                map.entries.push(Entry {
                    key: Arc::from(key),
                    span: it.span,
                    node: value_node,
                });
            }
            node.value = Value::Map(map);
        }
        Value::Map(m) => {
            for e in &mut m.entries {
                if e.node.is_null() {
                    let key = e.key.clone();
                    e.node = Node::unknown(e.node.span, Some(Arc::from(format!("${key}"))));
                }
            }
        }
        _ => {}
    }
}

/// A short port entry (`[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`) becomes the long form; every
/// part points at the entry.
fn normalize_port(item: &mut Node) {
    let text = match &item.value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => crate::declarative::tree::format_number(*n),
        _ => return,
    };
    let span = item.span;
    let origin = item.origin.clone();
    let (rest, protocol) = match text.rsplit_once('/') {
        Some((r, p)) => (r.to_string(), Some(p.to_string())),
        None => (text.clone(), None),
    };
    // An IPv6 host address is written in brackets.
    let (host_ip, rest) = if let Some(r) = rest.strip_prefix('[') {
        match r.split_once("]:") {
            Some((ip, after)) => (Some(ip.to_string()), after.to_string()),
            None => (None, rest.clone()),
        }
    } else {
        (None, rest)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (host_ip, published, target) = match (host_ip, parts.as_slice()) {
        (Some(ip), [p, t]) => (Some(ip), Some(p.to_string()), t.to_string()),
        (Some(ip), [t]) => (Some(ip), None, t.to_string()),
        (None, [t]) => (None, None, t.to_string()),
        (None, [p, t]) => (None, Some(p.to_string()), t.to_string()),
        (None, [ip, p, t]) => (Some(ip.to_string()), Some(p.to_string()), t.to_string()),
        _ => return,
    };
    let mut map = Map {
        entries: Vec::new(),
        anchor: span,
        open: false,
    };
    let mut push = |key: &str, v: &str| {
        let value = if v.is_empty() {
            return;
        } else if crate::parse::yaml::interpolated(v) {
            Value::Unknown(Some(Arc::from(v)))
        } else if let Ok(n) = v.parse::<f64>() {
            Value::Number(n)
        } else {
            Value::String(Arc::from(v))
        };
        let mut n = Node::new(value, span);
        n.origin = origin.clone();
        map.entries.push(Entry {
            key: Arc::from(key),
            span,
            node: n,
        });
    };
    if let Some(ip) = &host_ip {
        push("host_ip", ip);
    }
    if let Some(p) = &published {
        push("published", p);
    }
    push("target", &target);
    if let Some(p) = &protocol {
        push("protocol", p);
    }
    item.value = Value::Map(map);
}

// ---- Objects ----

fn collect_objects(file: &mut YamlFile, di: usize, text: &str, path: &str) {
    let doc = &file.docs[di];
    let mut out = Vec::new();
    match &doc.kind {
        DocKind::Compose => {
            if let Some((si, services)) = entry_index(&doc.root, "services") {
                let Some(sm) = services.as_map() else { return };
                for (i, e) in sm.entries.iter().enumerate() {
                    if e.node.as_map().is_none() {
                        continue;
                    }
                    let engine = e
                        .node
                        .get("image")
                        .and_then(|im| im.node.as_str())
                        .and_then(engine_of_image);
                    out.push(YamlObject {
                        kind: ObjectKind::ComposeService,
                        types: engine.map(|e| vec![e.to_string()]).unwrap_or_default(),
                        name: format!("service `{}`", e.key),
                        doc: di,
                        loc: Loc::Path(vec![si, i]),
                    });
                    if let Some(params) = command_settings(&e.node, text, engine) {
                        out.push(YamlObject {
                            kind: ObjectKind::DatabaseConfig,
                            types: engine.map(|e| vec![e.to_string()]).unwrap_or_default(),
                            name: format!("the `command` of service `{}`", e.key),
                            doc: di,
                            loc: Loc::Owned(Box::new(params)),
                        });
                    }
                }
            }
        }
        DocKind::Kubernetes { api_version, kind } => {
            kubernetes_objects(&doc.root, vec![], api_version, kind, di, &mut out, 0);
        }
        DocKind::DatabaseConfig => {
            let engine = engine_hint(path);
            settings_objects(
                &doc.root,
                Vec::new(),
                path_hints_database(path),
                engine,
                di,
                &mut out,
            );
        }
        DocKind::Workflow | DocKind::Other => {}
    }
    file.objects.extend(out);
}

fn entry_index<'a>(n: &'a Node, key: &str) -> Option<(usize, &'a Node)> {
    let m = n.as_map()?;
    m.entries
        .iter()
        .position(|e| &*e.key == key)
        .map(|i| (i, &m.entries[i].node))
}

/// Follows keys from `n`, recording entry indices.
fn follow<'a>(n: &'a Node, keys: &[&str], path: &mut Vec<usize>) -> Option<&'a Node> {
    let mut cur = n;
    for k in keys {
        let (i, next) = entry_index(cur, k)?;
        path.push(i);
        cur = next;
    }
    Some(cur)
}

/// The object itself, its pod template's containers, and (for custom resources) its database
/// settings. A `List` holds objects in `items`.
fn kubernetes_objects(
    node: &Node,
    base: Vec<usize>,
    api_version: &str,
    kind: &str,
    di: usize,
    out: &mut Vec<YamlObject>,
    depth: usize,
) {
    let name = node
        .get("metadata")
        .and_then(|m| m.node.get("name"))
        .and_then(|n| n.node.as_str())
        .unwrap_or("");
    let shown = if name.is_empty() {
        format!("`{kind}`")
    } else {
        format!("`{kind}/{name}`")
    };
    out.push(YamlObject {
        kind: ObjectKind::Kubernetes,
        types: vec![kind.to_string()],
        name: shown.clone(),
        doc: di,
        loc: Loc::Path(base.clone()),
    });
    if kind == "List"
        && depth == 0
        && let Some((ii, items)) = entry_index(node, "items")
        && let Some(list) = items.as_list()
    {
        for (j, it) in list.iter().enumerate() {
            if let (Some(a), Some(k)) = (str_of(it, "apiVersion"), str_of(it, "kind")) {
                let mut p = base.clone();
                p.extend([ii, j]);
                kubernetes_objects(it, p, a, k, di, out, depth + 1);
            }
        }
        return;
    }
    let pod_spec: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &[],
    };
    if !pod_spec.is_empty() {
        let mut p = base.clone();
        if let Some(spec) = follow(node, pod_spec, &mut p) {
            for list in ["initContainers", "containers"] {
                let Some((li, containers)) = entry_index(spec, list) else {
                    continue;
                };
                let Some(items) = containers.as_list() else {
                    continue;
                };
                for (j, c) in items.iter().enumerate() {
                    if c.as_map().is_none() {
                        continue;
                    }
                    let cname = str_of(c, "name").unwrap_or("?");
                    let engine = str_of(c, "image").and_then(engine_of_image);
                    let mut cp = p.clone();
                    cp.extend([li, j]);
                    out.push(YamlObject {
                        kind: ObjectKind::KubernetesContainer,
                        types: engine.map(|e| vec![e.to_string()]).unwrap_or_default(),
                        name: format!("container `{cname}` of {shown}"),
                        doc: di,
                        loc: Loc::Path(cp),
                    });
                }
            }
        }
    }
    // Custom resources of database operators carry database settings (CloudNativePG,
    // Zalando, Crunchy PGO...).
    if is_custom_resource(api_version)
        && let Some(spec) = node.get("spec").map(|e| &e.node)
    {
        let engine = engine_hint(api_version).or_else(|| engine_hint(kind));
        let mut found = Vec::new();
        settings_objects(
            spec,
            vec!["spec".to_string()],
            engine.is_some(),
            engine,
            di,
            &mut found,
        );
        for mut o in found {
            o.name = format!("{} of {shown}", o.name);
            out.push(o);
        }
    }
}

/// An API group with a domain that is not Kubernetes' own (`postgresql.cnpg.io/v1`).
fn is_custom_resource(api_version: &str) -> bool {
    match api_version.split_once('/') {
        Some((group, _)) => group.contains('.') && !group.ends_with("k8s.io"),
        None => false,
    }
}

/// A database engine named in a path, API group or kind.
fn engine_hint(s: &str) -> Option<&'static str> {
    let l = s.to_ascii_lowercase();
    if l.contains("postgres") || l.contains("cnpg") || l.contains("zalan") || l.contains("/pg") {
        Some("postgres")
    } else if l.contains("mariadb") {
        Some("mariadb")
    } else if l.contains("mysql") {
        Some("mysql")
    } else if l.contains("mongo") {
        Some("mongodb")
    } else {
        None
    }
}

// ---- Database settings ----

/// Settings whose presence makes a mapping database settings wherever it is.
const STRONG_SETTINGS: &[&str] = &[
    "max_connections",
    "password_encryption",
    "listen_addresses",
    "log_statement",
    "shared_buffers",
    "shared_preload_libraries",
    "wal_level",
    "require_secure_transport",
    "sslmode",
    "pg_hba",
    "ssl_min_protocol_version",
    "effective_cache_size",
    "innodb_buffer_pool_size",
    "max_allowed_packet",
];

/// Settings that are database settings only in a database context (a `database:` key above
/// them, a database named in the file's path).
const WEAK_SETTINGS: &[&str] = &[
    "ssl",
    "ssl_mode",
    "hba",
    "auth_method",
    "host_auth_method",
    "ssl_enabled",
    "use_ssl",
];

/// Keys that name a database (context for weak settings and datasource credentials).
const DATABASE_WORDS: &[&str] = &[
    "database",
    "databases",
    "db",
    "datasource",
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mysqld",
    "mariadb",
    "mongodb",
    "mongo",
    "patroni",
    "rds",
    "cloudsql",
];

/// Keys of a connection (a datasource block).
const CONNECTION_KEYS: &[&str] = &[
    "host", "hostname", "url", "jdbc_url", "jdbcurl", "dsn", "port", "username", "user", "password",
];

/// Setting names compare in snake case: `ssl-mode`, `sslMode` and `SSL_MODE` are `ssl_mode`.
pub fn setting_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '-' {
            out.push('_');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c);
        }
    }
    out
}

fn is_database_word(key: &str) -> bool {
    let k = setting_name(key);
    DATABASE_WORDS.contains(&k.as_str())
        || k.ends_with("_database")
        || k.ends_with("_db")
        || k.ends_with("_datasource")
}

fn path_hints_database(path: &str) -> bool {
    // The file's name, or a folder named for a database (`db/`, `database/config/`): words in
    // higher folders say little (`services/database-tools/ci/...`).
    let l = path.to_ascii_lowercase();
    let mut parts = l.rsplit('/');
    let name = parts.next().unwrap_or("");
    [
        "database",
        "postgres",
        "mysql",
        "mariadb",
        "db-config",
        "db_config",
        "datasource",
    ]
    .iter()
    .any(|w| name.contains(w))
        || name.starts_with("db")
        || parts.take(2).any(|d| {
            matches!(
                d,
                "db" | "database"
                    | "databases"
                    | "postgres"
                    | "postgresql"
                    | "mysql"
                    | "mariadb"
                    | "datasource"
                    | "datasources"
            )
        })
}

/// The settings of a mapping: its own entries and those of its `parameters` mapping.
fn settings_keys(m: &Map) -> impl Iterator<Item = &Entry> {
    let params = m
        .get("parameters")
        .and_then(|e| e.node.as_map())
        .map(|p| p.entries.iter())
        .into_iter()
        .flatten();
    m.entries.iter().chain(params)
}

fn qualifies(m: &Map, context: bool) -> bool {
    settings_keys(m).any(|e| {
        let k = setting_name(&e.key);
        STRONG_SETTINGS.contains(&k.as_str()) || context && WEAK_SETTINGS.contains(&k.as_str())
    })
}

/// Whether a document is database configuration: database settings, or a database-named
/// mapping holding connection settings.
fn is_database_config(root: &Node, path: &str) -> bool {
    let file_context = path_hints_database(path);
    let mut stack: Vec<(&Node, bool, usize)> = vec![(root, file_context, 0)];
    while let Some((n, context, depth)) = stack.pop() {
        let Some(m) = n.as_map() else {
            if let Some(l) = n.as_list()
                && depth < 6
            {
                stack.extend(l.iter().map(|i| (i, context, depth + 1)));
            }
            continue;
        };
        if qualifies(m, context) {
            return true;
        }
        // Credentials below a database-named key (`postgresql: {auth: {username, password}}`,
        // the values of a chart).
        if context
            && m.entries
                .iter()
                .filter(|x| CONNECTION_KEYS.contains(&setting_name(&x.key).as_str()))
                .count()
                >= 2
        {
            return true;
        }
        if depth >= 6 {
            continue;
        }
        for e in &m.entries {
            let db = is_database_word(&e.key);
            if db
                && let Some(inner) = e.node.as_map()
                && inner
                    .entries
                    .iter()
                    .filter(|x| CONNECTION_KEYS.contains(&setting_name(&x.key).as_str()))
                    .count()
                    >= 2
            {
                return true;
            }
            stack.push((&e.node, context || db, depth + 1));
        }
    }
    false
}

/// Every mapping below `node` that holds database settings, as one object each (merged with
/// its `parameters`).
fn settings_objects(
    node: &Node,
    keys: Vec<String>,
    context: bool,
    engine: Option<&'static str>,
    di: usize,
    out: &mut Vec<YamlObject>,
) {
    // Iterative: (node, its key path, database context).
    let mut stack: Vec<(&Node, Vec<String>, bool)> = vec![(node, keys, context)];
    while let Some((n, kp, context)) = stack.pop() {
        if kp.len() > 8 {
            continue;
        }
        match &n.value {
            Value::Map(m) => {
                if qualifies(m, context) {
                    let mut merged = Map {
                        entries: Vec::new(),
                        anchor: m.anchor,
                        open: m.open,
                    };
                    for e in settings_keys(m) {
                        if &*e.key == "parameters" {
                            continue;
                        }
                        let name = setting_name(&e.key);
                        if merged.entries.iter().any(|x| *x.key == *name) {
                            continue;
                        }
                        merged.entries.push(Entry {
                            key: Arc::from(name),
                            span: e.span,
                            node: e.node.clone(),
                        });
                    }
                    let where_ = if kp.is_empty() {
                        "the settings".to_string()
                    } else {
                        format!("`{}`", kp.join("."))
                    };
                    let engine = engine.or_else(|| kp.iter().rev().find_map(|k| engine_hint(k)));
                    out.push(YamlObject {
                        kind: ObjectKind::DatabaseConfig,
                        types: engine.map(|e| vec![e.to_string()]).unwrap_or_default(),
                        name: where_,
                        doc: di,
                        loc: Loc::Owned(Box::new(Node::new(Value::Map(merged), n.span))),
                    });
                    // Its nested mappings (other than `parameters`) may be settings too.
                    for e in m.entries.iter().rev() {
                        if &*e.key != "parameters" && !e.node.is_unknown() {
                            let mut k = kp.clone();
                            k.push(e.key.to_string());
                            if matches!(e.node.value, Value::Map(_) | Value::List(_)) {
                                stack.push((&e.node, k, context || is_database_word(&e.key)));
                            }
                        }
                    }
                    continue;
                }
                for e in m.entries.iter().rev() {
                    if matches!(e.node.value, Value::Map(_) | Value::List(_)) {
                        let mut k = kp.clone();
                        k.push(e.key.to_string());
                        stack.push((&e.node, k, context || is_database_word(&e.key)));
                    }
                }
            }
            Value::List(items) => {
                for (i, it) in items.iter().enumerate().rev() {
                    if matches!(it.value, Value::Map(_)) {
                        let mut k = kp.clone();
                        match k.last_mut() {
                            Some(last) => last.push_str(&format!("[{i}]")),
                            None => k.push(format!("[{i}]")),
                        }
                        stack.push((it, k, context));
                    }
                }
            }
            _ => {}
        }
    }
}

/// PostgreSQL `-c name=value` and MySQL/MariaDB `--name=value` options of a database
/// service's `command`, as settings.
fn command_settings(service: &Node, text: &str, engine: Option<&str>) -> Option<Node> {
    let engine = engine?;
    let cmd = service.get("command")?;
    // (word, its span when it can be located in the text)
    let mut words: Vec<(String, Span)> = Vec::new();
    match &cmd.node.value {
        Value::String(s) => {
            let exact = cmd.node.origin.is_none() && cmd.node.span.text(text) == &**s;
            let mut pos = 0;
            for w in s.split_whitespace() {
                let at = s[pos..].find(w).map(|i| pos + i).unwrap_or(pos);
                pos = at + w.len();
                let span = if exact {
                    Span::new(cmd.node.span.start + at, cmd.node.span.start + at + w.len())
                } else {
                    cmd.node.span
                };
                words.push((w.trim_matches(['\'', '"']).to_string(), span));
            }
        }
        Value::List(items) => {
            for it in items {
                if let Some(s) = it.scalar_text() {
                    words.push((s, it.span));
                }
            }
        }
        _ => return None,
    }
    let mut map = Map {
        entries: Vec::new(),
        anchor: cmd.span,
        open: false,
    };
    let mut i = 0;
    while i < words.len() {
        let (w, span) = &words[i];
        let setting = if engine == "postgres" {
            if w == "-c" && i + 1 < words.len() {
                i += 1;
                Some((words[i].0.clone(), words[i].1))
            } else {
                w.strip_prefix("-c")
                    .filter(|r| r.contains('='))
                    .map(|r| (r.to_string(), *span))
            }
        } else {
            w.strip_prefix("--")
                .filter(|r| r.contains('='))
                .map(|r| (r.to_string(), *span))
        };
        if let Some((kv, span)) = setting
            && let Some((k, v)) = kv.split_once('=')
        {
            let v = v.trim_matches(['\'', '"']);
            let value = if let Ok(n) = v.parse::<f64>() {
                Value::Number(n)
            } else if crate::parse::yaml::interpolated(v) {
                Value::Unknown(Some(Arc::from(v)))
            } else {
                Value::String(Arc::from(v))
            };
            map.entries.push(Entry {
                key: Arc::from(setting_name(k.trim())),
                span,
                node: Node::new(value, span),
            });
        }
        i += 1;
    }
    (!map.entries.is_empty()).then(|| Node::new(Value::Map(map), cmd.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_ok(text: &str, path: &str) -> YamlFile {
        load(text, path).expect("worth parsing")
    }

    #[test]
    fn classifies_documents() {
        let f = load_ok(
            "services:\n  db:\n    image: postgres:16\n---\napiVersion: v1\nkind: Secret\n---\nname: x\n",
            "docker-compose.yml",
        );
        let kinds: Vec<&DocKind> = f.docs.iter().map(|d| &d.kind).collect();
        assert_eq!(kinds[0], &DocKind::Compose);
        assert!(kinds[1].is_kubernetes("Secret"));
        assert_eq!(kinds[2], &DocKind::Other);
        let wf = load_ok(
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            ".github/workflows/ci.yml",
        );
        assert_eq!(wf.docs[0].kind, DocKind::Workflow);
        let db = load_ok(
            "database:\n  parameters:\n    max_connections: 500\n",
            "infrastructure/database/config/postgres-config.yaml",
        );
        assert_eq!(db.docs[0].kind, DocKind::DatabaseConfig);
        let spring = load_ok(
            "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n    username: app\n    password: x\n",
            "src/main/resources/application.yml",
        );
        assert_eq!(spring.docs[0].kind, DocKind::DatabaseConfig);
        assert!(load("title: My site\ntheme: dark\n", "mkdocs.yml").is_none());
        let argo = load_ok(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: db\nspec:\n  source:\n    chart: postgresql\n",
            "argocd/db.yaml",
        );
        assert!(argo.docs[0].kind.is_kubernetes("Application"));
        // A workflow outside `.github/workflows` is just YAML.
        let not_wf = load_ok(
            "on: push\njobs:\n  db:\n    runs-on: x\n",
            "docs/example.yml",
        );
        assert_eq!(not_wf.docs[0].kind, DocKind::Other);
    }

    #[test]
    fn compose_short_forms_become_long_forms() {
        let text = "services:\n  db:\n    image: postgres\n    environment:\n      - POSTGRES_PASSWORD=pw\n      - PGDATA\n    ports:\n      - \"127.0.0.1:5432:5432\"\n      - 5433\n      - \"[::1]:6432:5432/tcp\"\n";
        let f = load_ok(text, "compose.yaml");
        let o = &f.objects()[0];
        assert_eq!(o.types, vec!["postgres"]);
        let svc = f.node_of(o);
        let env = &svc.get("environment").unwrap().node;
        let pw = &env.get("POSTGRES_PASSWORD").unwrap().node;
        assert_eq!(pw.as_str(), Some("pw"));
        assert_eq!(pw.span.text(text), "pw");
        assert!(env.get("PGDATA").unwrap().node.is_unknown());
        let ports = svc.get("ports").unwrap().node.as_list().unwrap();
        assert_eq!(
            ports[0].get("host_ip").unwrap().node.as_str(),
            Some("127.0.0.1")
        );
        assert_eq!(
            ports[0].get("target").unwrap().node.as_number(),
            Some(5432.0)
        );
        assert!(ports[1].get("host_ip").is_none());
        assert_eq!(
            ports[1].get("target").unwrap().node.as_number(),
            Some(5433.0)
        );
        assert_eq!(ports[2].get("host_ip").unwrap().node.as_str(), Some("::1"));
        assert_eq!(ports[2].get("protocol").unwrap().node.as_str(), Some("tcp"));
    }

    #[test]
    fn kubernetes_objects_and_containers() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n        - name: pg\n          image: bitnami/postgresql:16\n";
        let f = load_ok(text, "k8s/db.yaml");
        let names: Vec<&str> = f.objects().iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["`StatefulSet/db`", "container `pg` of `StatefulSet/db`"]
        );
        assert_eq!(f.objects()[1].types, vec!["postgres"]);
        assert_eq!(str_of(f.node_of(&f.objects()[1]), "name"), Some("pg"));
    }

    #[test]
    fn settings_objects_merge_parameters() {
        let text = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg\nspec:\n  postgresql:\n    parameters:\n      password_encryption: md5\n    pg_hba:\n      - host all all 0.0.0.0/0 trust\n";
        let f = load_ok(text, "cluster.yaml");
        let o = f
            .objects()
            .iter()
            .find(|o| o.kind == ObjectKind::DatabaseConfig)
            .unwrap();
        assert_eq!(o.name, "`spec.postgresql` of `Cluster/pg`");
        let n = f.node_of(o);
        assert_eq!(str_of(n, "password_encryption"), Some("md5"));
        assert!(n.get("pg_hba").is_some());
        let compose = "services:\n  db:\n    image: postgres:16\n    command: postgres -c max_connections=500 -c 'log_statement=none'\n";
        let f = load_ok(compose, "compose.yaml");
        let o = &f.objects()[1];
        let n = f.node_of(o);
        assert_eq!(
            n.get("max_connections").unwrap().node.as_number(),
            Some(500.0)
        );
        assert_eq!(
            n.get("max_connections").unwrap().span.text(compose),
            "max_connections=500"
        );
        assert_eq!(str_of(n, "log_statement"), Some("none"));
    }

    #[test]
    fn templates_are_skipped() {
        let f = load_ok(
            "kind: Secret\ndata:\n  x: {{ .Values.x }}\n",
            "chart/templates/s.yaml",
        );
        assert!(f.template.is_some());
        assert!(f.docs.is_empty());
    }
}
