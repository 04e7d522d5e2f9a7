//! What every migration file becomes after parsing, whatever its language: statements of the
//! one SQL model (with spans into the file), grouped into scripts (an up or a down part).
//!
//! A plain SQL file is one script, a goose/dbmate file one script per section, a Liquibase
//! changeSet a script for its changes and one for its `<rollback>`, an Alembic revision a script
//! for `upgrade()` and one for `downgrade()`. The framework adapters pair scripts into
//! migrations; the rules see each script as a [`crate::sql::SqlUnit`].

use std::ops::Range;
use std::sync::Arc;

use crate::parse::sql::lexer::Tok;
use crate::source::{SourceFile, Span};
use crate::sql::{Dialect, Direction, Statement};
use crate::suppress::CommentRef;

/// One runnable part of a file.
#[derive(Clone, Debug)]
pub struct Script {
    pub direction: Direction,
    /// Indices into [`FileModel::statements`].
    pub stmts: Range<usize>,
    /// Where the script is declared (a section marker, a `<changeSet>`, `def upgrade`): findings
    /// about the script as a whole point here.
    pub span: Span,
    /// The file runs this script in a transaction of its own (`Some(false)`: the file opts out,
    /// e.g. `-- +goose NO TRANSACTION`, `runInTransaction="false"`); `None`: the framework's default.
    pub transaction: Option<bool>,
    /// The script says it cannot be run or undone (an Alembic `raise`, a SQL comment saying so),
    /// with where and the reason it gives.
    pub irreversible: Option<(Span, String)>,
    /// The script does things the linter cannot see (Python logic, a custom change, a missing
    /// `sqlFile`): absence of statements does not mean it is empty.
    pub opaque: bool,
    /// Liquibase: change types whose rollback Liquibase cannot generate, with their spans.
    pub no_auto_rollback: Vec<(String, Span)>,
    /// Liquibase: a `<rollback/>` with nothing in it (the author says nothing needs undoing).
    pub declared_empty: bool,
    /// Statements (indices into the file's statements) the script runs outside its transaction
    /// (Alembic `autocommit_block()`).
    pub autocommit: Vec<usize>,
    /// The dialect of this script when it differs from the file's (a Liquibase changeSet with
    /// `dbms="mysql"`).
    pub dialect: Option<Dialect>,
    /// It runs only on embedded engines (a Liquibase changeSet with `dbms="h2, hsqldb"`): the
    /// engine of the project's tests and local runs, not of its deployments.
    pub embedded_only: bool,
    /// Keys of the tables the script runs only when empty (a Liquibase precondition that
    /// requires `SELECT COUNT(*) FROM t` to be 0): rules about existing rows leave them alone.
    pub empty_tables: Vec<String>,
}

impl Script {
    pub fn new(direction: Direction, stmts: Range<usize>, span: Span) -> Self {
        Script {
            direction,
            stmts,
            span,
            transaction: None,
            irreversible: None,
            opaque: false,
            no_auto_rollback: Vec::new(),
            declared_empty: false,
            autocommit: Vec::new(),
            dialect: None,
            embedded_only: false,
            empty_tables: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stmts.is_empty()
    }
}

/// Liquibase facts about a file.
#[derive(Clone, Debug, Default)]
pub struct ChangelogInfo {
    pub change_sets: Vec<ChangeSetInfo>,
    /// `include` / `includeAll` in document order: (path as written, relative to the changelog's
    /// folder?, include-all?, span).
    pub includes: Vec<Include>,
    /// `--liquibase formatted sql`.
    pub formatted_sql: bool,
}

#[derive(Clone, Debug)]
pub struct Include {
    pub path: String,
    pub relative_to_changelog: bool,
    pub all: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ChangeSetInfo {
    /// `author:id`.
    pub id: String,
    pub span: Span,
    pub up: usize,
    pub rollback: Option<usize>,
    /// The changeSet's whole text range, to tell whether it was edited.
    pub body: Span,
    /// `runOnChange="true"` or `runAlways`: editing it is expected.
    pub reruns: bool,
    /// Runs only on some databases or when preconditions hold (`dbms`, `<preConditions>`).
    pub conditional: bool,
}

/// Alembic facts about a revision file.
#[derive(Clone, Debug, Default)]
pub struct RevisionInfo {
    pub revision: Option<String>,
    pub down_revisions: Vec<String>,
    /// Where `revision = ...` is assigned.
    pub span: Span,
    pub branch_labels: Vec<String>,
    pub upgrade: Option<usize>,
    pub downgrade: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub enum FileInfo {
    /// A plain SQL file (sections say whether goose/dbmate markers were found).
    #[default]
    Sql,
    Changelog(ChangelogInfo),
    Revision(RevisionInfo),
    /// A key-value config file beside migrations (`.env`, `flyway.conf`...): only credential
    /// rules read it.
    KeyValue(Box<crate::parse::kv::KvFile>),
    /// A Terraform plan (`terraform show -json`): only plan rules read it.
    Plan(std::sync::Arc<crate::terraform::plan::Plan>),
    /// Config YAML that is not a changelog (compose, Kubernetes, workflows, database
    /// settings): only YAML rules read it.
    Yaml(std::sync::Arc<crate::yaml::YamlFile>),
    /// Not a migration file we understand (a Python file that is not a revision, an XML file
    /// that is not a changelog): nothing to lint.
    Other,
}

/// A parsed file.
#[derive(Debug, Default)]
pub struct FileModel {
    pub dialect: Dialect,
    /// The text SQL was parsed from when it differs from the file: the file with each embedded
    /// SQL region decoded in place (XML entities, Python escapes, `--rollback ` prefixes blanked),
    /// padded so every offset is the file's.
    pub shadow: Option<Arc<SourceFile>>,
    pub tokens: Vec<Tok>,
    pub statements: Vec<Statement>,
    pub scripts: Vec<Script>,
    /// Comments of the host language, for suppressions.
    pub comments: Vec<CommentRef>,
    /// What an own-line suppression can cover: changeSets, changes, `op.*` calls (sorted by start).
    pub scopes: Vec<Span>,
    /// Syntax errors of the host format (XML, YAML, Python), reported as parse errors.
    pub errors: Vec<(Span, String)>,
    /// goose/dbmate section markers were found (a plain SQL file otherwise).
    pub sections: bool,
    /// A file-level `-- +goose NO TRANSACTION`.
    pub no_transaction: bool,
    /// Which tool's markers the sections use.
    pub goose: bool,
    pub dbmate: bool,
    pub info: FileInfo,
    /// The tool that wrote the file when it is a database dump rather than a migration.
    pub dump: Option<&'static str>,
    /// What the file is for in its project (set once parsed, from its path and content).
    pub role: crate::roles::Role,
}

impl FileModel {
    /// Gives back what growing the lists over-reserved: a model is held until its whole
    /// migration folder is linted, so every model of a run is in memory at once.
    pub fn shrink(&mut self) {
        self.tokens.shrink_to_fit();
        self.statements.shrink_to_fit();
        self.scripts.shrink_to_fit();
        self.comments.shrink_to_fit();
        self.scopes.shrink_to_fit();
        self.errors.shrink_to_fit();
    }

    /// The script statements of `script`.
    pub fn statements_of(&self, script: &Script) -> &[Statement] {
        &self.statements[script.stmts.clone()]
    }

    /// The smallest scope that starts at or after `offset`: what an own-line comment covers.
    pub fn scope_after(&self, offset: usize) -> Option<Span> {
        self.scopes
            .iter()
            .filter(|s| s.start >= offset)
            .min_by_key(|s| (s.start, s.end))
            .copied()
    }
}

/// Appends the statements of embedded SQL parsed from `range` of `source` to a model: tokens are
/// appended and each statement's token range re-based.
pub fn append_sql(
    model: &mut FileModel,
    source: &SourceFile,
    range: Range<usize>,
    dialect: Dialect,
) -> Range<usize> {
    let parsed = crate::parse::sql::parse_range(source, range, dialect);
    let base = model.tokens.len();
    let first = model.statements.len();
    model.tokens.extend(parsed.tokens);
    for mut s in parsed.statements {
        s.tokens = s.tokens.start + base..s.tokens.end + base;
        model.statements.push(s);
    }
    first..model.statements.len()
}

/// Builds a shadow text: `text` with each `(range, replacement)` written over its range. A
/// replacement never longer than its range is padded with spaces (newlines kept where the
/// original had them), so offsets do not move.
pub fn shadow_text(text: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut edits: Vec<&(Range<usize>, String)> = edits.iter().collect();
    edits.sort_by_key(|e| e.0.start);
    for (range, rep) in edits {
        if range.start < pos || range.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..range.start]);
        let orig = &text[range.clone()];
        if rep.len() <= orig.len() {
            out.push_str(rep);
            // Pad to the original length; keep the original's newlines after the replacement so
            // later lines stay where they were.
            let rest = &orig.as_bytes()[rep.len()..];
            for b in rest {
                out.push(if *b == b'\n' { '\n' } else { ' ' });
            }
        } else {
            out.push_str(orig);
        }
        pos = range.end;
    }
    out.push_str(&text[pos..]);
    debug_assert_eq!(out.len(), text.len());
    out
}

/// The model of a plain SQL file: one script for the whole file, or one per goose/dbmate section
/// (statements before the first marker form a script of their own).
pub fn from_sql(parsed: crate::parse::sql::ParsedSql, text: &str) -> FileModel {
    let whole_file = Span::new(0, text.len());
    let comments: Vec<CommentRef> = parsed
        .comments()
        .map(|t| CommentRef { span: t.span() })
        .collect();
    let marker_text = |needle: &str| {
        parsed.sections.iter().any(|sec| {
            parsed
                .tokens
                .iter()
                .find(|t| t.span().start == sec.start)
                .is_some_and(|t| t.span().text(text).contains(needle))
        })
    };
    let goose = marker_text("+goose");
    let dbmate = marker_text("migrate:");
    let mut scripts = Vec::new();
    let n = parsed.statements.len();
    if parsed.sections.is_empty() {
        scripts.push(Script::new(
            Direction::Unknown,
            0..n,
            Span::at(whole_file.start),
        ));
    } else {
        let starts: Vec<usize> = parsed.sections.iter().map(|s| s.start).collect();
        let index_at = |offset: usize| {
            parsed
                .statements
                .iter()
                .position(|s| s.span.start >= offset)
                .unwrap_or(n)
        };
        let first = index_at(starts[0]);
        if first > 0 {
            scripts.push(Script::new(Direction::Unknown, 0..first, Span::at(0)));
        }
        for (i, sec) in parsed.sections.iter().enumerate() {
            let a = index_at(sec.start);
            let b = starts.get(i + 1).map(|s| index_at(*s)).unwrap_or(n);
            let marker_end = parsed
                .tokens
                .iter()
                .find(|t| t.span().start == sec.start)
                .map(|t| t.span().end)
                .unwrap_or(sec.start);
            let mut s = Script::new(sec.direction, a..b.max(a), Span::new(sec.start, marker_end));
            if sec.no_transaction || parsed.no_transaction {
                s.transaction = Some(false);
            }
            scripts.push(s);
        }
    }
    FileModel {
        dialect: parsed.dialect,
        shadow: None,
        sections: !parsed.sections.is_empty(),
        no_transaction: parsed.no_transaction,
        goose,
        dbmate,
        tokens: parsed.tokens,
        statements: parsed.statements,
        scripts,
        comments,
        scopes: Vec::new(),
        errors: Vec::new(),
        info: FileInfo::Sql,
        dump: parsed.dump,
        role: Default::default(),
    }
}
