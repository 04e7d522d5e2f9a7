use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP TYPE` and `DROP DOMAIN` of a type this migration did not create.
    ///
    /// Dropping a type created again later in the migration, or the old copy a migration renamed
    /// aside (the enum swap), is not reported.
    ///
    /// ## Why is this bad?
    /// Columns, functions and casts that use the type break; with `CASCADE` the columns that use
    /// it are dropped along with their data.
    ///
    /// ## Example
    /// ```sql
    /// DROP TYPE order_status CASCADE;
    /// ```
    ///
    /// ## Use instead
    /// Move every column off the type first (in earlier releases), then drop it:
    /// ```sql
    /// -- schemaguard: ignore[drop-type] no column uses order_status since 0057
    /// DROP TYPE order_status;
    /// ```
    pub struct DropType {
        code: "BC012",
        name: "drop-type",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropType {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::Type, ObjectKind::Domain],
            "move every column and function off the type in earlier releases, then drop it",
        );
    }
}
