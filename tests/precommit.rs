//! The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` (PyPI) with
//! `try-repo` against a temporary repository: the staged bad migration blocks the commit, the
//! good one alone does not.
//!
//! pre-commit is looked up in `.ci/venv` (where `.ci/run` installs it), then on PATH. When it is
//! missing the test is skipped with a message, unless SCHEMAGUARD_REQUIRE_TOOLS=1 (set by
//! `.ci/run`), where a missing tool fails the test.
//!
//! pre-commit builds the hook with `cargo install` (release profile) from a clone of this
//! repository: the test points CARGO_TARGET_DIR at target/pre-commit-hook, so later runs only
//! rebuild this crate, and lowers the release profile's optimisation for speed.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{git, repo};

/// An external tool: from `.ci/venv/bin`, else PATH. `None` means skip (locally).
pub fn external_tool(name: &str) -> Option<PathBuf> {
    let venv = repo().join(".ci/venv/bin").join(name);
    let found = if venv.is_file() {
        Some(venv)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        common::skipped(
            "pre-commit tests",
            &format!(
                "`{name}` is neither in .ci/venv nor on PATH (run .ci/run, or `python3 -m venv .ci/venv && .ci/venv/bin/pip install pre-commit`)"
            ),
            true,
        );
    }
    found
}

fn try_repo(pre_commit: &Path, dir: &Path, home: &Path) -> (i32, String) {
    let out = Command::new(pre_commit)
        .args(["try-repo"])
        .arg(repo())
        .args(["schemaguard", "--verbose", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CARGO_TARGET_DIR", repo().join("target/pre-commit-hook"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "64")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_hook_blocks_a_commit_with_a_bad_migration_only() {
    let Some(pre_commit) = external_tool("pre-commit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("app");
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    let home = dir.path().join("pre-commit-home");
    git(&d, &["init", "-q", "-b", "main"]);
    git(&d, &["config", "user.name", "t"]);
    git(&d, &["config", "user.email", "t@t"]);
    std::fs::write(
        d.join("migrations/001_good.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .unwrap();
    std::fs::write(
        d.join("migrations/002_bad.sql"),
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n",
    )
    .unwrap();
    std::fs::write(d.join("README.md"), "# app\n").unwrap();
    git(&d, &["add", "."]);

    let (status, out) = try_repo(&pre_commit, &d, &home);
    assert_eq!(status, 1, "the bad migration blocks the commit:\n{out}");
    assert!(
        out.contains("schemaguard") && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("migrations/002_bad.sql:2:19"), "{out}");
    assert!(out.contains("BC001"), "{out}");
    assert!(
        !out.contains("001_good.sql:"),
        "no finding in the good one:\n{out}"
    );

    // Without the bad migration staged, the commit goes through.
    git(&d, &["rm", "-q", "--cached", "migrations/002_bad.sql"]);
    let (status, out) = try_repo(&pre_commit, &d, &home);
    assert_eq!(status, 0, "the good migration alone passes:\n{out}");
    assert!(out.contains("Passed"), "{out}");
}

#[test]
fn the_hook_selects_sql_terraform_and_yaml_files() {
    // pre-commit matches `files` with Python's `re` and `types` with the identify library:
    // ask them, through pre-commit's own interpreter.
    let Some(pre_commit) = external_tool("pre-commit") else {
        return;
    };
    let python = pre_commit.with_file_name("python");
    let python = if python.is_file() {
        python
    } else {
        PathBuf::from("python3")
    };
    let script = r#"
import os, re, sys, tempfile
from identify import identify
from pre_commit.clientlib import load_manifest
hook = load_manifest('.pre-commit-hooks.yaml')[0]
names = sys.argv[1:]
tmp = tempfile.mkdtemp()
def selected(name):
    path = os.path.join(tmp, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('-- text\n')
    tags = identify.tags_from_path(path)
    return (re.search(hook['files'], name) is not None
            and not re.search(hook['exclude'], name)
            and set(hook['types']) <= tags
            and (not hook['types_or'] or set(hook['types_or']) & tags))
print(' '.join(n for n in names if selected(n)))
"#;
    let names = [
        "db/V1__init.sql",
        "schema.ddl",
        "db/migrate.psql",
        "x.pgsql",
        "legacy.mysql",
        "infra/main.tf",
        "infra/main.tofu",
        "infra/main.tf.json",
        "docker-compose.yml",
        "k8s/db.yaml",
        "README.md",
        "package.json",
        "app.py",
        "notes.sql.bak",
    ];
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(names)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let selected = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        selected.split_whitespace().collect::<Vec<_>>(),
        &names[..10],
        "files the hook hands to schemaguard"
    );
}
