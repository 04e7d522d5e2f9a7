//! SQL dialects, and how a file's dialect is told when nobody says.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The SQL dialect a script is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
    Mssql,
    Oracle,
    Clickhouse,
    Bigquery,
    Snowflake,
    Redshift,
    Duckdb,
    /// A known engine with no dialect of its own here: H2, HSQLDB, Derby, DB2. Parsed
    /// permissively like generic SQL, but no engine's locking advice applies.
    Other,
    /// Unknown: parsed permissively; PostgreSQL's locking advice applies, as it is the most
    /// common target of migration tools.
    #[default]
    Generic,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::Mssql => "mssql",
            Dialect::Oracle => "oracle",
            Dialect::Clickhouse => "clickhouse",
            Dialect::Bigquery => "bigquery",
            Dialect::Snowflake => "snowflake",
            Dialect::Redshift => "redshift",
            Dialect::Duckdb => "duckdb",
            Dialect::Other => "other",
            Dialect::Generic => "generic",
        }
    }

    /// Whether schemaguard parses this dialect well enough to report each statement it cannot
    /// parse. For the others (ClickHouse, BigQuery, Snowflake...) unparsed statements are
    /// summarised once per file.
    pub fn is_primary(self) -> bool {
        matches!(
            self,
            Dialect::Postgres
                | Dialect::Mysql
                | Dialect::Sqlite
                | Dialect::Mssql
                | Dialect::Generic
        )
    }

    /// A name for messages: `PostgreSQL`, `MySQL`...
    pub fn title(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Mssql => "SQL Server",
            Dialect::Oracle => "Oracle",
            Dialect::Clickhouse => "ClickHouse",
            Dialect::Bigquery => "BigQuery",
            Dialect::Snowflake => "Snowflake",
            Dialect::Redshift => "Redshift",
            Dialect::Duckdb => "DuckDB",
            Dialect::Other => "another engine (H2, HSQLDB, Derby, DB2, CockroachDB)",
            Dialect::Generic => "generic",
        }
    }

    /// Whether PostgreSQL locking semantics apply.
    pub fn is_postgres_like(self) -> bool {
        matches!(self, Dialect::Postgres | Dialect::Generic)
    }

    /// sqlparser's dialect for ours (a unit struct: a static, nothing built per file).
    pub fn sqlparser(self) -> &'static dyn sqlparser::dialect::Dialect {
        use sqlparser::dialect as d;
        match self {
            Dialect::Postgres => &d::PostgreSqlDialect {},
            Dialect::Mysql => &d::MySqlDialect {},
            Dialect::Sqlite => &d::SQLiteDialect {},
            Dialect::Mssql => &d::MsSqlDialect {},
            Dialect::Oracle => &d::OracleDialect {},
            Dialect::Clickhouse => &d::ClickHouseDialect {},
            Dialect::Bigquery => &d::BigQueryDialect {},
            Dialect::Snowflake => &d::SnowflakeDialect {},
            Dialect::Redshift => &d::RedshiftSqlDialect {},
            Dialect::Duckdb => &d::DuckDbDialect {},
            Dialect::Generic | Dialect::Other => &d::GenericDialect {},
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            "mssql" | "sqlserver" | "tsql" => Ok(Dialect::Mssql),
            "oracle" => Ok(Dialect::Oracle),
            "clickhouse" => Ok(Dialect::Clickhouse),
            "bigquery" => Ok(Dialect::Bigquery),
            "snowflake" => Ok(Dialect::Snowflake),
            "redshift" => Ok(Dialect::Redshift),
            "duckdb" => Ok(Dialect::Duckdb),
            "generic" | "ansi" => Ok(Dialect::Generic),
            "other" | "h2" | "hsqldb" | "derby" | "db2" | "cockroach" | "cockroachdb" => {
                Ok(Dialect::Other)
            }
            other => Err(format!(
                "unknown dialect `{other}` (expected postgres, mysql, sqlite, mssql, oracle, clickhouse, bigquery, snowflake, redshift, duckdb, h2 (hsqldb, derby, db2) or generic)"
            )),
        }
    }
}

/// Tells a dialect from the path: a folder or file-name part such as `postgres`, `mysql`,
/// `*.mysql.up.sql`, `sqlite3`.
pub fn from_path(path: &str) -> Option<Dialect> {
    let lower = path.to_ascii_lowercase();
    let mut found = None;
    // Later (more specific) parts win: `db/mysql/V1.postgres.sql` is PostgreSQL.
    for part in lower.split(['/', '\\', '.', '_', '-']) {
        let d = match part {
            "postgres" | "postgresql" | "pg" | "pgsql" | "psql" | "timescale" | "supabase" => {
                Dialect::Postgres
            }
            "mysql" | "mariadb" | "mysql8" | "mysql57" | "tidb" | "starrocks" | "doris" => {
                Dialect::Mysql
            }
            "clickhouse" => Dialect::Clickhouse,
            "bigquery" => Dialect::Bigquery,
            "snowflake" => Dialect::Snowflake,
            "redshift" => Dialect::Redshift,
            "duckdb" => Dialect::Duckdb,
            "sqlite" | "sqlite3" => Dialect::Sqlite,
            // A driver's folder named after its engine (`riversqlite`, `gosqlite3`).
            p if p.ends_with("sqlite") || p.ends_with("sqlite3") => Dialect::Sqlite,
            "mssql" | "sqlserver" | "tsql" => Dialect::Mssql,
            "oracle" | "ora" => Dialect::Oracle,
            // CockroachDB speaks PostgreSQL's protocol but not its DDL, and changes schemas
            // online: PostgreSQL's locking advice is wrong there.
            "h2" | "hsqldb" | "hsql" | "derby" | "db2" | "cockroach" | "cockroachdb" => {
                Dialect::Other
            }
            _ => continue,
        };
        found = Some(d);
    }
    found
}

/// Tells a dialect from the files beside it: a popx (ory) migration without a dialect part
/// (`<version>_<name>.up.sql`) next to a PostgreSQL variant of itself
/// (`<version>_<name>.postgres.up.sql`) runs only on the engines that have no variant of their
/// own (CockroachDB, often): not on PostgreSQL, and not on any one engine we can name.
pub fn from_siblings(path: &std::path::Path) -> Option<Dialect> {
    let name = path.file_name()?.to_str()?;
    if !name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let direction = [".up.sql", ".down.sql"]
        .into_iter()
        .find(|d| lower.ends_with(d))?;
    let stem = &name[..name.len() - direction.len()];
    if stem.rsplit('.').next().is_some_and(|last| {
        last.len() < stem.len() && crate::frameworks::golang_migrate::is_dialect_part(last)
    }) {
        return None;
    }
    path.with_file_name(format!("{stem}.postgres{direction}"))
        .is_file()
        .then_some(Dialect::Other)
}

/// Tells a dialect from the text, by markers only one dialect uses. Returns `None` when the
/// text says nothing either way.
pub fn from_content(text: &str) -> Option<Dialect> {
    // Look at a bounded prefix: markers show up early, and dumps can be huge.
    let end = crate::source::floor_char_boundary(text, 64 * 1024);
    // Only code votes: a comment that quotes a name in Markdown backticks, or a string that
    // mentions `ENGINE=`, says nothing about the engine that runs the file.
    let code = code_only(&text.as_bytes()[..end]);
    let bytes = code.as_slice();
    let mut mysql = 0i32;
    let mut pg = 0i32;
    if memchr::memchr(b'`', bytes).is_some() {
        mysql += 3;
    }
    let upper_hits = |needle: &str| {
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        finder.find(bytes).is_some()
    };
    for m in [
        "ENGINE=",
        "ENGINE =",
        "AUTO_INCREMENT",
        "engine=",
        "auto_increment",
        "UNSIGNED",
        "unsigned",
        "CHARSET=",
        "DEFAULT CHARSET",
        "COLLATE=",
        "utf8mb4",
        "ON UPDATE CURRENT_TIMESTAMP",
        "DELIMITER ",
        // ALTER TABLE ... MODIFY [COLUMN]: MySQL's (and Oracle's), never PostgreSQL's.
        " MODIFY COLUMN ",
        " modify column ",
        " MODIFY ",
        " modify ",
    ] {
        if upper_hits(m) {
            mysql += 2;
        }
    }
    for m in [
        "$$",
        "::",
        "CONCURRENTLY",
        "concurrently",
        "plpgsql",
        "jsonb",
        "JSONB",
        "timestamptz",
        "TIMESTAMPTZ",
        "SERIAL",
        "serial ",
        "CREATE EXTENSION",
        "create extension",
        "ON CONFLICT",
        "on conflict",
        "RETURNING",
        "ILIKE",
        "public.",
        "pg_catalog",
        "BYTEA",
        "bytea",
        "TIMESTAMP WITH TIME ZONE",
        "timestamp with time zone",
        "OWNER TO",
        "\\connect",
    ] {
        if upper_hits(m) {
            pg += 2;
        }
    }
    match (pg, mysql) {
        (0, 0) => None,
        (p, m) if p > m => Some(Dialect::Postgres),
        (p, m) if m > p => Some(Dialect::Mysql),
        _ => None,
    }
}

/// The bytes with the insides of `--` and `/* */` comments and of single-quoted strings (closed on
/// their line) blanked, delimiters kept, so that only code is searched for an engine's marks.
fn code_only(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                out[i + 2..end].fill(b' ');
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end =
                    memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n);
                out[i + 2..end].fill(b' ');
                i = end + 2;
            }
            // A string closed on its line (an apostrophe in XML or YAML prose opens none).
            b'\'' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'\n' {
                    match bytes[j] {
                        b'\'' if bytes.get(j + 1) == Some(&b'\'') => j += 2,
                        b'\'' => break,
                        _ => j += 1,
                    }
                }
                if bytes.get(j) == Some(&b'\'') {
                    out[i + 1..j].fill(b' ');
                    i = j + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_detection() {
        assert_eq!(
            from_path("db/postgres/V1__init.sql"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            from_path("migrations/2020_x.mysql.up.sql"),
            Some(Dialect::Mysql)
        );
        assert_eq!(from_path("migrations/001_init.sql"), None);
        assert_eq!(
            from_path("db/V1__init.sql.postgres"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            from_path("riverdriver/riversqlite/migration/main/001.up.sql"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            from_path("db/mysql/V1.postgres.sql"),
            Some(Dialect::Postgres)
        );
    }

    #[test]
    fn content_detection() {
        assert_eq!(
            from_content("CREATE TABLE `a` (id int) ENGINE=InnoDB;"),
            Some(Dialect::Mysql)
        );
        assert_eq!(
            from_content("CREATE INDEX CONCURRENTLY i ON t (a);"),
            Some(Dialect::Postgres)
        );
        assert_eq!(from_content("CREATE TABLE a (id int);"), None);
        // Comments and strings do not vote.
        assert_eq!(
            from_content("-- adds the `note` column\nALTER TABLE t ADD COLUMN note text;"),
            None
        );
        assert_eq!(
            from_content("/* ENGINE=InnoDB `x` */ COMMENT ON TABLE t IS 'the `a` table';"),
            None
        );
        assert_eq!(
            from_content("-- `x`\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            Some(Dialect::Postgres)
        );
        // An apostrophe in prose opens no string that would hide the code after it.
        assert_eq!(
            from_content(
                "<comment>Don't lock</comment>\n<sql>CREATE TABLE `a` (id int) ENGINE=InnoDB</sql>"
            ),
            Some(Dialect::Mysql)
        );
    }
}
