use super::attach_concurrently_fix;
use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `CREATE INDEX` without `CONCURRENTLY` on a table that already exists (PostgreSQL).
    ///
    /// It follows the project's practice: in a migration set that builds its indexes concurrently
    /// in fewer than one case in ten (from five cases on), its findings become one info note at the
    /// newest place, saying so. Set `online = "always"` under `[migrations]` to report every place,
    /// or `online = "never"` when migrations run offline.
    ///
    /// ## Why is this bad?
    /// A plain `CREATE INDEX` holds a `SHARE` lock for the whole build: every `INSERT`,
    /// `UPDATE` and `DELETE` on the table waits until the index is built, which takes minutes
    /// on a large table.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_customer_id_idx ON orders (customer_id);
    /// ```
    ///
    /// ## Use instead
    /// Build it concurrently, outside a transaction block (most tools have a per-migration
    /// switch for that):
    /// ```sql
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// ```
    pub struct CreateIndexWithoutConcurrently {
        code: "LK001",
        name: "create-index-without-concurrently",
        category: Locking,
        severity: Warning,
        aliases: ["require-concurrent-index-creation"],
        practice: ConcurrentIndexBuild,
    }
}

impl Rule for CreateIndexWithoutConcurrently {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            let StmtKind::CreateIndex(ci) = &stmt.kind else {
                continue;
            };
            if ci.concurrently || unit.table_has_no_rows(&ci.table, i) {
                continue;
            }
            let name = ci
                .name
                .as_ref()
                .map(|n| format!("index `{n}`"))
                .unwrap_or_else(|| "an index".into());
            let d = cx
                .report(stmt.span, format!("{name} is built on `{}` without CONCURRENTLY, blocking writes to the table until the build ends", ci.table))
                .label("blocks INSERT, UPDATE and DELETE while it builds")
                .help("use CREATE INDEX CONCURRENTLY, and run the migration outside a transaction block");
            attach_concurrently_fix(d, unit, i);
        }
    }
}
