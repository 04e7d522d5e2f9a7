use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports an entry of the baseline file (`--baseline FILE`) that matches no finding any
    /// more: the finding was fixed, its file was deleted, or its line was rewritten.
    ///
    /// The finding points at the entry in the baseline file. Entries are only judged for files
    /// and rules that were checked in the run, so linting a subset of a repository
    /// (`--diff-base`, a few paths, `--select`) never reports the rest of the baseline.
    ///
    /// ## Why is this bad?
    /// A baseline is a list of accepted historical findings that should only ever shrink. A
    /// stale entry would silently accept a new finding that happens to look like the old one
    /// (same rule, same line text, same file), and keeps the baseline larger than the debt it
    /// records.
    ///
    /// ## Example
    /// ```text
    /// schemaguard-baseline.json records BC001 for `ALTER TABLE users DROP COLUMN email;`
    /// in migrations/0042_cleanup.sql, and that statement has since been removed.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Delete the entry from the baseline file, or regenerate the file:
    ///     schemaguard check --write-baseline schemaguard-baseline.json
    /// (and review the diff: regenerating also accepts any new finding).
    /// ```
    pub struct BaselineEntryUnmatched {
        code: "LN007",
        name: "baseline-entry-unmatched",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for BaselineEntryUnmatched {
    crate::rule_meta!();
}
