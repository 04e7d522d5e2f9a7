use crate::registry::{Cx, Rule};
use crate::sql::{ReindexTarget, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `REINDEX` without `CONCURRENTLY` (PostgreSQL).
    ///
    /// ## Why is this bad?
    /// A plain `REINDEX` blocks writes to the table, and reads that would use the index, until
    /// the rebuild ends.
    ///
    /// ## Example
    /// ```sql
    /// REINDEX INDEX orders_customer_id_idx;
    /// ```
    ///
    /// ## Use instead
    /// On PostgreSQL 12+:
    /// ```sql
    /// REINDEX INDEX CONCURRENTLY orders_customer_id_idx;
    /// ```
    pub struct ReindexWithoutConcurrently {
        code: "LK003",
        name: "reindex-without-concurrently",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for ReindexWithoutConcurrently {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for stmt in unit.statements {
            let StmtKind::Reindex {
                target,
                concurrently: false,
                ..
            } = &stmt.kind
            else {
                continue;
            };
            if *target == ReindexTarget::System {
                continue;
            }
            let help = if cx.settings.postgres_version >= 12 {
                "use REINDEX ... CONCURRENTLY (outside a transaction block)"
            } else {
                "PostgreSQL before 12 has no REINDEX CONCURRENTLY: build a new index concurrently and drop the old one concurrently"
            };
            cx.report(
                stmt.span,
                "REINDEX without CONCURRENTLY blocks writes to the table until the rebuild ends",
            )
            .label("blocks writes")
            .help(help);
        }
    }
}
