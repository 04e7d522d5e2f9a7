use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags a column rename (or type change) naming a column that the table does not have,
    /// according to the migrations before it: the table was created by these migrations and no
    /// migration added the column. Tables created outside the migrations are unknown and never
    /// flagged.
    ///
    /// ## Why is this bad?
    /// The migration fails when it is applied: usually a typo, or a rename already done by
    /// another migration merged in between.
    ///
    /// ## Example
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql file=migrations/002_rename_mail.up.sql
    /// ALTER TABLE users RENAME COLUMN mail TO email_address;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql file=migrations/002_rename_mail.up.sql
    /// ALTER TABLE users RENAME COLUMN email TO email_address;
    /// ```
    pub struct RenameUnknownColumn {
        code: "BC018",
        name: "rename-unknown-column",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameUnknownColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        let Some(_) = unit.catalog else { return };
        let mut cache: Option<(usize, crate::catalog::Catalog)> = None;
        for_each_alter(unit, |i, _, at, item| {
            let (col, what) = match &item.action {
                AlterAction::RenameColumn { from, .. } => (from, "renamed"),
                AlterAction::AlterColumnType { column, .. } => (column, "changed"),
                _ => return,
            };
            if cache.as_ref().is_none_or(|(at_i, _)| *at_i != i) {
                cache = unit.catalog_at(i).map(|c| (i, c));
            }
            let Some((_, cat)) = &cache else { return };
            if !cat.column_missing(&at.name, &col.norm()) {
                return;
            }
            cx.report(col.span, format!("column `{}.{}` is {what} here, but the migrations created `{}` without it: this migration fails", at.name, col, at.name))
                .label("no such column")
                .help("check the column name against the table's migrations (a typo, or a rename another migration already made)");
        });
    }
}
