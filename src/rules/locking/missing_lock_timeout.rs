use crate::parse::sql::cursor::Cursor;
use crate::registry::{Cx, Rule};
use crate::sql::{AlterAction, ObjectKind, ObjectName, SqlUnit, Statement, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags the first statement of a migration that needs a strong lock on an existing table
    /// (most `ALTER TABLE`s, `DROP TABLE`, a non-concurrent index build or drop, `TRUNCATE`,
    /// `CREATE TRIGGER`, `REFRESH MATERIALIZED VIEW`...) when no `SET lock_timeout` comes
    /// before it (PostgreSQL). Creating tables, and changing tables created in the same
    /// migration, never needs one.
    ///
    /// It follows the project's practice: in a migration set that sets lock_timeout in fewer than
    /// one migration in ten (from five on), its findings become one info note at the newest place,
    /// saying so. Set `online = "always"` under `[migrations]` to report every place, or `online =
    /// "never"` when migrations run offline.
    ///
    /// ## Why is this bad?
    /// A DDL statement waits for its lock behind any running transaction, however long; and
    /// while it waits, every new query on the table queues behind *it*. A quick
    /// `ALTER TABLE` stuck behind one slow report takes the application down. A lock timeout
    /// makes it give up (and the deploy retry) instead.
    ///
    /// The rule reports once per file: a Liquibase changelog that never sets a timeout is one
    /// finding at its first such change, with the count of the others.
    ///
    /// If your migration tool sets `lock_timeout` for every migration already, set
    /// `lock-timeout-set-by-tool = true` under `[postgres]` in `schemaguard.toml`.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// SET lock_timeout = '2s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    pub struct MissingLockTimeout {
        code: "LK010",
        name: "missing-lock-timeout",
        category: Locking,
        severity: Warning,
        once_per_file: true,
        practice: LockTimeout,
    }
}

impl Rule for MissingLockTimeout {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like()
            || cx.settings.lock_timeout_set_by_tool
            || unit.is_down()
        {
            return;
        }
        let mut timeout_set = false;
        // The fix of every place: the timeout before the first (the engine keeps one finding).
        let mut first: Option<&Statement> = None;
        for (i, stmt) in unit.statements.iter().enumerate() {
            if sets_lock_timeout(unit, stmt) {
                timeout_set = true;
                continue;
            }
            if timeout_set {
                return;
            }
            let Some(table) = needs_lock(unit, stmt) else {
                continue;
            };
            if table.as_ref().is_some_and(|t| unit.table_is_new(t, i)) {
                continue;
            }
            let on = table.map(|t| format!(" on `{t}`")).unwrap_or_default();
            // Every such statement is reported: the engine keeps the first and counts the rest
            // (the rule is once per file), and drops the finding when its only place is one
            // another rule already reports.
            let d = cx.report(stmt.span, format!("this statement waits for a strong lock{on} with no lock_timeout set: while it waits, every query on the table queues behind it"))
                .label("no lock_timeout before this")
                .help("start the migration with `SET lock_timeout = '2s';` and retry on timeout, or set `lock-timeout-set-by-tool = true` if your tool does it");
            let first = *first.get_or_insert(stmt);
            if let Some(edit) = prologue(unit, first) {
                // Unsafe: under contention the migration now fails (to be retried) where it
                // used to wait.
                d.unsafe_fix("set lock_timeout = '2s' before it", vec![edit]);
            }
        }
    }
}

/// The edit that puts `SET lock_timeout = '2s';` before the statement, on a line of its own at
/// the statement's indentation; only in SQL files (a changelog's change tags are not SQL).
fn prologue(unit: &SqlUnit, stmt: &Statement) -> Option<crate::diagnostic::Edit> {
    let text: &str = &unit.source.text;
    let is_sql = unit
        .source
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"));
    if !is_sql {
        return None;
    }
    let line_start = text[..stmt.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..stmt.span.start];
    let newline = crate::source::line_ending(text);
    Some(if indent.trim().is_empty() {
        crate::diagnostic::Edit {
            span: crate::source::Span::at(line_start),
            content: format!("{indent}SET lock_timeout = '2s';{newline}"),
        }
    } else {
        crate::diagnostic::Edit {
            span: crate::source::Span::at(stmt.span.start),
            content: "SET lock_timeout = '2s'; ".into(),
        }
    })
}

/// `SET [LOCAL] lock_timeout = <non-zero>` or `SELECT set_config('lock_timeout', ...)`.
fn sets_lock_timeout(unit: &SqlUnit, stmt: &Statement) -> bool {
    match &stmt.kind {
        StmtKind::Set { name, value, .. } => {
            let v = value.trim().trim_matches(['\'', '"']).trim();
            crate::sql::is_lock_timeout(name) && v != "0" && !v.eq_ignore_ascii_case("default")
        }
        StmtKind::Query => unit
            .text(stmt.span)
            .to_ascii_lowercase()
            .contains("'lock_timeout'"),
        _ => false,
    }
}

/// For a statement that takes a lock other sessions queue behind: the table it locks, if known.
fn needs_lock(unit: &SqlUnit, stmt: &Statement) -> Option<Option<ObjectName>> {
    needs_lock_on(stmt)
        .map(|t| t.cloned())
        .map(|t| match &stmt.kind {
            StmtKind::Create {
                kind: ObjectKind::Trigger,
                ..
            } => trigger_table(unit, stmt),
            _ => t,
        })
}

/// The table of `CREATE TRIGGER ... ON table`.
fn trigger_table(unit: &SqlUnit, stmt: &Statement) -> Option<ObjectName> {
    let code: Vec<_> = unit.code_tokens(stmt).copied().collect();
    let text: &str = &unit.source.text;
    let on = code.iter().position(|t| t.is_kw(text, "ON"))?;
    let mut c = Cursor::new(text, &code);
    c.pos = on + 1;
    c.object_name()
}

fn needs_lock_on(stmt: &Statement) -> Option<Option<&ObjectName>> {
    match &stmt.kind {
        StmtKind::AlterTable(at) => {
            let weak = at.actions.iter().all(|a| match &a.action {
                AlterAction::ValidateConstraint { .. }
                | AlterAction::DetachPartition {
                    concurrently: true, ..
                } => true,
                AlterAction::Other { what } => {
                    what.starts_with("ALTER COLUMN SET")
                        || what.starts_with("SET (")
                        || what == "OWNER TO"
                }
                _ => false,
            });
            (!weak && !at.actions.is_empty()).then_some(Some(&at.name))
        }
        StmtKind::Drop {
            kind: ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView,
            names,
            ..
        } => Some(names.first()),
        StmtKind::CreateIndex(ci) if !ci.concurrently => Some(Some(&ci.table)),
        StmtKind::DropIndex {
            concurrently: false,
            ..
        } => Some(None),
        StmtKind::Truncate { tables } => Some(tables.first()),
        StmtKind::Reindex {
            concurrently: false,
            ..
        } => Some(None),
        StmtKind::Vacuum { full: true, tables } => Some(tables.first()),
        StmtKind::Cluster { table } => Some(table.as_ref()),
        StmtKind::Repack {
            table,
            concurrently: false,
        } => Some(table.as_ref()),
        StmtKind::RefreshMaterializedView {
            name,
            concurrently: false,
        } => Some(Some(name)),
        StmtKind::Create {
            kind: ObjectKind::Trigger,
            ..
        } => Some(None),
        _ => None,
    }
}
