//! What a file is for in its project: the one piece of knowledge behind most noise.
//!
//! A true finding is still noise when it is about a file that never meets a busy production
//! database: an initial schema that only ever runs on an empty one, a dump, a test fixture, an
//! example, a development-only compose file. Each file gets one [`Role`], inferred from its path
//! and its content, and the engine applies one policy per role ([`Role::policy`]) for every
//! rule, instead of each rule learning the same exemptions.
//!
//! Vendored code (`vendor/`, `third_party/`, `node_modules/`…) is not a role: it is excluded
//! before it is read (see [`crate::settings::DEFAULT_EXCLUDE`]).

use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostic::Severity;
use crate::registry::Category;
use crate::sql::{AlterAction, ObjectKind, Statement, StmtKind};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A change applied to deployed databases (and anything not known to be otherwise).
    #[default]
    Deployed,
    /// A migration or changelog that creates a schema from nothing: every database runs it
    /// while the objects it creates are empty.
    InitialSchema,
    /// A snapshot written by a dump tool (pg_dump, mysqldump…), not a change.
    SchemaDump,
    /// A PostgreSQL extension's install or upgrade script (`ext--1.0--1.1.sql`).
    ExtensionScript,
    /// Tests and their fixtures.
    Test,
    /// Examples, samples, demos and documentation.
    Example,
    /// Configuration for development or CI only (`docker-compose.dev.yml`, `.github/`).
    DevOnly,
    /// Archived code that is kept but no longer deployed (`_archived/`, `attic/`, `deprecated/`).
    Archived,
    /// Migrations for an embedded engine (H2, HSQLDB, Derby) kept beside the same project's
    /// migrations for a server engine: what its tests and local runs use.
    EmbeddedEngine,
}

/// What the engine does with a rule's findings in a file of a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Categories whose rules do not run on the file.
    pub skip: &'static [Category],
    /// Rules that run although their category is skipped.
    pub except: &'static [&'static str],
    /// The highest severity a finding keeps.
    pub cap: Severity,
}

/// Secrets of a provider's format, private keys and passwords in connection strings are real
/// wherever they are committed; a literal password in a test or an example is a fixture.
/// A file that cannot be read (LN002) or is too large (LN003) is said wherever it is.
const REAL_ANYWHERE: &[&str] = &["SD001", "SD002", "SD003", "LN002", "LN003"];

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Deployed => "deployed",
            Role::InitialSchema => "initial-schema",
            Role::SchemaDump => "schema-dump",
            Role::ExtensionScript => "extension-script",
            Role::Test => "test",
            Role::Example => "example",
            Role::DevOnly => "dev-only",
            Role::Archived => "archived",
            Role::EmbeddedEngine => "embedded-engine",
        }
    }

    /// What a finding says about why it was softened: "a test file".
    pub fn described(self) -> &'static str {
        match self {
            Role::Test => "a test file",
            Role::Example => "an example",
            Role::DevOnly => "development or CI configuration",
            Role::Archived => "archived code",
            Role::EmbeddedEngine => "a migration for the embedded engine of tests and local runs",
            _ => "a file that never reaches a deployed database",
        }
    }

    pub fn policy(self) -> Policy {
        const CHANGE: &[Category] = &[
            Category::BackwardIncompatible,
            Category::Locking,
            Category::MissingRollback,
        ];
        match self {
            Role::Deployed | Role::InitialSchema => Policy {
                skip: &[],
                except: &[],
                cap: Severity::Error,
            },
            // A snapshot's DROP … IF EXISTS, TRUNCATE and index builds are not hazards to a
            // live database; parse errors, naming and secrets still apply.
            Role::SchemaDump => Policy {
                skip: CHANGE,
                except: &[],
                cap: Severity::Error,
            },
            // Extensions replace their own internal functions and views on every upgrade.
            Role::ExtensionScript => Policy {
                skip: &[Category::BackwardIncompatible],
                except: &[],
                cap: Severity::Error,
            },
            // Never applied to a deployed database, never exposed: what a change would do to
            // one (compatibility, locks, rollbacks), naming, settings and the syntax of
            // fixtures (often invalid on purpose) do not matter. Real secrets do, as warnings.
            Role::Test | Role::Example | Role::DevOnly | Role::Archived | Role::EmbeddedEngine => {
                Policy {
                    skip: &[
                        Category::BackwardIncompatible,
                        Category::Locking,
                        Category::MissingRollback,
                        Category::Naming,
                        Category::InsecureSettings,
                        Category::SensitiveData,
                        Category::Tool,
                    ],
                    except: REAL_ANYWHERE,
                    cap: Severity::Warning,
                }
            }
        }
    }

    /// Whether a rule's findings are looked for at all in a file of this role.
    pub fn runs(self, rule: &crate::registry::RuleMeta) -> bool {
        let p = self.policy();
        !p.skip.contains(&rule.category) || p.except.contains(&rule.code)
    }
}

/// Folder names of embedded engines that projects run tests and local setups on.
const EMBEDDED_ENGINES: &[&str] = &["h2", "hsqldb", "hsql", "derby"];

/// The folder of an embedded engine a path is under (`…/sqlmigration/h2/V1__init.sql` gives
/// `…/sqlmigration/h2`): the nearest one.
pub fn embedded_engine_dir(path: &Path) -> Option<&Path> {
    path.ancestors().skip(1).find(|a| {
        a.file_name().is_some_and(|n| {
            EMBEDDED_ENGINES.contains(&n.to_string_lossy().to_ascii_lowercase().as_str())
        })
    })
}

/// Which of the files are migrations for an embedded engine kept beside the same project's
/// migrations for a server engine (`db/h2/` beside `db/postgres/`): each is given with its path
/// and whether it was read as a server engine's (PostgreSQL, MySQL, SQL Server, Oracle). The
/// embedded engine's files repeat the server engine's changes for tests and local runs; their
/// findings would repeat the server files' ones. Without such a sibling, an H2 project keeps
/// its migrations deployed.
pub fn embedded_variants(files: &[(&Path, bool)]) -> Vec<bool> {
    // The folders holding a server engine's files, by their parent folder.
    let mut server_dirs: HashMap<&Path, HashSet<&Path>> = HashMap::new();
    for (path, server) in files {
        if *server {
            for dir in path.ancestors().skip(1) {
                if let Some(parent) = dir.parent() {
                    server_dirs.entry(parent).or_default().insert(dir);
                }
            }
        }
    }
    files
        .iter()
        .map(|(path, server)| {
            !*server
                && embedded_engine_dir(path).is_some_and(|dir| {
                    dir.parent()
                        .and_then(|parent| server_dirs.get(parent))
                        .is_some_and(|siblings| siblings.iter().any(|s| *s != dir))
                })
        })
        .collect()
}

/// The role a file's path gives it, if any: `tests/`, `examples/`, `docker-compose.dev.yml`…
pub fn from_path(display: &str) -> Option<Role> {
    let lower = display.to_ascii_lowercase().replace('\\', "/");
    let parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty()).collect();
    let (name, dirs) = parts.split_last()?;
    // A PostgreSQL extension script: `name--1.0.sql`, `name--1.0--1.1.sql`.
    if let Some(stem) = name.strip_suffix(".sql")
        && let Some((ext, version)) = stem.split_once("--")
        && !ext.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(Role::ExtensionScript);
    }
    let stem = name.rsplit_once('.').map_or(*name, |(s, _)| s);
    // A compose file under a CI folder (`src/ci/docker-compose.yml`), or anywhere under
    // `.github/` but a workflow (`.github/workflows/cluster-test/docker-compose-base.yaml` is a
    // test stack the workflow starts; GitHub reads only the workflow files themselves).
    let compose = stem.starts_with("docker-compose") || stem.starts_with("compose");
    let in_ci = dirs.iter().any(|d| *d == "ci" || *d == ".ci")
        || dirs
            .iter()
            .position(|d| *d == ".github")
            .is_some_and(|at| dirs[at + 1..] != ["workflows"]);
    if compose && in_ci {
        return Some(Role::DevOnly);
    }
    // `docker-compose.dev.yml`, `compose.test.yaml`, `values-local.yaml`.
    let words: Vec<&str> = stem.split(['.', '-', '_']).collect();
    let named = |list: &[&str]| words.iter().skip(1).any(|w| list.contains(w));
    for d in dirs {
        match *d {
            "test" | "tests" | "testdata" | "test-data" | "test_data" | "__tests__" | "spec"
            | "specs" | "testing" | "e2e" | "integration-tests" | "integration_tests" | "it" => {
                return Some(Role::Test);
            }
            "example" | "examples" | "sample" | "samples" | "docs" | "doc" | "quickstart"
            | "quickstarts" | "tutorial" | "tutorials" | "playground" => {
                return Some(Role::Example);
            }
            // Not CI folders (`.github/`): workflows run with real secrets.
            ".devcontainer" | "dev" | "local" | "hack" => return Some(Role::DevOnly),
            "_archived" | "archived" | "archive" | "_archive" | "attic" | "obsolete"
            | "deprecated" => {
                return Some(Role::Archived);
            }
            _ => {}
        }
    }
    if named(&[
        "test",
        "tests",
        "e2e",
        "spec",
        "cypress",
        "playwright",
        "selenium",
    ]) || stem.starts_with("test_")
    {
        return Some(Role::Test);
    }
    if named(&[
        "dev",
        "local",
        "develop",
        "development",
        "override",
        "debug",
        "ci",
    ]) {
        return Some(Role::DevOnly);
    }
    if named(&["example", "sample", "demo"]) {
        return Some(Role::Example);
    }
    None
}

/// The role a file's opening comment gives it: `# This configuration file is for the
/// development setup`, `-- Example only`, `# Do not use in production`. Only the comment lines
/// before the first line of content count.
pub fn from_header(text: &str) -> Option<Role> {
    let mut head = String::new();
    for line in text.lines().take(30) {
        let t = line.trim();
        if t.is_empty() || t == "---" || t.starts_with("#!") {
            continue;
        }
        let Some(body) = t
            .strip_prefix('#')
            .or_else(|| t.strip_prefix("--"))
            .or_else(|| t.strip_prefix("//"))
        else {
            break;
        };
        head.push(' ');
        head.extend(
            body.chars()
                .filter(|c| !matches!(c, '*' | '_' | '`'))
                .map(|c| c.to_ascii_lowercase()),
        );
    }
    if head.is_empty() {
        return None;
    }
    let says = |phrases: &[&str]| phrases.iter().any(|p| head.contains(p));
    if says(&[
        "not for production",
        "not intended for production",
        "not meant for production",
        "not suitable for production",
        "not production ready",
        "not production-ready",
        "do not use in production",
        "don't use in production",
        "do not use this in production",
        "never use in production",
        "for development",
        "for local development",
        "development setup",
        "development environment",
        "development only",
        "for local use",
        "for local testing",
    ]) {
        return Some(Role::DevOnly);
    }
    if says(&[
        "for testing",
        "for tests",
        "for the tests",
        "for integration tests",
        "for e2e tests",
        "test environment",
    ]) {
        return Some(Role::Test);
    }
    if says(&[
        "this is an example",
        "example only",
        "an example configuration",
        "example configuration",
        "sample configuration",
        "for demonstration",
        "demo purposes",
        "for illustration",
    ]) {
        return Some(Role::Example);
    }
    None
}

/// Whether the statements of a file create a schema from nothing: at least one table is
/// created, and nothing changes or removes what existed before. Constraints, indexes, defaults
/// and ownership added to tables the file itself created, and seed rows, belong to creating it.
pub fn creates_schema(statements: &[Statement]) -> bool {
    let mut created: std::collections::HashSet<String> = std::collections::HashSet::new();
    for s in statements {
        match &s.kind {
            StmtKind::CreateTable(ct) => {
                if !ct.temporary {
                    created.insert(ct.name.key());
                }
            }
            StmtKind::CreateIndex(ci) if created.contains(&ci.table.key()) => {}
            StmtKind::AlterTable(at) if created.contains(&at.name.key()) => {
                let constructive = at.actions.iter().all(|a| {
                    matches!(
                        a.action,
                        AlterAction::AddConstraint { .. }
                            | AlterAction::AddIndex { .. }
                            | AlterAction::SetDefault { .. }
                            | AlterAction::SetNotNull { .. }
                            | AlterAction::AddIdentity { .. }
                            | AlterAction::Other { .. }
                    )
                });
                if !constructive {
                    return false;
                }
            }
            StmtKind::Create { kind, .. } if *kind != ObjectKind::Table => {}
            StmtKind::CreateType { .. }
            | StmtKind::Insert { .. }
            | StmtKind::Copy { from: true, .. }
            | StmtKind::Comment
            | StmtKind::Grant
            | StmtKind::Set { .. }
            | StmtKind::Transaction(_)
            | StmtKind::Query
            | StmtKind::Role { .. }
            | StmtKind::AlterOther { .. } => {}
            _ => return false,
        }
    }
    !created.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_engine_folder_beside_a_server_engine_folder_is_a_variant() {
        let p = Path::new;
        let files = [
            (p("db/sqlmigration/h2/V1__init.sql"), false),
            (p("db/sqlmigration/postgres/V1__init.sql"), true),
            (p("db/workflow/h2/xml/V2__flow.sql"), false),
            (p("db/workflow/postgres/xml/V2__flow.sql"), true),
            (p("other/hsqldb/V1__init.sql"), false),
            (p("other/hsqldb/V2__more.sql"), false),
        ];
        assert_eq!(
            embedded_variants(&files),
            [true, false, true, false, false, false],
            "an HSQLDB folder with no server engine beside it stays deployed"
        );
    }

    #[test]
    fn roles_from_paths() {
        let cases = [
            ("db/migrations/V1__init.sql", None),
            ("src/test/resources/db/V1__init.sql", Some(Role::Test)),
            ("examples/rds/main.tf", Some(Role::Example)),
            ("docker-compose.dev.yml", Some(Role::DevOnly)),
            ("deploy/docker-compose.yml", None),
            ("compose.override.yaml", Some(Role::DevOnly)),
            (".github/workflows/ci.yml", None),
            (".devcontainer/docker-compose.yml", Some(Role::DevOnly)),
            ("docker-compose.test.yml", Some(Role::Test)),
            ("docker-compose-ci.yml", Some(Role::DevOnly)),
            (
                "src/ci/docker-compose/docker-compose.yml",
                Some(Role::DevOnly),
            ),
            (
                ".github/workflows/cluster-test/mysql/docker-compose-base.yaml",
                Some(Role::DevOnly),
            ),
            (".github/workflows/docker-compose.yml", None),
            (
                "repo/.github/workflows/cluster-test/docker-compose-base.yaml",
                Some(Role::DevOnly),
            ),
            ("ci/main.tf", None),
            (
                "sql/pg_stat_statements--1.4--1.5.sql",
                Some(Role::ExtensionScript),
            ),
            ("db/2024--notes.sql", None),
            ("testimonials/V1__init.sql", None),
            ("latest/values.yaml", None),
            (".ci/compose.cypress.yaml", Some(Role::DevOnly)),
            ("docker/compose.cypress.yaml", Some(Role::Test)),
            (
                "_archived/storage/etcd-controller.yaml",
                Some(Role::Archived),
            ),
            ("db/archive/V1__init.sql", Some(Role::Archived)),
            (
                "deprecated/aws/sentry/aurora-postgres.tf",
                Some(Role::Archived),
            ),
            ("archives/V1__init.sql", None),
        ];
        for (path, want) in cases {
            assert_eq!(from_path(path), want, "{path}");
        }
    }

    #[test]
    fn roles_from_opening_comments() {
        let cases = [
            (
                "# This configuration file is for the **development** setup.\n# For a production example please refer to the setup repository.\nservices: {}\n",
                Some(Role::DevOnly),
            ),
            (
                "---\n# Do not use in production!\nkind: Secret\n",
                Some(Role::DevOnly),
            ),
            (
                "-- Example only: how the tables look\nCREATE TABLE t (id int);\n",
                Some(Role::Example),
            ),
            (
                "# Compose file for the integration test environment\nservices: {}\n",
                Some(Role::Test),
            ),
            // A comment below the first line of content says nothing about the file.
            ("services: {}\n# for development only\n", None),
            (
                "-- Adds the orders table for the production rollout\nCREATE TABLE t (id int);\n",
                None,
            ),
            ("# Production database\nresource \"x\" \"y\" {}\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(from_header(text), want, "{text}");
        }
    }
}
