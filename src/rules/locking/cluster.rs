use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `CLUSTER` (PostgreSQL).
    ///
    /// ## Why is this bad?
    /// `CLUSTER` rewrites the table in index order under an `ACCESS EXCLUSIVE` lock: no reads
    /// or writes until it ends. Without a table name it does this to every clustered table.
    ///
    /// ## Example
    /// ```sql
    /// CLUSTER orders USING orders_created_at_idx;
    /// ```
    ///
    /// ## Use instead
    /// Use `pg_repack --order-by` to reorder online, or run `CLUSTER` in a maintenance window
    /// outside migrations:
    /// ```sql
    /// ANALYZE orders;
    /// ```
    pub struct Cluster {
        code: "LK009",
        name: "cluster",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for Cluster {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::Cluster { table } = &stmt.kind {
                if table.as_ref().is_some_and(|t| unit.table_is_new(t, i)) {
                    continue;
                }
                let what = table
                    .as_ref()
                    .map(|t| format!("`{t}`"))
                    .unwrap_or_else(|| "every previously clustered table".into());
                cx.report(stmt.span, format!("CLUSTER rewrites {what} under an ACCESS EXCLUSIVE lock"))
                    .label("locks the table for the whole rewrite")
                    .help("use pg_repack to reorder online, or run it in a maintenance window outside migrations");
            }
        }
    }
}
