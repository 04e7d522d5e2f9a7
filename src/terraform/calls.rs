//! Calls of modules whose code is on disk, evaluated with the caller's arguments.
//!
//! `module "db" { source = "./modules/db"  publicly_accessible = true }` creates the resources
//! of `./modules/db` with `var.publicly_accessible = true`. The called module's resources become
//! objects of the caller's file: each argument of the call is bound to the module's variable of
//! that name (a variable the call leaves out takes its default; tfvars are the root module's
//! only), and every rule reads the resources as it reads the caller's own.
//!
//! Where findings point:
//! - A value the call passes in keeps its span in the caller (its origin says which variable it
//!   was passed to), so a finding that the caller's argument decides points at that argument.
//!   A value computed from one (`var.env == "dev" ? true : false`) points at it too.
//! - Everything the module decides by itself (its literals, its defaults, unset attributes) is
//!   put at the call's *anchor*. For a local module the run reports on too, the anchor is an
//!   empty span at the start of the call's header, and findings there are dropped when the
//!   caller's file is reported ([`super::TfUnit::call_anchors`]): they are the module's own
//!   findings, reported once in the module, not once per call. For a module `terraform init`
//!   fetched into `.terraform/modules`, or a local one outside the folders the run reports on
//!   (`check envs/prod` calling `../../modules/db`), the anchor is the call's header and the
//!   findings stay.
//!
//! Calls nest (a module calling a module) up to [`MAX_CALL_DEPTH`]; a module that calls itself
//! through a chain of calls is not entered again.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::hcl::Block;
use super::{Evaluator, TfFileKind, TfModule, TfObject};
use crate::declarative::tree::{Node, Value};
use crate::source::{SourceFile, Span};

/// How many module calls deep evaluation goes.
pub const MAX_CALL_DEPTH: usize = 8;

/// The largest module file read (a `.tf` file is rarely over a few hundred KiB).
const MAX_MODULE_FILE: u64 = 8 * 1024 * 1024;

/// Arguments of a `module` block that are Terraform's, not the module's variables.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Where a module sits in a chain of calls.
#[derive(Debug, Default)]
pub struct CallSite {
    /// The canonical directories of the modules whose calls lead here, outermost first.
    above: Vec<PathBuf>,
    /// The module's key in `.terraform/modules/modules.json` (`db`, `db.replica`); empty for the
    /// root module.
    key: String,
    /// The root module's directory, where `terraform init` keeps `.terraform/modules`; `None`
    /// for the root module itself (its own directory).
    root: Option<PathBuf>,
    /// Whether the module is not linted on its own (fetched by `terraform init`, called from
    /// such a module, or outside the folders the run reports on).
    fetched: bool,
    /// The module folders (canonical) the run reports on.
    linted: Arc<HashSet<PathBuf>>,
}

impl CallSite {
    pub fn set_linted(&mut self, folders: Arc<HashSet<PathBuf>>) {
        self.linted = folders;
    }
}

/// The arguments of one call, bound to the called module's variables.
pub struct CallInputs {
    values: HashMap<String, Node>,
    /// The origins (by address) of every value that came from the caller: such a value's span
    /// is in the caller's file. The origins are kept alive by `values` and `derived`.
    bound: RefCell<HashSet<usize>>,
    /// Origins made for values computed from the caller's (see [`CallInputs::derive`]).
    derived: RefCell<Vec<Arc<str>>>,
}

impl CallInputs {
    pub fn value(&self, name: &str) -> Option<&Node> {
        self.values.get(name)
    }

    pub fn is_bound(&self, n: &Node) -> bool {
        n.origin
            .as_ref()
            .is_some_and(|o| self.bound.borrow().contains(&address(o)))
    }

    /// The origin of a value computed from `from`, a value the caller passed: it points where
    /// `from` does and counts as the caller's.
    pub fn derive(&self, from: &Node) -> Option<Arc<str>> {
        let o = from.origin.as_ref()?;
        if self.derived.borrow().iter().any(|d| Arc::ptr_eq(d, o)) {
            return Some(o.clone());
        }
        let derived: Arc<str> = Arc::from(format!("computed from the value {o}"));
        self.bound.borrow_mut().insert(address(&derived));
        self.derived.borrow_mut().push(derived.clone());
        Some(derived)
    }
}

fn address(o: &Arc<str>) -> usize {
    Arc::as_ptr(o) as *const u8 as usize
}

/// A called module found on disk.
pub struct OnDisk {
    dir: PathBuf,
    /// `dir` canonicalized: what loops are detected on and linted folders are matched by.
    canonical: PathBuf,
    /// Where what the module decides by itself points (see the module docs).
    anchor: Span,
    fetched: bool,
    key: String,
    root: PathBuf,
}

/// Where the module a call names is on disk: a local path (`./modules/db`, `../db`) next to the
/// calling file, or the folder `terraform init` fetched a registry or git module into.
pub fn locate(
    module: &TfModule,
    file: usize,
    name: &str,
    source: &str,
    header: Span,
) -> Option<OnDisk> {
    let caller_dir = module.files.get(file)?.source.path.parent()?;
    let site = &module.call;
    let root = site
        .root
        .clone()
        .unwrap_or_else(|| caller_dir.to_path_buf());
    let key = if site.key.is_empty() {
        name.to_string()
    } else {
        format!("{}.{name}", site.key)
    };
    let local = source.starts_with("./") || source.starts_with("../");
    let (dir, fetched) = if local {
        (caller_dir.join(source), site.fetched)
    } else {
        (fetched_dir(&root, &key)?, true)
    };
    if !dir.is_dir() {
        return None;
    }
    let canonical = dir.canonicalize().ok()?;
    // A local module the run does not report on is, for this call, like a fetched one.
    let fetched = fetched || !site.linted.contains(&canonical);
    let anchor = if fetched {
        header
    } else {
        Span::new(header.start, header.start)
    };
    Some(OnDisk {
        dir,
        canonical,
        anchor,
        fetched,
        key,
        root,
    })
}

/// A directory's canonical path; the empty path (a file named without a folder) is `.`.
pub fn canonical_dir(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.canonicalize().ok()
}

/// The folder `terraform init` recorded for a module key in `.terraform/modules/modules.json`.
fn fetched_dir(root: &Path, key: &str) -> Option<PathBuf> {
    let manifest = root.join(".terraform").join("modules").join("modules.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("Modules")?
        .as_array()?
        .iter()
        .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(key))
        .and_then(|m| m.get("Dir")?.as_str())
        .map(|d| root.join(d))
}

/// The resources the called module creates, evaluated with the call's arguments, as objects
/// of the caller's file.
pub fn call_objects(
    ev: &Evaluator,
    b: &Block,
    bi: usize,
    name: &str,
    at: OnDisk,
    out: &mut Vec<TfObject>,
) {
    let parent = ev.module;
    let target = &at.canonical;
    let own = parent
        .files
        .first()
        .and_then(|f| f.source.path.parent())
        .and_then(canonical_dir);
    if parent.call.above.len() >= MAX_CALL_DEPTH
        || parent.call.above.contains(target)
        || own.as_ref() == Some(target)
    {
        return;
    }
    let files = read_module(&at.dir);
    if files.is_empty() {
        return;
    }
    let mut child = TfModule::new(files);
    let mut above = parent.call.above.clone();
    above.extend(own);
    child.call = CallSite {
        above,
        key: at.key,
        root: Some(at.root),
        fetched: at.fetched,
        linted: parent.call.linted.clone(),
    };
    let mut values = HashMap::new();
    let mut bound = HashSet::new();
    for a in &b.body.attributes {
        if META_ARGUMENTS.contains(&a.key.as_str()) || child.variable(&a.key).is_none() {
            continue;
        }
        let mut node = ev.eval(&a.value);
        let text: Arc<str> = Arc::from(format!("passed to `var.{}` of `module.{name}`", a.key));
        mark(ev, &mut node, &text, &mut bound);
        values.insert(a.key.clone(), node);
    }
    let inputs = CallInputs {
        values,
        bound: RefCell::new(bound),
        derived: RefCell::new(Vec::new()),
    };
    let mut cev = Evaluator::new(&child);
    cev.inputs = Some(&inputs);
    let prefix = format!("module.{name}");
    for fi in 0..child.files.len() {
        for mut o in child.resolve_objects(&cev, fi) {
            if o.data {
                continue;
            }
            adopt(&mut o.node, &inputs, at.anchor);
            let in_module: Arc<str> = match &o.in_module {
                Some(m) => Arc::from(format!("{prefix}.{m}")),
                None => Arc::from(prefix.as_str()),
            };
            out.push(TfObject {
                block: bi,
                header: at.anchor,
                in_module: Some(in_module),
                ..o
            });
        }
    }
}

/// The configuration files of a module directory (Terraform reads no tfvars for a called module),
/// in name order.
fn read_module(dir: &Path) -> Vec<(Arc<SourceFile>, TfFileKind)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| TfFileKind::of(p) == Some(TfFileKind::Config) && p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let display = crate::discover::display_path(&p);
            crate::source::read_source(&p, &display, MAX_MODULE_FILE).ok()
        })
        .map(|s| (Arc::new(s), TfFileKind::Config))
        .collect()
}

/// Marks a value the caller passes (and everything in it) as the caller's: its origin names the
/// variable it is passed to. A value the caller itself was passed keeps its mark, so a chain
/// of calls still points at the outermost caller's argument.
fn mark(ev: &Evaluator, n: &mut Node, text: &Arc<str>, bound: &mut HashSet<usize>) {
    let origin = match &n.origin {
        Some(o) if ev.bound(n) => o.clone(),
        Some(o) => Arc::from(format!("{o}, {text}")),
        None => text.clone(),
    };
    bound.insert(address(&origin));
    n.origin = Some(origin);
    match &mut n.value {
        Value::List(l) => l.iter_mut().for_each(|x| mark(ev, x, text, bound)),
        Value::Map(m) => m
            .entries
            .iter_mut()
            .for_each(|e| mark(ev, &mut e.node, text, bound)),
        _ => {}
    }
}

/// Moves what the called module decided by itself to the call's anchor; values the caller
/// passed keep their spans in the caller's file.
fn adopt(n: &mut Node, inputs: &CallInputs, anchor: Span) {
    if inputs.is_bound(n) {
        return;
    }
    n.span = anchor;
    n.origin = None;
    match &mut n.value {
        Value::List(l) => l.iter_mut().for_each(|x| adopt(x, inputs, anchor)),
        Value::Map(m) => {
            m.anchor = anchor;
            for e in &mut m.entries {
                adopt(&mut e.node, inputs, anchor);
                e.span = if inputs.is_bound(&e.node) {
                    e.node.span
                } else {
                    anchor
                };
            }
        }
        _ => {}
    }
}
