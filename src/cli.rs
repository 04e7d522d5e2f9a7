//! The command line: `schemaguard check` and `schemaguard rule`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, ConfigError};
use crate::discover;
use crate::lint::{self, FileReport};
use crate::output::{self, Format, RenderContext};
use crate::registry::{self, Rule};
use crate::settings::{FailOn, Overrides, Settings};
use crate::source::SourceFile;
use crate::sql::Dialect;

/// A fast linter for database change: SQL migrations, Terraform and config YAML.
///
/// It flags backward-incompatible changes, locking hazards, missing rollbacks, committed
/// secrets, naming problems and insecure settings, before they reach production.
#[derive(Debug, Parser)]
#[command(name = "schemaguard", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (default: the current folder).
    ///
    /// Exit status: 0 when nothing at or above --fail-on was found, 1 when something was,
    /// 2 on a usage, configuration or internal error.
    Check(CheckArgs),
    /// Show a rule's documentation, or list every rule.
    Rule(RuleArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to lint; folders are walked, honouring .gitignore.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to print findings.
    #[arg(long, value_enum, default_value = "pretty")]
    pub format: Format,

    /// Run only these rules (codes, prefixes such as LK, names, or categories), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Use this config file instead of looking for schemaguard.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// SQL dialect for every file (default: told per file from its path and content).
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    pub dialect: Option<Dialect>,

    /// The PostgreSQL major version migrations run against (default 14).
    #[arg(long, value_name = "N")]
    pub postgres_version: Option<u32>,

    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// Always exit 0 when linting ran, whatever was found.
    #[arg(long)]
    pub exit_zero: bool,

    /// Read the text to lint from standard input, as if it were the file NAME.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Skip files larger than this (e.g. 10MB).
    #[arg(long, value_name = "SIZE", value_parser = config::parse_size)]
    pub max_file_size: Option<u64>,

    /// Lint files that .gitignore excludes too.
    #[arg(long)]
    pub no_respect_gitignore: bool,

    /// When to use colours: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (BC001) or name (drop-column).
    #[arg(value_name = "RULE", required_unless_present = "all")]
    pub rule: Option<String>,

    /// Every rule.
    #[arg(long)]
    pub all: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RuleFormat,

    /// Use this config file (for its `extend-rules` folders) instead of looking for
    /// schemaguard.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// The docs as Markdown text, for reading in a terminal.
    Text,
    /// Markdown: a table with --all, the full page for one rule.
    Markdown,
    /// JSON metadata and docs.
    Json,
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    s.parse()
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.parse()
}

/// What went wrong outside of linting.
#[derive(Debug)]
pub enum CliError {
    Config(ConfigError),
    Usage(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e)
    }
}

/// Runs the command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rule(args) => rule(args),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Config(e)) => {
            report_config_error(&e);
            2
        }
        Err(CliError::Usage(msg)) => {
            eprintln!("schemaguard: error: {msg}");
            2
        }
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(CliError::Io(e)) => {
            eprintln!("schemaguard: error: {e}");
            2
        }
    }
}

fn report_config_error(e: &ConfigError) {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
    if let Some(span) = e.span.filter(|_| !e.text.is_empty()) {
        let report = miette::MietteDiagnostic::new(e.message.clone())
            .with_code("config")
            .with_label(LabeledSpan::new_primary_with_span(
                Some("here".into()),
                (span.start, span.len()),
            ));
        let report = miette::Report::new(report).with_source_code(NamedSource::new(
            e.path.display().to_string(),
            e.text.clone(),
        ));
        let theme = if use_color(ColorChoice::Auto, true) {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut s = String::new();
        if GraphicalReportHandler::new_themed(theme)
            .render_report(&mut s, report.as_ref())
            .is_ok()
        {
            eprintln!("schemaguard: invalid configuration\n{s}");
            return;
        }
    }
    eprintln!("schemaguard: invalid configuration: {e}");
}

fn use_color(choice: ColorChoice, stderr: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                }
        }
    }
}

/// Loads the config (explicit, discovered, or none) and applies the flags.
pub fn settings_for(args: &CheckArgs) -> Result<Settings, CliError> {
    let loaded = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        Some(config::load(path).map_err(CliError::Config)?)
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let found =
            config::discover(&cwd).or_else(|| args.paths.first().and_then(|p| config::discover(p)));
        match found {
            Some(p) => Some(config::load(&p).map_err(CliError::Config)?),
            None => None,
        }
    };
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on,
        dialect: args.dialect,
        max_file_size: args.max_file_size,
        respect_gitignore: args.no_respect_gitignore.then_some(false),
        postgres_version: args.postgres_version,
    };
    Settings::resolve(loaded.as_ref(), &overrides).map_err(CliError::Config)
}

fn check(args: CheckArgs) -> Result<i32, CliError> {
    let settings = settings_for(&args)?;
    let mut reports: Vec<FileReport> = Vec::new();
    let mut missing = Vec::new();
    if let Some(name) = &args.stdin_filename {
        let kind = discover::classify(name).ok_or_else(|| {
            CliError::Usage(format!(
                "cannot tell what kind of file `{}` is from its name",
                name.display()
            ))
        })?;
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        let display = discover::display_path(name);
        match crate::source::decode(bytes) {
            Ok((text, bom)) => {
                let mut source = SourceFile::new(name.clone(), display, text);
                source.had_bom = bom;
                reports.push(lint::lint_source(source, kind, &settings));
            }
            Err((why, _)) => return Err(CliError::Usage(format!("standard input: {why}"))),
        }
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let found = discover::discover(&paths, &settings);
        for (path, why) in &found.skipped {
            eprintln!("schemaguard: skipping {}: {why}", path.display());
        }
        for e in &found.errors {
            eprintln!("schemaguard: warning: {e}");
        }
        missing = found.missing;
        reports = lint::lint_files(&found.files, &settings);
    }
    let summary = lint::summarize(&reports);
    let color = args.output.is_none() && use_color(args.color, false);
    let cx = RenderContext {
        reports: &reports,
        summary,
        settings: &settings,
        color,
    };
    match &args.output {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            output::render(args.format, &cx, &mut file)?;
            file.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            output::render(args.format, &cx, &mut lock)?;
            lock.flush()?;
        }
    }
    for m in &missing {
        eprintln!("schemaguard: error: `{}` does not exist", m.display());
    }
    if !missing.is_empty() {
        return Ok(2);
    }
    let failed = reports
        .iter()
        .flat_map(|r| r.active())
        .any(|d| settings.fails(d.severity));
    Ok(if failed && !args.exit_zero { 1 } else { 0 })
}

fn rule(args: RuleArgs) -> Result<i32, CliError> {
    // The config's `extend-rules` folders register the user's rules, shown like any other.
    let loaded = match &args.config {
        Some(path) => Some(config::load(path).map_err(CliError::Config)?),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match config::discover(&cwd) {
                Some(p) => Some(config::load(&p).map_err(CliError::Config)?),
                None => None,
            }
        }
    };
    if loaded.is_some() {
        Settings::resolve(loaded.as_ref(), &Overrides::default()).map_err(CliError::Config)?;
    }
    let mut out = std::io::stdout().lock();
    if args.all {
        match args.format {
            RuleFormat::Json => {
                let all: Vec<_> = registry::all_rules()
                    .iter()
                    .map(|r| rule_json(*r))
                    .collect();
                serde_json::to_writer_pretty(&mut out, &all).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
            RuleFormat::Markdown | RuleFormat::Text => {
                write!(out, "{}", rule_table_of(registry::all_rules()))?
            }
        }
        return Ok(0);
    }
    let key = args.rule.unwrap_or_default();
    let Some(rule) = registry::find_rule(&key) else {
        return Err(CliError::Usage(format!(
            "no rule `{key}` (see `schemaguard rule --all`)"
        )));
    };
    match args.format {
        RuleFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rule_json(rule))
                .map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        RuleFormat::Markdown | RuleFormat::Text => write!(out, "{}", rule_page(rule.meta()))?,
    }
    Ok(0)
}

fn rule_json(rule: &dyn Rule) -> serde_json::Value {
    let m = rule.meta();
    serde_json::json!({
        "code": m.code,
        "name": m.name,
        "category": m.category.name(),
        "severity": m.severity.as_str(),
        "summary": m.summary(),
        "url": m.url(),
        "aliases": m.aliases,
        "docs": m.docs(),
    })
}

/// A rule's documentation page.
pub fn rule_page(m: &registry::RuleMeta) -> String {
    format!(
        "# {} {}\n\nCategory: {} · Default severity: {}\n\n{}",
        m.code,
        m.name,
        m.category.name(),
        m.severity,
        m.docs()
    )
}

/// The Markdown table of every built-in rule (also in the README, kept current by a test).
pub fn rule_table() -> String {
    rule_table_of(registry::builtin_rules())
}

/// The Markdown table of some rules.
pub fn rule_table_of(rules: &[&dyn Rule]) -> String {
    let mut s = String::from(
        "| Code | Name | Category | Severity | What it flags |\n|---|---|---|---|---|\n",
    );
    for r in rules {
        let m = r.meta();
        s.push_str(&format!(
            "| [{}](docs/rules/{}.md) | `{}` | {} | {} | {} |\n",
            m.code,
            m.code,
            m.name,
            m.category.name(),
            m.severity,
            m.summary().replace('|', "\\|")
        ));
    }
    s
}
