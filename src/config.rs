//! `schemaguard.toml`: found upward from the working directory, strict (an unknown key is an
//! error that points into the file), and overridden by command-line flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::source::Span;

pub const CONFIG_NAMES: [&str; 2] = ["schemaguard.toml", ".schemaguard.toml"];

/// The file format. Every field is optional: with no config at all the defaults apply.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Rules to run: codes, code prefixes, names, categories or `ALL`. Default: all.
    pub select: Option<Vec<Spanned<String>>>,
    /// Added to `select` (or to the default set).
    pub extend_select: Option<Vec<Spanned<String>>>,
    /// Rules not to run.
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Lowest severity that makes the run fail: error, warning, info or never.
    pub fail_on: Option<Spanned<String>>,
    /// SQL dialect for every file: postgres, mysql, sqlite, mssql, oracle or generic.
    pub dialect: Option<Spanned<String>>,
    /// Files larger than this are skipped with a notice (bytes, or "10MB", "512KiB").
    pub max_file_size: Option<Spanned<SizeValue>>,
    /// Glob patterns (relative to the config file) of paths never linted; replaces the default
    /// list of vendored folders ([`crate::settings::DEFAULT_EXCLUDE`]).
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Rules (codes, names, prefixes, categories) whose findings inline suppressions cannot
    /// silence: such a suppression is reported (LN009) and the finding stands.
    pub forbid_suppressions: Option<Vec<Spanned<String>>>,
    /// Glob patterns added to `exclude` (or to the default list).
    pub extend_exclude: Option<Vec<Spanned<String>>>,
    /// Whether files named on the command line (as a pre-commit hook names them) honour
    /// `exclude` too (default true).
    pub force_exclude: Option<bool>,
    /// Honour .gitignore and .ignore files while walking (default true).
    pub respect_gitignore: Option<bool>,
    /// Per-rule severity: `BC001 = "warning"`.
    pub severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Rules ignored for paths matching a glob: `"legacy/**" = ["BC001"]`.
    pub per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    /// Dialect per path glob: `"db/mysql/**" = "mysql"`.
    pub dialects: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub postgres: Option<PostgresConfig>,
    pub mysql: Option<MysqlConfig>,
    /// A baseline file (relative to the config file) of accepted findings, as written by
    /// `schemaguard check --write-baseline FILE`; `--baseline` and `--no-baseline` override it.
    pub baseline: Option<Spanned<String>>,
    pub secrets: Option<SecretsConfig>,
    pub migrations: Option<MigrationsConfig>,
    /// Folders of declarative rule files (`*.yaml`, the format of `rules/README.md`) loaded in
    /// addition to the built-in rules; relative to the config file.
    pub extend_rules: Option<Vec<Spanned<String>>>,
    pub terraform: Option<TerraformConfig>,
    pub database_settings: Option<DatabaseSettingsConfig>,
}

/// `[database-settings]`: what the rules over database configuration (parameter files,
/// operators' custom resources, container options) accept.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DatabaseSettingsConfig {
    /// The highest `max_connections` accepted (default 300).
    pub max_connections: Option<Spanned<u32>>,
    /// Whether DDL must be logged for auditing: then `log_statement: none` is flagged
    /// (default true).
    pub require_ddl_logging: Option<bool>,
}

/// `[migrations]`: how migration folders are read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MigrationsConfig {
    /// Force one framework for every migration folder (default: detected per folder).
    pub framework: Option<Spanned<String>>,
    /// Framework per folder glob: `"db/migration" = "flyway"`.
    pub frameworks: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Whether every migration needs a down/undo/rollback: "auto" (when the folder has any),
    /// "always" or "never". Default "auto".
    pub require_down: Option<Spanned<String>>,
    /// Whether migrations run while the database serves traffic: "auto" (learned per set from
    /// its use of CONCURRENTLY, NOT VALID, USING INDEX and lock_timeout), "always" or "never".
    /// Default "auto".
    pub online: Option<Spanned<String>>,
    /// Objects created by a migration dated (by its timestamp version) less than this many
    /// hours before another are new to it: the two ship together. Default 24; 0 turns it off.
    pub release_window_hours: Option<Spanned<u32>>,
    pub flyway: Option<FlywayConfig>,
}

/// Flyway's naming settings, as in `flyway.conf`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FlywayConfig {
    pub sql_migration_prefix: Option<String>,
    pub undo_sql_migration_prefix: Option<String>,
    pub repeatable_sql_migration_prefix: Option<String>,
    pub baseline_migration_prefix: Option<String>,
    pub sql_migration_separator: Option<String>,
    pub sql_migration_suffixes: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TerraformConfig {
    /// The shortest automated backup retention accepted, in days (default 1: only a disabled
    /// backup, 0 days, is flagged).
    pub min_backup_retention_days: Option<Spanned<u32>>,
    /// Regular expressions database identifiers must match, per resource type:
    /// `aws_db_instance = "^(dev|stg|prd)-[a-z0-9-]+$"`.
    pub identifier_patterns: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PostgresConfig {
    /// The major version migrations run against (default 14): decides which operations
    /// rewrite tables (e.g. `ADD COLUMN ... DEFAULT` before 11).
    pub version: Option<Spanned<u32>>,
    /// Whether the migration tool already sets `lock_timeout` for every migration (then
    /// `missing-lock-timeout` stays quiet). Unset: told from the migrations (a set of five or
    /// more none of which sets it is taken as the tool's job); `false` asks for it anyway.
    pub lock_timeout_set_by_tool: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MysqlConfig {
    /// The server version, "8.0" by default: decides which online DDL is possible.
    pub version: Option<Spanned<String>>,
}

/// `[secrets]`: what the sensitive-data rules accept.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    /// Glob patterns (relative to the config file) of paths whose secrets are not reported
    /// (test fixtures with throwaway keys).
    pub allow_paths: Option<Vec<Spanned<String>>>,
    /// Regular expressions: a found value that matches one is not a secret (`^sk_test_`).
    pub allow_patterns: Option<Vec<Spanned<String>>>,
    /// Fingerprints (from the JSON `fingerprint` or SARIF `partialFingerprints`) of findings
    /// accepted on purpose; they are reported as suppressed.
    pub allow_fingerprints: Option<Vec<Spanned<String>>>,
    /// Report obvious placeholders and well-known defaults (`changeme`, `password`,
    /// `postgres`) as weak credentials. Default false.
    pub report_placeholders: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeValue {
    Bytes(u64),
    Text(String),
}

/// A configuration problem, with where it is.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Option<Span>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(span) => {
                let lc = crate::source::LineIndex::new(&self.text).line_col(&self.text, span.start);
                write!(
                    f,
                    "{}:{}:{}: {}",
                    self.path.display(),
                    lc.line,
                    lc.column,
                    self.message
                )
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A loaded config file.
#[derive(Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub text: String,
    pub raw: RawConfig,
}

impl LoadedConfig {
    /// The directory relative paths in the config are resolved against.
    pub fn root(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            text: self.text.clone(),
            span: Some(Span::from(span)),
            message: message.into(),
        }
    }
}

pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message: format!("cannot read the config file: {e}"),
    })?;
    let raw: RawConfig = toml::from_str(&text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        text: text.clone(),
        span: e.span().map(Span::from),
        message: e.message().to_string(),
    })?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        text,
        raw,
    })
}

/// The nearest config file at or above `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Parses "10MB", "512 KiB", "1048576".
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try \"10MB\")"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit `{other}` (use B, KB, MB or GB)")),
    };
    Ok((n * mult) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemaguard.toml");
        std::fs::write(&path, "select = [\"BC\"]\nfrobnicate = true\n").unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            err.message.contains("unknown field `frobnicate`"),
            "{}",
            err.message
        );
        assert_eq!(
            err.span.map(|s| s.text(&err.text).to_string()).as_deref(),
            Some("frobnicate")
        );
    }

    #[test]
    fn secrets_section_is_strict() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemaguard.toml");
        std::fs::write(
            &path,
            "[secrets]\nallow-paths = [\"tests/**\"]\nreport-placeholders = true\n",
        )
        .unwrap();
        let cfg = load(&path).unwrap();
        let secrets = cfg.raw.secrets.unwrap();
        assert_eq!(secrets.report_placeholders, Some(true));
        std::fs::write(&path, "[secrets]\nallow-path = []\n").unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            err.message.contains("unknown field `allow-path`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MB").unwrap(), 10 * 1024 * 1024);
        assert_eq!(parse_size("512 KiB").unwrap(), 512 * 1024);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert!(parse_size("ten").is_err());
    }
}
