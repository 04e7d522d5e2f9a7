//! The Terraform model rules read: a module (the `.tf` files of one directory, parsed once), its
//! variables, locals and auto-loaded `.tfvars`, and each resource as a document tree with every
//! value resolved as far as it can be known statically.
//!
//! Resolution: a literal is known; `var.x` is its value from `terraform.tfvars` / `*.auto.tfvars`
//! or else its literal default; `local.x` is folded when its expression is; conditionals,
//! comparisons and a few conversions fold when their operands are known. Everything else
//! (references to other resources, module outputs, most function calls, variables without a
//! default) is unknown, and an unknown value never produces a finding by itself.

mod calls;
pub use calls::canonical_dir;
pub mod hcl;
pub mod modules;
pub mod plan;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::declarative::tree::{Entry, Map, Node, Value};
use crate::parse::hcl::ParsedHcl;
use crate::source::{SourceFile, Span};
use hcl::{BinaryOp, Block, Body, Expr, ExprKind, TemplatePart, TraversalOp, UnaryOp};

/// How deep references may chain (local -> local -> var) before giving up.
const MAX_DEPTH: u32 = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TfFileKind {
    /// `.tf`
    Config,
    /// `.tfvars`: variable values.
    Vars,
}

impl TfFileKind {
    /// The kind of a Terraform or OpenTofu file by its name (`.tf`, `.tofu`, their `.json`
    /// forms, `.tfvars`), or `None` for any other file.
    pub fn of(path: &Path) -> Option<TfFileKind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".tf")
            || name.ends_with(".tofu")
            || name.ends_with(".tf.json")
            || name.ends_with(".tofu.json")
        {
            Some(TfFileKind::Config)
        } else if name.ends_with(".tfvars") {
            Some(TfFileKind::Vars)
        } else {
            None
        }
    }
}

/// One file of a module.
#[derive(Debug)]
pub struct TfFile {
    pub source: Arc<SourceFile>,
    pub kind: TfFileKind,
    pub parsed: ParsedHcl,
    /// Whether Terraform loads its values automatically (`terraform.tfvars`, `*.auto.tfvars`).
    pub auto_vars: bool,
    objects: OnceLock<Vec<TfObject>>,
}

/// A `resource` or `data` block, resolved into a document tree.
#[derive(Debug)]
pub struct TfObject {
    pub data: bool,
    pub type_name: String,
    pub name: String,
    /// Index into the file's top-level blocks.
    pub block: usize,
    /// `resource "type" "name"`.
    pub header: Span,
    pub node: Node,
    /// The registry module whose call this object stands for (see [`modules`]): `name` is the
    /// call's, `block` the `module` block, `node` the resource the module creates from it.
    pub module_call: Option<&'static str>,
    /// A resource of a called module whose code is on disk (`module.db`, `module.db.module.x`):
    /// `block` is the caller's `module` block and `header` where findings about what the module
    /// decides by itself point (see [`calls`]); spans of values the call passes in point at
    /// the call's arguments.
    pub in_module: Option<Arc<str>>,
}

impl TfObject {
    /// `aws_db_instance.main`, `data.aws_iam_policy_document.x`, `module.db`.
    pub fn address(&self) -> String {
        let own = if self.module_call.is_some() {
            format!("module.{}", self.name)
        } else if self.data {
            format!("data.{}.{}", self.type_name, self.name)
        } else {
            format!("{}.{}", self.type_name, self.name)
        };
        match &self.in_module {
            Some(m) => format!("{m}.{own}"),
            None => own,
        }
    }

    /// Whether the object stands for what a module call creates (a registry module read
    /// through its table, or a resource of a module on disk).
    pub fn from_module_call(&self) -> bool {
        self.module_call.is_some() || self.in_module.is_some()
    }
}

/// The `.tf` files of one directory.
#[derive(Debug)]
pub struct TfModule {
    pub files: Vec<TfFile>,
    /// name -> (file, top-level block index)
    variables: HashMap<String, (usize, usize)>,
    /// name -> (file, locals block index, attribute index)
    locals: HashMap<String, (usize, usize, usize)>,
    /// name -> (file, attribute index) from auto-loaded tfvars
    tfvars: HashMap<String, (usize, usize)>,
    /// `resource.type.name` -> (file, block index)
    resources: HashMap<(String, String), (usize, usize)>,
    credentials: OnceLock<CredentialRefs>,
    /// Where this module sits in a chain of module calls (see [`calls`]).
    call: calls::CallSite,
}

/// Attributes that hold a database credential, on any resource or module call.
pub const CREDENTIAL_ATTRIBUTES: &[&str] = &[
    "password",
    "master_password",
    "master_user_password",
    "administrator_login_password",
    "administrator_password",
    "admin_password",
    "sql_administrator_login_password",
    "root_password",
    "auth_token",
    "db_password",
    "database_password",
];

/// Whether an attribute holds a credential: a known credential attribute, or, on a module call
/// or in a `.tfvars` file, any name ending in `password`; the write-only form of either
/// (`password_wo`, `master_password_wo`: Terraform 1.11+) is the same credential.
pub fn is_credential_name(name: &str, loose: bool) -> bool {
    let name = name.strip_suffix("_wo").unwrap_or(name);
    const FLAGS: &[&str] = &[
        "manage_",
        "create_",
        "generate_",
        "random_",
        "use_",
        "enable_",
        "rotate_",
        "is_",
    ];
    CREDENTIAL_ATTRIBUTES.contains(&name)
        || (loose
            && (name.ends_with("password") || name.ends_with("passwd"))
            && !FLAGS.iter().any(|f| name.starts_with(f)))
}

/// Whether a resource type is a database, a data store or a database user: the resources whose
/// credentials the sensitive-data rules look at (a VM's admin password is not ours).
pub fn is_database_resource(type_name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "aws_db_",
        "aws_rds_",
        "aws_docdb_",
        "aws_neptune_",
        "aws_redshift",
        "aws_elasticache_",
        "aws_memorydb_",
        "aws_dms_",
        "aws_opensearch_",
        "aws_elasticsearch_",
        "aws_keyspaces_",
        "aws_timestream",
        "aws_dynamodb_",
        "google_sql_",
        "google_alloydb_",
        "google_spanner_",
        "google_bigtable_",
        "google_redis_",
        "google_bigquery_",
        "azurerm_mssql_",
        "azurerm_sql_",
        "azurerm_postgresql_",
        "azurerm_mysql_",
        "azurerm_mariadb_",
        "azurerm_cosmosdb_",
        "azurerm_redis_",
        "azurerm_synapse_",
        "mongodbatlas_",
        "postgresql_",
        "mysql_",
        "mssql_",
        "snowflake_",
    ];
    PREFIXES.iter().any(|p| type_name.starts_with(p))
}

/// Whether a provider configures a database connection (`provider "postgresql"`).
pub fn is_database_provider(name: &str) -> bool {
    matches!(
        name,
        "postgresql" | "mysql" | "mssql" | "mongodbatlas" | "snowflake" | "clickhouse"
    )
}

/// Where a credential attribute is set from a variable or a local.
#[derive(Clone, Debug)]
pub struct CredentialUse {
    /// `aws_db_instance.main.password`, `module.db.password`.
    pub target: String,
    pub file: usize,
    pub span: Span,
}

/// Which variables and locals feed credential attributes in a module.
#[derive(Debug, Default)]
pub struct CredentialRefs {
    pub vars: HashMap<String, Vec<CredentialUse>>,
    pub locals: HashMap<String, Vec<CredentialUse>>,
}

/// Whether a Terraform version constraint (`">= 0.12, < 0.14"`, `"~> 0.11.2"`) admits some
/// version at or after `min`. Only upper bounds can exclude it; an unreadable clause excludes
/// nothing.
pub fn version_admits(constraint: &str, min: [u64; 3]) -> bool {
    let parse = |v: &str| -> Option<Vec<u64>> {
        let v = v.trim().trim_start_matches('v');
        let core = v.split(['-', '+']).next()?;
        core.split('.')
            .map(|p| p.parse::<u64>().ok())
            .collect::<Option<Vec<u64>>>()
            .filter(|p| !p.is_empty() && p.len() <= 3)
    };
    let full = |p: &[u64]| [p[0], *p.get(1).unwrap_or(&0), *p.get(2).unwrap_or(&0)];
    constraint.split(',').all(|clause| {
        let c = clause.trim();
        let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| c.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", c));
        let Some(v) = parse(rest) else { return true };
        let at = full(&v);
        match op {
            "=" => at >= min,
            "<" => min < at,
            "<=" => min <= at,
            // `~> 0.12.0` allows 0.12.x; `~> 0.12` allows everything before 1.0.
            "~>" => {
                let mut upper = v.clone();
                if upper.len() > 1 {
                    upper.pop();
                }
                let last = upper.len() - 1;
                upper[last] += 1;
                min < full(&upper)
            }
            _ => true,
        }
    })
}

/// What the linter is handed for one file: the file and its module.
#[derive(Clone, Copy)]
pub struct TfUnit<'m> {
    pub module: &'m TfModule,
    pub index: usize,
}

impl<'m> TfUnit<'m> {
    pub fn file(&self) -> &'m TfFile {
        &self.module.files[self.index]
    }

    pub fn body(&self) -> &'m Body {
        &self.file().parsed.body
    }

    /// The file's resources and data sources, resolved (computed once per file).
    pub fn objects(&self) -> &'m [TfObject] {
        self.module.objects(self.index)
    }

    /// Evaluates an expression written in this file.
    pub fn eval(&self, e: &Expr) -> Node {
        Evaluator::new(self.module).eval(e)
    }

    /// The anchors of the file's calls of local modules (see [`calls`]): findings there are
    /// what the called module decides by itself, reported where the module is linted.
    pub fn call_anchors(&self) -> Vec<Span> {
        let mut out: Vec<Span> = self
            .objects()
            .iter()
            .filter(|o| o.in_module.is_some() && o.header.start == o.header.end)
            .map(|o| o.header)
            .collect();
        out.dedup();
        out
    }

    /// The file's top-level blocks of one kind (`resource`, `variable`, `output`...).
    pub fn blocks(&self, ident: &'m str) -> impl Iterator<Item = &'m Block> + 'm {
        self.body().blocks_named(ident)
    }
}

/// A variable declaration.
#[derive(Clone, Copy, Debug)]
pub struct Variable<'m> {
    pub file: usize,
    pub block: &'m Block,
}

impl<'m> Variable<'m> {
    pub fn name(&self) -> &'m str {
        self.block.label(0).unwrap_or("")
    }

    pub fn sensitive(&self) -> Option<&'m hcl::Attribute> {
        self.block.body.attribute("sensitive")
    }

    pub fn default(&self) -> Option<&'m hcl::Attribute> {
        self.block.body.attribute("default")
    }
}

impl TfModule {
    /// Builds a module from its files (parsing each once). Files are `(source, kind)`.
    pub fn new(files: Vec<(Arc<SourceFile>, TfFileKind)>) -> TfModule {
        let files: Vec<TfFile> = files
            .into_iter()
            .map(|(source, kind)| {
                let name = source.file_name().to_ascii_lowercase();
                let parsed = if name.ends_with(".json") {
                    crate::parse::hcl_json::parse(&source.text)
                } else {
                    crate::parse::hcl::parse(&source.text)
                };
                let auto_vars = kind == TfFileKind::Vars
                    && (name == "terraform.tfvars" || name.ends_with(".auto.tfvars"));
                TfFile {
                    source,
                    kind,
                    parsed,
                    auto_vars,
                    objects: OnceLock::new(),
                }
            })
            .collect();
        let mut variables = HashMap::new();
        let mut locals = HashMap::new();
        let mut tfvars = HashMap::new();
        let mut resources = HashMap::new();
        // terraform.tfvars, then *.auto.tfvars in name order: later values win.
        let mut auto: Vec<usize> = (0..files.len()).filter(|&i| files[i].auto_vars).collect();
        auto.sort_by_key(|&i| {
            let name = files[i].source.file_name().to_ascii_lowercase();
            (name != "terraform.tfvars", name)
        });
        for fi in auto {
            for (ai, a) in files[fi].parsed.body.attributes.iter().enumerate() {
                tfvars.insert(a.key.clone(), (fi, ai));
            }
        }
        for (fi, f) in files.iter().enumerate() {
            if f.kind == TfFileKind::Vars {
                continue;
            }
            for (bi, b) in f.parsed.body.blocks.iter().enumerate() {
                match b.ident.as_str() {
                    "variable" => {
                        if let Some(name) = b.label(0) {
                            variables.entry(name.to_string()).or_insert((fi, bi));
                        }
                    }
                    "locals" => {
                        for (ai, a) in b.body.attributes.iter().enumerate() {
                            locals.entry(a.key.clone()).or_insert((fi, bi, ai));
                        }
                    }
                    "resource" => {
                        if let (Some(t), Some(n)) = (b.label(0), b.label(1)) {
                            resources
                                .entry((t.to_string(), n.to_string()))
                                .or_insert((fi, bi));
                        }
                    }
                    _ => {}
                }
            }
        }
        TfModule {
            files,
            variables,
            locals,
            tfvars,
            resources,
            credentials: OnceLock::new(),
            call: calls::CallSite::default(),
        }
    }

    /// The module folders (canonical paths) the run reports on. A called local module among
    /// them reports what it decides by itself; one outside them (`check envs/prod` calling
    /// `../../modules/db`) has it reported at the call. Without this, every called module
    /// counts as outside.
    pub fn set_linted_folders(
        &mut self,
        folders: Arc<std::collections::HashSet<std::path::PathBuf>>,
    ) {
        self.call.set_linted(folders);
    }

    /// Whether the module's `terraform { required_version = "…" }` constraints admit some
    /// Terraform release at or after `min` (`[0, 14, 0]`): a module pinned to `~> 0.12.0` cannot
    /// use what 0.14 added. `true` when no file constrains it or a constraint is not a literal.
    pub fn admits_terraform(&self, min: [u64; 3]) -> bool {
        self.files
            .iter()
            .filter(|f| f.kind != TfFileKind::Vars)
            .flat_map(|f| f.parsed.body.blocks_named("terraform"))
            .filter_map(|b| b.body.attribute("required_version"))
            .all(|a| match &a.value.kind {
                hcl::ExprKind::String(c) => version_admits(c, min),
                _ => true,
            })
    }

    /// The variables and locals that feed credential attributes (computed once per module).
    pub fn credential_refs(&self) -> &CredentialRefs {
        self.credentials.get_or_init(|| {
            let mut refs = CredentialRefs::default();
            fn walk(body: &Body, owner: &str, loose: bool, file: usize, refs: &mut CredentialRefs) {
                for a in &body.attributes {
                    if !is_credential_name(&a.key, loose) {
                        continue;
                    }
                    for (r, span) in a.value.value_references() {
                        let use_ = CredentialUse {
                            target: format!("{owner}.{}", a.key),
                            file,
                            span,
                        };
                        // The whole variable or local: `var.x.password` makes a field of `x`
                        // a credential, not `x`.
                        match r.as_slice() {
                            [root, name] if root == "var" => {
                                refs.vars.entry(name.clone()).or_default().push(use_)
                            }
                            [root, name] if root == "local" => {
                                refs.locals.entry(name.clone()).or_default().push(use_)
                            }
                            _ => {}
                        }
                    }
                }
                for b in &body.blocks {
                    let inner = if b.ident == "dynamic" {
                        match b.body.blocks_named("content").next() {
                            Some(c) => &c.body,
                            None => continue,
                        }
                    } else {
                        &b.body
                    };
                    walk(inner, owner, loose, file, refs);
                }
            }
            for (fi, f) in self.files.iter().enumerate() {
                if f.kind != TfFileKind::Config {
                    continue;
                }
                for b in &f.parsed.body.blocks {
                    let (owner, loose) = match (b.ident.as_str(), b.label(0), b.label(1)) {
                        ("resource", Some(t), Some(n)) if is_database_resource(t) => {
                            (format!("{t}.{n}"), false)
                        }
                        ("module", Some(n), _) => (format!("module.{n}"), true),
                        ("provider", Some(n), _) if is_database_provider(n) => {
                            (format!("provider.{n}"), false)
                        }
                        _ => continue,
                    };
                    walk(&b.body, &owner, loose, fi, &mut refs);
                }
            }
            // A local that feeds a credential makes the variables it reads credentials too.
            let locals: Vec<(String, Vec<CredentialUse>)> = refs
                .locals
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (name, uses) in locals {
                let Some((fi, bi, ai)) = self.locals.get(&name) else {
                    continue;
                };
                let a = &self.files[*fi].parsed.body.blocks[*bi].body.attributes[*ai];
                for (r, _) in a.value.value_references() {
                    if let [root, v] = r.as_slice()
                        && root == "var"
                    {
                        refs.vars
                            .entry(v.clone())
                            .or_default()
                            .extend(uses.iter().cloned());
                    }
                }
            }
            refs
        })
    }

    /// A local's definition: (file, attribute).
    pub fn local(&self, name: &str) -> Option<(usize, &hcl::Attribute)> {
        let (fi, bi, ai) = *self.locals.get(name)?;
        Some((
            fi,
            &self.files[fi].parsed.body.blocks[bi].body.attributes[ai],
        ))
    }

    pub fn unit(&self, index: usize) -> TfUnit<'_> {
        TfUnit {
            module: self,
            index,
        }
    }

    pub fn variable(&self, name: &str) -> Option<Variable<'_>> {
        let (fi, bi) = *self.variables.get(name)?;
        Some(Variable {
            file: fi,
            block: &self.files[fi].parsed.body.blocks[bi],
        })
    }

    pub fn variables(&self) -> impl Iterator<Item = Variable<'_>> {
        self.files.iter().enumerate().flat_map(|(fi, f)| {
            f.parsed
                .body
                .blocks
                .iter()
                .filter(|b| b.ident == "variable")
                .map(move |b| Variable { file: fi, block: b })
        })
    }

    /// A managed resource of the module by type and name.
    pub fn resource(&self, type_name: &str, name: &str) -> Option<(usize, &Block)> {
        let (fi, bi) = *self
            .resources
            .get(&(type_name.to_string(), name.to_string()))?;
        Some((fi, &self.files[fi].parsed.body.blocks[bi]))
    }

    /// Every managed resource of the module: (file, block).
    pub fn all_resources(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.files.iter().enumerate().flat_map(|(fi, f)| {
            f.parsed
                .body
                .blocks
                .iter()
                .filter(|b| b.ident == "resource" && f.kind == TfFileKind::Config)
                .map(move |b| (fi, b))
        })
    }

    /// The resolved resource of another file (for cross-resource rules).
    pub fn object_of(&self, file: usize, block: &Block) -> Option<&TfObject> {
        self.objects(file)
            .iter()
            .find(|o| std::ptr::eq(&self.files[file].parsed.body.blocks[o.block], block))
    }

    /// Where a file position is, for messages: `variables.tf:12`.
    pub fn location(&self, file: usize, offset: usize) -> String {
        let f = &self.files[file];
        format!(
            "{}:{}",
            f.source.file_name(),
            f.source.line_col(offset).line
        )
    }

    fn objects(&self, index: usize) -> &[TfObject] {
        self.files[index]
            .objects
            .get_or_init(|| self.resolve_objects(&Evaluator::new(self), index))
    }

    /// A file's resources, data sources and module calls, resolved by `ev` (which may bind the
    /// module's variables to a caller's arguments).
    fn resolve_objects(&self, ev: &Evaluator, index: usize) -> Vec<TfObject> {
        let f = &self.files[index];
        if f.kind != TfFileKind::Config {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (bi, b) in f.parsed.body.blocks.iter().enumerate() {
            let data = match b.ident.as_str() {
                "resource" => false,
                "data" => true,
                "module" => {
                    module_objects(ev, index, b, bi, &mut out);
                    continue;
                }
                _ => continue,
            };
            let (Some(t), Some(n)) = (b.label(0), b.label(1)) else {
                continue;
            };
            if ev.never_created(&b.body) {
                continue;
            }
            out.push(TfObject {
                data,
                type_name: t.to_string(),
                name: n.to_string(),
                block: bi,
                header: b.header_span(),
                node: ev.block(b, &[]),
                module_call: None,
                in_module: None,
            });
        }
        out
    }
}

/// The resources a module call creates: those of the called module when its code is on disk
/// (see [`calls`]), else those of a known registry module, each read from the call's arguments
/// and the module's defaults.
fn module_objects(ev: &Evaluator, file: usize, b: &Block, bi: usize, out: &mut Vec<TfObject>) {
    let Some(name) = b.label(0) else { return };
    let Some(source) = b
        .body
        .attribute("source")
        .and_then(|a| ev.eval(&a.value).as_str().map(str::to_string))
    else {
        return;
    };
    if ev.never_created(&b.body) {
        return;
    }
    if let Some(at) = calls::locate(ev.module, file, name, &source, b.header_span()) {
        calls::call_objects(ev, b, bi, name, at, out);
        return;
    }
    let Some(known) = modules::known(&source) else {
        return;
    };
    let header = b.header_span();
    let call = ev.block(b, &[]);
    for c in &known.creates {
        // `create_db_instance = false`, literally or from tfvars: the call creates nothing.
        if let Some(gate) = c.gate.as_deref().and_then(|g| b.body.attribute(g))
            && ev.deciding(&gate.value).as_bool() == Some(false)
        {
            continue;
        }
        out.push(TfObject {
            data: false,
            type_name: c.type_name.to_string(),
            name: name.to_string(),
            block: bi,
            header,
            node: modules::resource_node(c, &known.source, &call, header),
            module_call: Some(known.source.as_str()),
            in_module: None,
        });
    }
}

/// Folds expressions into document-tree values.
pub struct Evaluator<'m> {
    module: &'m TfModule,
    depth: std::cell::Cell<u32>,
    /// Set while a resource's `count`/`for_each` is read: a variable's default does not decide
    /// whether the resource exists (the caller of the module, or `-var`, does).
    gating: std::cell::Cell<bool>,
    /// The arguments of the call this module is evaluated for, bound to its variables: a
    /// variable the call sets takes the call's value, one it leaves out its default, and
    /// tfvars files are not read (Terraform reads them for the root module only).
    inputs: Option<&'m calls::CallInputs>,
}

impl<'m> Evaluator<'m> {
    pub fn new(module: &'m TfModule) -> Self {
        Evaluator {
            module,
            depth: std::cell::Cell::new(0),
            gating: std::cell::Cell::new(false),
            inputs: None,
        }
    }

    /// Whether a value came from the caller's arguments (its span is in the caller's file).
    fn bound(&self, n: &Node) -> bool {
        self.inputs.is_some_and(|i| i.is_bound(n))
    }

    /// A value computed from `from` takes its place and provenance when `from` came from the
    /// caller: `publicly_accessible = var.env == "dev"` is decided by the call's `env`.
    fn derived(&self, mut out: Node, from: &[&Node]) -> Node {
        if let Some(inputs) = self.inputs
            && !inputs.is_bound(&out)
            && let Some(b) = from.iter().find(|n| inputs.is_bound(n))
        {
            out.relocate(b.span, &inputs.derive(b));
        }
        out
    }

    /// Whether `count` or `for_each` says the block creates nothing: literally, from a tfvars
    /// value or from locals that fold. `count = var.enabled ? 1 : 0` with `default = false` is how
    /// a module leaves the choice to its caller: the resource may exist, and is checked.
    fn never_created(&self, body: &Body) -> bool {
        self.with_gating(|| self.never_created_inner(body))
    }

    /// An expression's value where it decides whether something exists: a variable's default
    /// does not decide (see [`Evaluator::never_created`]).
    fn deciding(&self, e: &Expr) -> Node {
        self.with_gating(|| self.eval(e))
    }

    fn with_gating<T>(&self, f: impl FnOnce() -> T) -> T {
        self.gating.set(true);
        let out = f();
        self.gating.set(false);
        out
    }

    fn never_created_inner(&self, body: &Body) -> bool {
        if let Some(c) = body.attribute("count") {
            let n = self.eval(&c.value);
            if n.as_number() == Some(0.0) || n.as_bool() == Some(false) {
                return true;
            }
        }
        if let Some(f) = body.attribute("for_each") {
            let n = self.eval(&f.value);
            match &n.value {
                Value::List(l) if l.is_empty() => return true,
                Value::Map(m) if m.entries.is_empty() && !m.open => return true,
                _ => {}
            }
        }
        false
    }

    /// A block's body as a map: attributes, nested blocks (as lists), dynamic blocks.
    /// `iterators` are the names bound by enclosing dynamic blocks (their values are unknown).
    pub fn block(&self, b: &Block, iterators: &[&str]) -> Node {
        let mut map = Map {
            entries: Vec::with_capacity(b.body.attributes.len() + b.body.blocks.len()),
            anchor: b.header_span(),
            open: false,
        };
        for a in &b.body.attributes {
            let node = self.eval_in(&a.value, iterators);
            map.entries.push(Entry {
                key: Arc::from(a.key.as_str()),
                span: a.span,
                node,
            });
        }
        for nb in &b.body.blocks {
            if nb.ident == "dynamic" {
                let Some(name) = nb.label(0) else { continue };
                if self.never_created_dynamic(&nb.body) {
                    continue;
                }
                let iter_name = nb
                    .body
                    .attribute("iterator")
                    .and_then(|a| a.value.reference())
                    .and_then(|r| r.into_iter().next())
                    .unwrap_or_else(|| name.to_string());
                let mut inner: Vec<&str> = iterators.to_vec();
                inner.push(&iter_name);
                match nb.body.blocks_named("content").next() {
                    Some(content) => {
                        let mut node = self.block(content, &inner);
                        if let Value::Map(m) = &mut node.value {
                            m.anchor = nb.header_span();
                        }
                        node.span = nb.span;
                        map.push_block(name, nb.ident_span, node);
                    }
                    None => map.push_block(name, nb.ident_span, Node::unknown(nb.span, None)),
                }
                continue;
            }
            let node = self.block(nb, iterators);
            map.push_block(&nb.ident, nb.ident_span, node);
        }
        Node::new(Value::Map(map), b.span)
    }

    fn never_created_dynamic(&self, body: &Body) -> bool {
        match body.attribute("for_each") {
            Some(f) => {
                let n = self.eval(&f.value);
                match &n.value {
                    Value::List(l) => l.is_empty(),
                    Value::Map(m) => m.entries.is_empty() && !m.open,
                    Value::Null => true,
                    _ => false,
                }
            }
            None => false,
        }
    }

    pub fn eval(&self, e: &Expr) -> Node {
        self.eval_in(e, &[])
    }

    fn eval_in(&self, e: &Expr, iterators: &[&str]) -> Node {
        let span = e.span;
        let v = match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(Arc::from(s.as_str())),
            ExprKind::Template(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        TemplatePart::Literal(l) => s.push_str(l),
                        TemplatePart::Interpolation(x) => {
                            match self.eval_in(x, iterators).scalar_text() {
                                Some(t) => s.push_str(&t),
                                None => return Node::unknown(span, None),
                            }
                        }
                        TemplatePart::Directive => return Node::unknown(span, None),
                    }
                }
                Value::String(Arc::from(s))
            }
            ExprKind::List(items) => {
                Value::List(items.iter().map(|x| self.eval_in(x, iterators)).collect())
            }
            ExprKind::Object(items) => {
                let mut m = Map {
                    entries: Vec::with_capacity(items.len()),
                    anchor: span,
                    open: false,
                };
                for (k, v) in items {
                    let key = match k.name() {
                        Some(n) => n.to_string(),
                        None => match self.eval_in(
                            match k {
                                hcl::ObjectKey::Expr(x) => x,
                                hcl::ObjectKey::Ident(..) => unreachable!("idents have names"),
                            },
                            iterators,
                        ) {
                            n if n.as_str().is_some() => n.as_str().unwrap_or("").to_string(),
                            _ => {
                                m.open = true;
                                continue;
                            }
                        },
                    };
                    m.entries.push(Entry {
                        key: Arc::from(key),
                        span: k.span().cover(v.span),
                        node: self.eval_in(v, iterators),
                    });
                }
                Value::Map(m)
            }
            ExprKind::Paren(x) => return self.eval_in(x, iterators),
            ExprKind::Ident(name) => Value::Unknown(Some(Arc::from(name.as_str()))),
            ExprKind::Traversal { root, ops } => return self.traversal(e, root, ops, iterators),
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let c = self.eval_in(cond, iterators);
                match c.as_bool() {
                    Some(true) => return self.derived(self.eval_in(then, iterators), &[&c]),
                    Some(false) => {
                        return self.derived(self.eval_in(otherwise, iterators), &[&c]);
                    }
                    None => {
                        // Both branches the same known scalar: the value does not depend on it.
                        let a = self.eval_in(then, iterators);
                        let b = self.eval_in(otherwise, iterators);
                        match (a.scalar_text(), b.scalar_text()) {
                            (Some(x), Some(y)) if x == y && a.value == b.value => a.value,
                            _ => Value::Unknown(None),
                        }
                    }
                }
            }
            ExprKind::Unary { op, expr } => {
                let x = self.eval_in(expr, iterators);
                let v = match (op, &x.value) {
                    (UnaryOp::Not, _) if x.as_bool().is_some() => {
                        Value::Bool(!x.as_bool().unwrap_or(false))
                    }
                    (UnaryOp::Neg, Value::Number(n)) => Value::Number(-n),
                    _ => Value::Unknown(None),
                };
                return self.derived(Node::new(v, span), &[&x]);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.eval_in(lhs, iterators);
                // Short-circuit on a known operand where the result does not need the other.
                match (op, a.as_bool()) {
                    (BinaryOp::And, Some(false)) | (BinaryOp::Or, Some(true)) => {
                        let v = Value::Bool(*op == BinaryOp::Or);
                        return self.derived(Node::new(v, span), &[&a]);
                    }
                    _ => {}
                }
                let b = self.eval_in(rhs, iterators);
                let v = binary(*op, &a, &b);
                return self.derived(Node::new(v, span), &[&a, &b]);
            }
            ExprKind::Call { name, args } => return self.call(e, name, args, iterators),
            ExprKind::For => Value::Unknown(None),
        };
        Node::new(v, span)
    }

    fn call(&self, e: &Expr, name: &str, args: &[Expr], iterators: &[&str]) -> Node {
        let span = e.span;
        match (name, args) {
            ("tobool" | "tostring" | "tonumber" | "tolist" | "toset" | "tomap", [x]) => {
                let mut n = self.eval_in(x, iterators);
                n.span = span;
                match (name, &n.value) {
                    ("tobool", _) => match n.as_bool() {
                        Some(b) => Node::new(Value::Bool(b), span),
                        None => Node::unknown(span, None),
                    },
                    ("tonumber", _) => match n.as_number() {
                        Some(v) => Node::new(Value::Number(v), span),
                        None => Node::unknown(span, None),
                    },
                    _ => n,
                }
            }
            // `try(x, fallback)` and `coalesce(a, b, ...)`: the first usable known value.
            ("try" | "coalesce", _) if !args.is_empty() => {
                for a in args {
                    let n = self.eval_in(a, iterators);
                    if n.has_unknown() {
                        return Node::unknown(span, None);
                    }
                    let empty = matches!(&n.value, Value::String(s) if s.is_empty());
                    if n.is_null() || (name == "coalesce" && empty) {
                        continue;
                    }
                    return n;
                }
                Node::unknown(span, None)
            }
            _ => Node::unknown(span, Some(Arc::from(format!("{name}(…)")))),
        }
    }

    fn traversal(&self, e: &Expr, root: &Expr, ops: &[TraversalOp], iterators: &[&str]) -> Node {
        let span = e.span;
        let hint = || {
            e.reference()
                .map(|r| Arc::from(r.join(".").replace(".[", "[")))
        };
        let ExprKind::Ident(root_name) = &root.kind else {
            return Node::unknown(span, hint());
        };
        if iterators.contains(&root_name.as_str()) {
            return Node::unknown(span, hint());
        }
        let (base, rest) = match (root_name.as_str(), ops.first()) {
            ("var", Some(TraversalOp::Attr(name))) => match self.variable_value(name) {
                Some(n) => (n, &ops[1..]),
                None => return Node::unknown(span, hint()),
            },
            ("local", Some(TraversalOp::Attr(name))) => match self.local_value(name) {
                Some(n) => (n, &ops[1..]),
                None => return Node::unknown(span, hint()),
            },
            _ => return Node::unknown(span, hint()),
        };
        let mut cur = base;
        for op in rest {
            let next = match (op, &cur.value) {
                (TraversalOp::Attr(k), Value::Map(m)) => match m.get(k) {
                    Some(en) => Some(en.node.clone()),
                    None if m.open => None,
                    // Terraform refuses an unknown attribute of an object; of a map it fails too.
                    None => None,
                },
                (TraversalOp::Index(ix), Value::List(l)) => self
                    .eval_in(ix, iterators)
                    .as_number()
                    .and_then(|i| l.get(i as usize).cloned()),
                (TraversalOp::Index(ix), Value::Map(m)) => self
                    .eval_in(ix, iterators)
                    .as_str()
                    .and_then(|k| m.get(k).map(|en| en.node.clone())),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return Node::unknown(span, hint()),
            }
        }
        // A value the caller passed keeps pointing at the caller's argument.
        if !self.bound(&cur) {
            let origin = cur.origin.clone();
            cur.relocate(span, &origin);
        }
        cur
    }

    fn guard<T>(&self, f: impl FnOnce() -> Option<T>) -> Option<T> {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return None;
        }
        self.depth.set(d + 1);
        let out = f();
        self.depth.set(d);
        out
    }

    /// `var.name`: its auto-loaded tfvars value, else its literal default.
    pub fn variable_value(&self, name: &str) -> Option<Node> {
        let m = self.module;
        self.guard(|| {
            let var = m.variable(name)?;
            let open_objects = var.block.body.attribute("type").is_some_and(|t| {
                let mut optional = false;
                t.value.walk(&mut |x| {
                    if matches!(&x.kind, ExprKind::Call { name, .. } if name == "optional") {
                        optional = true;
                    }
                    true
                });
                optional
            });
            if let Some(inputs) = self.inputs
                && let Some(n) = inputs.value(name)
            {
                let mut node = n.clone();
                if open_objects {
                    open_maps(&mut node);
                }
                return Some(node);
            }
            let tfvars = if self.inputs.is_some() {
                None
            } else {
                m.tfvars.get(name)
            };
            let (mut node, origin) = if let Some((fi, ai)) = tfvars {
                let a = &m.files[*fi].parsed.body.attributes[*ai];
                (
                    self.eval(&a.value),
                    format!("from `var.{name}` set in {}", m.location(*fi, a.span.start)),
                )
            } else {
                // The caller of a module decides; a call that leaves it out takes the default.
                if self.gating.get() && self.inputs.is_none() {
                    return None;
                }
                let d = var.default()?;
                (
                    self.eval(&d.value),
                    format!(
                        "from the default of `var.{name}` ({})",
                        m.location(var.file, d.span.start)
                    ),
                )
            };
            if open_objects {
                open_maps(&mut node);
            }
            node.origin = Some(Arc::from(origin));
            Some(node)
        })
    }

    /// `local.name`, when its expression folds.
    pub fn local_value(&self, name: &str) -> Option<Node> {
        let m = self.module;
        self.guard(|| {
            let (fi, bi, ai) = *m.locals.get(name)?;
            let a = &m.files[fi].parsed.body.blocks[bi].body.attributes[ai];
            let mut node = self.eval(&a.value);
            if node.is_unknown() {
                return None;
            }
            if node.origin.is_none() {
                node.origin = Some(Arc::from(format!(
                    "from `local.{name}` ({})",
                    m.location(fi, a.span.start)
                )));
            }
            Some(node)
        })
    }
}

fn open_maps(n: &mut Node) {
    match &mut n.value {
        Value::Map(m) => {
            m.open = true;
            m.entries.iter_mut().for_each(|e| open_maps(&mut e.node));
        }
        Value::List(l) => l.iter_mut().for_each(open_maps),
        _ => {}
    }
}

fn binary(op: BinaryOp, a: &Node, b: &Node) -> Value {
    use BinaryOp::*;
    match op {
        And | Or => match (a.as_bool(), b.as_bool()) {
            (Some(x), Some(y)) => Value::Bool(if op == And { x && y } else { x || y }),
            _ => Value::Unknown(None),
        },
        Eq | NotEq => {
            if a.has_unknown() || b.has_unknown() {
                return Value::Unknown(None);
            }
            let same = match (&a.value, &b.value) {
                (Value::Null, Value::Null) => true,
                (Value::Null, _) | (_, Value::Null) => false,
                _ => match (a.scalar_text(), b.scalar_text()) {
                    (Some(x), Some(y)) => {
                        // Terraform compares values of different types as unequal.
                        std::mem::discriminant(&a.value) == std::mem::discriminant(&b.value)
                            && x == y
                    }
                    _ => return Value::Unknown(None),
                },
            };
            Value::Bool(if op == Eq { same } else { !same })
        }
        _ => match (a.as_number(), b.as_number()) {
            (Some(x), Some(y)) => match op {
                Less => Value::Bool(x < y),
                LessEq => Value::Bool(x <= y),
                Greater => Value::Bool(x > y),
                GreaterEq => Value::Bool(x >= y),
                Plus => Value::Number(x + y),
                Minus => Value::Number(x - y),
                Mul => Value::Number(x * y),
                Div if y != 0.0 => Value::Number(x / y),
                Mod if y != 0.0 => Value::Number(x % y),
                _ => Value::Unknown(None),
            },
            _ => Value::Unknown(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constraints_bound_what_a_module_can_use() {
        let v14 = [0, 14, 0];
        for pinned in [
            "~> 0.12.0",
            "~> 0.11.2",
            "= 0.11.14",
            "0.12.31",
            "< 0.14",
            ">= 0.11, <= 0.13.7",
            "~> 0.13.0, >= 0.13.2",
        ] {
            assert!(!version_admits(pinned, v14), "{pinned}");
        }
        for open in [
            ">= 0.11.2",
            "~> 0.12",
            ">= 1.0.0",
            "~> 1.0",
            ">= 1.9, < 2.0",
            "<= 0.14",
            "= 0.14.0",
            "",
            "latest",
        ] {
            assert!(version_admits(open, v14), "{open}");
        }
    }

    fn module(files: &[(&str, &str)]) -> TfModule {
        TfModule::new(
            files
                .iter()
                .map(|(name, text)| {
                    let kind = if name.ends_with(".tfvars") {
                        TfFileKind::Vars
                    } else {
                        TfFileKind::Config
                    };
                    (Arc::new(SourceFile::from_text(name, text)), kind)
                })
                .collect(),
        )
    }

    fn attr<'a>(o: &'a TfObject, k: &str) -> &'a Node {
        &o.node.get(k).unwrap().node
    }

    #[test]
    fn variables_locals_and_tfvars_resolve() {
        let m = module(&[
            (
                "main.tf",
                "resource \"aws_db_instance\" \"a\" {\n  publicly_accessible = var.public\n  port = local.port\n  engine = var.engine\n  name = \"db-${var.env}\"\n  storage_encrypted = var.enc ? true : false\n}\n",
            ),
            (
                "variables.tf",
                "variable \"public\" { default = true }\nvariable \"engine\" {}\nvariable \"env\" { default = \"dev\" }\nvariable \"enc\" { default = false }\nlocals { port = 5432 }\n",
            ),
            ("terraform.tfvars", "env = \"prod\"\n"),
        ]);
        let u = m.unit(0);
        let o = &u.objects()[0];
        assert_eq!(attr(o, "publicly_accessible").as_bool(), Some(true));
        let text = &u.file().source.text;
        assert_eq!(attr(o, "publicly_accessible").span.text(text), "var.public");
        assert!(
            attr(o, "publicly_accessible")
                .origin
                .as_deref()
                .unwrap()
                .contains("variables.tf:1")
        );
        assert_eq!(attr(o, "port").as_number(), Some(5432.0));
        assert!(attr(o, "engine").is_unknown());
        assert_eq!(attr(o, "name").as_str(), Some("db-prod"));
        assert_eq!(attr(o, "storage_encrypted").as_bool(), Some(false));
    }

    #[test]
    fn auto_tfvars_override_terraform_tfvars_and_plain_tfvars_are_not_loaded() {
        let m = module(&[
            ("a.auto.tfvars", "size = 3\n"),
            (
                "main.tf",
                "variable \"size\" { default = 1 }\nvariable \"env\" { default = \"dev\" }\nresource \"x\" \"y\" {\n  size = var.size\n  env = var.env\n}\n",
            ),
            ("prod.tfvars", "env = \"prod\"\n"),
            ("terraform.tfvars", "size = 2\n"),
        ]);
        let o = &m.unit(1).objects()[0];
        assert_eq!(attr(o, "size").as_number(), Some(3.0));
        assert_eq!(attr(o, "env").as_str(), Some("dev"));
    }

    #[test]
    fn nested_and_dynamic_blocks_become_lists() {
        let m = module(&[(
            "main.tf",
            "resource \"aws_security_group\" \"s\" {\n  ingress {\n    from_port = 1\n  }\n  ingress {\n    from_port = 2\n  }\n  dynamic \"egress\" {\n    for_each = var.rules\n    content {\n      from_port = egress.value.port\n      to_port = 3\n    }\n  }\n}\nresource \"aws_db_instance\" \"gone\" {\n  count = 0\n}\n",
        )]);
        let objs = m.unit(0).objects();
        assert_eq!(objs.len(), 1, "count = 0 creates nothing");
        let ingress = objs[0].node.get("ingress").unwrap().node.as_list().unwrap();
        assert_eq!(ingress.len(), 2);
        let egress = objs[0].node.get("egress").unwrap().node.as_list().unwrap();
        assert!(egress[0].get("from_port").unwrap().node.is_unknown());
        assert_eq!(
            egress[0].get("to_port").unwrap().node.as_number(),
            Some(3.0)
        );
    }

    #[test]
    fn a_variable_default_does_not_gate_a_resource_away() {
        // The caller decides `var.enabled`; a tfvars value or a literal decides for good.
        let m = module(&[
            (
                "main.tf",
                "variable \"enabled\" { default = false }\nvariable \"replicas\" { default = 0 }\nlocals { on = var.enabled }\nresource \"aws_db_instance\" \"gated\" {\n  count = var.enabled ? 1 : 0\n}\nresource \"aws_db_instance\" \"by_local\" {\n  count = local.on ? 1 : 0\n}\nresource \"aws_db_instance\" \"set_off\" {\n  count = var.replicas\n}\nresource \"aws_db_instance\" \"literal\" {\n  count = 0\n}\n",
            ),
            ("terraform.tfvars", "replicas = 0\n"),
        ]);
        let names: Vec<&str> = m
            .unit(0)
            .objects()
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(names, ["gated", "by_local"]);
    }
}
