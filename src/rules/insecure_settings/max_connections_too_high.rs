use crate::registry::{Cx, Rule};
use crate::yaml::YamlFile;

crate::declare_rule! {
    /// ## What it does
    /// Flags database settings whose `max_connections` is above a ceiling (300 by default), in
    /// a parameter file, an operator's custom resource or the `-c` options of a container.
    ///
    /// ## Why is this bad?
    /// Each PostgreSQL connection is a process with its own memory (`work_mem` per sort, per
    /// connection): a high limit lets a connection storm exhaust memory and push the server
    /// into swapping or the OOM killer, and raises the cost of snapshots for every
    /// transaction. A connection pooler (PgBouncer, RDS Proxy, the application's own pool)
    /// serves many clients with few connections.
    ///
    /// ## Example
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     max_connections: 2000
    /// ```
    ///
    /// ## Use instead
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     max_connections: 200
    /// ```
    /// and put a connection pooler in front of the database.
    ///
    /// ## Options
    /// `max-connections` under `[database-settings]` in `schemaguard.toml` sets the ceiling:
    /// ```text
    /// [database-settings]
    /// max-connections = 500
    /// ```
    pub struct MaxConnectionsTooHigh {
        code: "IS034",
        name: "max-connections-too-high",
        category: InsecureSettings,
        severity: Warning,
        security_severity: 3.0,
    }
}

impl Rule for MaxConnectionsTooHigh {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        let ceiling = cx.settings.database.max_connections;
        for (obj, n, _) in file.database_settings() {
            let Some(e) = n.get("max_connections") else {
                continue;
            };
            let value = e
                .node
                .as_number()
                .or_else(|| e.node.as_str().and_then(|s| s.trim().parse::<f64>().ok()));
            let Some(v) = value else { continue };
            if v > f64::from(ceiling) {
                cx.report(
                    e.span,
                    format!(
                        "{} allows {} connections, above the ceiling of {ceiling}",
                        obj.name,
                        crate::declarative::tree::format_number(v)
                    ),
                )
                .label("`max_connections`")
                .help(format!("keep `max_connections` at {ceiling} or below and put a connection pooler (PgBouncer, the application's pool) in front of the database; raise `[database-settings] max-connections` if this server is sized for it"));
            }
        }
    }
}
