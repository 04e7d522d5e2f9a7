use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a `NOT NULL` column without a default to an existing table.
    ///
    /// ## Why is this bad?
    /// On PostgreSQL the migration fails as soon as the table has a row. Where it succeeds
    /// (an empty table, or MySQL filling in an implicit zero value), every `INSERT` of the code
    /// still deployed, which does not know the column, fails.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Add the column with a default (cheap on PostgreSQL 11+ for a constant), or add it
    /// nullable, backfill it, and set `NOT NULL` once all code writes it:
    /// ```sql
    /// ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;
    /// ```
    pub struct AddRequiredColumn {
        code: "BC006",
        name: "add-required-column",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for AddRequiredColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if let AlterAction::AddColumn { column, .. } = &item.action
                && column.is_required()
                && !unit.table_is_new(&at.name, i)
            {
                cx.report(item.span, format!("column `{}.{}` is added as NOT NULL without a default: the migration fails on a table with rows, and inserts from deployed code fail", at.name, column.name))
                    .label("required column without a default")
                    .help("give it a default, or add it nullable, backfill it, and set NOT NULL in a later migration");
            }
        });
    }
}
