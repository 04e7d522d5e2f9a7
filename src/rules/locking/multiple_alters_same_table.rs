use std::collections::HashMap;

use crate::registry::{Cx, Rule};
use crate::sql::{AlterAction, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags a migration that alters the same existing table in several `ALTER TABLE`
    /// statements whose actions could be combined into one.
    ///
    /// ## Why is this bad?
    /// Each statement takes the table's lock again, and each rewrite-causing action rewrites the
    /// table again. One statement with several actions takes the lock once and rewrites at most
    /// once.
    ///
    /// ## Example
    /// ```sql
    /// SET lock_timeout = '2s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ALTER TABLE orders ADD COLUMN source text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// SET lock_timeout = '2s';
    /// ALTER TABLE orders ADD COLUMN note text, ADD COLUMN source text;
    /// ```
    pub struct MultipleAltersSameTable {
        code: "LK011",
        name: "multiple-alters-same-table",
        category: Locking,
        severity: Info,
    }
}

impl Rule for MultipleAltersSameTable {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        // table key -> (index of the first combinable ALTER, how many there are)
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        let mut order = Vec::new();
        for (i, stmt) in unit.statements.iter().enumerate() {
            let StmtKind::AlterTable(at) = &stmt.kind else {
                continue;
            };
            if unit.table_is_new(&at.name, i) || !combinable(&at.actions) {
                continue;
            }
            let key = at.name.key();
            let entry = seen.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                (i, 0)
            });
            entry.1 += 1;
        }
        for key in order {
            let (first, count) = seen[&key];
            if count < 2 {
                continue;
            }
            let stmt = &unit.statements[first];
            let StmtKind::AlterTable(at) = &stmt.kind else {
                continue;
            };
            cx.report(stmt.span, format!("`{}` is altered by {count} separate statements in this migration; each one takes the table lock again", at.name))
                .label("first of several ALTERs of this table")
                .help("combine the actions into one ALTER TABLE, separated by commas");
        }
    }
}

/// Renames and partition moves must stand alone; other actions combine freely.
fn combinable(actions: &[crate::sql::AlterItem]) -> bool {
    !actions.is_empty()
        && actions.iter().all(|a| {
            !matches!(
                a.action,
                AlterAction::RenameColumn { .. }
                    | AlterAction::RenameTable { .. }
                    | AlterAction::RenameConstraint { .. }
                    | AlterAction::RenameIndex { .. }
                    | AlterAction::AttachPartition { .. }
                    | AlterAction::DetachPartition { .. }
                    | AlterAction::ValidateConstraint { .. }
                    | AlterAction::Other { .. }
            )
        })
}
