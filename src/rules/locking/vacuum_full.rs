use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `VACUUM FULL` (PostgreSQL).
    ///
    /// ## Why is this bad?
    /// `VACUUM FULL` rewrites the table into a new file under an `ACCESS EXCLUSIVE` lock: no
    /// reads or writes until it ends, and it needs disk space for a full copy.
    ///
    /// ## Example
    /// ```sql
    /// VACUUM FULL orders;
    /// ```
    ///
    /// ## Use instead
    /// Let autovacuum work, run a plain `VACUUM`, or use `pg_repack` to reclaim space online:
    /// ```sql
    /// VACUUM (ANALYZE) orders;
    /// ```
    pub struct VacuumFull {
        code: "LK008",
        name: "vacuum-full",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for VacuumFull {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for stmt in unit.statements {
            if let StmtKind::Vacuum { full: true, .. } = &stmt.kind {
                cx.report(
                    stmt.span,
                    "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
                )
                .label("locks the table for the whole rewrite")
                .help("use plain VACUUM, or pg_repack to reclaim space without the lock");
            }
        }
    }
}
