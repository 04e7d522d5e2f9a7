use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::SqlUnit;

crate::declare_rule! {
    /// ## What it does
    /// Flags renaming a column of an existing table (`RENAME COLUMN`, or MySQL `CHANGE` with a
    /// new name). A column renamed aside and dropped in the same migration is one change, a
    /// drop: `drop-column` (BC001) reports it, under the name deployed code knows. A column new
    /// to the world (added earlier in the migration, or by one of the same release: see
    /// `release-window-hours`) is renamed freely.
    ///
    /// ## Why is this bad?
    /// The old code still running during and after the deploy uses the old name: every query
    /// that names it fails until the new code is everywhere, and a rollback of the code breaks
    /// again.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users RENAME COLUMN name TO full_name;
    /// ```
    ///
    /// ## Use instead
    /// Expand and contract: add the new column, write to both, backfill, move reads, then drop
    /// the old column in a later release.
    /// ```sql
    /// ALTER TABLE users ADD COLUMN full_name text;
    /// ```
    pub struct RenameColumn {
        code: "BC003",
        name: "rename-column",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_is_new(&at.name, i) {
                return;
            }
            let Some((from, to)) = crate::rules::column_rename(&item.action) else {
                return;
            };
            // Renamed aside and then dropped in the same migration: the drop's finding says it.
            if crate::rules::column_dropped_later(unit, i, &at.name.key(), &to.norm())
                || unit.column_is_new(&at.name, &from.norm(), i)
            {
                return;
            }
            cx.report(item.span, format!("column `{}.{}` is renamed to `{}` while deployed code still uses the old name", at.name, from, to))
                .label("renamed here")
                .help("add the new column, write to both, backfill and switch reads, then drop the old column in a later release");
        });
    }
}
