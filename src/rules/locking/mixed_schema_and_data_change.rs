use crate::registry::{Cx, Rule};
use crate::sql::{Dialect, ObjectName, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags a migration that changes the schema and then changes the rows of an existing table
    /// (`UPDATE`, `INSERT`, `DELETE`) in the same transaction: the backfill runs while the locks
    /// taken by the schema change are held. Transactions are the tool's (Flyway, goose, dbmate,
    /// diesel, Liquibase changeSets, Alembic) or an explicit `BEGIN`. A backfill that runs
    /// before the schema change is not reported (it holds none of its locks), nor is MySQL,
    /// which commits around every DDL statement.
    ///
    /// ## Why is this bad?
    /// `ALTER TABLE` takes an ACCESS EXCLUSIVE lock that is held until the transaction commits,
    /// so every query on the table waits for the whole backfill. A large backfill in one
    /// transaction also bloats the table and cannot be resumed if it fails halfway.
    ///
    /// ## Example
    /// ```sql file=migrations/00042_add_status.sql
    /// -- +goose Up
    /// ALTER TABLE orders ADD COLUMN status text;
    /// UPDATE orders SET status = 'paid' WHERE paid_at IS NOT NULL;
    /// -- +goose Down
    /// ALTER TABLE orders DROP COLUMN status;
    /// ```
    ///
    /// ## Use instead
    /// Expand, backfill, contract: one migration adds the column, the backfill runs separately
    /// in batches (a job, or a migration of its own without a transaction), and a later
    /// migration adds constraints once every row is filled.
    /// ```sql file=migrations/00042_add_status.sql
    /// -- +goose Up
    /// ALTER TABLE orders ADD COLUMN status text;
    /// -- +goose Down
    /// ALTER TABLE orders DROP COLUMN status;
    /// ```
    pub struct MixedSchemaAndDataChange {
        code: "LK013",
        name: "mixed-schema-and-data-change",
        category: Locking,
        severity: Warning,
    }
}

fn schema_change(kind: &StmtKind) -> Option<Option<&ObjectName>> {
    match kind {
        StmtKind::AlterTable(at) => Some(Some(&at.name)),
        StmtKind::CreateIndex(ci) if !ci.concurrently => Some(Some(&ci.table)),
        StmtKind::Drop { .. } | StmtKind::RenameTables { .. } => Some(None),
        _ => None,
    }
}

impl Rule for MixedSchemaAndDataChange {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        // MySQL commits before and after every DDL statement: nothing it locks is held over the
        // statements that follow.
        if unit.is_down() || unit.dialect == Dialect::Mysql {
            return;
        }
        let Some((si, schema_stmt)) = unit.statements.iter().enumerate().find(|(i, s)| {
            unit.in_transaction(*i)
                && schema_change(&s.kind)
                    .is_some_and(|t| t.is_none_or(|t| !unit.table_is_new(t, *i)))
        }) else {
            return;
        };
        // A data change before the schema change holds no lock the schema change takes.
        for (i, s) in unit.statements.iter().enumerate().skip(si + 1) {
            if !unit.in_transaction(i) {
                continue;
            }
            let (table, verb) = match &s.kind {
                StmtKind::Update { table, .. } => (table, "updates"),
                StmtKind::Delete { table, .. } => (table, "deletes from"),
                StmtKind::Insert { table, .. } => (table, "inserts into"),
                _ => continue,
            };
            if unit.table_is_new(table, i) {
                continue;
            }
            cx.report(s.span, format!("this migration changes the schema and {verb} `{table}` in the same transaction: the schema change's locks are held for the whole backfill"))
                .label("data change inside a schema migration")
                .secondary(schema_stmt.span, "locks taken here are held until commit")
                .help("expand, backfill, contract: add the schema change in one migration, backfill in batches outside it (a job or a non-transactional migration), then tighten constraints in a later one");
            return;
        }
    }
}
