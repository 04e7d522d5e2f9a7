use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression comment that names a rule code, name or category that does not
    /// exist.
    ///
    /// ## Why is this bad?
    /// A typo in a suppression means the finding it was meant for is still reported, or worse,
    /// the author believes something is suppressed that never was.
    ///
    /// ## Example
    /// ```sql
    /// -- schemaguard: ignore[drop-colum] column unused since v2
    /// ALTER TABLE users DROP COLUMN legacy_flag;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- schemaguard: ignore[drop-column] column unused since v2
    /// ALTER TABLE users DROP COLUMN legacy_flag;
    /// ```
    pub struct UnknownRuleInSuppression {
        code: "LN005",
        name: "unknown-rule-in-suppression",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for UnknownRuleInSuppression {
    crate::rule_meta!();
}
