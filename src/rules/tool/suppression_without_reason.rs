use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression comment without a reason. Such a comment does not suppress.
    ///
    /// ## Why is this bad?
    /// A suppression is a decision that a hazard is acceptable. The next engineer needs to know
    /// why, and the reason is exported with the finding (JSON, SARIF) for audits.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users DROP COLUMN legacy_flag; -- schemaguard: ignore[drop-column]
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE users DROP COLUMN legacy_flag; -- schemaguard: ignore[drop-column] unused since v2.3
    /// ```
    pub struct SuppressionWithoutReason {
        code: "LN006",
        name: "suppression-without-reason",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for SuppressionWithoutReason {
    crate::rule_meta!();
}
