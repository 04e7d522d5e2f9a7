//! Declarative rules: YAML files (`rules/<category>/<CODE>-<name>.yaml`, embedded at build time,
//! and the folders a config names in `extend-rules`) that state a data-shaped check: "this
//! attribute must be X", "this value must not match Y".
//!
//! A rule file has exactly one of `require:` (the compliant state) or `forbid:` (the violating
//! state), a small closed set of operators, at most two levels of all/any/not, and explicit
//! same-element semantics (`for-each:`). The evaluator runs over the generic document tree in
//! [`tree`]; each input kind has an adapter that maps its objects into that tree (Terraform
//! resources and plan JSON, config YAML objects: [`crate::yaml`]). See `rules/README.md` for
//! the format.

pub mod eval;
pub mod load;
pub mod tree;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::config::ConfigError;
use crate::registry::{Cx, Rule, RuleMeta};
use eval::{Tri, Witness, WitnessState};
use tree::Node;

/// Which objects of which input a rule checks.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Terraform managed resources of these types (in `.tf` files and in plans).
    TerraformResource(Vec<String>),
    /// Objects of config YAML of one kind, of these types (`*`: all of them): Compose services
    /// and Kubernetes containers by the database their image runs, Kubernetes objects by `kind`,
    /// database settings by engine.
    Yaml(crate::yaml::ObjectKind, Vec<String>),
}

#[derive(Debug)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Leaf(Leaf),
}

#[derive(Debug)]
pub struct Leaf {
    pub path: Vec<String>,
    pub path_text: String,
    /// The value assumed when the path leads nowhere (the provider default).
    pub default: Option<Scalar>,
    pub op: Op,
}

/// A scalar operand, compared by its text the way Terraform converts values to strings.
#[derive(Debug, Clone)]
pub struct Scalar {
    pub text: Arc<str>,
    pub number: Option<f64>,
}

#[derive(Debug, Clone)]
pub enum Op {
    Equals(Scalar),
    NotEquals(Scalar),
    In(Vec<Scalar>),
    NotIn(Vec<Scalar>),
    Matches(regex::Regex),
    NotMatches(regex::Regex),
    Exists(bool),
    LessThan(f64),
    AtMost(f64),
    GreaterThan(f64),
    AtLeast(f64),
    Contains(Scalar),
    ContainsAny(Vec<Scalar>),
}

impl Op {
    /// The positive form of the operator, and whether the condition is its negation.
    pub fn positive(&self) -> (Op, bool) {
        match self {
            Op::NotEquals(s) => (Op::Equals(s.clone()), true),
            Op::NotIn(v) => (Op::In(v.clone()), true),
            Op::NotMatches(r) => (Op::Matches(r.clone()), true),
            Op::Exists(false) => (Op::Exists(true), true),
            other => (other.clone(), false),
        }
    }
}

#[derive(Debug)]
pub struct PathSpec {
    pub segs: Vec<String>,
    pub text: String,
}

#[derive(Debug)]
pub enum Check {
    Require(Cond),
    Forbid(Cond),
}

#[derive(Debug)]
pub struct Spec {
    pub matcher: Matcher,
    pub where_: Option<Cond>,
    pub for_each: Option<PathSpec>,
    pub check: Check,
    pub message: String,
    pub help: String,
    /// The checked value is a secret: it is masked in every output and never quoted.
    pub secret: bool,
}

/// A rule read from a YAML file.
pub struct DeclarativeRule {
    meta: &'static RuleMeta,
    spec: Spec,
    /// Where it was loaded from (for messages about the rule itself).
    pub source: String,
}

impl std::fmt::Debug for DeclarativeRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeclarativeRule({})", self.meta.code)
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl DeclarativeRule {
    /// Builds a rule from a file's text. Rules live for the whole process (they are leaked once).
    pub fn from_text(path: &str, text: &str) -> Result<&'static DeclarativeRule, ConfigError> {
        let f = load::parse_rule(path, text)?;
        // Doc-comment docs carry one leading space per line that `RuleMeta::docs` strips; give
        // YAML docs the same shape so indentation inside them survives.
        let raw_docs: String = f.docs.lines().map(|l| format!(" {l}\n")).collect();
        let aliases: Vec<&'static str> = f.aliases.into_iter().map(leak).collect();
        let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
            code: leak(f.code),
            name: leak(f.name),
            category: f.category,
            severity: f.severity,
            raw_docs: leak(raw_docs),
            aliases: Box::leak(aliases.into_boxed_slice()),
            security_severity: f.security_severity,
            once_per_file: false,
            practice: None,
        }));
        Ok(Box::leak(Box::new(DeclarativeRule {
            meta,
            spec: f.spec,
            source: path.to_string(),
        })))
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    fn applies_to_resource(&self, type_name: &str) -> bool {
        match &self.spec.matcher {
            Matcher::TerraformResource(types) => types.iter().any(|t| t == type_name),
            Matcher::Yaml(..) => false,
        }
    }

    /// Checks one object (its document tree) and reports what the rule finds.
    pub fn check_object(&self, root: &Node, object: &str, cx: &mut Cx) {
        let spec = &self.spec;
        if let Some(w) = &spec.where_
            && eval::eval(w, root, "").truth != Tri::True
        {
            return;
        }
        let (elements, prefix): (Vec<&Node>, &str) = match &spec.for_each {
            Some(p) => (eval::elements(root, &p.segs), p.text.as_str()),
            None => (vec![root], ""),
        };
        for el in elements {
            let (cond, fire_on) = match &spec.check {
                Check::Require(c) => (c, Tri::False),
                Check::Forbid(c) => (c, Tri::True),
            };
            let o = eval::eval(cond, el, prefix);
            if o.truth != fire_on {
                continue;
            }
            self.report(&o.witnesses, el, object, cx);
        }
    }

    fn report(&self, witnesses: &[Witness], element: &Node, object: &str, cx: &mut Cx) {
        let spec = &self.spec;
        let fallback = Witness {
            span: element.as_map().map(|m| m.anchor).unwrap_or(element.span),
            path: String::new(),
            state: WitnessState::Absent(None),
        };
        // The finding points at the last explicit value that decided it (the last condition of
        // an `all:` is the one the finding is about); an unset attribute only when nothing was
        // written.
        let primary = witnesses
            .iter()
            .rev()
            .find(|w| matches!(w.state, WitnessState::Value { .. }))
            .or(witnesses.last())
            .unwrap_or(&fallback);
        let value = match &primary.state {
            WitnessState::Value { text: Some(t), .. } if !spec.secret => t.clone(),
            WitnessState::Default(d, _) => d.to_string(),
            _ => String::new(),
        };
        let fill = |t: &str| {
            t.replace("{object}", object)
                .replace("{path}", &primary.path)
                .replace("{value}", &value)
        };
        let label = label_of(primary, spec.secret);
        let d = cx.report(primary.span, fill(&spec.message));
        d.label(label).help(fill(&spec.help));
        if spec.secret
            && let WitnessState::Value { .. } = primary.state
        {
            d.secret(primary.span);
        }
        let mut seen = vec![primary.span];
        for w in witnesses.iter().rev() {
            if seen.contains(&w.span) {
                continue;
            }
            seen.push(w.span);
            d.secondary(w.span, label_of(w, spec.secret));
        }
    }
}

fn label_of(w: &Witness, secret: bool) -> String {
    match &w.state {
        WitnessState::Value { text, origin } => {
            let mut s = match text {
                Some(t) if !secret => format!("`{}` is `{t}`", w.path),
                _ => format!("`{}` is set here", w.path),
            };
            if let Some(o) = origin {
                s.push_str(", ");
                s.push_str(o);
            }
            s
        }
        WitnessState::Default(d, None) => {
            format!("`{}` is not set, and defaults to `{d}`", w.path)
        }
        WitnessState::Default(d, Some(origin)) => format!(
            "`{}` is null, {origin}, so the provider default `{d}` applies",
            w.path
        ),
        WitnessState::Absent(None) => format!("`{}` is not set", w.path),
        WitnessState::Absent(Some(origin)) => format!("`{}` is null, {origin}", w.path),
    }
}

impl Rule for DeclarativeRule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    fn check_terraform(&self, unit: &crate::terraform::TfUnit, cx: &mut Cx) {
        for obj in unit.objects() {
            if obj.data || !self.applies_to_resource(&obj.type_name) {
                continue;
            }
            self.check_object(&obj.node, &obj.address(), cx);
        }
    }

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        let Matcher::Yaml(kind, types) = &self.spec.matcher else {
            return;
        };
        for obj in file.objects() {
            if obj.kind == *kind && obj.is_of(types) {
                self.check_object(file.node_of(obj), &obj.name, cx);
            }
        }
    }

    fn check_plan(&self, plan: &crate::terraform::plan::Plan, cx: &mut Cx) {
        for rc in &plan.changes {
            if !rc.managed || !self.applies_to_resource(&rc.type_name) {
                continue;
            }
            if let Some(after) = &rc.after {
                self.check_object(after, &rc.address, cx);
            }
        }
    }
}

/// The rule files shipped in `rules/` (listed by build.rs): (path, text).
static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The built-in declarative rules. A broken shipped rule file is a bug: it panics with the
/// error's position (tests load every file).
pub fn builtin() -> &'static [&'static dyn Rule] {
    static RULES: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        EMBEDDED
            .iter()
            .filter(|(_, text)| !load::is_module_mapping(text))
            .map(
                |(path, text)| match DeclarativeRule::from_text(path, text) {
                    Ok(r) => r as &'static dyn Rule,
                    Err(e) => panic!("built-in rule file is invalid: {e}"),
                },
            )
            .collect()
    })
}

/// The shipped rule files, for tests.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// What an `extend-rules` folder holds: rules, and module mappings for registry modules.
#[derive(Default)]
pub struct Loaded {
    pub rules: Vec<&'static DeclarativeRule>,
    pub modules: Vec<crate::terraform::modules::KnownModule>,
}

/// Loads every `*.yaml` / `*.yml` file below `dir` (sorted), for `extend-rules`: a file whose
/// top level has `module:` is a module mapping, any other a rule.
pub fn load_dir(dir: &Path, shown: &str) -> Result<Loaded, ConfigError> {
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|e| ConfigError {
        path: dir.to_path_buf(),
        text: String::new(),
        span: None,
        message: format!("cannot read the rule folder `{shown}`: {e}"),
    })?;
    files.sort();
    let mut out = Loaded::default();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| ConfigError {
            path: f.clone(),
            text: String::new(),
            span: None,
            message: format!("cannot read the rule file: {e}"),
        })?;
        let path = f.display().to_string();
        if load::is_module_mapping(&text) {
            out.modules.push(load::parse_module(&path, &text)?);
        } else {
            out.rules.push(DeclarativeRule::from_text(&path, &text)?);
        }
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
    Ok(())
}
