//! The engine: one file through parse, rules, suppressions, per-file ignores and redaction; many
//! files in parallel, in a deterministic order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::assemble::{BaseLookup, Loaded};
use crate::diagnostic::Diagnostic;
use crate::discover::{Candidate, FileKind};
use crate::parse::script::{FileInfo, FileModel};
use crate::parse::sql::lexer::Tok;
use crate::registry::{Cx, RuleMeta};
use crate::roles::Role;
use crate::rules::tool::{FileTooLarge, UnreadableFile};
use crate::settings::Settings;
use crate::source::{SourceFile, Span, Unreadable, read_source};
use crate::sql::{Dialect, Direction, Statement};
use crate::suppress::{self, CommentRef};
use crate::terraform::{TfFileKind, TfModule};

/// The findings of one file.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    /// The text with every secret masked: what renderers show.
    pub display_text: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
    /// The dialect the file was read as (SQL files).
    pub dialect: Option<Dialect>,
    /// What the file is for in its project.
    pub role: Role,
    /// The migration set the file belongs to, with what was learned about it.
    pub migration_set: Option<Arc<crate::assemble::SetInfo>>,
}

impl FileReport {
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_suppressed())
    }

    /// The report with its text dropped when it has no findings: renderers read a file's text
    /// only to place and show findings, and a run over a monorepo would otherwise hold every
    /// file it read until the report is written (memory growing with the repository).
    pub fn without_text(self) -> FileReport {
        if !self.diagnostics.is_empty() {
            return self;
        }
        let s = &self.source;
        let mut light = SourceFile::new(s.path.clone(), s.display.clone(), "");
        light.had_bom = s.had_bom;
        let light = Arc::new(light);
        FileReport {
            display_text: light.text.clone(),
            source: light,
            diagnostics: self.diagnostics,
            dialect: self.dialect,
            role: self.role,
            migration_set: self.migration_set,
        }
    }
}

/// One file to lint: on disk, or its text in memory (an editor's buffer, stdin, a docs example,
/// a test).
pub enum Input {
    Path(Candidate),
    Text(SourceFile, FileKind),
}

/// What to lint, as one run: the files to report on, context files read for their folders
/// (ordering, pairing and the catalog of a migration set; a Terraform module's other files) but
/// not reported, and the diff base for the integrity checks. The CLI, the language server, the
/// baseline, the docs examples and the tests all go through [`lint`].
#[derive(Default)]
pub struct Request<'a> {
    pub files: Vec<Input>,
    pub context: Vec<Input>,
    pub base: Option<&'a dyn BaseLookup>,
    /// Read the rest of a Terraform file's directory from disk (its variables, locals and
    /// auto-loaded tfvars). Off for a file linted alone and for texts that are not on disk.
    pub module_siblings: bool,
}

impl<'a> Request<'a> {
    /// Files found on disk, with their Terraform modules read whole.
    pub fn paths(files: &[Candidate]) -> Self {
        Request {
            files: files.iter().cloned().map(Input::Path).collect(),
            module_siblings: true,
            ..Default::default()
        }
    }

    /// Files found on disk with the context read for them (`discover::context_for`: the rest
    /// of their migration folders), their Terraform modules read whole.
    pub fn paths_with_context(files: Vec<Candidate>, context: Vec<Candidate>) -> Self {
        Request {
            files: files.into_iter().map(Input::Path).collect(),
            context: context.into_iter().map(Input::Path).collect(),
            module_siblings: true,
            ..Default::default()
        }
    }

    /// One file alone: no migration folder around it, a Terraform file a module by itself.
    pub fn alone(input: Input) -> Self {
        Request {
            files: vec![input],
            ..Default::default()
        }
    }

    /// In-memory files linted together: one migration folder, one Terraform module.
    pub fn texts(files: Vec<(SourceFile, FileKind)>) -> Self {
        Request {
            files: files.into_iter().map(|(s, k)| Input::Text(s, k)).collect(),
            ..Default::default()
        }
    }
}

/// A file of a request, read.
struct Read {
    source: SourceFile,
    kind: FileKind,
    reported: bool,
}

/// Lints a request: every file is read, parsed once and put in its project model (Terraform
/// modules by directory; migration sets, roles and conventions for the rest), the rules run,
/// and each reported file is finished alike (suppressions, roles, redaction, baseline). One
/// report per `files` entry, in order; a report without findings keeps only its file's name
/// (see [`FileReport::without_text`]).
pub fn lint(request: Request, settings: &Settings) -> Vec<FileReport> {
    let Request {
        files,
        context,
        base,
        module_siblings,
    } = request;
    let reported_count = files.len();
    let inputs: Vec<(Input, bool)> = files
        .into_iter()
        .map(|i| (i, true))
        .chain(context.into_iter().map(|i| (i, false)))
        .collect();
    let read: Vec<Result<Read, Option<FileReport>>> = inputs
        .into_par_iter()
        .map(|(input, reported)| match input {
            Input::Text(source, kind) => Ok(Read {
                source,
                kind,
                reported,
            }),
            Input::Path(c) => match read_source(&c.path, &c.display, settings.max_file_size) {
                Ok(source) => Ok(Read {
                    source,
                    kind: c.kind,
                    reported,
                }),
                Err((why, _)) if reported => {
                    Err(Some(unreadable(&c.path, &c.display, why, settings)))
                }
                Err(_) => Err(None),
            },
        })
        .collect();
    // Terraform configuration is linted per module (directory); everything else through the
    // migration-set model.
    let mut out: Vec<Option<FileReport>> = (0..reported_count).map(|_| None).collect();
    let mut modules: Vec<(std::path::PathBuf, Vec<(usize, Read)>)> = Vec::new();
    let mut module_of: HashMap<std::path::PathBuf, usize> = HashMap::new();
    let mut rest: Vec<(usize, Read)> = Vec::new();
    for (slot, r) in read.into_iter().enumerate() {
        match r {
            Err(report) => {
                if slot < reported_count {
                    out[slot] = report;
                }
            }
            Ok(r) if r.kind == FileKind::Terraform && TfFileKind::of(&r.source.path).is_some() => {
                let dir = r
                    .source
                    .path
                    .parent()
                    .unwrap_or(Path::new(""))
                    .to_path_buf();
                let m = *module_of.entry(dir.clone()).or_insert_with(|| {
                    modules.push((dir, Vec::new()));
                    modules.len() - 1
                });
                modules[m].1.push((slot, r));
            }
            Ok(r) => rest.push((slot, r)),
        }
    }
    // The module folders this run reports on: a call of one of them leaves what the module
    // decides by itself to the module's own report.
    let linted: Arc<std::collections::HashSet<std::path::PathBuf>> = Arc::new(
        modules
            .iter()
            .filter(|(_, members)| members.iter().any(|(_, r)| r.reported))
            .filter_map(|(dir, _)| crate::terraform::canonical_dir(dir))
            .collect(),
    );
    let tf: Vec<(usize, FileReport)> = modules
        .into_par_iter()
        .flat_map_iter(|(dir, members)| {
            lint_module(&dir, members, module_siblings, &linted, settings)
        })
        .collect();
    let slots: Vec<usize> = rest.iter().map(|(slot, _)| *slot).collect();
    let reports = lint_sources_with(
        rest.into_iter()
            .map(|(_, r)| (r.source, r.kind, r.reported))
            .collect(),
        settings,
        base,
    );
    for (slot, report) in slots.into_iter().zip(reports).chain(tf) {
        if slot < reported_count {
            out[slot] = Some(report);
        }
    }
    out.into_iter()
        .map(|r| r.expect("one report per reported file"))
        .collect()
}

/// Parse every file (in parallel), assemble migration sets, run the rules, finish each file.
/// Returns one report per source, in order (unreported ones come back empty).
fn lint_sources_with(
    sources: Vec<(SourceFile, FileKind, bool)>,
    settings: &Settings,
    base: Option<&dyn BaseLookup>,
) -> Vec<FileReport> {
    // A file that cannot belong to a migration set (config YAML, a plan, a key/value file, a
    // file that is not ours) is linted as soon as it is parsed and its model dropped: only
    // migrations are held until their folders are assembled, so memory follows the migrations,
    // not the repository.
    let parsed: Vec<Result<Loaded, FileReport>> = sources
        .into_par_iter()
        .map(|(source, kind, reported)| {
            let model = parse_file(&source, kind, settings);
            let l = Loaded {
                source,
                model,
                reported,
            };
            if matches!(
                l.model.info,
                FileInfo::Sql | FileInfo::Changelog(_) | FileInfo::Revision(_)
            ) {
                return Ok(l);
            }
            let mut d = Vec::new();
            if l.reported {
                crate::assemble::host_errors(&l, settings, &mut d);
            }
            Err(finish_loaded(l, d, settings))
        })
        .collect();
    let mut slots: Vec<Result<usize, FileReport>> = Vec::with_capacity(parsed.len());
    let mut loaded: Vec<Loaded> = Vec::new();
    for p in parsed {
        slots.push(p.map(|l| {
            loaded.push(l);
            loaded.len() - 1
        }));
    }
    mark_embedded_variants(&mut loaded);
    let (mut diags, sets) = crate::assemble::run(&loaded, settings, base);
    let mut set_of: Vec<Option<Arc<crate::assemble::SetInfo>>> = vec![None; loaded.len()];
    for (set, info) in &sets {
        for &f in &set.files {
            set_of[f] = Some(info.clone());
        }
    }
    let mut done: Vec<FileReport> = loaded
        .into_par_iter()
        .zip(diags.par_iter_mut())
        .zip(set_of)
        .map(|((l, d), set)| {
            let mut r = finish_loaded(l, std::mem::take(d), settings);
            r.migration_set = set;
            r
        })
        .collect::<Vec<_>>();
    done.reverse();
    let mut reports: Vec<FileReport> = slots
        .into_iter()
        .map(|slot| match slot {
            Ok(_) => done.pop().expect("one report per held file"),
            Err(report) => report,
        })
        .collect();
    one_notice_per_cause(&mut reports);
    reports
}

/// One cause, one notice. Templates (Helm charts' and others) are skipped for one cause: one
/// LN008 notice for all of them, on the first, saying how many files it stands for. Statements
/// of a dialect schemaguard reads partially (ClickHouse, H2, BigQuery...) go unparsed for one
/// cause: one LN001 note per such dialect.
fn one_notice_per_cause(reports: &mut [FileReport]) {
    one_notice_per(
        reports,
        crate::rules::tool::TemplateSkipped::META.code,
        &|_| Some(String::new()),
        &|n| match n {
            1 => "nor was the 1 other template file found".to_string(),
            n => format!("nor were the {n} other template files found"),
        },
    );
    one_notice_per(
        reports,
        crate::rules::tool::ParseError::META.code,
        &|r| {
            r.dialect
                .filter(|d| !d.is_primary())
                .map(|d| d.title().to_string())
        },
        &|n| match n {
            1 => "nor were those of the 1 other file of this dialect".to_string(),
            n => format!("nor were those of the {n} other files of this dialect"),
        },
    );
}

/// Keeps the first active `code` finding of each group (`group` of a report; `None`: not
/// grouped) and says how many other files it stands for.
fn one_notice_per(
    reports: &mut [FileReport],
    code: &str,
    group: &dyn Fn(&FileReport) -> Option<String>,
    others: &dyn Fn(usize) -> String,
) {
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if r.active().any(|d| d.rule.code == code)
            && let Some(key) = group(r)
        {
            first.entry(key).or_insert((i, 0)).1 += 1;
        }
    }
    for (i, r) in reports.iter_mut().enumerate() {
        let Some((keep, count)) = group(r).and_then(|k| first.get(&k).copied()) else {
            continue;
        };
        if i != keep {
            r.diagnostics
                .retain(|d| d.rule.code != code || d.is_suppressed());
        } else if count > 1 {
            for d in r.diagnostics.iter_mut().filter(|d| d.rule.code == code) {
                d.message.push_str(&format!(" ({})", others(count - 1)));
                d.stands_for = count;
            }
        }
    }
}

/// Runs the per-file rules of a parsed file on top of `d` (what its migration set found), then
/// suppressions, redaction and the allow-listed fingerprints.
fn finish_loaded(l: Loaded, mut d: Vec<Diagnostic>, settings: &Settings) -> FileReport {
    if let (true, FileInfo::KeyValue(kv)) = (l.reported, &l.model.info) {
        // Config files beside migrations: only credential rules look at them.
        for rule in &settings.rules {
            let mut cx = Cx::new(settings, &l.source, rule.meta(), &mut d);
            rule.check_key_values(kv, &mut cx);
        }
        let comments: Vec<CommentRef> = kv
            .comments
            .iter()
            .map(|s| CommentRef { span: *s })
            .collect();
        finish(
            &l.source,
            l.model.role,
            &mut d,
            &comments,
            &|offset| kv.scope(offset),
            settings,
        );
    } else if let (true, FileInfo::Yaml(y)) = (l.reported, &l.model.info) {
        for rule in &settings.rules {
            let mut cx = Cx::new(settings, &l.source, rule.meta(), &mut d);
            rule.check_yaml(y, &mut cx);
        }
        let comments: Vec<CommentRef> =
            y.comments.iter().map(|s| CommentRef { span: *s }).collect();
        finish(
            &l.source,
            l.model.role,
            &mut d,
            &comments,
            &|offset| y.scope_after(offset),
            settings,
        );
    } else if let (true, FileInfo::Plan(plan)) = (l.reported, &l.model.info) {
        for rule in &settings.rules {
            let mut cx = Cx::new(settings, &l.source, rule.meta(), &mut d);
            rule.check_plan(plan, &mut cx);
        }
        finish(&l.source, l.model.role, &mut d, &[], &|_| None, settings);
    } else if l.reported {
        if matches!(l.model.info, FileInfo::Changelog(_) | FileInfo::Revision(_)) {
            for rule in &settings.rules {
                let mut cx = Cx::new(settings, &l.source, rule.meta(), &mut d);
                rule.check_embedding(&l.model, &mut cx);
            }
        }
        let comments: Vec<CommentRef> = l.model.comments.clone();
        let model = &l.model;
        let is_plain_sql = matches!(model.info, FileInfo::Sql);
        finish(
            &l.source,
            l.model.role,
            &mut d,
            &comments,
            &|offset| {
                if is_plain_sql {
                    sql_scope(&model.tokens, &model.statements, offset)
                } else {
                    model
                        .scope_after(offset)
                        .or_else(|| sql_scope(&model.tokens, &model.statements, offset))
                }
            },
            settings,
        );
    }
    let dialect =
        matches!(l.model.info, FileInfo::Sql | FileInfo::Changelog(_)).then_some(l.model.dialect);
    let display_text = crate::redact::redact(&l.source.text, &mut d);
    let mut report = FileReport {
        source: Arc::new(l.source),
        display_text,
        diagnostics: d,
        dialect,
        role: l.model.role,
        migration_set: None,
    };
    allow_fingerprints(&mut report, settings);
    report.without_text()
}

/// Migrations for an embedded engine beside a server engine's are the project's test and local
/// variants ([`crate::roles::embedded_variants`]); only files whose role nothing else decided
/// (deployed, initial schema) change.
fn mark_embedded_variants(loaded: &mut [Loaded]) {
    let server = |d: Dialect| {
        matches!(
            d,
            Dialect::Postgres | Dialect::Mysql | Dialect::Mssql | Dialect::Oracle
        )
    };
    let files: Vec<(&Path, bool)> = loaded
        .iter()
        .map(|l| (l.source.path.as_path(), server(l.model.dialect)))
        .collect();
    let variants = crate::roles::embedded_variants(&files);
    for (l, variant) in loaded.iter_mut().zip(variants) {
        if variant && matches!(l.model.role, Role::Deployed | Role::InitialSchema) {
            l.model.role = Role::EmbeddedEngine;
        }
    }
}

/// Parses a file into the model the rules and adapters read; files that are not ours parse to
/// an empty model.
pub fn parse_file(source: &SourceFile, kind: FileKind, settings: &Settings) -> FileModel {
    let mut model = parse_model(source, kind, settings);
    model.shrink();
    model
}

fn parse_model(source: &SourceFile, kind: FileKind, settings: &Settings) -> FileModel {
    let mut model = parse_kind(source, kind, settings);
    model.role = file_role(source, &model, settings);
    model
}

/// What a file is for: what its path says (tests, examples, development configuration,
/// extension scripts; a dump kept as a test fixture is a test fixture), else what its opening
/// comment says, else a dump by its banner, else an initial schema by its content.
fn file_role(source: &SourceFile, model: &FileModel, settings: &Settings) -> Role {
    if let Some(role) = path_role(&source.path, settings) {
        return role;
    }
    if let Some(role) = crate::roles::from_header(&source.text) {
        return role;
    }
    if model.dump.is_some() {
        return Role::SchemaDump;
    }
    if matches!(model.info, FileInfo::Sql | FileInfo::Changelog(_))
        && crate::roles::creates_schema(&model.statements)
    {
        return Role::InitialSchema;
    }
    Role::Deployed
}

/// The role a path gives, read relative to the project (the config's folder, else the working
/// directory): folders above the project (`/home/me/dev/…`) say nothing about the file.
fn path_role(path: &Path, settings: &Settings) -> Option<Role> {
    let normal = crate::discover::normalize_path(path);
    let below_root = settings
        .roots
        .iter()
        .filter_map(|r| normal.strip_prefix(r).ok())
        .min_by_key(|p| p.components().count());
    if let Some(below) = below_root {
        return crate::roles::from_path(&below.to_string_lossy());
    }
    let rel = settings.relative(path);
    let shown = if rel.is_absolute() {
        // Outside the project: only the file's own folder speaks for it.
        let parts: Vec<_> = rel.components().rev().take(2).collect();
        parts
            .iter()
            .rev()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    } else {
        rel.to_string_lossy().into_owned()
    };
    crate::roles::from_path(&shown)
}

fn parse_kind(source: &SourceFile, kind: FileKind, settings: &Settings) -> FileModel {
    let text: &str = &source.text;
    let other = || FileModel {
        info: FileInfo::Other,
        ..Default::default()
    };
    match kind {
        FileKind::Sql => {
            let d = sql_dialect(source, settings);
            if crate::parse::liquibase::is_formatted_sql(text) {
                crate::parse::liquibase::parse_formatted_sql(source, d)
            } else {
                crate::parse::script::from_sql(crate::parse::sql::parse(source, d), text)
            }
        }
        FileKind::Xml if crate::parse::liquibase::is_changelog(text) => {
            crate::parse::liquibase::parse_xml(source, sql_dialect(source, settings))
        }
        FileKind::Yaml | FileKind::Json if crate::parse::liquibase::is_changelog(text) => {
            crate::parse::liquibase::parse_yaml(source, sql_dialect(source, settings))
        }
        FileKind::TerraformPlan | FileKind::Json if crate::terraform::plan::sniff(text) => {
            FileModel {
                info: FileInfo::Plan(Arc::new(crate::terraform::plan::Plan::parse(text))),
                ..Default::default()
            }
        }
        FileKind::Python if crate::parse::python::is_revision(text) => {
            crate::parse::python::parse(source, sql_dialect(source, settings))
        }
        FileKind::Yaml => match crate::yaml::load(text, &source.display) {
            Some(file) => FileModel {
                info: FileInfo::Yaml(Arc::new(file)),
                ..Default::default()
            },
            None => other(),
        },
        FileKind::KeyValue => {
            let flavor = crate::parse::kv::KvFlavor::of(&source.display)
                .unwrap_or(crate::parse::kv::KvFlavor::Ini);
            FileModel {
                info: FileInfo::KeyValue(Box::new(crate::parse::kv::parse(text, flavor))),
                ..Default::default()
            }
        }
        _ => other(),
    }
}

/// Lints the Terraform files of one directory as one module: the reported ones, with the
/// context ones and, with `siblings`, the directory's other `.tf` and auto-loaded `.tfvars`
/// files read from disk for context. Returns (slot, report) of the reported
/// members.
fn lint_module(
    dir: &Path,
    members: Vec<(usize, Read)>,
    siblings: bool,
    linted: &Arc<std::collections::HashSet<std::path::PathBuf>>,
    settings: &Settings,
) -> Vec<(usize, FileReport)> {
    let read_siblings = siblings;
    let mut files: Vec<(Arc<SourceFile>, TfFileKind)> = Vec::new();
    let mut reported: Vec<(usize, usize)> = Vec::new(); // (slot, module file index)
    for (slot, r) in members {
        if r.reported {
            reported.push((slot, files.len()));
        }
        let kind = TfFileKind::of(&r.source.path).unwrap_or(TfFileKind::Config);
        files.push((Arc::new(r.source), kind));
    }
    if read_siblings
        && let Ok(rd) = std::fs::read_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
    {
        let mut extra: Vec<std::path::PathBuf> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                (TfFileKind::of(p) == Some(TfFileKind::Config)
                    || name == "terraform.tfvars"
                    || name.ends_with(".auto.tfvars"))
                    && p.is_file()
                    && !files
                        .iter()
                        .any(|(s, _)| s.path.file_name() == p.file_name())
            })
            .collect();
        extra.sort();
        for p in extra {
            let display = crate::discover::display_path(&p);
            if let Ok(source) = read_source(&p, &display, settings.max_file_size) {
                files.push((
                    Arc::new(source),
                    TfFileKind::of(&p).unwrap_or(TfFileKind::Config),
                ));
            }
        }
    }
    // Terraform reads a directory's files in name order; so does the module (first declaration
    // wins).
    let mut module = TfModule::new(files);
    module.set_linted_folders(linted.clone());
    reported
        .into_iter()
        .map(|(slot, fi)| (slot, lint_terraform_unit(&module, fi, settings)))
        .collect()
}

/// Runs the Terraform rules on one file of a module.
fn lint_terraform_unit(module: &TfModule, index: usize, settings: &Settings) -> FileReport {
    let unit = module.unit(index);
    let file = unit.file();
    let source = &file.source;
    let mut diags = Vec::new();
    for rule in &settings.rules {
        let mut cx = Cx::new(settings, source, rule.meta(), &mut diags);
        rule.check_terraform(&unit, &mut cx);
    }
    // What a called local module decides by itself is reported in the module, once.
    let anchors = unit.call_anchors();
    if !anchors.is_empty() {
        diags.retain(|d| !anchors.contains(&d.span));
        for d in &mut diags {
            d.labels.retain(|l| !anchors.contains(&l.span));
        }
    }
    let comments: Vec<CommentRef> = file
        .parsed
        .comments
        .iter()
        .map(|s| CommentRef { span: *s })
        .collect();
    let spans = if comments.is_empty() {
        Vec::new()
    } else {
        crate::parse::hcl::structure_spans(&file.parsed.body)
    };
    let role = path_role(&source.path, settings).unwrap_or_default();
    finish(
        source,
        role,
        &mut diags,
        &comments,
        &|offset| spans.iter().find(|s| s.start >= offset).copied(),
        settings,
    );
    let display_text = crate::redact::redact(&source.text, &mut diags);
    FileReport {
        source: source.clone(),
        display_text,
        diagnostics: diags,
        dialect: None,
        role,
        migration_set: None,
    }
    .without_text()
}

/// The report for a file that could not be read as text: one LN finding at the offending byte.
fn unreadable(path: &Path, display: &str, why: Unreadable, settings: &Settings) -> FileReport {
    let (meta, preview, offset): (&'static RuleMeta, String, usize) = match &why {
        Unreadable::TooLarge { .. } => (&FileTooLarge::META, String::new(), 0),
        Unreadable::Io(_) => (&UnreadableFile::META, String::new(), 0),
        Unreadable::Binary { offset } | Unreadable::InvalidUtf8 { offset } => {
            // Keep the line structure up to the bad byte (so its line and column render right),
            // and show at most the last 120 bytes before it, with NULs made visible.
            let mut bytes = std::fs::read(path).unwrap_or_default();
            // The offset counts a UTF-8 BOM, which is not text: drop it from the preview.
            let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            bytes.drain(..bom);
            let end = offset.saturating_sub(bom).min(bytes.len());
            let line_start = bytes[..end]
                .iter()
                .rposition(|b| *b == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            let keep_from = line_start.max(end.saturating_sub(120));
            let newlines = bytes[..line_start].iter().filter(|b| **b == b'\n').count();
            let hidden_cols = String::from_utf8_lossy(&bytes[line_start..keep_from])
                .chars()
                .count();
            let mut text = "\n".repeat(newlines);
            text.extend(std::iter::repeat_n(' ', hidden_cols));
            text.push_str(
                &String::from_utf8_lossy(&bytes[keep_from..end]).replace('\0', "\u{2400}"),
            );
            let offset = text.len();
            text.push('\u{FFFD}');
            (&UnreadableFile::META, text, offset)
        }
    };
    let source = SourceFile::new(path, display, preview);
    let mut diagnostics = Vec::new();
    if settings.is_enabled(meta.code) {
        let span = if source.text.is_empty() {
            Span::at(0)
        } else {
            Span::new(offset, source.text.len())
        };
        let mut d = Diagnostic::new(meta, span, why.to_string());
        if let Some(sev) = settings.severity_of(meta.code) {
            d.severity = sev;
        }
        diagnostics.push(d);
    }
    let source = Arc::new(source);
    FileReport {
        display_text: crate::redact::redact(&source.text, &mut diagnostics),
        source,
        diagnostics,
        dialect: None,
        role: Role::Deployed,
        migration_set: None,
    }
}

/// Marks findings whose fingerprint `[secrets] allow-fingerprints` lists as suppressed (they
/// stay masked: the value is still in the file).
fn allow_fingerprints(report: &mut FileReport, settings: &Settings) {
    if !settings.secrets.has_fingerprints() {
        return;
    }
    let fps = crate::output::fingerprints(report);
    for (d, fp) in report.diagnostics.iter_mut().zip(fps) {
        if d.suppression.is_none()
            && d.rule.category == crate::registry::Category::SensitiveData
            && settings.secrets.fingerprint_allowed(&fp)
        {
            d.suppression = Some(crate::diagnostic::Suppression {
                kind: "config",
                reason: "listed in [secrets] allow-fingerprints".into(),
            });
        }
    }
}

/// The dialect of a SQL file: configured (per path, then globally), else told from its path,
/// else from its content, else generic.
pub fn sql_dialect(source: &SourceFile, settings: &Settings) -> Dialect {
    settings
        .dialect_for(&source.path)
        .or_else(|| crate::sql::dialect::from_path(&source.display))
        .or_else(|| crate::sql::dialect::from_siblings(&source.path))
        .or_else(|| crate::sql::dialect::from_content(&source.text))
        .unwrap_or(Dialect::Generic)
}

/// Which way a migration file runs, from its name (framework adapters refine this).
pub fn direction_from_name(display: &str) -> Direction {
    let lower = display.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    let down = stem == "down"
        || stem.ends_with(".down")
        || stem.ends_with("_down")
        || stem.ends_with("-down")
        || stem.ends_with(".undo")
        || stem.ends_with(".rollback")
        || stem.ends_with("_rollback")
        || (name.starts_with('u')
            && name[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
            && name.contains("__"))
        || lower
            .split('/')
            .any(|p| p == "revert" || p == "down" || p == "rollback");
    if down {
        Direction::Down
    } else {
        Direction::Unknown
    }
}

/// What an own-line suppression comment before `offset` covers in SQL: from the next code token
/// to the end of the statement holding it.
fn sql_scope(tokens: &[Tok], statements: &[Statement], offset: usize) -> Option<Span> {
    // Tokens and statements are in file order (statements never overlap): binary searches, so
    // a file of thousands of suppressions is not quadratic.
    let from = tokens.partition_point(|t| t.span().start < offset);
    let next = tokens[from..].iter().find(|t| !t.is_trivia())?;
    let before = statements.partition_point(|s| s.span.start <= next.span().start);
    let stmt = before
        .checked_sub(1)
        .map(|i| &statements[i])
        .filter(|s| next.span().start < s.span.end.max(s.span.start + 1));
    Some(match stmt {
        Some(s) => Span::new(next.span().start, s.span.end.max(next.span().end)),
        None => next.span(),
    })
}

/// Severity overrides, per-file ignores, suppressions and ordering (secrets are masked after,
/// by [`crate::redact::redact`]).
pub fn finish(
    source: &SourceFile,
    role: Role,
    diags: &mut Vec<Diagnostic>,
    comments: &[CommentRef],
    scope: &dyn Fn(usize) -> Option<Span>,
    settings: &Settings,
) {
    apply_role(role, diags);
    for d in diags.iter_mut() {
        if let Some(sev) = settings.severity_of(d.rule.code) {
            d.severity = sev;
        }
    }
    collapse_once_per_file(diags);
    let ignored = settings.ignored_for(&source.path);
    if !ignored.is_empty() {
        diags.retain(|d| !ignored.iter().any(|s| d.rule.matches(s)));
    }
    suppress::apply(source, comments, scope, diags, settings);
    if !ignored.is_empty() {
        diags.retain(|d| !ignored.iter().any(|s| d.rule.matches(s)));
    }
    diags.sort_by(|a, b| {
        (a.span.start, a.rule.code, a.span.end).cmp(&(b.span.start, b.rule.code, b.span.end))
    });
    diags.dedup_by(|a, b| a.span == b.span && a.rule.code == b.rule.code && a.message == b.message);
}

/// The file's role decides, for every rule alike, which categories are not looked for and how
/// severe a finding may be; a softened finding says why in its help.
fn apply_role(role: Role, diags: &mut Vec<Diagnostic>) {
    let policy = role.policy();
    if !policy.skip.is_empty() {
        diags.retain(|d| role.runs(d.rule));
    }
    for d in diags.iter_mut() {
        if d.severity > policy.cap {
            d.severity = policy.cap;
            let why = format!(
                "reported as a {} at most: this is {} (file role `{}`)",
                policy.cap,
                role.described(),
                role.name()
            );
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h}; {why}"),
                None => why,
            });
        }
    }
}

/// Keeps the first finding of each once-per-file rule and says how many more it stands for.
fn collapse_once_per_file(diags: &mut Vec<Diagnostic>) {
    if !diags.iter().any(|d| d.rule.once_per_file) {
        return;
    }
    diags.sort_by_key(|d| d.span.start);
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for d in diags.iter().filter(|d| d.rule.once_per_file) {
        *counts.entry(d.rule.code).or_default() += 1;
    }
    // One cause, one finding: a once-per-file finding that stands for a single place another
    // finding of its category already marks (no lock_timeout before the one index build that
    // LK001 reports) says nothing more.
    let marked: Vec<(Span, crate::registry::Category)> = diags
        .iter()
        .filter(|d| !d.rule.once_per_file)
        .map(|d| (d.span, d.rule.category))
        .collect();
    let mut seen: Vec<&'static str> = Vec::new();
    diags.retain_mut(|d| {
        if !d.rule.once_per_file {
            return true;
        }
        if seen.contains(&d.rule.code) {
            return false;
        }
        seen.push(d.rule.code);
        let more = counts[d.rule.code] - 1;
        // A note that stands for a set's practice says more than the place it marks.
        if more == 0 && d.stands_for == 1 && marked.contains(&(d.span, d.rule.category)) {
            return false;
        }
        if more > 0 {
            d.message.push_str(&format!(
                " (and {more} more place{} in this file)",
                if more == 1 { "" } else { "s" }
            ));
        }
        true
    });
}

/// Counts of active findings by severity.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

pub fn summarize(reports: &[FileReport]) -> Summary {
    let mut s = Summary {
        files: reports.len(),
        ..Default::default()
    };
    for r in reports {
        for d in &r.diagnostics {
            if d.is_suppressed() {
                s.suppressed += 1;
                continue;
            }
            match d.severity {
                crate::diagnostic::Severity::Error => s.errors += 1,
                crate::diagnostic::Severity::Warning => s.warnings += 1,
                crate::diagnostic::Severity::Info => s.infos += 1,
            }
        }
    }
    s
}

/// Whether any active finding is a security finding (for callers that care).
pub fn has_security_findings(reports: &[FileReport]) -> bool {
    reports
        .iter()
        .flat_map(|r| r.active())
        .any(|d| d.rule.category.is_security())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        // Every rule, so the findings do not depend on which are on by default.
        let settings = Settings::resolve(
            None,
            &crate::settings::Overrides {
                select: Some(vec!["ALL".into()]),
                ..Default::default()
            },
        )
        .unwrap();
        let source = SourceFile::new(
            "db/migrations/002_index.sql",
            "db/migrations/002_index.sql",
            text,
        );
        lint(Request::texts(vec![(source, FileKind::Sql)]), &settings)
            .remove(0)
            .diagnostics
            .iter()
            .map(|d| d.rule.code)
            .collect()
    }

    #[test]
    fn one_cause_one_finding() {
        // The one statement that needs a lock is the index build LK001 reports: LK010 would
        // only say it again.
        let only = codes("CREATE INDEX orders_status_idx ON orders (status);\n");
        assert!(
            only.contains(&"LK001") && !only.contains(&"LK010"),
            "{only:?}"
        );
        // With another place to speak of, LK010 stays.
        let two = codes(
            "CREATE INDEX orders_status_idx ON orders (status);\nALTER TABLE orders ADD COLUMN note text;\n",
        );
        assert!(two.contains(&"LK001") && two.contains(&"LK010"), "{two:?}");
    }
}
