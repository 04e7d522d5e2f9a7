use crate::registry::{Cx, Rule};
use crate::terraform::plan::Plan;

crate::declare_rule! {
    /// ## What it does
    /// Flags a Terraform plan (`terraform show -json plan.out > plan.json`) that deletes or
    /// replaces a stateful database resource: an RDS instance or Aurora cluster, DynamoDB table,
    /// ElastiCache or MemoryDB cluster, Redshift, DocumentDB or Neptune cluster, OpenSearch
    /// domain, a Cloud SQL, Spanner, Bigtable, Firestore or AlloyDB resource, an Azure database
    /// server, database or Cosmos DB account. When the plan says which attributes force the
    /// replacement (`replace_paths`), the finding names them.
    ///
    /// A `.json` file is recognised as a plan by its content (`format_version` and
    /// `terraform_version`), whatever its name.
    ///
    /// ## Why is this bad?
    /// Deleting a database deletes its data; replacing one (`delete` then `create`, or
    /// `create` then `delete`) creates an empty database in its place. A one-character change to
    /// an attribute that cannot be updated in place (`engine`, `identifier`, `kms_key_id`,
    /// `availability_zone`...) is enough, and the plan output is easy to skim past.
    ///
    /// ## Example
    /// ```json
    /// {"format_version": "1.2", "terraform_version": "1.9.5",
    ///  "resource_changes": [{
    ///    "address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
    ///    "name": "main",
    ///    "change": {"actions": ["delete", "create"], "replace_paths": [["engine"]],
    ///               "before": {"engine": "mysql"}, "after": {"engine": "mariadb"}},
    ///    "action_reason": "replace_because_cannot_update"}]}
    /// ```
    ///
    /// ## Use instead
    /// Change only what can be updated in place, and guard databases with
    /// `lifecycle { prevent_destroy = true }` and `deletion_protection = true`:
    /// ```json
    /// {"format_version": "1.2", "terraform_version": "1.9.5",
    ///  "resource_changes": [{
    ///    "address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
    ///    "name": "main",
    ///    "change": {"actions": ["update"],
    ///               "before": {"allocated_storage": 20}, "after": {"allocated_storage": 50}}}]}
    /// ```
    /// When the replacement is intended (after a snapshot), suppress the finding in the review
    /// with a baseline, or run `schemaguard check --ignore plan-destroys-database` for that
    /// pipeline.
    pub struct PlanDestroysDatabase {
        code: "BC019",
        name: "plan-destroys-database",
        category: BackwardIncompatible,
        severity: Error,
    }
}

/// Resource types that hold data: deleting or replacing one loses it.
const STATEFUL: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_global_cluster",
    "aws_docdb_cluster",
    "aws_docdb_elastic_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_redshiftserverless_namespace",
    "aws_dynamodb_table",
    "aws_dynamodb_global_table",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_keyspaces_table",
    "aws_timestreamwrite_table",
    "aws_qldb_ledger",
    "google_sql_database_instance",
    "google_sql_database",
    "google_spanner_instance",
    "google_spanner_database",
    "google_bigtable_instance",
    "google_bigtable_table",
    "google_firestore_database",
    "google_alloydb_cluster",
    "google_redis_instance",
    "google_bigquery_dataset",
    "google_bigquery_table",
    "azurerm_postgresql_server",
    "azurerm_postgresql_flexible_server",
    "azurerm_postgresql_database",
    "azurerm_postgresql_flexible_server_database",
    "azurerm_mysql_server",
    "azurerm_mysql_flexible_server",
    "azurerm_mysql_database",
    "azurerm_mysql_flexible_database",
    "azurerm_mariadb_server",
    "azurerm_mariadb_database",
    "azurerm_mssql_server",
    "azurerm_mssql_database",
    "azurerm_mssql_managed_instance",
    "azurerm_sql_server",
    "azurerm_sql_database",
    "azurerm_cosmosdb_account",
    "azurerm_cosmosdb_sql_database",
    "azurerm_cosmosdb_sql_container",
    "azurerm_cosmosdb_mongo_database",
    "azurerm_cosmosdb_mongo_collection",
    "azurerm_cosmosdb_cassandra_keyspace",
    "azurerm_redis_cache",
];

impl Rule for PlanDestroysDatabase {
    crate::rule_meta!();

    fn check_plan(&self, plan: &Plan, cx: &mut Cx) {
        for c in &plan.changes {
            if !c.managed || !c.deletes() || !STATEFUL.contains(&c.type_name.as_str()) {
                continue;
            }
            let replace = c.creates();
            let forced: Vec<String> = c
                .replace_paths
                .iter()
                .map(|(p, _)| format!("`{p}`"))
                .collect();
            let message = if replace {
                let cause = if forced.is_empty() {
                    match c.action_reason.as_deref() {
                        Some("replace_by_request") => " (requested with `-replace`)".to_string(),
                        Some("replace_because_tainted") => " (it is tainted)".to_string(),
                        _ => String::new(),
                    }
                } else {
                    format!(
                        "; {} force{} the replacement",
                        forced.join(", "),
                        if forced.len() == 1 { "s" } else { "" }
                    )
                };
                format!(
                    "the plan replaces `{}`: it is destroyed and created empty, losing its data{cause}",
                    c.address
                )
            } else {
                format!("the plan deletes `{}` and its data", c.address)
            };
            let d = cx.report(c.actions_span, message);
            d.label(if replace { "replaced" } else { "deleted" }).help(if replace {
                "change the forcing attribute back (or list it in `lifecycle { ignore_changes = [...] }`); guard the database with `lifecycle { prevent_destroy = true }` and deletion protection; if the replacement is intended, snapshot the data first"
            } else {
                "if the deletion is not intended, restore the resource in the configuration (or use a `removed` block to forget it without destroying it); if it is, snapshot the data first"
            });
            for (p, span) in &c.replace_paths {
                d.secondary(*span, format!("`{p}` forces replacement"));
            }
            d.secondary(c.address_span, "a stateful resource");
        }
    }
}
