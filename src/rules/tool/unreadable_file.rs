use crate::registry::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that could not be linted because it could not be read as text: it is not
    /// valid UTF-8, it holds binary content (NUL bytes), or the operating system refused to read
    /// it. The position is the first offending byte.
    ///
    /// ## Why is this bad?
    /// A migration that cannot be read is not checked. Migration tools usually expect UTF-8
    /// too, so a file in another encoding may also be applied wrongly.
    ///
    /// ## Example
    /// ```text
    /// a .sql file saved as Latin-1 or UTF-16, or a binary blob named .sql
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// re-encode the file as UTF-8 (iconv -f latin1 -t utf-8), or exclude it in schemaguard.toml
    /// ```
    pub struct UnreadableFile {
        code: "LN002",
        name: "unreadable-file",
        category: Tool,
        severity: Warning,
    }
}

impl Rule for UnreadableFile {
    crate::rule_meta!();
}
