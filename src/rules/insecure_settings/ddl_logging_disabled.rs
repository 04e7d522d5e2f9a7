use crate::registry::{Cx, Rule};
use crate::yaml::YamlFile;

crate::declare_rule! {
    /// ## What it does
    /// Flags PostgreSQL settings with `log_statement: none` where DDL must be audited (the
    /// default; see Options).
    ///
    /// ## Why is this bad?
    /// With `log_statement: none` the server log does not record `CREATE`, `ALTER` and `DROP`
    /// statements: who changed the schema, and when, cannot be reconstructed after an
    /// incident, and many compliance regimes require that record. `ddl` logs schema changes
    /// only, at little cost.
    ///
    /// ## Example
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     log_statement: none
    /// ```
    ///
    /// ## Use instead
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     log_statement: ddl
    /// ```
    ///
    /// ## Options
    /// Where DDL need not be audited (a local development database), turn the rule's premise
    /// off in `schemaguard.toml`:
    /// ```text
    /// [database-settings]
    /// require-ddl-logging = false
    /// ```
    pub struct DdlLoggingDisabled {
        code: "IS035",
        name: "ddl-logging-disabled",
        category: InsecureSettings,
        severity: Warning,
        security_severity: 4.0,
    }
}

impl Rule for DdlLoggingDisabled {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        if !cx.settings.database.require_ddl_logging {
            return;
        }
        for (obj, n, _) in file.database_settings() {
            if let Some(e) = n.get("log_statement")
                && e.node
                    .as_str()
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
            {
                cx.report(
                    e.span,
                    format!("{} does not log DDL statements (`log_statement` is `none`)", obj.name),
                )
                .label("schema changes leave no trace in the log")
                .help("set `log_statement: ddl` (or `mod`) so schema changes are audited; set `[database-settings] require-ddl-logging = false` where that is not required");
            }
        }
    }
}
