use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags renaming an existing table (`ALTER TABLE ... RENAME TO`, MySQL `RENAME TABLE`).
    ///
    /// ## Why is this bad?
    /// Deployed code keeps querying the old name and fails until every instance runs the new
    /// code; rolling the code back breaks it again.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE customers RENAME TO accounts;
    /// ```
    ///
    /// ## Use instead
    /// Create the new table (or a view with the new name over the old one), move the code over
    /// in a release, then drop the old name later:
    /// ```sql
    /// CREATE VIEW accounts AS SELECT * FROM customers;
    /// ```
    pub struct RenameTable {
        code: "BC004",
        name: "rename-table",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameTable {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if let AlterAction::RenameTable { to } = &item.action
                && !unit.table_is_new(&at.name, i)
            {
                cx.report(item.span, format!("table `{}` is renamed to `{}` while deployed code still uses the old name", at.name, to))
                    .label("renamed here")
                    .help("create the new name alongside the old (a new table, or a view), move the code, then drop the old name in a later release");
            }
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::RenameTables { renames } = &stmt.kind {
                for (from, to) in renames {
                    if unit.table_is_new(from, i) {
                        continue;
                    }
                    cx.report(from.span().cover(to.span()), format!("table `{from}` is renamed to `{to}` while deployed code still uses the old name"))
                        .label("renamed here")
                        .help("create the new name alongside the old (a new table, or a view), move the code, then drop the old name in a later release");
                }
            }
        }
    }
}
