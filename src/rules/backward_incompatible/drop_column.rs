use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE ... DROP COLUMN` on a table that already exists, unless the column is
    /// new: added earlier in the same migration, or by a migration of the same release (one whose
    /// timestamp version is less than `release-window-hours`, default 24, older).
    ///
    /// ## Why is this bad?
    /// During a deploy the old version of the application keeps running while the migration
    /// applies. Any query of the old code that names the column (including an ORM's
    /// `SELECT *`-style column list) fails from that moment, and the data in the column is
    /// gone for good: a rollback cannot bring it back.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users DROP COLUMN email;
    /// ```
    ///
    /// ## Use instead
    /// Ship the code that stops reading and writing the column first (mark it ignored in the
    /// ORM), wait until no running version uses it, then drop it in a later migration and
    /// record why it is safe:
    /// ```sql
    /// -- schemaguard: ignore[drop-column] unused since release 2024.06 (PR #812)
    /// ALTER TABLE users DROP COLUMN email;
    /// ```
    pub struct DropColumn {
        code: "BC001",
        name: "drop-column",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if let AlterAction::DropColumn { name, .. } = &item.action
                && !unit.column_is_new(&at.name, &name.norm(), i)
            {
                // Renamed aside first (`mail` to `mail_old`), then dropped: deployed code loses
                // the name it knows.
                let shown = match crate::rules::renamed_from(unit, i, &at.name.key(), &name.norm())
                {
                    Some(old) => format!("{old}` (renamed to `{name}` earlier in this migration)"),
                    None => format!("{name}`"),
                };
                cx.report(item.span, format!("column `{}.{shown} is dropped while deployed code may still read or write it", at.name))
                    .label("dropped here; its data cannot be restored by a rollback")
                    .help("first release code that no longer uses the column, then drop it in a later migration");
            }
        });
    }
}
