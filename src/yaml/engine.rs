//! Which database an image runs, from its name.

/// The database engine an image reference runs (`postgres:16`, `bitnami/postgresql`,
/// `mcr.microsoft.com/mssql/server:2022-latest`), or `None` for other images, exporters and
/// admin tools included (`postgres-exporter`, `pgadmin4`, `mongo-express`).
pub fn engine_of_image(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() || crate::parse::yaml::interpolated(image) {
        return None;
    }
    let no_digest = image.split('@').next().unwrap_or(image);
    let mut parts: Vec<&str> = no_digest.split('/').collect();
    // A registry host (`ghcr.io`, `localhost:5000`) is not part of the name.
    if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        parts.remove(0);
    }
    let last = parts.last()?;
    let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    let owner = if parts.len() > 1 {
        parts[parts.len() - 2].to_ascii_lowercase()
    } else {
        String::new()
    };
    Some(match name.as_str() {
        "postgres" | "postgresql" | "postgis" | "timescaledb" | "timescaledb-ha" | "pgvector"
        | "postgresql-repmgr" | "crunchy-postgres" | "postgres-ha" | "postgresql-ha"
        | "supabase-postgres" | "paradedb" => "postgres",
        n if n.starts_with("spilo-") => "postgres",
        "mysql" | "mysql-server" | "percona-server" | "percona" | "percona-xtradb-cluster" => {
            "mysql"
        }
        "mariadb" | "mariadb-galera" => "mariadb",
        "mongo"
        | "mongodb"
        | "mongodb-community-server"
        | "mongodb-enterprise-server"
        | "percona-server-mongodb"
        | "mongodb-sharded" => "mongodb",
        "redis" | "redis-stack" | "redis-stack-server" | "redis-cluster" | "valkey"
        | "valkey-cluster" => "redis",
        "server" if owner == "mssql" => "sqlserver",
        "mssql-server" | "azure-sql-edge" => "sqlserver",
        "cockroach" | "cockroachdb" => "cockroachdb",
        "cassandra" | "scylla" | "scylladb" => "cassandra",
        "clickhouse-server" | "clickhouse" => "clickhouse",
        "oracle-xe" | "oracle-free" => "oracle",
        "enterprise" | "free" if owner == "database" => "oracle",
        "couchdb" => "couchdb",
        "neo4j" => "neo4j",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines() {
        for (image, want) in [
            ("postgres", Some("postgres")),
            ("postgres:16-alpine", Some("postgres")),
            ("docker.io/library/postgres:latest", Some("postgres")),
            ("ghcr.io/cloudnative-pg/postgresql:16", Some("postgres")),
            ("localhost:5000/postgres", Some("postgres")),
            ("bitnami/mysql:8.0", Some("mysql")),
            (
                "mcr.microsoft.com/mssql/server:2022-latest",
                Some("sqlserver"),
            ),
            ("mongo@sha256:abc", Some("mongodb")),
            ("prometheuscommunity/postgres-exporter", None),
            ("dpage/pgadmin4", None),
            ("mongo-express", None),
            ("${DB_IMAGE}", None),
        ] {
            assert_eq!(engine_of_image(image), want, "{image}");
        }
    }
}
