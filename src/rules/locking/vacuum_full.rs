use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `VACUUM FULL`, and PostgreSQL 19's `REPACK` without `CONCURRENTLY` (its new name,
    /// with or without `USING INDEX`).
    ///
    /// ## Why is this bad?
    /// `VACUUM FULL` rewrites the table into a new file under an `ACCESS EXCLUSIVE` lock: no
    /// reads or writes until it ends, and it needs disk space for a full copy.
    ///
    /// ## Example
    /// ```sql
    /// VACUUM FULL orders;
    /// REPACK orders;
    /// ```
    ///
    /// ## Use instead
    /// Let autovacuum work, run a plain `VACUUM`, or reclaim space online: `REPACK
    /// (CONCURRENTLY)` on PostgreSQL 19 and later (in a migration without a transaction),
    /// `pg_repack` before:
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
            match &stmt.kind {
                StmtKind::Vacuum { full: true, .. } => {
                    cx.report(
                        stmt.span,
                        "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
                    )
                    .label("locks the table for the whole rewrite")
                    .help("use plain VACUUM, or reclaim space without the lock: REPACK (CONCURRENTLY) on PostgreSQL 19+, pg_repack before");
                }
                StmtKind::Repack {
                    concurrently: false,
                    ..
                } => {
                    cx.report(
                        stmt.span,
                        "REPACK without CONCURRENTLY rewrites the table under an ACCESS EXCLUSIVE lock",
                    )
                    .label("locks the table for the whole rewrite")
                    .help("use REPACK (CONCURRENTLY), in a migration without a transaction: the table stays readable and writable until a brief lock at the end");
                }
                _ => {}
            }
        }
    }
}
