//! The command line: `schemaguard check`, `schemaguard rule` and `schemaguard server`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::changed;

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

// Parsed once per run: the size of `CheckArgs` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (default: the current folder).
    ///
    /// Exit status: 0 when nothing at or above --fail-on was found, 1 when something was,
    /// 2 on a usage, configuration or internal error.
    Check(CheckArgs),
    /// Show a rule's documentation, or list every rule.
    Rule(RuleArgs),
    /// Developer tools: parser statistics and the like.
    #[command(hide = true, subcommand)]
    Debug(DebugCommand),
    /// Run the language server on standard input and output, for editors.
    ///
    /// It lints each open SQL, Terraform and YAML document as you type, with the config found
    /// from the workspace (schemaguard.toml), and offers quick fixes, among them a suppression
    /// comment for a finding.
    Server(ServerArgs),
    /// Print each migration folder with the framework detected for it (a debugging aid).
    #[command(hide = true)]
    Frameworks(FrameworksArgs),
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// How many statements sqlparser parsed, the recogniser understood, or nobody did, per file
    /// (JSON lines), with a total on standard error.
    ParseStats {
        paths: Vec<PathBuf>,
        /// SQL dialect for every file (default: told per file).
        #[arg(long, value_parser = parse_dialect)]
        dialect: Option<Dialect>,
        /// Also print each failing statement's message.
        #[arg(long)]
        failures: bool,
    },
    /// Every statement of the SQL files, one JSON line each: file, dialect, line, how it parsed
    /// (`parsed`, `recognized`, `failed`), whether it holds a template placeholder or is a
    /// client command, and its text. What `scripts/pg-oracle.py` compares with PostgreSQL's
    /// own parser.
    Statements {
        paths: Vec<PathBuf>,
        /// SQL dialect for every file (default: told per file).
        #[arg(long, value_parser = parse_dialect)]
        dialect: Option<Dialect>,
    },
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Accepted for editors that pass it; standard input and output is the only transport.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// Folders to look at.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
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

    /// Inline suppressions of these rules do not apply (reported as LN009), added to the
    /// config's `forbid-suppressions`: e.g. `--forbid-suppressions SD`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub forbid_suppressions: Vec<String>,

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
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
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

    /// Lint only files added or changed since the merge base of HEAD and this revision
    /// (e.g. origin/main), committed or not.
    #[arg(long, value_name = "REF", conflicts_with = "stdin_filename")]
    pub diff_base: Option<String>,

    /// With --diff-base: report only findings on lines changed since the merge base (a finding
    /// about a whole file, or in a statement with a changed line, counts as changed).
    #[arg(long, requires = "diff_base")]
    pub only_changed_lines: bool,

    /// Accept the findings recorded in this baseline file (default: `baseline` in the config),
    /// and report its entries that no longer match anything (LN007).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Ignore the baseline named in the config.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,

    /// Record every current finding in a baseline file and exit 0 (no report is printed).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["diff_base", "stdin_filename", "baseline"]
    )]
    pub write_baseline: Option<PathBuf>,

    /// List the files that would be linted, each with what the project model says of it (its
    /// role, the dialect it is read as, its migration set and framework), instead of the
    /// findings; exits 0.
    #[arg(long, conflicts_with_all = ["write_baseline", "reports"])]
    pub show_files: bool,

    /// Apply the fixes of the findings, then report what is left. Only safe fixes (what the
    /// migration does is kept) unless --unsafe-fixes; each is kept only if re-linting the run
    /// finds nothing new. With --diff-base only the files changed since it are touched.
    #[arg(long, conflicts_with_all = ["stdin_filename", "write_baseline", "show_files", "diff"])]
    pub fix: bool,

    /// Print the fixes --fix would apply as a unified diff, write nothing; exit 1 when there
    /// are any.
    #[arg(long, conflicts_with_all = ["stdin_filename", "write_baseline", "show_files"])]
    pub diff: bool,

    /// With --fix or --diff: also apply fixes that change behaviour beyond the finding (e.g.
    /// the rest of a migration then runs without a transaction).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a report in another format from the same run, e.g. `--report sarif=out.sarif`
    /// (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<ExtraReport>,
}

/// An additional report of a run: `--report FORMAT=FILE`.
#[derive(Debug, Clone)]
pub struct ExtraReport {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_report(s: &str) -> Result<ExtraReport, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, e.g. sarif=results.sarif (got `{s}`)"))?;
    let format = Format::from_str(format.trim(), true).map_err(|_| {
        let names: Vec<&str> = Format::value_variants().iter().map(|f| f.name()).collect();
        format!(
            "unknown format `{format}` (expected one of {})",
            names.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err("the file name is missing after `=`".into());
    }
    Ok(ExtraReport {
        format,
        path: PathBuf::from(path),
    })
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
        Command::Debug(cmd) => debug(cmd),
        Command::Server(_) => crate::server::run().map(|()| 0).map_err(CliError::Usage),
        Command::Frameworks(args) => frameworks(args),
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
    settings_with_rules(
        args,
        args.select.clone(),
        args.extend_select.clone(),
        args.ignore.clone(),
    )
}

/// The settings of the run with another rule selection (`--fix` re-lints with every rule).
fn settings_with_rules(
    args: &CheckArgs,
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
) -> Result<Settings, CliError> {
    let loaded = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        Some(config::load(path).map_err(CliError::Config)?)
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let found = config::discover(&cwd)
            .or_else(|| args.paths.first().and_then(|p| config::discover(p)))
            .or_else(|| {
                args.stdin_filename
                    .as_ref()
                    .and_then(|p| config::discover(p))
            });
        match found {
            Some(p) => Some(config::load(&p).map_err(CliError::Config)?),
            None => None,
        }
    };
    let overrides = Overrides {
        select,
        extend_select,
        ignore,
        forbid_suppressions: args.forbid_suppressions.clone(),
        fail_on: args.fail_on,
        dialect: args.dialect,
        max_file_size: args.max_file_size,
        respect_gitignore: args.no_respect_gitignore.then_some(false),
        postgres_version: args.postgres_version,
    };
    Settings::resolve(loaded.as_ref(), &overrides).map_err(CliError::Config)
}

fn check(args: CheckArgs) -> Result<i32, CliError> {
    let mut settings = settings_for(&args)?;
    settings.roots = args
        .paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| discover::normalize_path(p))
        .collect();
    let git_err = |e: crate::git::GitError| CliError::Usage(e.to_string());
    let base = match &args.diff_base {
        Some(reference) => Some(changed::resolve_base(reference).map_err(git_err)?),
        None => None,
    };
    if args.fix || args.diff {
        let code = apply_fixes(&args, &settings, base.as_ref())?;
        if args.diff || code != 0 {
            return Ok(code);
        }
    }
    let (mut reports, missing) = match &args.stdin_filename {
        Some(name) => (vec![lint_stdin(name, &settings)?], Vec::new()),
        None => lint_paths(&args, &settings, base.as_ref())?,
    };
    // A path that does not exist is a usage error (exit 2). The paths that exist are still
    // linted and reported; when none does, nothing is printed on stdout (not an empty report).
    for m in &missing {
        eprintln!("schemaguard: error: `{}` does not exist", m.display());
    }
    if !missing.is_empty() && missing.len() == args.paths.len() {
        return Ok(2);
    }

    if let Some(path) = &args.write_baseline {
        let recorded = baseline::build(&reports, path);
        baseline::write(path, &recorded)?;
        eprintln!(
            "schemaguard: recorded {} finding{} in {}",
            recorded.findings.len(),
            if recorded.findings.len() == 1 {
                ""
            } else {
                "s"
            },
            path.display()
        );
        return Ok(if missing.is_empty() { 0 } else { 2 });
    }

    let baseline_path = if args.no_baseline {
        None
    } else {
        args.baseline.clone().or_else(|| settings.baseline.clone())
    };
    let stale = match &baseline_path {
        Some(path) => {
            let loaded = baseline::load(path).map_err(CliError::Usage)?;
            baseline::apply(&loaded, &mut reports, &settings)
        }
        None => None,
    };
    if let (true, Some(base)) = (args.only_changed_lines, &base) {
        changed::restrict_to_changed_lines(&mut reports, base).map_err(git_err)?;
    }
    if let Some(stale) = stale {
        // In path order, like every other report.
        let at = reports.partition_point(|r| r.source.display < stale.source.display);
        reports.insert(at, stale);
    }

    let summary = lint::summarize(&reports);
    let color = args.output.is_none() && use_color(args.color, false);
    let workspace = std::env::var_os("GITHUB_WORKSPACE")
        .filter(|w| !w.is_empty())
        .map(PathBuf::from);
    let cx = RenderContext {
        reports: &reports,
        summary,
        settings: &settings,
        color,
        workspace: workspace.as_deref(),
    };
    if args.show_files {
        let mut out = open_output(args.output.as_deref())?;
        show_files(&reports, &mut out)?;
        out.flush()?;
        return Ok(if missing.is_empty() { 0 } else { 2 });
    }
    write_report(args.format, &cx, args.output.as_deref())?;
    for extra in &args.reports {
        let cx = RenderContext { color: false, ..cx };
        write_report(extra.format, &cx, Some(&extra.path))?;
    }
    if args.format == Format::Github {
        github_job_files(&cx, &args.reports)?;
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

/// `--show-files`: one line per file (role, dialect, migration set and its framework, path),
/// then how many files of each role, like ruff's `--show-files` with the project model added.
fn show_files(reports: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
    let rows: Vec<[String; 4]> = reports
        .iter()
        .map(|r| {
            let set = r.migration_set.as_ref().map_or_else(
                || "-".to_string(),
                |s| format!("{} ({})", s.root, s.framework.name()),
            );
            [
                r.role.name().to_string(),
                r.dialect.map_or("-", |d| d.as_str()).to_string(),
                set,
                r.source.display.clone(),
            ]
        })
        .collect();
    let headers = ["ROLE", "DIALECT", "MIGRATION SET", "PATH"];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([headers[i].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    writeln!(
        out,
        "{:w0$}  {:w1$}  {:w2$}  {}",
        headers[0], headers[1], headers[2], headers[3]
    )?;
    for r in &rows {
        writeln!(out, "{:w0$}  {:w1$}  {:w2$}  {}", r[0], r[1], r[2], r[3])?;
    }
    let mut per_role = std::collections::BTreeMap::<&str, usize>::new();
    for r in reports {
        *per_role.entry(r.role.name()).or_default() += 1;
    }
    let counts: Vec<String> = per_role.iter().map(|(n, c)| format!("{c} {n}")).collect();
    writeln!(
        out,
        "\n{} file{}: {}",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        counts.join(", ")
    )
}

/// Lints the text on standard input as the file `name`.
fn lint_stdin(name: &Path, settings: &Settings) -> Result<FileReport, CliError> {
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
            let mut source = SourceFile::new(name.to_path_buf(), display, text);
            source.had_bom = bom;
            Ok(
                lint::lint(lint::Request::texts(vec![(source, kind)]), settings)
                    .pop()
                    .expect("one report"),
            )
        }
        Err((why, _)) => Err(CliError::Usage(format!("standard input: {why}"))),
    }
}

/// `--fix` and `--diff`: runs the fix rounds over the files of the run (see [`crate::fix`]), then
/// writes the fixed files (`--fix`; the report of what is left follows) or prints their diff
/// (`--diff`: exit 1 when there is one). A summary goes to stderr: fixes applied, fixes refused
/// and why, unsafe fixes left out.
fn apply_fixes(
    args: &CheckArgs,
    settings: &Settings,
    base: Option<&crate::git::DiffBase>,
) -> Result<i32, CliError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = discover::discover(&paths, settings);
    if !found.missing.is_empty() {
        for m in &found.missing {
            eprintln!("schemaguard: error: `{}` does not exist", m.display());
        }
        return Ok(2);
    }
    let every_rule = settings_with_rules(args, Some(vec!["ALL".into()]), Vec::new(), Vec::new())?;
    let run = prepare_run(found.files, &paths, settings, base)?;
    let outcome = crate::fix::run(args.unsafe_fixes, |overrides, all| {
        run.lint(overrides, if all { &every_rule } else { settings })
    });
    let (n, files) = (outcome.applied(), outcome.fixed.len());
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if args.diff {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for f in &outcome.fixed {
            out.write_all(crate::fix::unified_diff(f).as_bytes())?;
        }
        out.flush()?;
    } else {
        for f in &outcome.fixed {
            let mut bytes = Vec::with_capacity(f.after.len() + 3);
            if f.had_bom {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            bytes.extend_from_slice(f.after.as_bytes());
            std::fs::write(&f.path, bytes).map_err(|e| {
                CliError::Usage(format!("cannot write the fixed file `{}`: {e}", f.display))
            })?;
        }
    }
    let verb = if args.diff { "Would fix" } else { "Fixed" };
    if n > 0 {
        eprintln!(
            "schemaguard: {verb} {} in {}.",
            plural(n, "finding", "findings"),
            plural(files, "file", "files")
        );
    } else {
        eprintln!("schemaguard: No fixes to apply.");
    }
    for r in &outcome.refused {
        eprintln!(
            "schemaguard: {}:{}: {} fix not applied: {}",
            r.display, r.line, r.code, r.why
        );
    }
    if outcome.unsafe_skipped > 0 {
        eprintln!(
            "schemaguard: {} available with --unsafe-fixes.",
            plural(outcome.unsafe_skipped, "more fix is", "more fixes are")
        );
    }
    Ok(if args.diff && files > 0 { 1 } else { 0 })
}

/// Finds and lints the files under the given paths (only the changed ones with a diff base);
/// also returns the paths that do not exist.
fn lint_paths(
    args: &CheckArgs,
    settings: &Settings,
    base: Option<&crate::git::DiffBase>,
) -> Result<(Vec<FileReport>, Vec<PathBuf>), CliError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = discover::discover(&paths, settings);
    for (path, why) in &found.skipped {
        eprintln!("schemaguard: skipping {}: {why}", path.display());
    }
    for e in &found.errors {
        eprintln!("schemaguard: warning: {e}");
    }
    let reports = lint_found(found.files, &paths, settings, base)?;
    Ok((reports, found.missing))
}

/// Renders one report to a file, or to standard output.
fn write_report(format: Format, cx: &RenderContext, path: Option<&Path>) -> Result<(), CliError> {
    let mut out = open_output(path)?;
    output::render(format, cx, &mut out)?;
    out.flush()?;
    Ok(())
}

/// Where a report goes: the file (`-o`, `--report`), or standard output.
fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>, CliError> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| {
                CliError::Usage(format!("cannot write the report `{}`: {e}", path.display()))
            })?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// In a GitHub Actions job (`GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT` set), appends the findings
/// table to the job summary and the counts (and the SARIF report's path) to the step outputs.
fn github_job_files(cx: &RenderContext, extra: &[ExtraReport]) -> Result<(), CliError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let append = |path: String| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map(std::io::BufWriter::new)
    };
    if let Some(path) = env("GITHUB_STEP_SUMMARY") {
        let links = match (env("GITHUB_REPOSITORY"), github_sha()) {
            (Some(repository), Some(sha)) => Some(output::github::Links {
                server: env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
                repository,
                sha,
            }),
            _ => None,
        };
        let mut out = append(path)?;
        output::github::step_summary(cx, links.as_ref(), &mut out)?;
        out.flush()?;
    }
    if let Some(path) = env("GITHUB_OUTPUT") {
        let sarif = extra
            .iter()
            .find(|r| r.format == Format::Sarif)
            .map(|r| r.path.to_string_lossy().into_owned());
        let mut out = append(path)?;
        output::github::outputs(&cx.summary, sarif.as_deref(), &mut out)?;
        out.flush()?;
    }
    Ok(())
}

/// The commit the job summary links to: a pull request's head (from the event payload), else
/// `GITHUB_SHA`.
fn github_sha() -> Option<String> {
    let head = std::env::var_os("GITHUB_EVENT_PATH")
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|event| {
            event["pull_request"]["head"]["sha"]
                .as_str()
                .map(str::to_string)
        });
    head.or_else(|| std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()))
}

/// Lints what discovery found. With a diff base, only files added or changed since the base
/// are reported, while the rest of their migration folders is replayed and compared with the
/// base; files named explicitly bring their migration folders along the same way.
fn lint_found(
    files: Vec<discover::Candidate>,
    paths: &[PathBuf],
    settings: &Settings,
    base: Option<&crate::git::DiffBase>,
) -> Result<Vec<FileReport>, CliError> {
    Ok(prepare_run(files, paths, settings, base)?.lint(&Default::default(), settings))
}

/// The files of a run, restricted to those changed since the diff base, with the context read
/// for them: linted once for the report, or again and again by `--fix` with changed texts.
struct Run {
    files: Vec<discover::Candidate>,
    context: Vec<discover::Candidate>,
    base: Option<crate::git::GitBase>,
}

fn prepare_run(
    mut files: Vec<discover::Candidate>,
    paths: &[PathBuf],
    settings: &Settings,
    base: Option<&crate::git::DiffBase>,
) -> Result<Run, CliError> {
    let base = base
        .map(|b| crate::git::GitBase::new(b.clone()))
        .transpose()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(gb) = &base {
        files.retain(|c| gb.is_changed(&c.path));
    }
    let context = if base.is_some() || paths.iter().any(|p| p.is_file()) {
        discover::context_for(&files, settings)
    } else {
        Vec::new()
    };
    Ok(Run {
        files,
        context,
        base,
    })
}

impl Run {
    /// Lints the run, reading the texts in `overrides` instead of those files on disk.
    fn lint(&self, overrides: &crate::fix::Overrides, settings: &Settings) -> Vec<FileReport> {
        let input = |c: &discover::Candidate| match overrides.get(&c.path) {
            Some(text) => lint::Input::Text(
                crate::source::SourceFile::new(c.path.clone(), c.display.clone(), text.as_str()),
                c.kind,
            ),
            None => lint::Input::Path(c.clone()),
        };
        let request = lint::Request {
            files: self.files.iter().map(input).collect(),
            context: self.context.iter().map(input).collect(),
            base: self
                .base
                .as_ref()
                .map(|b| b as &dyn crate::assemble::BaseLookup),
            module_siblings: true,
        };
        lint::lint(request, settings)
    }
}

/// The hidden `frameworks` command: each folder holding migration-like files, with the framework
/// detected for it (`plain` when none) and its migration count.
fn frameworks(args: FrameworksArgs) -> Result<i32, CliError> {
    let settings = Settings::default();
    let found = discover::discover(&args.paths, &settings);
    let sources: Vec<(SourceFile, discover::FileKind)> = found
        .files
        .iter()
        .filter_map(|c| {
            crate::source::read_source(&c.path, &c.display, settings.max_file_size)
                .ok()
                .map(|s| (s, c.kind))
        })
        .collect();
    let loaded: Vec<crate::assemble::Loaded> = {
        use rayon::prelude::*;
        sources
            .into_par_iter()
            .map(|(source, kind)| crate::assemble::Loaded {
                model: lint::parse_file(&source, kind, &settings),
                source,
                reported: true,
            })
            .collect()
    };
    let refs: Vec<crate::frameworks::FileRef> = loaded
        .iter()
        .map(|l| crate::frameworks::FileRef {
            display: &l.source.display,
            path: &l.source.path,
            model: &l.model,
        })
        .collect();
    let sets = crate::frameworks::assemble(&refs, &settings);
    let mut in_set = vec![false; loaded.len()];
    let mut out = std::io::stdout().lock();
    let mut lines: Vec<String> = Vec::new();
    let mut rows: std::collections::BTreeMap<(String, String), (usize, usize, String)> =
        Default::default();
    for s in &sets {
        for &f in &s.files {
            in_set[f] = true;
        }
        if s.framework == crate::frameworks::Framework::Liquibase {
            // A changelog tree spans folders: one row per folder holding its changelogs.
            for &f in &s.files {
                let d = &loaded[f].source.display;
                let dir = d.rsplit_once('/').map(|(d, _)| d).unwrap_or(".");
                let e = rows
                    .entry((dir.to_string(), s.framework.to_string()))
                    .or_insert_with(|| (0, 0, s.root.clone()));
                e.0 += s.migrations.iter().filter(|m| m.file == f).count();
                e.1 += 1;
            }
        } else {
            let e = rows
                .entry((s.root.clone(), s.framework.to_string()))
                .or_default();
            e.0 += s.migrations.len();
            e.1 += s.files.len();
        }
    }
    for ((dir, fw), (m, n, root)) in rows {
        lines.push(format!("{dir}\t{fw}\t{m}\t{n}\t{root}"));
    }
    let mut plain: std::collections::BTreeMap<String, usize> = Default::default();
    for (i, l) in loaded.iter().enumerate() {
        let migration_like = matches!(l.model.info, crate::parse::script::FileInfo::Sql);
        if !in_set[i] && migration_like {
            let dir = l
                .source
                .display
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or(".");
            *plain.entry(dir.to_string()).or_default() += 1;
        }
    }
    for (dir, n) in plain {
        lines.push(format!("{dir}\tplain\t0\t{n}"));
    }
    lines.sort();
    for l in lines {
        writeln!(out, "{l}")?;
    }
    Ok(0)
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
        "# {} {}\n\nCategory: {} · Default severity: {}{}\n\n{}",
        m.code,
        m.name,
        m.category.name(),
        m.severity,
        match (m.on_by_default(), m.precision()) {
            (true, _) => String::new(),
            (false, Some(p)) => format!(
                " · Opt-in: runs only when selected (`--select pedantic`, its code, or `ALL`); \
                 on real repositories {} ([PRECISION.md](../../PRECISION.md))",
                p.describe()
            ),
            (false, None) => {
                " · Opt-in: runs only when selected (`--select pedantic`, its code, or `ALL`)"
                    .to_string()
            }
        },
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
        "| Code | Name | Category | Severity | Default | What it flags |\n|---|---|---|---|---|---|\n",
    );
    for r in rules {
        let m = r.meta();
        s.push_str(&format!(
            "| [{}](docs/rules/{}.md) | `{}` | {} | {} | {} | {} |\n",
            m.code,
            m.code,
            m.name,
            m.category.name(),
            m.severity,
            if m.on_by_default() { "on" } else { "opt-in" },
            m.summary().replace('|', "\\|")
        ));
    }
    s
}

/// The settings of a debug command (no config; the dialect given, if any) and the SQL files
/// under its paths.
fn debug_sql_files(
    paths: &[PathBuf],
    dialect: Option<Dialect>,
) -> Result<(Settings, Vec<discover::Candidate>), CliError> {
    let overrides = Overrides {
        dialect,
        ..Default::default()
    };
    let settings = Settings::resolve(None, &overrides).map_err(CliError::Config)?;
    let sql = discover::discover(paths, &settings)
        .files
        .into_iter()
        .filter(|c| c.kind == discover::FileKind::Sql)
        .collect();
    Ok((settings, sql))
}

fn debug(cmd: DebugCommand) -> Result<i32, CliError> {
    match cmd {
        DebugCommand::ParseStats {
            paths,
            dialect,
            failures,
        } => {
            let (settings, sql) = debug_sql_files(&paths, dialect)?;
            use rayon::prelude::*;
            let rows: Vec<serde_json::Value> = sql
                .par_iter()
                .map(|c| {
                    let Ok(source) = crate::source::read_source(&c.path, &c.display, settings.max_file_size) else {
                        return serde_json::json!({ "file": c.display, "unreadable": true });
                    };
                    let d = lint::sql_dialect(&source, &settings);
                    let parsed = crate::parse::sql::parse(&source, d);
                    let (mut p, mut r, mut f) = (0, 0, 0);
                    let mut msgs = Vec::new();
                    for s in &parsed.statements {
                        match &s.parse {
                            crate::sql::ParseState::Parsed => p += 1,
                            crate::sql::ParseState::Recognized => r += 1,
                            crate::sql::ParseState::Failed { message, span } => {
                                f += 1;
                                if failures {
                                    let lc = source.line_col(span.start);
                                    msgs.push(format!("{}:{}:{}: {}", c.display, lc.line, lc.column, message));
                                }
                            }
                        }
                    }
                    serde_json::json!({ "file": c.display, "dialect": d.as_str(), "parsed": p, "recognized": r, "failed": f, "failures": msgs })
                })
                .collect();
            let mut out = std::io::stdout().lock();
            let (mut p, mut r, mut f) = (0u64, 0u64, 0u64);
            for row in &rows {
                p += row["parsed"].as_u64().unwrap_or(0);
                r += row["recognized"].as_u64().unwrap_or(0);
                f += row["failed"].as_u64().unwrap_or(0);
                writeln!(out, "{row}")?;
            }
            let total = (p + r + f).max(1);
            eprintln!(
                "files {} statements {} parsed {} recognized {} failed {} ({:.2}% failed)",
                rows.len(),
                p + r + f,
                p,
                r,
                f,
                100.0 * f as f64 / total as f64
            );
            Ok(0)
        }
        DebugCommand::Statements { paths, dialect } => {
            let (settings, sql) = debug_sql_files(&paths, dialect)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for c in &sql {
                let Ok(source) =
                    crate::source::read_source(&c.path, &c.display, settings.max_file_size)
                else {
                    continue;
                };
                let d = lint::sql_dialect(&source, &settings);
                let parsed = crate::parse::sql::parse(&source, d);
                for s in &parsed.statements {
                    let toks = &parsed.tokens[s.tokens.clone()];
                    let has =
                        |k: crate::parse::sql::lexer::TokKind| toks.iter().any(|t| t.kind == k);
                    use crate::parse::sql::lexer::TokKind as K;
                    let state = match &s.parse {
                        crate::sql::ParseState::Parsed => "parsed",
                        crate::sql::ParseState::Recognized => "recognized",
                        crate::sql::ParseState::Failed { .. } => "failed",
                    };
                    let row = serde_json::json!({
                        "file": c.display,
                        "dialect": d.as_str(),
                        "line": source.line_col(s.span.start).line,
                        "state": state,
                        // psql fills `:name`, `:'name'` and `:"name"` in before the server
                        // sees them.
                        "template": has(K::Template)
                            || toks.iter().any(|t| t.span().text(&source.text).contains("{{"))
                            || toks.windows(2).any(|w| {
                                let colon = w[0].span().text(&source.text) == ":";
                                colon && w[0].span().end == w[1].span().start
                                    && matches!(w[1].kind, K::String | K::QuotedIdent | K::Word)
                            })
                            || toks.iter().any(|t| t.kind == K::Param && t.span().text(&source.text).starts_with(':')),
                        "client": has(K::MetaCommand) || has(K::DelimiterCommand) || has(K::Delimiter),
                        // Every token of the statement: a comment that never ends is its own.
                        "text": match (toks.first(), toks.iter().rfind(|t| t.kind != K::CopyData)) {
                            (Some(a), Some(b)) => &source.text[a.span().start..b.span().end],
                            _ => s.span.text(&source.text),
                        },
                    });
                    writeln!(out, "{row}")?;
                }
            }
            out.flush()?;
            Ok(0)
        }
    }
}
