//! The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` (PyPI) with
//! `try-repo` against a temporary repository: the staged bad migration blocks the commit, the
//! good one alone does not.
//!
//! pre-commit is looked up in `.ci/venv` (where `.ci/run` installs it), then on PATH. When it is
//! missing the test is skipped with a message, unless SCHEMAGUARD_REQUIRE_TOOLS=1 (set by
//! `.ci/run`), where a missing tool fails the test.
//!
//! Both hooks are tried. `schemaguard-system` runs the binary this `cargo test` built (put on
//! PATH). `schemaguard` makes pre-commit build the linter with `cargo install` (release
//! profile, optimisation lowered for speed) from a clone of this repository: minutes and
//! hundreds of megabytes, so it runs where SCHEMAGUARD_REQUIRE_TOOLS=1 (CI) or
//! SCHEMAGUARD_TEST_RUST_HOOK=1, into a temporary target folder removed afterwards.

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

/// Runs `pre-commit try-repo` with hook `hook` in `dir`: (exit status, output).
fn try_repo(
    pre_commit: &Path,
    dir: &Path,
    home: &Path,
    hook: &str,
    target: &Path,
) -> (i32, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_schemaguard"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new(pre_commit)
        .args(["try-repo"])
        .arg(repo())
        .args([hook, "--verbose", "--color", "never"])
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CARGO_TARGET_DIR", target)
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

/// The hooks to try: the system one always, the one pre-commit builds where asked (see the
/// module docs).
fn hooks() -> Vec<&'static str> {
    let on = |v: &str| std::env::var(v).is_ok_and(|v| v == "1");
    if on("SCHEMAGUARD_REQUIRE_TOOLS") || on("SCHEMAGUARD_TEST_RUST_HOOK") {
        vec!["schemaguard-system", "schemaguard"]
    } else {
        common::skipped(
            "the `schemaguard` (language: rust) pre-commit hook",
            "building it takes minutes; set SCHEMAGUARD_TEST_RUST_HOOK=1 (CI runs it)",
            false,
        );
        vec!["schemaguard-system"]
    }
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
    // The app opts in to the compatibility rules (off by default for their measured precision).
    std::fs::write(d.join("schemaguard.toml"), "extend-select = [\"BC\"]\n").unwrap();
    let target = tempfile::tempdir().unwrap();
    for hook in hooks() {
        git(&d, &["add", "."]);
        let (status, out) = try_repo(&pre_commit, &d, &home, hook, target.path());
        assert_eq!(
            status, 1,
            "{hook}: the bad migration blocks the commit:\n{out}"
        );
        assert!(
            out.contains("schemaguard") && out.contains("Failed"),
            "{hook}: {out}"
        );
        assert!(out.contains("migrations/002_bad.sql:2:19"), "{hook}: {out}");
        assert!(out.contains("BC001"), "{hook}: {out}");
        assert!(
            !out.contains("001_good.sql:"),
            "{hook}: no finding in the good one:\n{out}"
        );

        // Without the bad migration staged, the commit goes through.
        git(&d, &["rm", "-q", "--cached", "migrations/002_bad.sql"]);
        let (status, out) = try_repo(&pre_commit, &d, &home, hook, target.path());
        assert_eq!(status, 0, "{hook}: the good migration alone passes:\n{out}");
        assert!(out.contains("Passed"), "{hook}: {out}");
    }
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
hooks = load_manifest('.pre-commit-hooks.yaml')
assert all(h['files'] == hooks[0]['files'] and h['types'] == hooks[0]['types'] for h in hooks)
hook = hooks[0]
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
        "docker-compose.yml",
        "k8s/db.yaml",
        "infra/main.tf.json",
        "infra/cdktf.tofu.json",
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
        &names[..11],
        "files the hook hands to schemaguard"
    );
}
