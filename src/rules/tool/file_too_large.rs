use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a file larger than `max-file-size` (10 MiB by default), which is skipped.
    ///
    /// ## Why is this bad?
    /// Huge files are usually data dumps rather than migrations; skipping them keeps runs fast.
    /// The notice makes sure nothing is skipped silently.
    ///
    /// ## Example
    /// ```text
    /// a 200 MB pg_dump committed next to the migrations
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// exclude = ["dumps/"] in schemaguard.toml, or raise max-file-size to lint it
    /// ```
    pub struct FileTooLarge {
        code: "LN003",
        name: "file-too-large",
        category: Tool,
        severity: Info,
    }
}

impl Rule for FileTooLarge {
    crate::rule_meta!();
}
