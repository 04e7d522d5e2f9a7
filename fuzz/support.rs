// Shared by the fuzz targets (included with `include!`, so each target stays one binary).

use std::sync::OnceLock;

use schemaguard::discover::FileKind;
use schemaguard::lint::{self, FileReport};
use schemaguard::output::{self, Format, RenderContext};
use schemaguard::settings::Settings;
use schemaguard::source::SourceFile;

/// Names a fuzz input is linted as: each tells a different dialect, direction or layout.
pub const NAMES: &[&str] = &[
    "db/migrations/0001_init.up.sql",
    "db/migrations/0001_init.down.sql",
    "mysql/V1__init.sql",
    "migrations/20240101_goose.sql",
    "schema.sql",
    "sqlite/001.sql",
    "clickhouse/001.sql",
    "mssql/001.sql",
    "U1__undo.sql",
    "postgres/revert/x.sql",
];

const FORMATS: &[Format] = &[
    Format::Pretty,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    // Every rule (the default selection is all of them).
    SETTINGS.get_or_init(Settings::default)
}

/// Decodes, lints as `kind` under a name picked by the first byte, and renders every format.
pub fn lint_bytes(data: &[u8], kind: FileKind, names: &[&str]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = names[pick as usize % names.len()];
    let settings = settings();
    let Ok((text, bom)) = schemaguard::source::decode(bytes.to_vec()) else {
        return;
    };
    let mut source = SourceFile::new(name, name, text);
    source.had_bom = bom;
    let reports = lint::lint(lint::Request::texts(vec![(source, kind)]), settings);
    render_all(&reports, settings);
}

/// The stack a rayon worker gets (Rust's default for spawned threads): the CLI lints on those,
/// so an input that needs more than this would overflow there even if the fuzzer's main thread
/// (8 MiB) survives it.
const WORKER_STACK: usize = 2 * 1024 * 1024;

pub fn lint_sql_bytes(data: &[u8]) {
    on_worker_stack(|| lint_bytes(data, FileKind::Sql, NAMES));
}

/// Names a Terraform input is linted as (a configuration file, a variables file).
pub const HCL_NAMES: &[&str] = &["main.tf", "terraform.tfvars", "modules/db/rds.tf"];

pub fn lint_hcl_bytes(data: &[u8]) {
    on_worker_stack(|| lint_bytes(data, FileKind::Terraform, HCL_NAMES));
}

/// Names a YAML input is linted as: each is classified differently (compose, workflow,
/// Kubernetes or Helm, database settings, Liquibase changelog).
pub const YAML_NAMES: &[&str] = &[
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    "k8s/postgres.yaml",
    "charts/db/templates/statefulset.yaml",
    "infrastructure/database/config/postgres-config.yaml",
    "db/changelog/db.changelog-master.yaml",
];

pub fn lint_yaml_bytes(data: &[u8]) {
    on_worker_stack(|| lint_bytes(data, FileKind::Yaml, YAML_NAMES));
}

/// Names an XML input is linted as (Liquibase changelogs; the text decides whether it is one).
pub const XML_NAMES: &[&str] = &[
    "db/changelog/db.changelog-master.xml",
    "src/main/resources/db/changelog/changes/001-init.xml",
];

pub fn lint_xml_bytes(data: &[u8]) {
    on_worker_stack(|| lint_bytes(data, FileKind::Xml, XML_NAMES));
}

/// Names a Python input is linted as (Alembic revisions; the text decides whether it is one).
pub const PYTHON_NAMES: &[&str] = &["alembic/versions/1a2b3c4d5e6f_init.py", "migrations/env.py"];

pub fn lint_python_bytes(data: &[u8]) {
    on_worker_stack(|| lint_bytes(data, FileKind::Python, PYTHON_NAMES));
}

fn on_worker_stack(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .stack_size(WORKER_STACK)
            .spawn_scoped(s, f)
            .expect("spawn a worker thread");
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

fn render_all(reports: &[FileReport], settings: &Settings) {
    let cx = RenderContext {
        reports,
        summary: lint::summarize(reports),
        settings,
        color: false,
        workspace: None,
    };
    for &format in FORMATS {
        let mut sink = Vec::new();
        output::render(format, &cx, &mut sink).expect("rendering to memory cannot fail");
    }
}
