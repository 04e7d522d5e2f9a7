use crate::registry::{Cx, Rule};
use crate::rules::terraform::{Lookup, lookup};
use crate::terraform::hcl::ExprKind;
use crate::terraform::{TfObject, TfUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags an RDS or Aurora database whose parameter group does not require TLS: a parameter
    /// group that sets `rds.force_ssl = 0` (PostgreSQL, SQL Server) or
    /// `require_secure_transport = OFF` (MySQL, MariaDB), and a database attached to a
    /// parameter group of the module, or to the default one, that leaves it at an engine default
    /// that accepts plaintext.
    ///
    /// The defaults it knows: RDS for PostgreSQL before 15, Aurora PostgreSQL up to 16, MySQL
    /// and Aurora MySQL up to 8.0, MariaDB from 10.5, and SQL Server accept unencrypted
    /// connections. RDS for PostgreSQL 15 and later require TLS by default. A parameter group
    /// passed in from outside the module, or an engine version that is not written down, is not
    /// judged.
    ///
    /// ## Why is this bad?
    /// Encryption in transit is only enforced when the server refuses plaintext. Otherwise a
    /// client that does not ask for TLS (a misconfigured driver, a `psql` without `sslmode`)
    /// sends the password and the data in the clear across the network.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_parameter_group" "pg" {
    ///   family = "postgres14"
    ///   parameter {
    ///     name  = "rds.force_ssl"
    ///     value = "0"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_db_parameter_group" "pg" {
    ///   family = "postgres14"
    ///   parameter {
    ///     name  = "rds.force_ssl"
    ///     value = "1"
    ///   }
    /// }
    ///
    /// resource "aws_db_instance" "main" {
    ///   engine               = "postgres"
    ///   engine_version       = "14.12"
    ///   parameter_group_name = aws_db_parameter_group.pg.name
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html>
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html>
    pub struct RdsTlsNotEnforced {
        code: "IS007",
        name: "rds-tls-not-enforced",
        category: InsecureSettings,
        severity: Warning,
        security_severity: 5.5,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Postgres,
    AuroraPostgres,
    Mysql,
    AuroraMysql,
    Mariadb,
    SqlServer,
}

impl Family {
    fn parameter(self) -> &'static str {
        match self {
            Family::Postgres | Family::AuroraPostgres | Family::SqlServer => "rds.force_ssl",
            Family::Mysql | Family::AuroraMysql | Family::Mariadb => "require_secure_transport",
        }
    }

    fn on_value(self) -> &'static str {
        match self.parameter() {
            "rds.force_ssl" => "1",
            _ => "ON",
        }
    }
}

/// Engine family and major version from an engine name (`postgres`, `aurora-mysql`).
fn family_of_engine(engine: &str) -> Option<Family> {
    Some(match engine {
        "postgres" => Family::Postgres,
        "aurora-postgresql" => Family::AuroraPostgres,
        "mysql" => Family::Mysql,
        "aurora-mysql" | "aurora" => Family::AuroraMysql,
        "mariadb" => Family::Mariadb,
        e if e.starts_with("sqlserver") => Family::SqlServer,
        _ => return None,
    })
}

/// Engine family and version from a parameter group family (`postgres14`, `mysql8.0`).
fn parse_family(family: &str) -> Option<(Family, String)> {
    let f = family.trim().to_ascii_lowercase();
    for (prefix, fam) in [
        ("aurora-postgresql", Family::AuroraPostgres),
        ("aurora-mysql", Family::AuroraMysql),
        ("postgres", Family::Postgres),
        ("mysql", Family::Mysql),
        ("mariadb", Family::Mariadb),
    ] {
        if let Some(v) = f.strip_prefix(prefix) {
            return Some((fam, v.to_string()));
        }
    }
    if f.starts_with("sqlserver") {
        return Some((Family::SqlServer, String::new()));
    }
    None
}

fn version_number(v: &str) -> Option<f64> {
    let mut parts = v.trim().split('.');
    let major: f64 = parts.next()?.parse().ok()?;
    let minor: f64 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0.0);
    Some(major + minor / 100.0)
}

/// Whether the engine default requires TLS: `Some(false)` only where we know it does not.
fn default_enforced(family: Family, version: &str) -> Option<bool> {
    let v = version_number(version);
    match family {
        Family::Postgres => Some(v? >= 15.0),
        Family::AuroraPostgres => (v? < 17.0).then_some(false),
        Family::Mysql | Family::AuroraMysql => (v? <= 8.0).then_some(false),
        // Before 10.5 MariaDB has no require_secure_transport to set.
        Family::Mariadb => (v? >= 10.05).then_some(false),
        Family::SqlServer => Some(false),
    }
}

fn is_on(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// What a parameter group says about the TLS parameter: set on, set off, not set, or unknown.
enum Setting {
    On,
    Off(crate::source::Span),
    NotSet,
    Unknown,
}

fn setting(group: &TfObject, param: &str) -> Setting {
    let Some(e) = group.node.get("parameter") else {
        return Setting::NotSet;
    };
    let Some(params) = e.node.as_list() else {
        return Setting::Unknown;
    };
    let mut unknown = false;
    for p in params {
        let name = lookup(p, &["name"]);
        match name.str_or(None) {
            Some(n) if n == param => {}
            Some(_) => continue,
            None => {
                unknown = true;
                continue;
            }
        }
        match lookup(p, &["value"]) {
            Lookup::Set(v, span) => match v.scalar_text().as_deref().and_then(is_on) {
                Some(true) => return Setting::On,
                Some(false) => return Setting::Off(span),
                None => unknown = true,
            },
            _ => unknown = true,
        }
    }
    if unknown {
        Setting::Unknown
    } else {
        Setting::NotSet
    }
}

impl Rule for RdsTlsNotEnforced {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        for o in unit.objects().iter().filter(|o| !o.data) {
            match o.type_name.as_str() {
                "aws_db_parameter_group" | "aws_rds_cluster_parameter_group" => check_group(o, cx),
                "aws_db_instance" | "aws_rds_cluster" => check_database(unit, o, cx),
                _ => {}
            }
        }
    }
}

/// A parameter group that turns TLS enforcement off.
fn check_group(group: &TfObject, cx: &mut Cx) {
    for param in ["rds.force_ssl", "require_secure_transport"] {
        if let Setting::Off(span) = setting(group, param) {
            cx.report(
                span,
                format!(
                    "parameter group `{}` sets `{param}` off, so its databases accept unencrypted connections",
                    group.address()
                ),
            )
            .label("TLS is not required")
            .help(format!(
                "set `{param}` to `{}` so the server refuses connections without TLS",
                if param == "rds.force_ssl" { "1" } else { "ON" }
            ));
        }
    }
}

fn check_database(unit: &TfUnit, db: &TfObject, cx: &mut Cx) {
    // A module call creates its own parameter group from inputs this rule does not read.
    if db.from_module_call() {
        return;
    }
    let Some(engine) = lookup(&db.node, &["engine"]).str_or(None) else {
        return;
    };
    let Some(family) = family_of_engine(engine) else {
        return;
    };
    let cluster = db.type_name == "aws_rds_cluster";
    // Aurora enforces TLS through the cluster parameter group, not the instance's.
    if !cluster && engine.starts_with("aurora") {
        return;
    }
    if !lookup(&db.node, &["replicate_source_db"]).is_unset() {
        return;
    }
    let attr_name = if cluster {
        "db_cluster_parameter_group_name"
    } else {
        "parameter_group_name"
    };
    let block = &unit.body().blocks[db.block];
    let param = family.parameter();
    match block.body.attribute(attr_name) {
        None => {
            let version = lookup(&db.node, &["engine_version"]).str_or(None);
            let Some(version) = version else { return };
            if default_enforced(family, version) != Some(false) {
                return;
            }
            cx.report(
                db.header,
                format!(
                    "`{}` uses the default parameter group, which does not require TLS ({engine} {version} leaves `{param}` off)",
                    db.address()
                ),
            )
            .label(format!("no `{attr_name}`"))
            .help(format!(
                "attach a parameter group that sets `{param}` to `{}`",
                family.on_value()
            ));
        }
        Some(attr) => {
            // `aws_db_parameter_group.pg.name`, `.id`, `[0].name`: a group of this module.
            let Some(reference) = attr.value.reference() else {
                if let ExprKind::String(name) = &attr.value.kind
                    && let Some(fam) = name.strip_prefix("default.")
                    && let Some((f, v)) = parse_family(fam)
                    && default_enforced(f, &v) == Some(false)
                {
                    cx.report(
                        attr.span,
                        format!(
                            "`{}` uses the default parameter group `{name}`, which does not require TLS",
                            db.address()
                        ),
                    )
                    .label(format!("`{param}` is off in `{name}`"))
                    .help(format!(
                        "attach a parameter group that sets `{param}` to `{}`",
                        f.on_value()
                    ));
                }
                return;
            };
            let [group_type, group_name, ..] = reference.as_slice() else {
                return;
            };
            if group_type != "aws_db_parameter_group"
                && group_type != "aws_rds_cluster_parameter_group"
            {
                return;
            }
            let Some((fi, gblock)) = unit.module.resource(group_type, group_name) else {
                return;
            };
            let Some(group) = unit.module.object_of(fi, gblock) else {
                return;
            };
            if !matches!(setting(group, param), Setting::NotSet) {
                return;
            }
            let family_text = lookup(&group.node, &["family"]).str_or(None);
            let Some((gf, version)) = family_text.and_then(parse_family) else {
                return;
            };
            if gf != family || default_enforced(gf, &version) != Some(false) {
                return;
            }
            let d = cx.report(
                attr.span,
                format!(
                    "`{}` uses parameter group `{}.{}`, which leaves `{param}` at its {} default: TLS is not required",
                    db.address(),
                    group_type,
                    group_name,
                    family_text.unwrap_or_default()
                ),
            );
            d.label("TLS is not required by this parameter group").help(format!(
                "add `parameter {{ name = \"{param}\" value = \"{}\" }}` to the parameter group",
                family.on_value()
            ));
            if fi == unit.index {
                d.secondary(gblock.header_span(), "this group does not set it");
            }
        }
    }
}
