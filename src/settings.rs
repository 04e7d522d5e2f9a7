//! The resolved settings of a run: built-in defaults, then the config file, then the command line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::config::{ConfigError, LoadedConfig, SizeValue, parse_size};
use crate::diagnostic::Severity;
use crate::discover::normalize_path;
use crate::frameworks::flyway::FlywayNaming;
use crate::frameworks::{Framework, FrameworkConfig};
use crate::registry::all_rules;
use crate::registry::{Rule, selector_is_known};
use crate::sql::Dialect;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
pub const DEFAULT_POSTGRES_VERSION: u32 = 14;
/// Folders never linted unless `exclude` is set: other projects' code, vendored or installed
/// (ruff's defaults, for the folders that hold migrations and configuration).
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "**/vendor",
    "**/third_party",
    "**/third-party",
    "**/node_modules",
    "**/bower_components",
    "**/.terraform",
    "**/site-packages",
    "**/.venv",
];

/// Command-line choices that override the config file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub dialect: Option<Dialect>,
    pub max_file_size: Option<u64>,
    pub respect_gitignore: Option<bool>,
    pub postgres_version: Option<u32>,
    /// Added to the config's `forbid-suppressions`.
    pub forbid_suppressions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("never") {
            return Ok(FailOn::Never);
        }
        s.parse::<Severity>().map(FailOn::Severity).map_err(|_| {
            format!("unknown fail-on level `{s}` (expected error, warning, info or never)")
        })
    }
}

pub struct Settings {
    /// The rules that run, in code order.
    pub rules: Vec<&'static dyn Rule>,
    enabled: HashSet<&'static str>,
    severity: HashMap<&'static str, Severity>,
    per_file_ignores: Vec<(GlobMatcher, Vec<String>)>,
    pub dialect: Option<Dialect>,
    dialect_globs: Vec<(GlobMatcher, Dialect)>,
    pub postgres_version: u32,
    pub lock_timeout_set_by_tool: bool,
    /// `lock-timeout-set-by-tool` was written in the config: it pins the practice, whatever
    /// the migrations show (see [`crate::conventions`]).
    pub lock_timeout_pinned: bool,
    pub mysql_version: (u32, u32),
    pub max_file_size: u64,
    exclude: GlobSet,
    /// Rule selectors whose findings inline suppressions cannot silence (LN009).
    pub forbid_suppressions: Vec<String>,
    /// The folders the run was asked to lint: a file's role is read from its path below the
    /// folder that holds it (`schemaguard check tests/db` lints `tests/db` as migrations, not
    /// as tests). Empty: relative to the project.
    pub roots: Vec<PathBuf>,
    /// Files named on the command line honour `exclude` too.
    pub force_exclude: bool,
    pub respect_gitignore: bool,
    pub fail_on: FailOn,
    /// Where relative paths in the config are anchored (the config file's folder, or the
    /// working directory).
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    /// The configured baseline file (`baseline` in the config), anchored at the config's folder.
    pub baseline: Option<PathBuf>,
    /// `[secrets]`: what the sensitive-data rules accept.
    pub secrets: SecretsSettings,
    pub migrations: MigrationSettings,
    pub terraform: TerraformSettings,
    pub database: DatabaseSettings,
}

/// `[database-settings]` options.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `max_connections` above this is flagged (default 300).
    pub max_connections: u32,
    /// `log_statement: none` is flagged (default true).
    pub require_ddl_logging: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            max_connections: 300,
            require_ddl_logging: true,
        }
    }
}

/// The resolved `[secrets]` section.
#[derive(Debug, Default)]
pub struct SecretsSettings {
    allow_paths: Option<GlobSet>,
    allow_patterns: Vec<regex::Regex>,
    allow_fingerprints: HashSet<String>,
    /// Report obvious placeholders and well-known defaults as weak credentials.
    pub report_placeholders: bool,
}

impl SecretsSettings {
    /// Whether a found value matches an `allow-patterns` entry (so it is not a secret).
    pub fn value_allowed(&self, value: &str) -> bool {
        self.allow_patterns.iter().any(|r| r.is_match(value))
    }

    /// Whether a finding's fingerprint is accepted by `allow-fingerprints`.
    pub fn fingerprint_allowed(&self, fingerprint: &str) -> bool {
        self.allow_fingerprints.contains(fingerprint)
    }

    pub fn has_fingerprints(&self) -> bool {
        !self.allow_fingerprints.is_empty()
    }
}

/// Whether every migration needs a down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequireDown {
    /// When the folder has any down (the project writes them).
    Auto,
    Always,
    Never,
}

/// Whether migrations run while the database serves traffic (`[migrations] online`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Online {
    /// Learned per migration set: a set that never follows a locking practice (`CONCURRENTLY`,
    /// `NOT VALID`...) in enough cases gets one note per rule instead of a finding per place.
    Auto,
    /// Every locking finding is reported where it is.
    Always,
    /// Migrations run offline: the rules about practices for online migrations do not run.
    Never,
}

/// `[migrations]`, resolved.
#[derive(Debug)]
pub struct MigrationSettings {
    pub framework: Option<Framework>,
    pub frameworks: Vec<(GlobMatcher, Framework)>,
    pub require_down: RequireDown,
    pub online: Online,
    /// See `release-window-hours` in [`crate::config::MigrationsConfig`].
    pub release_window_hours: u32,
    pub flyway: FlywayNaming,
}

impl Default for MigrationSettings {
    fn default() -> Self {
        MigrationSettings {
            framework: None,
            frameworks: Vec::new(),
            require_down: RequireDown::Auto,
            online: Online::Auto,
            release_window_hours: 24,
            flyway: FlywayNaming::default(),
        }
    }
}

/// `[terraform]` options.
#[derive(Debug, Clone)]
pub struct TerraformSettings {
    /// Backups kept fewer days than this are flagged (default 1: only disabled backups).
    pub min_backup_retention_days: u32,
    /// Configured identifier patterns per resource type (they replace the built-in ones).
    pub identifier_patterns: Vec<(String, regex::Regex)>,
}

impl Default for TerraformSettings {
    fn default() -> Self {
        TerraformSettings {
            min_backup_retention_days: 1,
            identifier_patterns: Vec::new(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::resolve(None, &Overrides::default()).expect("defaults are valid")
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("rules", &self.rules.len())
            .field("config", &self.config_path)
            .finish()
    }
}

impl Settings {
    /// Settings that run exactly one rule (tests, docs examples).
    pub fn only(code: &str) -> Settings {
        let o = Overrides {
            select: Some(vec![code.to_string()]),
            ..Default::default()
        };
        Settings::resolve(None, &o).expect("valid selector")
    }

    pub fn resolve(
        config: Option<&LoadedConfig>,
        cli: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let root = config.map(|c| c.root().to_path_buf()).unwrap_or(cwd);
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let raw = config.map(|c| &c.raw);
        let err = |span: std::ops::Range<usize>, msg: String| -> ConfigError {
            match config {
                Some(c) => c.error(span, msg),
                None => ConfigError {
                    path: PathBuf::from("<command line>"),
                    text: String::new(),
                    span: None,
                    message: msg,
                },
            }
        };

        // User rule folders first: the selectors below may name their rules.
        for dir in raw
            .and_then(|r| r.extend_rules.as_ref())
            .into_iter()
            .flatten()
        {
            let rel = dir.get_ref();
            let full = root.join(rel);
            if !full.is_dir() {
                return Err(err(
                    dir.span(),
                    format!("`{rel}` is not a folder (paths are relative to the config file)"),
                ));
            }
            let loaded = crate::declarative::load_dir(&full, rel)?;
            crate::terraform::modules::register(loaded.modules);
            let rules: Vec<&'static dyn Rule> = loaded
                .rules
                .into_iter()
                .map(|r| r as &'static dyn Rule)
                .collect();
            crate::registry::register_rules(&rules).map_err(|e| err(dir.span(), e))?;
        }

        // Selection: what `select` picks (default: everything), plus `extend-select`, minus `ignore`.
        let check = |sel: &toml::Spanned<String>| -> Result<String, ConfigError> {
            if selector_is_known(sel.get_ref()) {
                Ok(sel.get_ref().clone())
            } else {
                Err(err(
                    sel.span(),
                    format!(
                        "unknown rule or category `{}` (see `schemaguard rule --all`)",
                        sel.get_ref()
                    ),
                ))
            }
        };
        let cli_check = |s: &String| -> Result<String, ConfigError> {
            if selector_is_known(s) {
                Ok(s.clone())
            } else {
                Err(err(
                    0..0,
                    format!("unknown rule or category `{s}` (see `schemaguard rule --all`)"),
                ))
            }
        };
        let select: Vec<String> = match (&cli.select, raw.and_then(|r| r.select.as_ref())) {
            (Some(s), _) => s.iter().map(cli_check).collect::<Result<_, _>>()?,
            (None, Some(s)) => s.iter().map(check).collect::<Result<_, _>>()?,
            (None, None) => vec!["DEFAULT".to_string()],
        };
        // A selector list written in the config, then the flag's: both are checked, and add up.
        let both = |file: Option<&Vec<toml::Spanned<String>>>,
                    flag: &[String]|
         -> Result<Vec<String>, ConfigError> {
            let mut out = file
                .into_iter()
                .flatten()
                .map(check)
                .collect::<Result<Vec<_>, _>>()?;
            out.extend(flag.iter().map(cli_check).collect::<Result<Vec<_>, _>>()?);
            Ok(out)
        };
        let extend = both(
            raw.and_then(|r| r.extend_select.as_ref()),
            &cli.extend_select,
        )?;
        let forbid_suppressions = both(
            raw.and_then(|r| r.forbid_suppressions.as_ref()),
            &cli.forbid_suppressions,
        )?;
        let ignore = both(raw.and_then(|r| r.ignore.as_ref()), &cli.ignore)?;

        let rules: Vec<&'static dyn Rule> = all_rules()
            .iter()
            .copied()
            .filter(|r| {
                let m = r.meta();
                (select.iter().any(|s| m.matches(s)) || extend.iter().any(|s| m.matches(s)))
                    && !ignore.iter().any(|s| m.matches(s))
            })
            .collect();
        let enabled = rules.iter().map(|r| r.meta().code).collect();

        let mut severity = HashMap::new();
        if let Some(map) = raw.and_then(|r| r.severity.as_ref()) {
            for (sel, level) in map {
                let level: Severity = level
                    .get_ref()
                    .parse()
                    .map_err(|e: String| err(level.span(), e))?;
                check(sel)?;
                for r in all_rules() {
                    if r.meta().matches(sel.get_ref()) {
                        severity.insert(r.meta().code, level);
                    }
                }
            }
        }

        let mut per_file_ignores = Vec::new();
        if let Some(map) = raw.and_then(|r| r.per_file_ignores.as_ref()) {
            for (pattern, sels) in map {
                let matcher = glob(pattern.get_ref()).map_err(|e| err(pattern.span(), e))?;
                let sels = sels.iter().map(check).collect::<Result<Vec<_>, _>>()?;
                per_file_ignores.push((matcher, sels));
            }
        }

        let mut dialect_globs = Vec::new();
        if let Some(map) = raw.and_then(|r| r.dialects.as_ref()) {
            for (pattern, d) in map {
                let matcher = glob(pattern.get_ref()).map_err(|e| err(pattern.span(), e))?;
                let d: Dialect = d.get_ref().parse().map_err(|e: String| err(d.span(), e))?;
                dialect_globs.push((matcher, d));
            }
        }

        let dialect = match (cli.dialect, raw.and_then(|r| r.dialect.as_ref())) {
            (Some(d), _) => Some(d),
            (None, Some(d)) => Some(d.get_ref().parse().map_err(|e: String| err(d.span(), e))?),
            (None, None) => None,
        };

        let fail_on = match (cli.fail_on, raw.and_then(|r| r.fail_on.as_ref())) {
            (Some(f), _) => f,
            (None, Some(f)) => f.get_ref().parse().map_err(|e: String| err(f.span(), e))?,
            (None, None) => FailOn::Severity(Severity::Error),
        };

        let max_file_size = match (
            cli.max_file_size,
            raw.and_then(|r| r.max_file_size.as_ref()),
        ) {
            (Some(n), _) => n,
            (None, Some(v)) => match v.get_ref() {
                SizeValue::Bytes(n) => *n,
                SizeValue::Text(t) => parse_size(t).map_err(|e| err(v.span(), e))?,
            },
            (None, None) => DEFAULT_MAX_FILE_SIZE,
        };

        let mut exclude = GlobSetBuilder::new();
        let mut add_exclude = |pattern: &str, span: std::ops::Range<usize>| {
            exclude.add(glob_pattern(pattern).map_err(|e| err(span.clone(), e))?);
            // `dir` and `dir/` exclude everything below too.
            let below = format!("{}/**", pattern.trim_end_matches('/'));
            exclude.add(glob_pattern(&below).map_err(|e| err(span, e))?);
            Ok::<(), ConfigError>(())
        };
        match raw.and_then(|r| r.exclude.as_ref()) {
            Some(list) => {
                for p in list {
                    add_exclude(p.get_ref(), p.span())?;
                }
            }
            None => {
                for p in DEFAULT_EXCLUDE {
                    add_exclude(p, 0..0)?;
                }
            }
        }
        for p in raw
            .and_then(|r| r.extend_exclude.as_ref())
            .into_iter()
            .flatten()
        {
            add_exclude(p.get_ref(), p.span())?;
        }
        let exclude = exclude.build().map_err(|e| err(0..0, e.to_string()))?;
        let force_exclude = raw.and_then(|r| r.force_exclude).unwrap_or(true);

        let pg = raw.and_then(|r| r.postgres.as_ref());
        let postgres_version = cli
            .postgres_version
            .or_else(|| pg.and_then(|p| p.version.as_ref()).map(|v| *v.get_ref()))
            .unwrap_or(DEFAULT_POSTGRES_VERSION);
        if let Some(v) = pg.and_then(|p| p.version.as_ref())
            && !(9..=30).contains(v.get_ref())
        {
            return Err(err(
                v.span(),
                format!(
                    "PostgreSQL version {} is not one we know (use the major version, e.g. 15)",
                    v.get_ref()
                ),
            ));
        }
        let lock_timeout_set_by_tool = pg.and_then(|p| p.lock_timeout_set_by_tool).unwrap_or(false);
        let lock_timeout_pinned = pg.is_some_and(|p| p.lock_timeout_set_by_tool.is_some());
        let mysql_version = match raw
            .and_then(|r| r.mysql.as_ref())
            .and_then(|m| m.version.as_ref())
        {
            Some(v) => parse_mysql_version(v.get_ref()).ok_or_else(|| {
                err(
                    v.span(),
                    format!("`{}` is not a MySQL version (e.g. \"8.0\")", v.get_ref()),
                )
            })?,
            None => (8, 0),
        };
        let secrets = resolve_secrets(raw.and_then(|r| r.secrets.as_ref()), &err)?;
        let mut migrations = MigrationSettings::default();
        if let Some(m) = raw.and_then(|r| r.migrations.as_ref()) {
            if let Some(f) = &m.framework {
                migrations.framework =
                    Some(f.get_ref().parse().map_err(|e: String| err(f.span(), e))?);
            }
            for (pattern, f) in m.frameworks.iter().flatten() {
                let p = pattern.get_ref().trim_end_matches('/');
                let matcher = glob(p).map_err(|e| err(pattern.span(), e))?;
                let fw: Framework = f.get_ref().parse().map_err(|e: String| err(f.span(), e))?;
                migrations.frameworks.push((matcher, fw));
            }
            // `auto`, `always` (or true), `never` (or false): (0, 1, 2).
            let tri = |v: &toml::Spanned<String>, key: &str| match v
                .get_ref()
                .to_ascii_lowercase()
                .as_str()
            {
                "auto" => Ok(0),
                "always" | "true" => Ok(1),
                "never" | "false" => Ok(2),
                other => Err(err(
                    v.span(),
                    format!("unknown {key} `{other}` (expected auto, always or never)"),
                )),
            };
            if let Some(r) = &m.require_down {
                migrations.require_down =
                    [RequireDown::Auto, RequireDown::Always, RequireDown::Never]
                        [tri(r, "require-down")?];
            }
            if let Some(o) = &m.online {
                migrations.online =
                    [Online::Auto, Online::Always, Online::Never][tri(o, "online")?];
            }
            if let Some(h) = &m.release_window_hours {
                migrations.release_window_hours = *h.get_ref();
            }
            if let Some(fc) = &m.flyway {
                let n = &mut migrations.flyway;
                let set = |dst: &mut String, v: &Option<String>| {
                    if let Some(v) = v {
                        *dst = v.clone();
                    }
                };
                set(&mut n.versioned, &fc.sql_migration_prefix);
                set(&mut n.undo, &fc.undo_sql_migration_prefix);
                set(&mut n.repeatable, &fc.repeatable_sql_migration_prefix);
                set(&mut n.baseline, &fc.baseline_migration_prefix);
                set(&mut n.separator, &fc.sql_migration_separator);
                if let Some(s) = &fc.sql_migration_suffixes {
                    n.suffixes = s.clone();
                }
            }
        }
        let respect_gitignore = cli
            .respect_gitignore
            .or(raw.and_then(|r| r.respect_gitignore))
            .unwrap_or(true);

        let mut database = DatabaseSettings::default();
        if let Some(db) = raw.and_then(|r| r.database_settings.as_ref()) {
            if let Some(m) = &db.max_connections {
                if *m.get_ref() == 0 {
                    return Err(err(
                        m.span(),
                        "a database needs at least one connection".to_string(),
                    ));
                }
                database.max_connections = *m.get_ref();
            }
            if let Some(r) = db.require_ddl_logging {
                database.require_ddl_logging = r;
            }
        }
        let mut terraform = TerraformSettings::default();
        if let Some(tf) = raw.and_then(|r| r.terraform.as_ref()) {
            if let Some(d) = &tf.min_backup_retention_days {
                if *d.get_ref() > 35 {
                    return Err(err(
                        d.span(),
                        "AWS keeps automated backups at most 35 days".to_string(),
                    ));
                }
                terraform.min_backup_retention_days = *d.get_ref();
            }
            for (ty, pattern) in tf.identifier_patterns.iter().flatten() {
                let key = ty.get_ref();
                if !key.contains('.') && crate::rules::naming::identifier_attribute(key).is_none() {
                    return Err(err(
                        ty.span(),
                        format!(
                            "no built-in identifier attribute for `{key}`: write it `{key}.attribute`"
                        ),
                    ));
                }
                let re = regex::Regex::new(pattern.get_ref())
                    .map_err(|e| err(pattern.span(), format!("invalid regular expression: {e}")))?;
                terraform
                    .identifier_patterns
                    .push((ty.get_ref().clone(), re));
            }
        }

        Ok(Settings {
            rules,
            enabled,
            severity,
            per_file_ignores,
            dialect,
            dialect_globs,
            postgres_version,
            lock_timeout_set_by_tool,
            lock_timeout_pinned,
            mysql_version,
            max_file_size,
            exclude,
            forbid_suppressions,
            roots: Vec::new(),
            force_exclude,
            respect_gitignore,
            fail_on,
            baseline: raw
                .and_then(|r| r.baseline.as_ref())
                .map(|b| root.join(b.get_ref())),
            root,
            config_path: config.map(|c| c.path.clone()),
            secrets,
            migrations,
            terraform,
            database,
        })
    }

    /// Whether secrets found in this file are not reported (`[secrets] allow-paths`).
    pub fn secrets_allowed_in(&self, path: &Path) -> bool {
        self.secrets
            .allow_paths
            .as_ref()
            .is_some_and(|set| set.is_match(self.relative(path)))
    }

    /// Whether inline comments may not suppress `rule`'s findings (`forbid-suppressions`).
    pub fn suppression_forbidden(&self, rule: &crate::registry::RuleMeta) -> bool {
        self.forbid_suppressions.iter().any(|s| rule.matches(s))
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(code)
    }

    /// Whether any enabled rule matches a selector.
    pub fn selector_enabled(&self, selector: &str) -> bool {
        self.rules.iter().any(|r| r.meta().matches(selector))
    }

    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        self.severity.get(code).copied()
    }

    /// The path relative to the settings root, `/`-separated, for glob matching.
    pub fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        if path.is_absolute() {
            if let Ok(rel) = path.strip_prefix(&self.root) {
                return rel.into();
            }
            return path.into();
        }
        // Relative paths are relative to the working directory.
        let abs = std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        let abs = normalize_path(&abs);
        match abs.strip_prefix(&self.root) {
            Ok(rel) => rel.to_path_buf().into(),
            Err(_) => path.into(),
        }
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    /// Rule selectors ignored for this path by `per-file-ignores`.
    pub fn ignored_for(&self, path: &Path) -> Vec<&str> {
        if self.per_file_ignores.is_empty() {
            return Vec::new();
        }
        let rel = self.relative(path);
        self.per_file_ignores
            .iter()
            .filter(|(m, _)| m.is_match(&rel))
            .flat_map(|(_, s)| s.iter().map(String::as_str))
            .collect()
    }

    /// The configured dialect for a path, if any.
    pub fn dialect_for(&self, path: &Path) -> Option<Dialect> {
        if !self.dialect_globs.is_empty() {
            let rel = self.relative(path);
            if let Some((_, d)) = self.dialect_globs.iter().find(|(m, _)| m.is_match(&rel)) {
                return Some(*d);
            }
        }
        self.dialect
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(&self, severity: Severity) -> bool {
        match self.fail_on {
            FailOn::Never => false,
            FailOn::Severity(min) => severity >= min,
        }
    }
}

fn resolve_secrets(
    raw: Option<&crate::config::SecretsConfig>,
    err: &dyn Fn(std::ops::Range<usize>, String) -> ConfigError,
) -> Result<SecretsSettings, ConfigError> {
    let Some(raw) = raw else {
        return Ok(SecretsSettings::default());
    };
    let mut out = SecretsSettings {
        report_placeholders: raw.report_placeholders.unwrap_or(false),
        ..Default::default()
    };
    if let Some(paths) = &raw.allow_paths {
        let mut set = GlobSetBuilder::new();
        for pattern in paths {
            set.add(glob_pattern(pattern.get_ref()).map_err(|e| err(pattern.span(), e))?);
            let below = format!("{}/**", pattern.get_ref().trim_end_matches('/'));
            set.add(glob_pattern(&below).map_err(|e| err(pattern.span(), e))?);
        }
        out.allow_paths = Some(set.build().map_err(|e| err(0..0, e.to_string()))?);
    }
    for pattern in raw.allow_patterns.iter().flatten() {
        let re = regex::Regex::new(pattern.get_ref()).map_err(|e| {
            err(
                pattern.span(),
                format!("invalid regular expression in allow-patterns: {e}"),
            )
        })?;
        out.allow_patterns.push(re);
    }
    for fp in raw.allow_fingerprints.iter().flatten() {
        let v = fp.get_ref().trim().to_ascii_lowercase();
        if v.len() != 16 || !v.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(err(
                fp.span(),
                format!(
                    "`{}` is not a finding fingerprint (16 hex digits, from the JSON `fingerprint` field)",
                    fp.get_ref()
                ),
            ));
        }
        out.allow_fingerprints.insert(v);
    }
    Ok(out)
}

impl FrameworkConfig for Settings {
    fn framework_for(&self, dir: &Path) -> Option<Framework> {
        if !self.migrations.frameworks.is_empty() {
            let rel = self.relative(dir);
            if let Some((_, f)) = self
                .migrations
                .frameworks
                .iter()
                .find(|(m, _)| m.is_match(&rel))
            {
                return Some(*f);
            }
        }
        self.migrations.framework
    }

    fn flyway(&self) -> &FlywayNaming {
        &self.migrations.flyway
    }
}

fn parse_mysql_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map(|m| m.parse().ok()).unwrap_or(Some(0))?;
    Some((major, minor))
}

/// A pattern without `/` matches a file name at any depth (`*.sql`), like .gitignore.
fn glob_pattern(pattern: &str) -> Result<Glob, String> {
    let p = pattern.trim_start_matches("./");
    let p = if p.contains('/') {
        p.to_string()
    } else {
        format!("**/{p}")
    };
    GlobBuilder::new(&p)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    glob_pattern(pattern).map(|g| g.compile_matcher())
}
