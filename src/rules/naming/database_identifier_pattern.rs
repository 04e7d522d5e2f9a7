use crate::registry::{Cx, Rule};
use crate::rules::terraform::{Lookup, Object, file_objects, lookup, plan_objects};
use crate::terraform::TfUnit;
use crate::terraform::plan::Plan;

crate::declare_rule! {
    /// ## What it does
    /// Flags a database identifier that breaks its provider's naming rules, or the pattern your
    /// organisation configured for it.
    ///
    /// Built in: RDS, Aurora, DocumentDB, Neptune and Redshift identifiers are 1 to 63 lowercase
    /// letters, digits and hyphens, start with a letter, and have no trailing or doubled hyphen;
    /// ElastiCache replication groups take at most 40 such characters; Cloud SQL instance names
    /// are lowercase letters, digits and hyphens starting with a letter; Azure database server
    /// names are 3 to 63 lowercase letters, digits and hyphens, without a leading or trailing
    /// hyphen. Only identifiers known statically are checked.
    ///
    /// ## Why is this bad?
    /// A provider rejects an invalid identifier only at `apply` time, after the plan was
    /// reviewed; some accept uppercase and silently lowercase it, so every later plan shows a
    /// change that forces the database to be replaced. Naming conventions let people and
    /// policies tell production databases from the rest.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier = "Orders_DB"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier = "orders-db"
    /// }
    /// ```
    ///
    /// ## Options
    /// `identifier-patterns` in the `[terraform]` table of `schemaguard.toml` maps a resource
    /// type to a regular expression its identifier must match; it replaces the built-in rule for
    /// that type. A type not in the list above is written `type.attribute`:
    ///
    /// ```toml
    /// [terraform.identifier-patterns]
    /// aws_db_instance = "^(dev|stg|prd)-[a-z0-9-]+$"
    /// "aws_memorydb_cluster.name" = "^(dev|stg|prd)-"
    /// ```
    pub struct DatabaseIdentifierPattern {
        code: "NM009",
        name: "database-identifier-pattern",
        category: Naming,
        severity: Warning,
    }
}

/// (resource type, identifier attribute, max length, what the provider allows)
const BUILT_IN: &[(&str, &str, usize, Shape)] = &[
    ("aws_db_instance", "identifier", 63, Shape::Aws),
    ("aws_rds_cluster", "cluster_identifier", 63, Shape::Aws),
    ("aws_rds_cluster_instance", "identifier", 63, Shape::Aws),
    ("aws_docdb_cluster", "cluster_identifier", 63, Shape::Aws),
    ("aws_docdb_cluster_instance", "identifier", 63, Shape::Aws),
    ("aws_neptune_cluster", "cluster_identifier", 63, Shape::Aws),
    ("aws_redshift_cluster", "cluster_identifier", 63, Shape::Aws),
    (
        "aws_elasticache_replication_group",
        "replication_group_id",
        40,
        Shape::Aws,
    ),
    ("google_sql_database_instance", "name", 98, Shape::Gcp),
    ("azurerm_postgresql_server", "name", 63, Shape::Azure),
    (
        "azurerm_postgresql_flexible_server",
        "name",
        63,
        Shape::Azure,
    ),
    ("azurerm_mysql_server", "name", 63, Shape::Azure),
    ("azurerm_mysql_flexible_server", "name", 63, Shape::Azure),
    ("azurerm_mariadb_server", "name", 63, Shape::Azure),
    ("azurerm_mssql_server", "name", 63, Shape::Azure),
];

#[derive(Clone, Copy)]
enum Shape {
    Aws,
    Gcp,
    Azure,
}

/// The identifier attribute of a resource type with built-in rules.
pub fn identifier_attribute(type_name: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(t, ..)| *t == type_name)
        .map(|(_, a, ..)| *a)
}

/// Why a name breaks the provider's rules, if it does.
fn provider_violation(name: &str, max: usize, shape: Shape) -> Option<String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok_chars {
        return Some("only lowercase letters, digits and hyphens are allowed".into());
    }
    if name.len() > max {
        return Some(format!(
            "it is {} characters long; the limit is {max}",
            name.len()
        ));
    }
    match shape {
        Shape::Aws | Shape::Gcp => {
            if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                return Some("it must start with a letter".into());
            }
            if name.ends_with('-') {
                return Some("it must not end with a hyphen".into());
            }
            if matches!(shape, Shape::Aws) && name.contains("--") {
                return Some("it must not contain two consecutive hyphens".into());
            }
        }
        Shape::Azure => {
            if name.len() < 3 {
                return Some("it must be at least 3 characters long".into());
            }
            if name.starts_with('-') || name.ends_with('-') {
                return Some("it must not start or end with a hyphen".into());
            }
        }
    }
    None
}

impl DatabaseIdentifierPattern {
    fn check(objects: &[Object], cx: &mut Cx) {
        let configured = &cx.settings.terraform.identifier_patterns;
        for o in objects {
            let custom = configured.iter().find_map(|(key, re)| {
                let (t, attr) = match key.split_once('.') {
                    Some((t, a)) => (t, Some(a)),
                    None => (key.as_str(), None),
                };
                (t == o.type_name)
                    .then(|| attr.or_else(|| identifier_attribute(t)).map(|a| (a, re)))
                    .flatten()
            });
            let built_in = BUILT_IN.iter().find(|(t, ..)| *t == o.type_name);
            let attr = match (custom, built_in) {
                (Some((a, _)), _) => a,
                (None, Some((_, a, ..))) => *a,
                (None, None) => continue,
            };
            let Lookup::Set(n, span) = lookup(o.node, &[attr]) else {
                continue;
            };
            // Empty: the provider generates an identifier.
            let Some(name) = n.as_str().filter(|s| !s.is_empty()) else {
                continue;
            };
            let why = match (custom, built_in) {
                (Some((_, re)), _) => (!re.is_match(name))
                    .then(|| format!("it does not match the configured pattern `{}`", re.as_str())),
                (None, Some((_, _, max, shape))) => provider_violation(name, *max, *shape),
                (None, None) => None,
            };
            let Some(why) = why else { continue };
            cx.report(
                span,
                format!("`{}` has the identifier `{name}`: {why}", o.address),
            )
            .label("invalid identifier")
            .help(if custom.is_some() {
                "rename it to follow the naming convention in `[terraform.identifier-patterns]`"
                    .to_string()
            } else {
                "use lowercase letters, digits and single hyphens, starting with a letter"
                    .to_string()
            });
        }
    }
}

impl Rule for DatabaseIdentifierPattern {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        Self::check(&file_objects(unit), cx);
    }

    fn check_plan(&self, plan: &Plan, cx: &mut Cx) {
        Self::check(&plan_objects(plan), cx);
    }
}
