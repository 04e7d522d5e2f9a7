use crate::registry::{Cx, Rule};
use crate::sql::{AlterAction, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags consecutive `ALTER TABLE` statements on the same existing table whose actions
    /// could be combined into one.
    ///
    /// Only statements that follow each other (comments aside) count: a data migration, or a
    /// change to another table, between two ALTERs may need the first one done, so those are
    /// left alone.
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
        // Runs of consecutive combinable ALTERs of one table: (table key, first index, count).
        // Anything else in between (a data migration, a change to another table, a constraint
        // dropped so another table can change) may depend on the intermediate state, so it ends
        // the run; comments on objects do not.
        let mut runs: Vec<(String, usize, usize)> = Vec::new();
        let mut current: Option<(String, usize, usize)> = None;
        for (i, stmt) in unit.statements.iter().enumerate() {
            let key = match &stmt.kind {
                StmtKind::AlterTable(at)
                    if !unit.table_is_new(&at.name, i) && combinable(&at.actions) =>
                {
                    at.name.key()
                }
                StmtKind::Comment => continue,
                _ => {
                    runs.extend(current.take());
                    continue;
                }
            };
            current = match current.take() {
                Some((k, first, n)) if k == key => Some((k, first, n + 1)),
                other => {
                    runs.extend(other);
                    Some((key, i, 1))
                }
            };
        }
        runs.extend(current);
        for (_, first, count) in runs.into_iter().filter(|r| r.2 >= 2) {
            let stmt = &unit.statements[first];
            let StmtKind::AlterTable(at) = &stmt.kind else {
                continue;
            };
            cx.report(stmt.span, format!("`{}` is altered by {count} consecutive statements; each one takes the table lock again", at.name))
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
