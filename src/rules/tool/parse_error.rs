use crate::diagnostic::Severity;
use crate::registry::{Cx, Rule};
use crate::source::Span;
use crate::sql::{ParseState, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Reports a statement that schemaguard cannot parse, at the token where parsing stopped.
    ///
    /// ## Why is this bad?
    /// A statement that cannot be parsed cannot be checked: a dangerous change hidden in it goes
    /// unnoticed. Often it is a real mistake (a half-written statement, a missing comma, an
    /// unclosed string); sometimes it is syntax of your database that schemaguard does not know
    /// yet. The rest of the file is still checked either way. Statements the database rejects
    /// are reported even where schemaguard could read their intent: a stray comma (`a int,)`,
    /// `x,,y`, a trailing one; not in BigQuery, Snowflake, DuckDB or ClickHouse, which accept
    /// some), `DROP COLUMN IF NOT EXISTS`, anything after a dropped column's name. In a dialect schemaguard reads
    /// only partly (ClickHouse, BigQuery, Snowflake, Redshift, DuckDB, Oracle), the statements it
    /// cannot read are one info note per dialect, with the count of the files it stands for.
    ///
    /// In YAML it reports the first syntax error (the documents before it are still checked),
    /// nesting too deep to analyse, and a key written twice in one mapping (YAML tools disagree
    /// on which value wins). In Terraform it reports each top-level block that cannot be parsed;
    /// the file's other blocks are still checked.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD COLUMN;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// If the statement is valid for your database, set the dialect (`--dialect` or `dialect` in
    /// `schemaguard.toml`), or suppress it with a reason:
    /// `-- schemaguard: ignore[parse-error] vendor syntax`.
    pub struct ParseError {
        code: "LN001",
        name: "parse-error",
        category: Tool,
        severity: Warning,
    }
}

impl ParseError {
    fn report_failure(failure: &crate::parse::hcl::ParseFailure, what: &str, cx: &mut Cx) {
        let text = &cx.source.text;
        let start = crate::source::floor_char_boundary(text, failure.offset);
        let end = crate::source::ceil_char_boundary(text, (start + 1).min(text.len()));
        cx.report(
            crate::source::Span::new(start, end),
            failure.message.clone(),
        )
        .label("parsing stopped here")
        .help(if failure.recovered {
            format!("check the {what} syntax; the rest of this block was not checked, the file's other blocks were")
        } else {
            format!("check the {what} syntax; nothing else in this file was checked")
        });
    }
}

impl Rule for ParseError {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &crate::terraform::TfUnit, cx: &mut Cx) {
        let what = if unit
            .file()
            .source
            .path
            .extension()
            .is_some_and(|e| e == "json")
        {
            "JSON"
        } else {
            "HCL"
        };
        for f in &unit.file().parsed.errors {
            Self::report_failure(f, what, cx);
        }
    }

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        for (span, message) in &file.errors {
            let d = cx.report(*span, message.clone());
            if message.starts_with("duplicate key") {
                d.label("written again here")
                    .help("keep one of the two keys: YAML tools disagree on which one wins");
            } else {
                d.label("parsing stopped here").help(
                    "check the YAML syntax; the documents before this point were checked, the rest of the file was not",
                );
            }
        }
    }

    fn check_plan(&self, plan: &crate::terraform::plan::Plan, cx: &mut Cx) {
        if let Some(f) = &plan.error {
            Self::report_failure(f, "JSON", cx);
        }
    }

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        let failures: Vec<(&String, &Span)> = unit
            .statements
            .iter()
            .filter_map(|s| match &s.parse {
                ParseState::Failed { message, span } => Some((message, span)),
                _ => None,
            })
            .collect();
        if failures.is_empty() {
            return;
        }
        if !unit.dialect.is_primary() {
            // Support for this dialect is partial: one summary, not a wall of warnings.
            let (message, span) = failures[0];
            let others = match failures.len() {
                1 => String::new(),
                n => format!(" (and {} more statements in this file)", n - 1),
            };
            cx.report(*span, format!("{message}{others}; schemaguard reads {} only in part, so these statements were not checked", unit.dialect.title()))
                .severity(Severity::Info)
                .label("parsing stopped here")
                .help("if the dialect is wrong, set it with --dialect or `dialect` in schemaguard.toml");
            return;
        }
        for (message, span) in failures {
            cx.report(*span, message.clone())
                .label("parsing stopped here")
                .help(format!("check the statement's syntax; if it is valid {} SQL, set the dialect or suppress this with a reason", unit.dialect.title()));
        }
    }
}
