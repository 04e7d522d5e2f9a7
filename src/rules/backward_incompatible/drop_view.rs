use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP VIEW` and `DROP MATERIALIZED VIEW`, unless the same migration recreates the view
    /// (the usual way to change its definition).
    ///
    /// ## Why is this bad?
    /// Code, reports and other views that query the view fail once it is gone.
    ///
    /// ## Example
    /// ```sql
    /// DROP VIEW active_users;
    /// ```
    ///
    /// ## Use instead
    /// Recreate it in the same migration, or release the code that stops using it first:
    /// ```sql
    /// DROP VIEW active_users;
    /// CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
    /// ```
    pub struct DropView {
        code: "BC015",
        name: "drop-view",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropView {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::View, ObjectKind::MaterializedView],
            "release the code that stops using the view first, or recreate it in this migration",
        );
    }
}
