use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit, StmtKind, checks_not_null};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN ... SET NOT NULL` on an existing table, unless the column is known
    /// to hold no NULLs: it is NOT NULL already (a primary key column, an earlier `SET NOT
    /// NULL`), a validated `CHECK (col IS NOT NULL)` constraint proves it (validated in this
    /// migration or an earlier one of the set), or this migration added the column with a
    /// non-null default. On PostgreSQL two of those still cost a scan under `ACCESS EXCLUSIVE`,
    /// and are reported as such: a validated check before PostgreSQL 12 (`postgres.version`),
    /// and a column added with a default and then set NOT NULL (declare it `NOT NULL DEFAULT`
    /// in the `ADD COLUMN` instead). A Liquibase changeSet whose preconditions require the table to be
    /// empty (`<sqlCheck expectedResult="0">SELECT COUNT(*) FROM t</sqlCheck>`, `<tableIsEmpty>`,
    /// `<rowCount expectedRows="0">`, not `onFail="WARN"`) runs on no row and is not reported.
    ///
    /// ## Why is this bad?
    /// The statement fails if any row holds NULL, and deployed code that still writes NULL
    /// starts failing. On PostgreSQL it also scans the whole table under an `ACCESS EXCLUSIVE`
    /// lock, blocking reads and writes meanwhile.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// On PostgreSQL 12+, add a `NOT VALID` check, validate it (no exclusive lock), then set
    /// NOT NULL, which then skips the scan:
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
    /// ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
    /// ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    /// ```
    pub struct SetNotNull {
        code: "BC007",
        name: "set-not-null",
        category: BackwardIncompatible,
        severity: Warning,
    }
}

impl Rule for SetNotNull {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            let AlterAction::SetNotNull { column } = &item.action else {
                return;
            };
            if unit.table_has_no_rows(&at.name, i) {
                return;
            }
            // The schema before this script: the column is NOT NULL already, or an earlier
            // migration validated a `CHECK (col IS NOT NULL)`.
            let before = unit
                .catalog
                .and_then(|c| c.table(&at.name))
                .and_then(|t| Some((t, t.column(&column.norm())?)));
            if before.is_some_and(|(_, c)| c.not_null) {
                return;
            }
            let proof = if before.is_some_and(|(t, c)| t.proven_not_null(&c.name)) {
                Some(Proof::Check)
            } else {
                proven_not_null(unit, i, &at.name.key(), &column.norm())
            };
            let target = format!("`{}.{}`", at.name, column);
            let postgres = unit.dialect.is_postgres_like();
            match proof {
                // PostgreSQL 12+ takes the validated check as proof and skips the scan.
                Some(Proof::Check) if postgres && cx.settings.postgres_version < 12 => {
                    cx.report(item.span, format!("{target} is made NOT NULL on PostgreSQL {}: before 12 a validated CHECK does not spare the scan, so the whole table is read under an ACCESS EXCLUSIVE lock", cx.settings.postgres_version))
                        .label("scans the whole table under ACCESS EXCLUSIVE")
                        .help("on PostgreSQL before 12 keep the CHECK constraint instead of SET NOT NULL, or set it NOT NULL in a maintenance window");
                }
                // Every row holds the default, but PostgreSQL still reads them all to be sure.
                Some(Proof::AddedWithDefault) if postgres => {
                    cx.report(item.span, format!("{target} was added with a default in this migration and is then made NOT NULL: SET NOT NULL reads the whole table under an ACCESS EXCLUSIVE lock to check it"))
                        .label("scans the whole table under ACCESS EXCLUSIVE")
                        .help("declare it in the ADD COLUMN (`ADD COLUMN ... NOT NULL DEFAULT ...`): PostgreSQL 11+ then adds it without touching the rows");
                }
                Some(_) => {}
                None => {
                    cx.report(item.span, format!("{target} is made NOT NULL: this fails if any row holds NULL, breaks deployed code that writes NULL, and scans the table under an exclusive lock"))
                        .label("scans the whole table under ACCESS EXCLUSIVE")
                        .help("add `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it, then SET NOT NULL (PostgreSQL 12+ skips the scan)");
                }
            }
        });
    }
}

/// What proves a column holds no NULL before it is made NOT NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Proof {
    /// A validated `CHECK (col IS NOT NULL)`.
    Check,
    /// The column was added in this migration with a non-null default.
    AddedWithDefault,
}

/// Whether an earlier statement of the script proved the column (normalised) of the table (by
/// key) holds no NULL: see [`proven_not_null`]. LK015 reads it too.
pub(crate) fn proven_not_null_before(
    unit: &SqlUnit,
    before: usize,
    table: &str,
    column: &str,
) -> bool {
    proven_not_null(unit, before, table, column).is_some()
}

/// Whether an earlier statement proved the column holds no NULL: a validated
/// `CHECK (column IS NOT NULL)` on the table, or the column was added with a non-null default
/// (every existing row got it, and inserts that omit the column get it too).
fn proven_not_null(unit: &SqlUnit, before: usize, table: &str, column: &str) -> Option<Proof> {
    // Added in this migration with a non-null default: every row holds it.
    if unit
        .added_columns(table, column, before)
        .any(|c| c.default.as_ref().is_some_and(|d| !d.is_null))
    {
        return Some(Proof::AddedWithDefault);
    }
    let mut candidates: Vec<(Option<String>, bool)> = Vec::new();
    for stmt in &unit.statements[..before] {
        let StmtKind::AlterTable(at) = &stmt.kind else {
            continue;
        };
        if at.name.key() != table {
            continue;
        }
        for item in &at.actions {
            match &item.action {
                AlterAction::AddConstraint { constraint } => {
                    if let ConstraintKind::Check { expr } = &constraint.kind
                        && checks_not_null(expr, unit.dialect).as_deref() == Some(column)
                    {
                        candidates.push((
                            constraint.name.as_ref().map(|n| n.norm()),
                            !constraint.not_valid,
                        ));
                    }
                }
                AlterAction::ValidateConstraint { name } => {
                    for c in candidates.iter_mut() {
                        if c.0.as_deref() == Some(name.norm().as_str()) {
                            c.1 = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    candidates.iter().any(|c| c.1).then_some(Proof::Check)
}
