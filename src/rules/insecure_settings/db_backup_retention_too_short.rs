use crate::registry::{Cx, Rule};
use crate::rules::terraform::{Lookup, Object, file_objects, lookup, plan_objects};
use crate::terraform::TfUnit;
use crate::terraform::plan::Plan;

crate::declare_rule! {
    /// ## What it does
    /// Flags a database whose automated backups are disabled (a retention of 0 days), or kept
    /// fewer days than `[terraform] min-backup-retention-days`.
    ///
    /// It reads `backup_retention_period` of `aws_db_instance`, `aws_rds_cluster`,
    /// `aws_docdb_cluster` and `aws_neptune_cluster`, `automated_snapshot_retention_period` of
    /// `aws_redshift_cluster`, and `backup_retention_days` of the Azure PostgreSQL, MySQL and
    /// MariaDB servers. An unset value is the provider's default (1 day on AWS, 7 on Azure). Read
    /// replicas (`replicate_source_db`) are skipped: their source holds the backups.
    ///
    /// ## Why is this bad?
    /// Without automated backups there is no point-in-time recovery: a bad migration, a
    /// `DELETE` without `WHERE` or a dropped table cannot be undone, and deleting the instance
    /// removes every copy of the data.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   backup_retention_period = 0
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine                  = "postgres"
    ///   backup_retention_period = 14
    /// }
    /// ```
    ///
    /// ## Options
    /// `min-backup-retention-days` in the `[terraform]` table of `schemaguard.toml` (default 1,
    /// at most 35): retentions shorter than this are flagged, and an unset retention is compared
    /// through the provider default.
    ///
    /// ```toml
    /// [terraform]
    /// min-backup-retention-days = 7
    /// ```
    pub struct DbBackupRetentionTooShort {
        code: "IS003",
        name: "db-backup-retention-too-short",
        category: InsecureSettings,
        severity: Warning,
        security_severity: 5.0,
    }
}

/// (resource type, retention attribute, provider default in days)
const RETENTION: &[(&str, &str, f64)] = &[
    ("aws_db_instance", "backup_retention_period", 1.0),
    ("aws_rds_cluster", "backup_retention_period", 1.0),
    ("aws_docdb_cluster", "backup_retention_period", 1.0),
    ("aws_neptune_cluster", "backup_retention_period", 1.0),
    (
        "aws_redshift_cluster",
        "automated_snapshot_retention_period",
        1.0,
    ),
    ("azurerm_postgresql_server", "backup_retention_days", 7.0),
    (
        "azurerm_postgresql_flexible_server",
        "backup_retention_days",
        7.0,
    ),
    ("azurerm_mysql_server", "backup_retention_days", 7.0),
    (
        "azurerm_mysql_flexible_server",
        "backup_retention_days",
        7.0,
    ),
    ("azurerm_mariadb_server", "backup_retention_days", 7.0),
];

impl DbBackupRetentionTooShort {
    fn check(objects: &[Object], cx: &mut Cx) {
        let min = cx.settings.terraform.min_backup_retention_days as f64;
        for o in objects {
            let Some((_, attr, default)) = RETENTION.iter().find(|(t, _, _)| *t == o.type_name)
            else {
                continue;
            };
            if !lookup(o.node, &["replicate_source_db"]).is_unset() {
                continue;
            }
            let l = lookup(o.node, &[attr]);
            let Some(days) = l.number_or(Some(*default)) else {
                continue;
            };
            if days >= min.max(1.0) {
                continue;
            }
            let (span, label) = match l {
                Lookup::Set(n, span) => (
                    span,
                    match &n.origin {
                        Some(origin) => format!("`{attr}` is {days}, {origin}"),
                        None => format!("`{attr}` is {days}"),
                    },
                ),
                Lookup::Unset(anchor) => (
                    anchor,
                    format!("`{attr}` is not set; the provider default is {default} days"),
                ),
                Lookup::Unknown => continue,
            };
            let message = if days == 0.0 {
                format!(
                    "`{}` has automated backups disabled (`{attr} = 0`)",
                    o.address
                )
            } else {
                format!(
                    "`{}` keeps automated backups only {days} day{} (the minimum is {min}, from `min-backup-retention-days`)",
                    o.address,
                    if days == 1.0 { "" } else { "s" }
                )
            };
            cx.report(span, message).label(label).help(format!(
                "set `{attr}` to at least {} days so point-in-time recovery is possible",
                min.max(7.0)
            ));
        }
    }
}

impl Rule for DbBackupRetentionTooShort {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        Self::check(&file_objects(unit), cx);
    }

    fn check_plan(&self, plan: &Plan, cx: &mut Cx) {
        Self::check(&plan_objects(plan), cx);
    }
}
