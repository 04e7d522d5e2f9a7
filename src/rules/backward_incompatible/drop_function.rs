use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP FUNCTION` and `DROP PROCEDURE`, unless the same migration recreates it. A
    /// trigger function (an earlier migration created it `RETURNS trigger` or `event_trigger`)
    /// dropped without `CASCADE` is not reported: only triggers call it, and PostgreSQL refuses
    /// the drop while one still does.
    ///
    /// ## Why is this bad?
    /// Code that calls the routine, and triggers, defaults, views and policies that use it, fail
    /// once it is gone.
    ///
    /// ## Example
    /// ```sql
    /// DROP FUNCTION calculate_discount(integer);
    /// ```
    ///
    /// ## Use instead
    /// Use `CREATE OR REPLACE FUNCTION` to change a body; drop a routine only after nothing calls it:
    /// ```sql
    /// CREATE OR REPLACE FUNCTION calculate_discount(qty integer) RETURNS integer LANGUAGE sql AS $$ SELECT qty / 10 $$;
    /// ```
    pub struct DropFunction {
        code: "BC016",
        name: "drop-function",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropFunction {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::Function, ObjectKind::Procedure],
            "use CREATE OR REPLACE to change a routine; drop it only after nothing calls it",
        );
    }
}
