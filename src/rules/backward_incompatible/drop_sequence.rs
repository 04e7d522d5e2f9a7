use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP SEQUENCE` of a sequence this migration did not create.
    ///
    /// ## Why is this bad?
    /// Column defaults (`nextval('...')`) and code that draw ids from the sequence fail: inserts
    /// break. The sequence's position is lost, so recreating it risks duplicate ids.
    ///
    /// ## Example
    /// ```sql
    /// DROP SEQUENCE invoice_number_seq;
    /// ```
    ///
    /// ## Use instead
    /// Drop the defaults and code that use it first, in earlier releases:
    /// ```sql
    /// -- schemaguard: ignore[drop-sequence] no default or code uses it since 0102
    /// DROP SEQUENCE invoice_number_seq;
    /// ```
    pub struct DropSequence {
        code: "BC017",
        name: "drop-sequence",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropSequence {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        crate::rules::report_drops(
            unit,
            cx,
            &[ObjectKind::Sequence],
            "remove the defaults and code that use the sequence in an earlier release, then drop it",
        );
    }
}
