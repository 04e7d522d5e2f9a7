//! The engine a project's configuration names: Flyway and Liquibase URLs (`jdbc:mysql://…`),
//! Spring's `spring.datasource.url`, `DATABASE_URL` in `.env`, SQLAlchemy URLs in `alembic.ini`,
//! sqitch's and sqlc's `engine`, and the database image of a compose file (`image: mysql:8`).
//! A migration set whose files name no engine runs on the one its nearest configuration names.
//! Only engine names are read from these files; nothing else of them is kept or shown.

use std::path::Path;

use super::Dialect;

/// Files that name the engine a project's migrations run on, next to them or in a folder
/// above.
const CONFIG_FILES: &[&str] = &[
    "flyway.conf",
    "flyway.toml",
    "liquibase.properties",
    "application.properties",
    "application.yml",
    "application.yaml",
    "alembic.ini",
    "sqitch.conf",
    "sqlc.yaml",
    "sqlc.yml",
    "dbconfig.yml",
    ".env",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
];

/// How far above a migration folder configuration is looked for.
const MAX_LEVELS: usize = 8;

/// Configuration files larger than this are not read for an engine name.
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The engine the configuration nearest to `dir` names (in `dir` or a folder above it, up to
/// `root` when `dir` is below it): the first folder whose configuration names any engine
/// decides, and it must name exactly one (an embedded engine beside a server engine is the
/// tests' and does not count). `None` when no configuration names one, or one names several.
pub fn from_config(dir: &Path, root: &Path) -> Option<Dialect> {
    let below_root = dir.starts_with(root);
    for (level, d) in dir.ancestors().enumerate() {
        if level > MAX_LEVELS {
            break;
        }
        let mut named: Vec<Dialect> = Vec::new();
        for name in CONFIG_FILES {
            let path = d.join(name);
            let small =
                std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_CONFIG_BYTES);
            if !small {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                for e in engines_named(&text) {
                    if !named.contains(&e) {
                        named.push(e);
                    }
                }
            }
        }
        let servers: Vec<Dialect> = named
            .iter()
            .copied()
            .filter(|d| *d != Dialect::Other)
            .collect();
        match servers.as_slice() {
            [one] => return Some(*one),
            [] if named.is_empty() => {}
            // Several engines, or only an embedded one: nothing to go by.
            _ => return None,
        }
        if below_root && d == root {
            break;
        }
    }
    None
}

/// The engines a configuration text names: database URLs and compose images.
pub fn engines_named(text: &str) -> Vec<Dialect> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut add = |d: Dialect| {
        if !out.contains(&d) {
            out.push(d);
        }
    };
    const URLS: &[(&str, Dialect)] = &[
        ("jdbc:postgresql:", Dialect::Postgres),
        ("postgres://", Dialect::Postgres),
        ("postgresql://", Dialect::Postgres),
        ("postgresql+", Dialect::Postgres),
        ("jdbc:mysql:", Dialect::Mysql),
        ("jdbc:mariadb:", Dialect::Mysql),
        ("mysql://", Dialect::Mysql),
        ("mariadb://", Dialect::Mysql),
        ("mysql+", Dialect::Mysql),
        ("jdbc:sqlserver:", Dialect::Mssql),
        ("sqlserver://", Dialect::Mssql),
        ("mssql://", Dialect::Mssql),
        ("mssql+", Dialect::Mssql),
        ("jdbc:oracle:", Dialect::Oracle),
        ("oracle+", Dialect::Oracle),
        ("jdbc:sqlite:", Dialect::Sqlite),
        ("sqlite://", Dialect::Sqlite),
        ("sqlite3://", Dialect::Sqlite),
        ("jdbc:h2:", Dialect::Other),
        ("jdbc:hsqldb:", Dialect::Other),
        ("jdbc:derby:", Dialect::Other),
    ];
    for (marker, d) in URLS {
        if lower.contains(marker) {
            add(*d);
        }
    }
    for line in lower.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        // `image: postgres:16-alpine`, `image: "docker.io/library/mysql:8"`.
        if let Some(image) = line.strip_prefix("image:") {
            let image = image.trim().trim_matches(['"', '\'']);
            let name = image.split([':', '@']).next().unwrap_or("");
            let base = name.rsplit('/').next().unwrap_or("");
            match base {
                "postgres" | "postgresql" | "postgis" | "timescaledb" | "timescaledb-ha" => {
                    add(Dialect::Postgres)
                }
                "mysql" | "mariadb" | "percona" | "percona-server" => add(Dialect::Mysql),
                "mssql" | "server" if name.contains("mssql") => add(Dialect::Mssql),
                "azure-sql-edge" => add(Dialect::Mssql),
                _ => {}
            }
        }
        // sqitch `engine = pg`, sqlc `engine: "postgresql"`.
        if let Some(value) = line
            .strip_prefix("engine")
            .and_then(|r| r.trim_start().strip_prefix(['=', ':']))
        {
            match value.trim().trim_matches(['"', '\'']) {
                "pg" | "postgres" | "postgresql" => add(Dialect::Postgres),
                "mysql" | "mariadb" => add(Dialect::Mysql),
                "sqlite" | "sqlite3" => add(Dialect::Sqlite),
                "oracle" => add(Dialect::Oracle),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_images_and_engine_keys_name_engines() {
        assert_eq!(
            engines_named("flyway.url=jdbc:mysql://localhost:3306/app\n"),
            [Dialect::Mysql]
        );
        assert_eq!(
            engines_named("services:\n  db:\n    image: \"postgres:16-alpine\"\n"),
            [Dialect::Postgres]
        );
        assert_eq!(
            engines_named("services:\n  db:\n    image: docker.io/library/mariadb:11\n"),
            [Dialect::Mysql]
        );
        assert_eq!(
            engines_named("[core]\n\tengine = pg\n"),
            [Dialect::Postgres]
        );
        assert_eq!(
            engines_named("sqlalchemy.url = postgresql+psycopg2://u@h/db\n"),
            [Dialect::Postgres]
        );
        assert_eq!(
            engines_named("# image: mysql:8\nimage: redis:7\n"),
            Vec::<Dialect>::new()
        );
    }

    #[test]
    fn the_nearest_folder_that_names_engines_decides() {
        let dir = std::env::temp_dir().join(format!("sg-engine-config-{}", std::process::id()));
        let migrations = dir.join("app/db/migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::write(
            dir.join("compose.yaml"),
            "services:\n  db:\n    image: mysql:8\n",
        )
        .unwrap();
        assert_eq!(from_config(&migrations, &dir), Some(Dialect::Mysql));
        // Nearer, a test setup on H2 beside the PostgreSQL server: PostgreSQL.
        std::fs::write(
            dir.join("app/application.properties"),
            "spring.datasource.url=jdbc:postgresql://db/app\ntest.url=jdbc:h2:mem:test\n",
        )
        .unwrap();
        assert_eq!(from_config(&migrations, &dir), Some(Dialect::Postgres));
        // Two server engines in the nearest folder: nothing to go by.
        std::fs::write(dir.join("app/.env"), "DATABASE_URL=mysql://u@h/db\n").unwrap();
        assert_eq!(from_config(&migrations, &dir), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
