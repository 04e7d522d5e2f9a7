use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP SCHEMA`.
    ///
    /// ## Why is this bad?
    /// Every table, view, function and type in the schema goes with it (with `CASCADE`), along with
    /// their data. Deployed code using any of them fails, and a rollback cannot restore the data.
    ///
    /// ## Example
    /// ```sql
    /// DROP SCHEMA reporting CASCADE;
    /// ```
    ///
    /// ## Use instead
    /// Move or retire the objects one by one, each after the code stops using it, and keep a backup:
    /// ```sql
    /// -- schemaguard: ignore[drop-schema] emptied in 0031-0035; backup taken 2024-06-01
    /// DROP SCHEMA reporting;
    /// ```
    pub struct DropSchema {
        code: "BC009",
        name: "drop-schema",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropSchema {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::Schema],
            "retire the objects in it one by one after the code stops using them, and keep a backup",
        );
    }
}
