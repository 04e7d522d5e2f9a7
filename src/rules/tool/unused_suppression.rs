use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `schemaguard: ignore[...]` comment that suppresses nothing.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding on that line or statement, and tells
    /// readers about a hazard that is no longer there.
    ///
    /// ## Example
    /// ```sql
    /// -- schemaguard: ignore[drop-column] column unused since v2
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    pub struct UnusedSuppression {
        code: "LN004",
        name: "unused-suppression",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for UnusedSuppression {
    crate::rule_meta!();
}
