use crate::registry::{Cx, Rule};
use crate::sql::{AlterAction, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags statements that PostgreSQL refuses to run inside a transaction block when they
    /// appear inside one: `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
    /// `REINDEX ... CONCURRENTLY`, `DETACH PARTITION ... CONCURRENTLY`, `VACUUM`, and
    /// `REPACK (CONCURRENTLY)` or `REPACK` of every table (PostgreSQL 19). The
    /// transaction is an explicit `BEGIN`, or the one a migration tool opens (goose and dbmate
    /// sections unless marked otherwise), or the one PostgreSQL opens for a query of several
    /// statements, which is how golang-migrate and Prisma send a file.
    ///
    /// ## Why is this bad?
    /// The migration fails at deploy time with "cannot run inside a transaction block".
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// COMMIT;
    /// ```
    ///
    /// ## Use instead
    /// Run the statement on its own, outside a transaction (goose: `-- +goose NO TRANSACTION`;
    /// dbmate: `-- migrate:up transaction:false`):
    /// ```sql
    /// CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    /// ```
    pub struct ConcurrentlyInTransaction {
        code: "LK004",
        name: "concurrently-in-transaction",
        category: Locking,
        severity: Error,
    }
}

impl Rule for ConcurrentlyInTransaction {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for (_, stmt) in unit
            .statements
            .iter()
            .enumerate()
            .filter(|(i, _)| unit.in_transaction(*i))
        {
            let what = match &stmt.kind {
                StmtKind::CreateIndex(ci) if ci.concurrently => "CREATE INDEX CONCURRENTLY",
                StmtKind::DropIndex {
                    concurrently: true, ..
                } => "DROP INDEX CONCURRENTLY",
                StmtKind::Reindex {
                    concurrently: true, ..
                } => "REINDEX CONCURRENTLY",
                StmtKind::Vacuum { .. } => "VACUUM",
                StmtKind::Repack {
                    concurrently: true, ..
                } => "REPACK (CONCURRENTLY)",
                StmtKind::Repack { table: None, .. } => "REPACK of every table",
                StmtKind::AlterTable(at)
                    if at.actions.iter().any(|a| {
                        matches!(
                            a.action,
                            AlterAction::DetachPartition {
                                concurrently: true,
                                ..
                            }
                        )
                    }) =>
                {
                    "DETACH PARTITION CONCURRENTLY"
                }
                _ => continue,
            };
            cx.report(stmt.span, format!("{what} cannot run inside a transaction block: this migration fails when it is applied"))
                .label("inside a transaction")
                .help("run it in a migration of its own without a transaction (goose: `-- +goose NO TRANSACTION`, dbmate: `transaction:false`)");
        }
    }
}
