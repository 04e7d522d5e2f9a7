//! The assemble stage: parsed files -> migration sets (framework adapters) -> per set, the
//! migrations replayed in order over a schema catalog while the rules run with the schema as it
//! was before each migration.
//!
//! Files in no set are linted script by script as plain SQL, as they always were. With a diff
//! base (or files named explicitly), every file of a set is replayed, but only the files asked
//! for are reported.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::Catalog;
pub use crate::conventions::Conventions;
use crate::diagnostic::Diagnostic;
use crate::frameworks::{FileRef, Framework, Migration, MigrationKind, MigrationSet, Version};
use crate::parse::script::{FileModel, Script};
use crate::registry::{Cx, SetCx};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};
use crate::sql::{Dialect, Direction, SqlUnit, Statement, StmtKind};

/// What the project model knows about a migration set, for reports (`--format json`).
#[derive(Debug)]
pub struct SetInfo {
    /// The set's folder (or root changelog's folder), as shown to users.
    pub root: String,
    pub framework: Framework,
    /// The engine the set runs on, when its files say so (see [`set_dialect`]), else when the
    /// project's configuration nearest to it names one
    /// ([`crate::sql::engine_config::from_config`]).
    pub dialect: Option<Dialect>,
    pub conventions: Conventions,
}

impl SetInfo {
    pub fn of(set: &MigrationSet, files: &[Loaded], settings: &Settings) -> SetInfo {
        let dialect = set_dialect(set, files).or_else(|| {
            // The config names the engine for every file: its dialect is the set's already.
            settings
                .dialect
                .is_none()
                .then(|| crate::sql::engine_config::from_config(&set.dir, &settings.root))?
        });
        SetInfo {
            root: set.root.clone(),
            framework: set.framework,
            dialect,
            conventions: Conventions::of(set, files),
        }
    }
}

/// A migration set with what the project model learned about it.
pub type AssembledSet = (MigrationSet, std::sync::Arc<SetInfo>);

/// A file of the run, parsed.
pub struct Loaded {
    pub source: SourceFile,
    pub model: FileModel,
    /// Findings are reported for this file (it was asked for, or changed since the diff base).
    pub reported: bool,
}

impl Loaded {
    /// The text SQL statements were parsed from (the shadow, for embedded SQL).
    pub fn sql_source(&self) -> &SourceFile {
        self.model.shadow.as_deref().unwrap_or(&self.source)
    }
}

/// How a file differs from the diff base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseStatus {
    Unchanged,
    Added,
    Modified,
}

/// What the diff base held, as the integrity rules need it.
pub trait BaseLookup: Sync {
    fn status(&self, path: &Path) -> BaseStatus;
    /// Paths of the files under `dir` at the base (absolute or relative like the input paths).
    fn files_at_base(&self, dir: &Path) -> Vec<PathBuf>;
    fn text_at_base(&self, path: &Path) -> Option<String>;
}

/// A script with its file and statements.
pub struct ScriptView<'a> {
    pub file: usize,
    pub script: &'a Script,
    pub statements: &'a [Statement],
    pub source: &'a SourceFile,
}

/// One migration, for [`crate::registry::Rule::check_migration`].
pub struct MigrationView<'a> {
    pub set: &'a MigrationSet,
    pub migration: &'a Migration,
    /// The schema before the migration.
    pub before: &'a Catalog,
    pub up: Option<ScriptView<'a>>,
    pub down: Option<ScriptView<'a>>,
    /// Whether the project writes downs in this set (some migration has one).
    pub set_uses_downs: bool,
    /// What the set's own practice is, for the rules about rollbacks.
    pub conventions: Conventions,
    pub(crate) files: &'a [Loaded],
}

impl MigrationView<'_> {
    pub fn source(&self, file: usize) -> &SourceFile {
        &self.files[file].source
    }

    pub fn model(&self, file: usize) -> &FileModel {
        &self.files[file].model
    }
}

/// A migration set, for [`crate::registry::Rule::check_migration_set`].
pub struct SetView<'a> {
    pub set: &'a MigrationSet,
    pub(crate) files: &'a [Loaded],
    pub base: Option<&'a dyn BaseLookup>,
}

impl<'a> SetView<'a> {
    pub fn source(&self, file: usize) -> &'a SourceFile {
        &self.files[file].source
    }

    pub fn model(&self, file: usize) -> &'a FileModel {
        &self.files[file].model
    }

    pub fn reported(&self, file: usize) -> bool {
        self.files[file].reported
    }

    pub fn path(&self, file: usize) -> &'a Path {
        &self.files[file].source.path
    }
}

fn refs(files: &[Loaded]) -> Vec<FileRef<'_>> {
    files
        .iter()
        .map(|l| FileRef {
            display: &l.source.display,
            path: &l.source.path,
            model: &l.model,
        })
        .collect()
}

/// Groups the files into sets, runs every rule, and returns the findings of each file (for
/// reported files only) in input order.
pub fn run(
    files: &[Loaded],
    settings: &Settings,
    base: Option<&dyn BaseLookup>,
) -> (Vec<Vec<Diagnostic>>, Vec<AssembledSet>) {
    let sets = crate::frameworks::assemble(&refs(files), settings);
    // What the project model learns about each set, once: the rules read it, and so do reports.
    let infos: Vec<std::sync::Arc<SetInfo>> = sets
        .par_iter()
        .map(|set| std::sync::Arc::new(SetInfo::of(set, files, settings)))
        .collect();
    let mut covered: Vec<HashSet<usize>> = vec![HashSet::new(); files.len()];
    for set in &sets {
        for m in &set.migrations {
            for s in [m.up, m.down].into_iter().flatten() {
                covered[s.file].insert(s.script);
            }
        }
    }
    let per_set: Vec<Vec<(usize, Diagnostic)>> = sets
        .par_iter()
        .zip(&infos)
        .filter(|(s, _)| s.files.iter().any(|&f| files[f].reported))
        .map(|(set, info)| run_set(set, info, files, settings, base))
        .collect();
    let mut out: Vec<Vec<Diagnostic>> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            if !f.reported {
                return Vec::new();
            }
            let mut diags = Vec::new();
            for (si, script) in f.model.scripts.iter().enumerate() {
                if covered[i].contains(&si) {
                    continue;
                }
                let direction = if script.direction == Direction::Unknown && !f.model.sections {
                    crate::lint::direction_from_name(&f.source.display)
                } else {
                    script.direction
                };
                let mut unit = unit_for(f, script, direction, None, None);
                // goose and dbmate sections run in a transaction unless told not to; a dbmate
                // section told not to is still sent as one query, which PostgreSQL runs as one
                // transaction when it holds several statements.
                let one_query = f.model.dbmate && !f.model.goose && script.stmts.len() > 1;
                if (script.transaction != Some(false) || one_query)
                    && f.model.sections
                    && script.direction != Direction::Unknown
                {
                    unit.set_tool_transaction(script.stmts.start, &script.autocommit);
                }
                run_unit(&unit, f, script, settings, &mut diags);
            }
            host_errors(f, settings, &mut diags);
            diags
        })
        .collect();
    collapse_loose(files, &covered, settings, &mut out);
    for (file, d) in per_set.into_iter().flatten() {
        if files[file].reported {
            out[file].push(d);
        }
    }
    (out, sets.into_iter().zip(infos).collect())
}

/// Scripts in no migration set (a folder of upgrade patches or schema files) follow their
/// folder's practice: the locking findings of a folder that never follows one collapse as a
/// set's do ([`crate::conventions::collapse_unpractised`]), newest = last file by name.
fn collapse_loose(
    files: &[Loaded],
    covered: &[HashSet<usize>],
    settings: &Settings,
    out: &mut [Vec<Diagnostic>],
) {
    let loose = |i: usize| {
        files[i]
            .model
            .scripts
            .iter()
            .enumerate()
            .filter(move |(si, s)| !covered[i].contains(si) && !s.stmts.is_empty())
    };
    let mut groups: std::collections::BTreeMap<&Path, Vec<usize>> = Default::default();
    for (i, f) in files.iter().enumerate() {
        if loose(i).next().is_some() {
            let dir = f.source.path.parent().unwrap_or(Path::new(""));
            groups.entry(dir).or_default().push(i);
        }
    }
    for mut members in groups.into_values() {
        if !members
            .iter()
            .any(|&i| out[i].iter().any(|d| d.rule.practice.is_some()))
        {
            continue;
        }
        members.sort_by(|&a, &b| files[a].source.path.cmp(&files[b].source.path));
        let conventions = Conventions::of_scripts(members.iter().flat_map(|&i| {
            loose(i).map(move |(_, s)| {
                (
                    &files[i].model.statements[s.stmts.clone()],
                    s.direction != Direction::Down,
                )
            })
        }));
        let mut pooled: Vec<(usize, Diagnostic)> = Vec::new();
        for &i in &members {
            pooled.extend(out[i].drain(..).map(|d| (i, d)));
        }
        crate::conventions::collapse_unpractised(&conventions, settings, &mut pooled);
        for (i, d) in pooled {
            out[i].push(d);
        }
    }
}

/// Parse errors of the host language (XML, YAML, Python) as LN001 findings.
pub(crate) fn host_errors(f: &Loaded, settings: &Settings, diags: &mut Vec<Diagnostic>) {
    let meta = &crate::rules::tool::ParseError::META;
    if !settings.is_enabled(meta.code) {
        return;
    }
    for (span, message) in &f.model.errors {
        let mut d = Diagnostic::new(meta, *span, message.clone());
        d.label("parsing stopped here");
        d.help("fix the syntax: the migration tool will refuse this file too");
        diags.push(d);
    }
}

/// The engine a migration set runs on, when its files say so: each file whose path or content
/// names an engine votes, and one engine with more than half the votes is the set's. A file
/// that names none is read as the set's engine: a plain `CREATE INDEX` among MySQL migrations
/// runs on MySQL. (A Liquibase changeSet's `dbms` does not vote: it says the changelog runs on
/// other engines too, and that this change is for one of them.)
fn set_dialect(set: &MigrationSet, files: &[Loaded]) -> Option<Dialect> {
    let mut votes: HashMap<Dialect, usize> = HashMap::new();
    for &f in &set.files {
        let d = files[f].model.dialect;
        if d != Dialect::Generic {
            *votes.entry(d).or_default() += 1;
        }
    }
    let total: usize = votes.values().sum();
    let (d, n) = votes.into_iter().max_by_key(|&(_, n)| n)?;
    (n * 2 > total).then_some(d)
}

fn unit_for<'a>(
    f: &'a Loaded,
    script: &'a Script,
    direction: Direction,
    catalog: Option<&'a Catalog>,
    set_dialect: Option<Dialect>,
) -> SqlUnit<'a> {
    let file_dialect = match f.model.dialect {
        Dialect::Generic => set_dialect.unwrap_or(Dialect::Generic),
        d => d,
    };
    let mut unit = SqlUnit::new(
        f.sql_source(),
        script.dialect.unwrap_or(file_dialect),
        &f.model.tokens,
        &f.model.statements[script.stmts.clone()],
        direction,
    );
    unit.catalog = catalog;
    unit.empty_tables = &script.empty_tables;
    unit
}

fn run_unit(
    unit: &SqlUnit,
    f: &Loaded,
    script: &Script,
    settings: &Settings,
    diags: &mut Vec<Diagnostic>,
) {
    // A script that runs only on an embedded engine (a Liquibase changeSet with `dbms="h2"`)
    // is what the project's tests and local runs use, whatever the file's role.
    let role = if script.embedded_only {
        crate::roles::Role::EmbeddedEngine
    } else {
        f.model.role
    };
    for rule in &settings.rules {
        // A dump (pg_dump, mysqldump...) is a snapshot of a schema or its data, not a change
        // applied to a live database: its DROP ... IF EXISTS, TRUNCATE and index builds are not
        // migration hazards. Parse errors, naming and secrets still apply.
        if !role.runs(rule.meta()) {
            continue;
        }
        if rule.meta().practice.is_some()
            && settings.migrations.online == crate::settings::Online::Never
        {
            continue;
        }
        let mut cx = Cx::new(settings, &f.source, rule.meta(), diags);
        rule.check_sql(unit, &mut cx);
    }
}

/// Marks the statements the tool runs inside its implicit transaction.
fn mark_transaction<'a>(unit: &mut SqlUnit<'a>, script: &'a Script, tx: bool) {
    if tx {
        unit.set_tool_transaction(script.stmts.start, &script.autocommit);
    }
}

/// Whether the tool runs `script` in a transaction.
fn in_transaction(
    fw: Framework,
    m: &Migration,
    script: &Script,
    stmts: &[Statement],
    up: bool,
) -> bool {
    if script.transaction == Some(false) {
        // dbmate sends a section as one query even with `transaction:false`, and PostgreSQL
        // runs a query of several statements as one transaction.
        return fw == Framework::Dbmate && stmts.len() > 1;
    }
    match fw {
        Framework::Flyway => !stmts
            .iter()
            .any(crate::frameworks::flyway::non_transactional),
        Framework::Prisma => stmts.len() > 1,
        // golang-migrate sends a file as one query, and PostgreSQL runs a query of several
        // statements as one transaction (unless the URL sets `x-multi-statement=true`).
        Framework::GolangMigrate => stmts.len() > 1,
        _ if up => m.transaction,
        f => f.implicit_transaction(),
    }
}

fn run_set(
    set: &MigrationSet,
    info: &SetInfo,
    files: &[Loaded],
    settings: &Settings,
    base: Option<&dyn BaseLookup>,
) -> Vec<(usize, Diagnostic)> {
    let mut out: Vec<(usize, Diagnostic)> = Vec::new();
    let mut catalog = Catalog::default();
    let mut new_tables: HashSet<String> = HashSet::new();
    // Tables an initial-schema file created so far: every database runs the rest of that file
    // while they are still empty (a changelog whose changeSets create tables, then add their
    // keys and indexes).
    let mut created_in: HashMap<usize, HashSet<String>> = HashMap::new();
    let initial = |file: usize| files[file].model.role == crate::roles::Role::InitialSchema;
    let uses_downs = set.uses_downs();
    let (conventions, dialect) = (info.conventions, info.dialect);
    let is_new = |file: usize| match base {
        Some(b) => files[file].reported && b.status(&files[file].source.path) == BaseStatus::Added,
        None => false,
    };
    let view = |s: Option<crate::frameworks::ScriptRef>| {
        s.map(|s| {
            let f = &files[s.file];
            let script = &f.model.scripts[s.script];
            ScriptView {
                file: s.file,
                script,
                statements: &f.model.statements[script.stmts.clone()],
                source: &f.source,
            }
        })
    };
    let last = set.migrations.len().saturating_sub(1);
    // Tables and columns (`table|column`) with the moment their migration is dated: one dated
    // less than the release window before another ships with it, so what it created is new to
    // the later one (a column added in the morning and dropped in the afternoon never reached
    // deployed code).
    let window = i64::from(settings.migrations.release_window_hours) * 3600;
    let mut born: Vec<(String, i64)> = Vec::new();
    for (mi, m) in set.migrations.iter().enumerate() {
        let dated = m.version.as_ref().and_then(Version::timestamp);
        let (fresh_tables, fresh_columns) = match dated {
            Some(t) if window > 0 => {
                born.retain(|(_, b)| t - b < window);
                born.iter()
                    .filter(|(_, b)| *b <= t)
                    .map(|(k, _)| k.clone())
                    .partition::<HashSet<String>, _>(|k| !k.contains('|'))
            }
            _ => Default::default(),
        };
        let up = view(m.up);
        let down = view(m.down);
        let replay = m.kind != MigrationKind::Baseline;
        // The schema after the last up is read only by its down script: without one, replaying
        // it would build a catalog nobody reads (a 10 MB initial schema's tens of thousands of
        // tables).
        let read_after = mi < last || down.is_some();
        // Rules on the up script, with the schema before it.
        if let Some(u) = &up
            && files[u.file].reported
        {
            let f = &files[u.file];
            let mut unit = unit_for(
                f,
                u.script,
                Direction::Up,
                replay.then_some(&catalog),
                dialect,
            );
            unit.new_tables = new_tables.clone();
            unit.new_tables.extend(fresh_tables);
            unit.new_columns = fresh_columns;
            unit.conventions = conventions;
            if let Some(own) = created_in.get(&u.file) {
                unit.new_tables.extend(own.iter().cloned());
            }
            let tx = in_transaction(set.framework, m, u.script, u.statements, true);
            mark_transaction(&mut unit, u.script, tx);
            let mut diags = Vec::new();
            run_unit(&unit, f, u.script, settings, &mut diags);
            out.extend(diags.into_iter().map(|d| (u.file, d)));
        }
        let reported = [m.up, m.down]
            .into_iter()
            .flatten()
            .any(|s| files[s.file].reported)
            || files[m.file].reported;
        if reported {
            let mv = MigrationView {
                set,
                migration: m,
                before: &catalog,
                up: view(m.up),
                down: view(m.down),
                set_uses_downs: uses_downs,
                conventions,
                files,
            };
            for rule in &settings.rules {
                let mut cx = SetCx::new(settings, rule.meta(), &mut out);
                rule.check_migration(&mv, &mut cx);
            }
        }
        if let (Some(t), Some(u), true) = (dated, &up, window > 0) {
            born.extend(created_by(u.statements).into_iter().map(|k| (k, t)));
        }
        if !replay || !read_after {
            continue;
        }
        let before_tables: HashSet<String> = if up
            .as_ref()
            .is_some_and(|u| is_new(u.file) || initial(u.file))
        {
            catalog.tables.keys().cloned().collect()
        } else {
            HashSet::new()
        };
        if let Some(u) = &up {
            if m.conditional {
                for s in u.statements {
                    catalog.apply_uncertain(s);
                }
            } else {
                catalog.apply_all(u.statements);
            }
            let created = || {
                catalog
                    .tables
                    .keys()
                    .filter(|k| !before_tables.contains(*k))
                    .cloned()
            };
            if is_new(u.file) {
                new_tables.extend(created());
            }
            if initial(u.file) {
                created_in.entry(u.file).or_default().extend(created());
            }
        }
        // Rules on the down script, with the schema after the up.
        if let Some(d) = &down
            && files[d.file].reported
        {
            let f = &files[d.file];
            // popx downs undo other parts of their change: the schema after this up is not theirs.
            let cat = (set.framework != Framework::Popx).then_some(&catalog);
            let mut unit = unit_for(f, d.script, Direction::Down, cat, dialect);
            unit.new_tables = new_tables.clone();
            let tx = in_transaction(set.framework, m, d.script, d.statements, false);
            mark_transaction(&mut unit, d.script, tx);
            let mut diags = Vec::new();
            run_unit(&unit, f, d.script, settings, &mut diags);
            out.extend(diags.into_iter().map(|d2| (d.file, d2)));
        }
    }
    let sv = SetView { set, files, base };
    let from = out.len();
    for rule in &settings.rules {
        let mut cx = SetCx::new(settings, rule.meta(), &mut out);
        rule.check_migration_set(&sv, &mut cx);
    }
    // What a set-level rule finds is about a file, the set or its history, not a place.
    for (_, d) in &mut out[from..] {
        d.whole_file = true;
    }
    crate::conventions::collapse_unpractised(&conventions, settings, &mut out);
    out
}

/// The tables and columns (`table|column`) a script creates.
fn created_by(stmts: &[Statement]) -> Vec<String> {
    let mut out = Vec::new();
    for s in stmts {
        match &s.kind {
            StmtKind::CreateTable(ct) if !ct.temporary => {
                let key = ct.name.key();
                out.extend(
                    ct.columns
                        .iter()
                        .map(|c| format!("{key}|{}", c.name.norm())),
                );
                out.push(key);
            }
            StmtKind::AlterTable(at) => {
                let key = at.name.key();
                for a in &at.actions {
                    if let crate::sql::AlterAction::AddColumn { column, .. } = &a.action {
                        out.push(format!("{key}|{}", column.name.norm()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a statement changes data rather than schema.
pub fn is_data_change(s: &Statement) -> bool {
    matches!(
        s.kind,
        StmtKind::Insert { .. } | StmtKind::Update { .. } | StmtKind::Delete { .. }
    )
}

/// The version of each migration of a set, for integrity rules: (version, file).
pub fn versions(set: &MigrationSet) -> Vec<(&Version, usize)> {
    set.migrations
        .iter()
        .filter(|m| m.kind == MigrationKind::Versioned)
        .filter_map(|m| m.version.as_ref().map(|v| (v, m.file)))
        .collect()
}

/// The span of a whole file's first line (where file-level findings point).
pub fn file_start(source: &SourceFile) -> Span {
    let end = source.text.find('\n').unwrap_or(source.text.len());
    Span::new(0, end.min(source.text.len()))
}

/// Counts per framework, for the detection report.
pub fn detection_summary(sets: &[MigrationSet]) -> HashMap<Framework, usize> {
    let mut m = HashMap::new();
    for s in sets {
        *m.entry(s.framework).or_insert(0) += 1;
    }
    m
}
