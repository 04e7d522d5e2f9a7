//! Rule identity, metadata and the registry of every built-in rule.
//!
//! A rule is a stable code (`BC001`), a kebab-case name (`drop-column`), a category, a default
//! severity and its docs. Native rules declare all of it with [`declare_rule!`], whose doc comment
//! *is* the rule's documentation: the same text feeds `schemaguard rule`, SARIF `rules[]` and the
//! generated docs.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

/// The kind of hazard a rule looks for; its prefix starts every code in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    BackwardIncompatible,
    Locking,
    MissingRollback,
    SensitiveData,
    Naming,
    InsecureSettings,
    Tool,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::BackwardIncompatible,
        Category::Locking,
        Category::MissingRollback,
        Category::SensitiveData,
        Category::Naming,
        Category::InsecureSettings,
        Category::Tool,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            Category::BackwardIncompatible => "BC",
            Category::Locking => "LK",
            Category::MissingRollback => "RB",
            Category::SensitiveData => "SD",
            Category::Naming => "NM",
            Category::InsecureSettings => "IS",
            Category::Tool => "LN",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::BackwardIncompatible => "backward-incompatible",
            Category::Locking => "locking",
            Category::MissingRollback => "missing-rollback",
            Category::SensitiveData => "sensitive-data",
            Category::Naming => "naming",
            Category::InsecureSettings => "insecure-settings",
            Category::Tool => "tool",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::BackwardIncompatible => "Backward-incompatible changes",
            Category::Locking => "Locking and table rewrites",
            Category::MissingRollback => "Missing or wrong rollbacks",
            Category::SensitiveData => "Sensitive data",
            Category::Naming => "Naming",
            Category::InsecureSettings => "Insecure settings",
            Category::Tool => "The tool itself",
        }
    }

    /// Whether findings are security findings (they carry a SARIF `security-severity`).
    pub fn is_security(self) -> bool {
        matches!(self, Category::SensitiveData | Category::InsecureSettings)
    }

    pub fn from_prefix_or_name(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.prefix().eq_ignore_ascii_case(s) || c.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a rule is, independent of how it checks.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Markdown with the sections What it does / Why is this bad? / Example / Use instead.
    /// Doc-comment text keeps the one leading space of each `///` line; [`RuleMeta::docs`] strips it.
    pub raw_docs: &'static str,
    /// Former names and codes that still select this rule.
    pub aliases: &'static [&'static str],
    /// SARIF `security-severity` (0.0 - 10.0) for security rules.
    pub security_severity: Option<f32>,
    /// Report at most one finding per file (the first), noting how many more there were: for
    /// rules about a file as a whole, such as a migration that never sets a lock timeout, which
    /// would otherwise repeat once per Liquibase changeSet.
    pub once_per_file: bool,
    /// The safe practice the rule asks for, when it is one a project may deliberately not
    /// follow (see [`crate::conventions`]): in a migration set that never follows it, the rule's
    /// findings become one note.
    pub practice: Option<crate::conventions::Practice>,
}

impl RuleMeta {
    /// The docs as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// One sentence: the first paragraph of "What it does".
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = section(&docs, "What it does").unwrap_or_default();
        let para: Vec<&str> = body
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect();
        para.join(" ")
    }

    /// Where the rule's docs live online.
    pub fn url(&self) -> String {
        format!(
            "{}/blob/main/docs/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code
        )
    }

    /// Whether the rule runs when nothing is selected: its measured precision says so (see
    /// [`Precision`]). The tool's own diagnostics (bad input, unused suppressions) always run.
    pub fn on_by_default(&self) -> bool {
        self.category == Category::Tool || self.precision().is_some_and(|p| p.on_by_default())
    }

    /// What the precision record (`precision/defaults.tsv`) says of this rule.
    pub fn precision(&self) -> Option<Precision> {
        Precision::of(self.code)
    }

    /// Whether a selector (code, code prefix, name, category name, alias, `ALL`, `DEFAULT` or
    /// `pedantic`: every rule that is off by default) picks this rule.
    pub fn matches(&self, selector: &str) -> bool {
        let s = selector.trim();
        if s.eq_ignore_ascii_case("DEFAULT") {
            return self.on_by_default();
        }
        if s.eq_ignore_ascii_case("pedantic") {
            return !self.on_by_default();
        }
        s.eq_ignore_ascii_case("ALL")
            || self.name.eq_ignore_ascii_case(s)
            || self.category.name().eq_ignore_ascii_case(s)
            || (s.len() >= 2
                && self.code.len() >= s.len()
                && self.code[..s.len()].eq_ignore_ascii_case(s)
                && s.as_bytes()[0].is_ascii_alphabetic())
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
    }
}

/// The precision record that decides the default rule set, as ruff decides its defaults: a
/// rule is on by default only if its findings on real repositories (`../shared/corpus`) were
/// judged worth a reviewer's time at least 9 times in 10. Written by `scripts/precision.py
/// defaults` from the verdicts in precision/verdicts.tsv (PRECISION.md says how they were
/// drawn and judged); a test keeps it in step with them and with the rules.
pub const DEFAULTS_TSV: &str = include_str!("../precision/defaults.tsv");

/// One rule's row of [`DEFAULTS_TSV`]: on the sample that decides the defaults, how many of
/// its findings there were and how the judged ones were judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Precision {
    pub code: &'static str,
    /// Its findings on the data the sample was drawn from (every rule selected).
    pub findings: u32,
    pub judged: u32,
    pub worth: u32,
    pub noise: u32,
    pub false_: u32,
}

impl Precision {
    /// The least a rule with findings must have judged: ten, or all of them when it has fewer.
    pub const MIN_JUDGED: u32 = 10;

    /// Every row, read once.
    pub fn all() -> &'static [Precision] {
        static ROWS: std::sync::OnceLock<Vec<Precision>> = std::sync::OnceLock::new();
        ROWS.get_or_init(|| DEFAULTS_TSV.lines().filter_map(Precision::parse).collect())
    }

    pub fn of(code: &str) -> Option<Precision> {
        Precision::all().iter().find(|p| p.code == code).copied()
    }

    fn parse(line: &'static str) -> Option<Precision> {
        if line.starts_with('#') || line.trim().is_empty() {
            return None;
        }
        let f: Vec<&'static str> = line.split('\t').collect();
        let n = |i: usize| f.get(i).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        Some(Precision {
            code: f.first()?.trim(),
            findings: n(1),
            judged: n(2),
            worth: n(3),
            noise: n(4),
            false_: n(5),
        })
    }

    /// On by default: at least 9 in 10 of its judged findings worth a reviewer's time, with
    /// enough of them judged. A rule with no findings on the data has no measured precision and
    /// no measured noise either: it stays on until findings of it are judged.
    pub fn on_by_default(&self) -> bool {
        if self.findings == 0 {
            return true;
        }
        self.judged >= self.findings.min(Self::MIN_JUDGED) && self.worth * 10 >= self.judged * 9
    }

    /// "3 of 10 judged findings worth a reviewer's time", for the page of an opt-in rule (an
    /// unmeasured rule is on, so it is never described).
    pub fn describe(&self) -> String {
        format!(
            "{} of {} judged findings worth a reviewer's time",
            self.worth, self.judged
        )
    }
}

/// The body of a `## title` section of Markdown docs (up to the next `##`).
pub fn section(docs: &str, title: &str) -> Option<String> {
    let mut lines = docs.lines();
    lines.find(|l| {
        let t = l.trim_start();
        t.starts_with("## ") && t[3..].trim().eq_ignore_ascii_case(title)
    })?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.trim_start().starts_with("## "))
        .collect();
    Some(body.join("\n").trim().to_string())
}

/// What a rule is handed while it checks: the file, the settings, and a place to report.
pub struct Cx<'a> {
    pub settings: &'a Settings,
    pub source: &'a SourceFile,
    rule: &'static RuleMeta,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    pub fn new(
        settings: &'a Settings,
        source: &'a SourceFile,
        rule: &'static RuleMeta,
        out: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Cx {
            settings,
            source,
            rule,
            out,
        }
    }

    /// Reports a finding of the current rule; chain `.help(..)`, `.label(..)` on the result.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic::new(self.rule, span, message));
        self.out.last_mut().expect("just pushed")
    }

    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    pub fn text(&self, span: Span) -> &str {
        self.source.slice(span)
    }
}

/// What a cross-file rule is handed: the settings, and a place to report into any file of the
/// migration set (files are indices into the run's file list, as in [`crate::assemble`] views).
pub struct SetCx<'a> {
    pub settings: &'a Settings,
    rule: &'static RuleMeta,
    out: &'a mut Vec<(usize, Diagnostic)>,
}

impl<'a> SetCx<'a> {
    pub fn new(
        settings: &'a Settings,
        rule: &'static RuleMeta,
        out: &'a mut Vec<(usize, Diagnostic)>,
    ) -> Self {
        SetCx {
            settings,
            rule,
            out,
        }
    }

    /// Reports a finding of the current rule in `file`.
    pub fn report(
        &mut self,
        file: usize,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out
            .push((file, Diagnostic::new(self.rule, span, message)));
        &mut self.out.last_mut().expect("just pushed").1
    }

    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }
}

/// A check. Each hook is called for one kind of input; a rule implements the hooks it needs.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Called once per SQL script (a migration file, or the up or down part of one; a
    /// Liquibase changeSet or its rollback; an Alembic `upgrade()` or `downgrade()`).
    fn check_sql(&self, _unit: &crate::sql::SqlUnit, _cx: &mut Cx) {}

    /// Called once per key-value config file beside migrations (`.env`, `*.properties`,
    /// `*.conf`, `*.cnf`, `*.ini`). Only credential rules implement it, so such files found
    /// while walking a repository never produce other findings.
    fn check_key_values(&self, _file: &crate::parse::kv::KvFile, _cx: &mut Cx) {}

    /// Called once per Liquibase changelog (XML, YAML, JSON) or Alembic revision, for what the
    /// host language holds besides SQL: changelog properties and column values, Python strings
    /// and assignments, comments. `cx.source` is the file as written; the SQL in it goes to
    /// `check_sql`. Only credential rules implement it.
    fn check_embedding(&self, _file: &crate::parse::script::FileModel, _cx: &mut Cx) {}

    /// Called once per migration of a recognised migration set, in the order the tool applies
    /// them, with the schema before it (up/down pairing, rollback checks).
    fn check_migration(&self, _m: &crate::assemble::MigrationView, _cx: &mut SetCx) {}

    /// Called once per migration set (directory integrity: names, duplicates, order, history).
    fn check_migration_set(&self, _set: &crate::assemble::SetView, _cx: &mut SetCx) {}
    /// Called once per Terraform file (`.tf`, `.tfvars`), with its module (the other files of
    /// its directory) at hand. Report only positions in this file.
    fn check_terraform(&self, _unit: &crate::terraform::TfUnit, _cx: &mut Cx) {}

    /// Called once per Terraform plan (`terraform show -json` output).
    fn check_plan(&self, _plan: &crate::terraform::plan::Plan, _cx: &mut Cx) {}

    /// Called once per config YAML file (everything but Liquibase changelogs): its documents,
    /// each classified (compose, Kubernetes, workflow, database settings or other), with the
    /// objects declarative rules select. A Go/Jinja template holds no documents (only its
    /// `template` position).
    fn check_yaml(&self, _file: &crate::yaml::YamlFile, _cx: &mut Cx) {}
}

/// Declares a native rule: a unit struct whose doc comment is the rule's documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct DropColumn {
///         code: "BC001",
///         name: "drop-column",
///         category: BackwardIncompatible,
///         severity: Error,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $ident:ident {
            code: $code:literal,
            name: $name:literal,
            category: $category:ident,
            severity: $severity:ident
            $(, aliases: [$($alias:literal),* $(,)?])?
            $(, security_severity: $sec:literal)?
            $(, once_per_file: $opf:literal)?
            $(, practice: $practice:ident)?
            $(,)?
        }
    ) => {
        // The docs live in `META.raw_docs` (shown by `schemaguard rule`); rustdoc gets a pointer,
        // since their code fences are SQL, HCL and YAML examples, not Rust.
        #[doc = concat!("Rule ", $code, " `", $name, "`; its documentation is `", stringify!($ident), "::META`.")]
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ident;

        impl $ident {
            pub const META: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::registry::Category::$category,
                severity: $crate::diagnostic::Severity::$severity,
                raw_docs: concat!($($doc, "\n"),*),
                aliases: &[$($($alias),*)?],
                security_severity: $crate::registry::__opt_f32!($($sec)?),
                once_per_file: $crate::registry::__opt_bool!($($opf)?),
                practice: $crate::registry::__opt_practice!($($practice)?),
            };
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __opt_practice {
    () => {
        None
    };
    ($v:ident) => {
        Some($crate::conventions::Practice::$v)
    };
}
pub use __opt_practice;

#[doc(hidden)]
#[macro_export]
macro_rules! __opt_f32 {
    () => {
        None
    };
    ($v:literal) => {
        Some($v)
    };
}
pub use __opt_f32;

#[doc(hidden)]
#[macro_export]
macro_rules! __opt_bool {
    () => {
        false
    };
    ($v:literal) => {
        $v
    };
}
pub use __opt_bool;

/// Implements [`Rule::meta`] for a rule declared with [`declare_rule!`].
#[macro_export]
macro_rules! rule_meta {
    () => {
        fn meta(&self) -> &'static $crate::registry::RuleMeta {
            &Self::META
        }
    };
}

/// Every built-in rule (native, and declarative from `rules/`), in code order.
pub fn builtin_rules() -> &'static [&'static dyn Rule] {
    use std::sync::OnceLock;
    static RULES: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<&'static dyn Rule> = Vec::new();
        rules.extend_from_slice(crate::rules::backward_incompatible::RULES);
        rules.extend_from_slice(crate::rules::locking::RULES);
        rules.extend_from_slice(crate::rules::missing_rollback::RULES);
        rules.extend_from_slice(crate::rules::naming::RULES);
        rules.extend_from_slice(crate::rules::insecure_settings::RULES);
        rules.extend_from_slice(crate::rules::sensitive_data::RULES);
        rules.extend_from_slice(crate::rules::tool::RULES);
        rules.extend_from_slice(crate::declarative::builtin());
        rules.sort_by_key(|r| r.meta().code);
        rules
    })
}

/// Rules registered at run time (a config's `extend-rules` folders), leaked once per process.
static EXTENSIONS: std::sync::RwLock<&'static [&'static dyn Rule]> = std::sync::RwLock::new(&[]);

/// Every rule: the built-in ones and those registered with [`register_rules`], in code order.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    let ext = *EXTENSIONS.read().unwrap_or_else(|e| e.into_inner());
    if ext.is_empty() { builtin_rules() } else { ext }
}

/// Adds rules to [`all_rules`]. A rule whose code is already registered is skipped (the same
/// folder loaded twice); a clash of a new code or name with another rule is an error naming it.
pub fn register_rules(rules: &[&'static dyn Rule]) -> Result<(), String> {
    let mut guard = EXTENSIONS.write().unwrap_or_else(|e| e.into_inner());
    let current: &'static [&'static dyn Rule] = if guard.is_empty() {
        builtin_rules()
    } else {
        *guard
    };
    let mut all: Vec<&'static dyn Rule> = current.to_vec();
    for r in rules {
        let m = r.meta();
        if let Some(same) = all.iter().find(|o| o.meta().code == m.code) {
            if std::ptr::eq(same.meta().raw_docs, m.raw_docs) || same.meta().name == m.name {
                continue;
            }
            return Err(format!(
                "rule code {} is already taken by `{}`",
                m.code,
                same.meta().name
            ));
        }
        if let Some(other) = all
            .iter()
            .find(|o| o.meta().name == m.name || o.meta().aliases.contains(&m.name))
        {
            return Err(format!(
                "rule name `{}` is already taken by {}",
                m.name,
                other.meta().code
            ));
        }
        all.push(*r);
    }
    all.sort_by_key(|r| r.meta().code);
    *guard = Box::leak(all.into_boxed_slice());
    Ok(())
}

/// Finds a rule by code, name or alias.
pub fn find_rule(key: &str) -> Option<&'static dyn Rule> {
    let key = key.trim();
    all_rules().iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(key)
            || m.name.eq_ignore_ascii_case(key)
            || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

/// Whether a selector names at least one rule (used to report unknown codes in config and comments).
pub fn selector_is_known(selector: &str) -> bool {
    all_rules().iter().any(|r| r.meta().matches(selector))
}
