use super::attach_concurrently_fix;
use crate::registry::{Cx, Rule};
use crate::sql::{SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP INDEX` without `CONCURRENTLY` (PostgreSQL), unless the index was created
    /// earlier in the same migration.
    ///
    /// It follows the project's practice: in a migration set that drops its indexes concurrently in
    /// fewer than one case in ten (from five cases on), its findings become one info note at the
    /// newest place, saying so. Set `online = "always"` under `[migrations]` to report every place,
    /// or `online = "never"` when migrations run offline.
    ///
    /// ## Why is this bad?
    /// A plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index's table: while it
    /// waits for running queries to finish, every new query on the table queues behind it.
    ///
    /// ## Example
    /// ```sql
    /// DROP INDEX orders_legacy_idx;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// DROP INDEX CONCURRENTLY orders_legacy_idx;
    /// ```
    pub struct DropIndexWithoutConcurrently {
        code: "LK002",
        name: "drop-index-without-concurrently",
        category: Locking,
        severity: Warning,
        practice: ConcurrentIndexDrop,
    }
}

impl Rule for DropIndexWithoutConcurrently {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            let StmtKind::DropIndex {
                names,
                concurrently: false,
                table: None,
                ..
            } = &stmt.kind
            else {
                continue;
            };
            let created_here = names.iter().all(|n| {
                unit.statements[..i].iter().any(|s| match &s.kind {
                    StmtKind::CreateIndex(ci) => ci
                        .name
                        .as_ref()
                        .is_some_and(|x| x.norm() == n.base().norm()),
                    _ => false,
                })
            });
            if created_here {
                continue;
            }
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let d = cx
                .report(stmt.span, format!("{} {} {} dropped without CONCURRENTLY, taking an ACCESS EXCLUSIVE lock on {}", if names.len() == 1 { "index" } else { "indexes" }, list.join(", "), if names.len() == 1 { "is" } else { "are" }, if names.len() == 1 { "its table" } else { "their tables" }))
                .label("blocks every query on the table while it waits and runs")
                .help("use DROP INDEX CONCURRENTLY (one index per statement, outside a transaction block)");
            if names.len() == 1 {
                attach_concurrently_fix(d, unit, i);
            }
        }
    }
}
