use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports an inline suppression (`schemaguard: ignore[…]` or `ignore-file[…]`) of a rule
    /// that the configuration does not allow to be suppressed in the file itself
    /// (`forbid-suppressions` in `schemaguard.toml`, or `--forbid-suppressions` on the command
    /// line). The suppression does not apply: the finding it names is reported as usual.
    ///
    /// ## Why is this bad?
    /// Whoever runs CI on a repository may own its security policy without owning its code: a
    /// security team that forbids suppressing `SD` (committed secrets) there does not want a
    /// comment next to the secret to silence the check. The suppression has to go through the
    /// people who own the policy instead (a baseline, or `[secrets] allow-fingerprints`).
    ///
    /// ## Example
    /// ```sql
    /// -- forbid-suppressions: SD
    /// INSERT INTO settings (name, value) VALUES ('smtp.password', 'Ow4Jt8Nc2Hx6'); -- schemaguard: ignore[SD004] rotated later
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- forbid-suppressions: SD
    /// INSERT INTO settings (name, value) VALUES ('smtp.password', current_setting('app.smtp_password'));
    /// ```
    ///
    /// ## Options
    /// `forbid-suppressions = ["SD", "IS001"]` in `schemaguard.toml`, or
    /// `--forbid-suppressions SD,IS001`: rule codes, names, prefixes or categories whose
    /// findings inline comments cannot suppress. The two lists add up.
    pub struct ForbiddenSuppression {
        code: "LN009",
        name: "forbidden-suppression",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for ForbiddenSuppression {
    crate::rule_meta!();
}
