use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP DATABASE` in a migration.
    ///
    /// ## Why is this bad?
    /// It destroys every object and row in the database. In a migration it runs on every
    /// environment the migration reaches, production included.
    ///
    /// ## Example
    /// ```sql
    /// DROP DATABASE analytics;
    /// ```
    ///
    /// ## Use instead
    /// Retire databases by hand, after a backup, outside the migration history:
    /// ```sql
    /// -- schemaguard: ignore[drop-database] test fixture database, never deployed
    /// DROP DATABASE analytics_test;
    /// ```
    pub struct DropDatabase {
        code: "BC010",
        name: "drop-database",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropDatabase {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::Database],
            "retire databases by hand after a backup, not from a migration that runs everywhere",
        );
    }
}
