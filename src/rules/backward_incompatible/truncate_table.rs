use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `TRUNCATE` of a table this migration did not create.
    ///
    /// ## Why is this bad?
    /// Every row is deleted at once, without per-row triggers, and a rollback of the code cannot
    /// bring the data back. On PostgreSQL it also takes an `ACCESS EXCLUSIVE` lock.
    ///
    /// ## Example
    /// ```sql
    /// TRUNCATE TABLE sessions;
    /// ```
    ///
    /// ## Use instead
    /// Delete what must go in batches with a `WHERE` clause, or suppress with the reason the
    /// data is disposable:
    /// ```sql
    /// -- schemaguard: ignore[truncate-table] sessions are recreated on next login
    /// TRUNCATE TABLE sessions;
    /// ```
    pub struct TruncateTable {
        code: "BC011",
        name: "truncate-table",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for TruncateTable {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::Truncate { tables } = &stmt.kind {
                for t in tables.iter().filter(|t| !unit.table_is_new(t, i)) {
                    cx.report(stmt.span, format!("every row of `{t}` is deleted"))
                        .secondary(t.span(), "all rows of this table")
                        .label("truncated here")
                        .help("delete only what must go, in batches, or record why the data is disposable");
                }
            }
        }
    }
}
