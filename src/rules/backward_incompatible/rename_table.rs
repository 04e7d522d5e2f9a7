use crate::registry::{Cx, Rule};
use crate::rules::{for_each_alter, recreated_later};
use crate::sql::{AlterAction, ObjectKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags renaming an existing table (`ALTER TABLE ... RENAME TO`, MySQL `RENAME TABLE`).
    ///
    /// Moving a table aside while the same migration puts a new table under its name (created
    /// anew, or renamed into place: the rebuild and swap patterns) leaves the name in place and
    /// is not reported; nor is a rename after which the migration creates a view under the old
    /// name, for the code still deployed.
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
                && !recreated_later(unit, i, ObjectKind::Table, &at.name.key())
            {
                cx.report(item.span, format!("table `{}` is renamed to `{}` while deployed code still uses the old name", at.name, to))
                    .label("renamed here")
                    .help("create the new name alongside the old (a new table, or a view), move the code, then drop the old name in a later release");
            }
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::RenameTables { renames } = &stmt.kind {
                for (from, to) in renames {
                    // `RENAME TABLE t TO t_old, t_new TO t` swaps in a new table at once.
                    let swapped_in = renames.iter().any(|(_, to)| to.key() == from.key());
                    if unit.table_is_new(from, i)
                        || swapped_in
                        || recreated_later(unit, i, ObjectKind::Table, &from.key())
                    {
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
