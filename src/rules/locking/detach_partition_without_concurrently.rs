use super::attach_concurrently_fix_at;
use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY` on an existing
    /// partitioned table (PostgreSQL 14 and later, `postgres.version`).
    ///
    /// ## Why is this bad?
    /// A plain `DETACH PARTITION` takes an ACCESS EXCLUSIVE lock on the parent table: every
    /// query on the whole partitioned table waits for it, and queues behind it while it waits
    /// for running queries to finish. Partitioned tables are the big, busy ones.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE measurements DETACH PARTITION measurements_2020;
    /// ```
    ///
    /// ## Use instead
    /// Detach it concurrently (two transactions, taking only SHARE UPDATE EXCLUSIVE on the
    /// parent), in a migration without a transaction of its own:
    /// ```sql
    /// ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
    /// ```
    ///
    /// ## References
    /// - squawk's and eugene's partition checks; PostgreSQL `ALTER TABLE`, `DETACH PARTITION ...
    ///   CONCURRENTLY` (PostgreSQL 14).
    pub struct DetachPartitionWithoutConcurrently {
        code: "LK014",
        name: "detach-partition-without-concurrently",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for DetachPartitionWithoutConcurrently {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        // CONCURRENTLY arrived in PostgreSQL 14: before, there is no lighter way to suggest.
        if !unit.dialect.is_postgres_like() || cx.settings.postgres_version < 14 {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            let AlterAction::DetachPartition {
                partition,
                concurrently: false,
            } = &item.action
            else {
                return;
            };
            if unit.table_is_new(&at.name, i) {
                return;
            }
            let d = cx
                .report(item.span, format!("partition `{partition}` is detached from `{}` without CONCURRENTLY, locking the whole partitioned table", at.name))
                .label("takes ACCESS EXCLUSIVE on the parent table")
                .help("use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), in a migration without a transaction");
            attach_concurrently_fix_at(d, unit, i, partition.span().end);
        });
    }
}
