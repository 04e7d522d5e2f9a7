//! The command line end to end: every `--format` on a small fixture set we control
//! (tests/data/cli, snapshot-tested), and the changed-only, baseline and extra-report flags.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{git, repo};

fn data() -> PathBuf {
    repo().join("tests/data/cli")
}

/// The binary, with no colour and none of the CI's variables.
fn schemaguard(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_schemaguard"));
    cmd.current_dir(cwd).env("NO_COLOR", "1");
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("GITHUB_") {
            cmd.env_remove(&key);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> (String, String, i32) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.stdin(Stdio::null()).output().expect("run schemaguard");
    (
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
        status.code().unwrap_or(-1),
    )
}

/// Makes outputs independent of the machine and the version.
fn stable(s: &str) -> String {
    let root = format!(
        "file://{}/",
        data()
            .to_string_lossy()
            .replace(' ', "%20")
            .trim_end_matches('/')
    );
    s.replace(&root, "file:///[ROOT]/")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

fn check_format(format: &str) -> String {
    let (out, err, code) =
        run(schemaguard(&data()).args(["check", "migrations", "--format", format]));
    assert_eq!(code, 1, "{format}: exit status (stderr: {err})");
    stable(&out)
}

#[test]
fn format_pretty() {
    insta::assert_snapshot!(check_format("pretty"));
}

#[test]
fn format_concise() {
    insta::assert_snapshot!(check_format("concise"));
}

#[test]
fn format_json() {
    insta::assert_snapshot!(check_format("json"));
}

#[test]
fn format_sarif() {
    // `rules[]` holds every enabled rule's full docs: keep the rules this fixture set exercises
    // and elide the docs text (tests/docs.rs checks it), so new rules and doc edits elsewhere
    // do not churn this snapshot.
    let (out, err, code) = run(schemaguard(&data()).args([
        "check",
        "migrations",
        "--format",
        "sarif",
        "--select",
        "BC001,BC002,BC006,LK001,LN001,LN004",
    ]));
    assert_eq!(code, 1, "{err}");
    let mut sarif: serde_json::Value = serde_json::from_str(&stable(&out)).unwrap();
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        for key in ["text", "markdown"] {
            assert!(
                rule["help"][key]
                    .as_str()
                    .unwrap()
                    .contains("## What it does")
            );
            rule["help"][key] = "[the rule's docs]".into();
        }
        rule["fullDescription"]["text"] = "[why is this bad]".into();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif).unwrap());
}

#[test]
fn format_github() {
    insta::assert_snapshot!(check_format("github"));
}

#[test]
fn format_gitlab() {
    let out = check_format("gitlab");
    let issues: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fps: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let unique: std::collections::HashSet<_> = fps.iter().collect();
    assert_eq!(unique.len(), fps.len(), "GitLab fingerprints are unique");
    insta::assert_snapshot!(out);
}

#[test]
fn format_junit() {
    insta::assert_snapshot!(check_format("junit"));
}

#[test]
fn github_format_writes_the_job_summary_and_outputs_in_a_github_job() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let outputs = dir.path().join("outputs.txt");
    let sarif = dir.path().join("out.sarif");
    std::fs::write(&outputs, "earlier=1\n").unwrap();
    let (out, _, code) = run(schemaguard(&data())
        .args(["check", "migrations", "--format", "github", "--report"])
        .arg(format!("sarif={}", sarif.display()))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_WORKSPACE", repo())
        .env("GITHUB_SERVER_URL", "https://github.example")
        .env("GITHUB_REPOSITORY", "acme/db")
        .env("GITHUB_SHA", "0123abc"));
    assert_eq!(code, 1);
    // Annotations name files relative to the workspace (the repository root).
    assert!(
        out.contains("::error file=tests/data/cli/migrations/V2__cleanup.sql,line=4,"),
        "{out}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("### schemaguard\n"), "{summary}");
    assert!(summary.contains("| Severity | Rule | Location | Finding |"));
    assert!(summary.contains(
        "(https://github.example/acme/db/blob/0123abc/tests/data/cli/migrations/V2__cleanup.sql#L4)"
    ));
    let outputs = std::fs::read_to_string(&outputs).unwrap();
    assert!(outputs.starts_with("earlier=1\n"), "appends: {outputs}");
    assert!(outputs.contains("\nerrors=2\n"), "{outputs}");
    assert!(outputs.contains(&format!("\nsarif-file={}\n", sarif.display())));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn extra_reports_come_from_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let (out, _, code) = run(schemaguard(&data())
        .args(["check", "migrations", "--format", "concise", "--report"])
        .arg(format!("junit={}", junit.display())));
    assert_eq!(code, 1);
    assert!(out.contains("BC001"));
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites")
    );
    let (_, err, code) = run(schemaguard(&data()).args(["check", "--report", "yaml=x"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `yaml`"), "{err}");
}

#[test]
fn stdin_filename_lints_an_unsaved_buffer() {
    let mut child = schemaguard(&data())
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "migrations/V9__new.sql",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN email;\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.starts_with("migrations/V9__new.sql:2:19: BC001 [error]"),
        "{stdout}"
    );
    // A buffer has no diff against a base revision.
    let (_, err, code) = run(schemaguard(&data()).args([
        "check",
        "--stdin-filename",
        "a.sql",
        "--diff-base",
        "HEAD",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

// --- git-backed runs -------------------------------------------------------------------------

const OLD: &str = "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users\n  DROP COLUMN phone;\n";

/// A repository whose `main` has one migration with findings, and a branch that edits it and
/// adds another.
fn repo_with_branch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::create_dir(d.join("db")).unwrap();
    std::fs::write(d.join("db/001_old.sql"), OLD).unwrap();
    std::fs::write(d.join("db/002_untouched.sql"), "DROP TABLE legacy;\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feature"]);
    // Edit the first line of the multi-line statement only (its finding is on the second),
    // and add a new migration.
    std::fs::write(
        d.join("db/001_old.sql"),
        OLD.replace("ALTER TABLE users\n", "ALTER TABLE app.users\n"),
    )
    .unwrap();
    std::fs::write(
        d.join("db/003_new.sql"),
        "SET lock_timeout = '2s';\nDROP TABLE sessions;\n",
    )
    .unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "feature"]);
    dir
}

fn codes_and_lines(concise: &str) -> Vec<String> {
    concise
        .lines()
        .filter(|l| l.contains(" [") && l.contains(": "))
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next().unwrap();
            let line = parts.next().unwrap();
            let code = l.split_whitespace().nth(1).unwrap();
            format!("{file}:{line} {code}")
        })
        .collect()
}

#[test]
fn diff_base_lints_changed_files_and_only_changed_lines_narrows_to_lines() {
    let dir = repo_with_branch();
    let d = dir.path();
    let (out, err, _) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "concise",
        "--diff-base",
        "main",
    ]));
    let found = codes_and_lines(&out);
    assert!(
        found.iter().all(|f| !f.starts_with("db/002")),
        "{found:?} {err}"
    );
    assert!(
        found.contains(&"db/001_old.sql:2 BC001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"db/001_old.sql:4 BC001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"db/003_new.sql:2 BC002".to_string()),
        "{found:?}"
    );

    let (out, err, _) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "concise",
        "--diff-base",
        "main",
        "--only-changed-lines",
    ]));
    let found = codes_and_lines(&out);
    // Line 2 did not change; the statement on lines 3-4 did (its first line), so its finding
    // stays although it is reported on line 4; the new file is changed everywhere.
    assert!(
        !found.contains(&"db/001_old.sql:2 BC001".to_string()),
        "{found:?} {err}"
    );
    assert!(
        found.contains(&"db/001_old.sql:4 BC001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"db/003_new.sql:2 BC002".to_string()),
        "{found:?}"
    );

    let (_, err, code) = run(schemaguard(d).args(["check", "--only-changed-lines"]));
    assert_eq!(code, 2);
    assert!(err.contains("--diff-base"), "{err}");
}

#[test]
fn only_changed_lines_keeps_findings_about_a_whole_file_or_history() {
    // Line 2 of an applied Flyway migration is edited: NM007 is about the file's history and
    // is reported at its first line, which did not change.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let init = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n";
    common::write(d, "db/migration/V1__init.sql", init);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feature"]);
    common::write(
        d,
        "db/migration/V1__init.sql",
        &init.replace("TABLE b", "TABLE bb"),
    );
    git(d, &["commit", "-qam", "edit"]);
    let args = [
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "concise",
        "--diff-base",
        "main",
    ];
    for narrow in [false, true] {
        let (out, err, _) = run(schemaguard(d)
            .args(args)
            .args(narrow.then_some("--only-changed-lines")));
        assert!(
            codes_and_lines(&out).contains(&"db/migration/V1__init.sql:1 NM007".to_string()),
            "--only-changed-lines {narrow}: {out} {err}"
        );
    }
}

#[test]
fn a_missing_base_in_a_shallow_clone_is_a_clear_error() {
    let origin = repo_with_branch();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(clone.path().join("c"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = clone.path().join("c");
    let (_, err, code) = run(schemaguard(&c).args(["check", "--diff-base", "origin/main"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`origin/main` is not in this clone") && err.contains("shallow"),
        "{err}"
    );
}

#[test]
fn baseline_hides_recorded_findings_and_reports_stale_entries() {
    let dir = repo_with_branch();
    let d = dir.path();
    let (_, err, code) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--write-baseline",
        "schemaguard-baseline.json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recorded"), "{err}");
    let text = std::fs::read_to_string(d.join("schemaguard-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(baseline["version"], 1);
    assert!(
        baseline["findings"].as_array().unwrap().len() >= 4,
        "{text}"
    );

    // Everything recorded: nothing to report, even after lines move.
    let moved = format!(
        "-- moved down\n\n{}",
        std::fs::read_to_string(d.join("db/003_new.sql")).unwrap()
    );
    std::fs::write(d.join("db/003_new.sql"), moved).unwrap();
    let (out, err, code) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "concise",
        "--baseline",
        "schemaguard-baseline.json",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("No findings"), "{out}");
    assert!(out.contains("suppressed"), "{out}");

    // A fixed finding leaves a stale entry, reported on its line in the baseline; a new one shows.
    std::fs::write(
        d.join("db/003_new.sql"),
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN age;\n",
    )
    .unwrap();
    let (out, _, code) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "concise",
        "--baseline",
        "schemaguard-baseline.json",
    ]));
    assert_eq!(code, 1, "{out}");
    let found = codes_and_lines(&out);
    assert!(
        found.contains(&"db/003_new.sql:2 BC001".to_string()),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("schemaguard-baseline.json:") && f.ends_with("LN007")),
        "{found:?}"
    );

    // JSON and SARIF say how a finding was suppressed.
    let (json, _, _) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "json",
        "--baseline",
        "schemaguard-baseline.json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["suppression"]["kind"] == "baseline")
    );
    let (sarif, _, _) = run(schemaguard(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "sarif",
        "--baseline",
        "schemaguard-baseline.json",
    ]));
    assert!(sarif.contains("\"kind\": \"external\""), "{sarif}");
}

#[test]
fn baseline_from_the_config_and_write_baseline_conflicts() {
    let dir = repo_with_branch();
    let d = dir.path();
    std::fs::write(
        d.join("schemaguard.toml"),
        "baseline = \"ci/baseline.json\"\nextend-select = [\"ALL\"]\n",
    )
    .unwrap();
    let (_, err, code) =
        run(schemaguard(d).args(["check", "--write-baseline", "ci/baseline.json"]));
    assert_eq!(code, 0, "{err}");
    // From a subfolder the config's baseline still matches (paths are relative to the baseline).
    let (out, err, code) = run(schemaguard(&d.join("db")).args(["check", "--format", "concise"]));
    assert_eq!(code, 0, "{out}{err}");
    let (out, _, code) =
        run(schemaguard(d).args(["check", "--no-baseline", "--format", "concise"]));
    assert_eq!(code, 1, "{out}");
    let (_, err, code) =
        run(schemaguard(d).args(["check", "--write-baseline", "b.json", "--diff-base", "main"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

/// `--show-files` lists what the project model made of each file instead of the findings: a
/// vendored folder is not there at all, a test fixture and a dev-only compose file say so, and
/// the migrations name their set, its framework and their dialect.
#[test]
fn show_files_lists_each_file_with_its_role_dialect_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::write(
        d,
        "db/migrations/V1__init.sql",
        "CREATE TABLE t (id int);\n",
    );
    common::write(
        d,
        "db/migrations/V2__drop.sql",
        "ALTER TABLE t DROP COLUMN id;\n",
    );
    common::write(d, "vendor/lib/V1__x.sql", "DROP TABLE x;\n");
    common::write(d, "src/test/resources/seed.sql", "DROP TABLE y;\n");
    common::write(
        d,
        "docker-compose.dev.yml",
        "services:\n  db:\n    image: postgres:16\n",
    );
    let (out, err, code) = run(schemaguard(d).args(["check", "--isolated", "--show-files", "."]));
    assert_eq!(code, 0, "{err}");
    let line = |path: &str| {
        out.lines()
            .find(|l| l.ends_with(path))
            .unwrap_or_else(|| panic!("{path} not listed:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("db/migrations/V1__init.sql")[..4],
        ["initial-schema", "generic", "db/migrations", "(flyway)"]
    );
    assert_eq!(line("db/migrations/V2__drop.sql")[0], "deployed");
    assert_eq!(line("src/test/resources/seed.sql")[0], "test");
    assert_eq!(line("docker-compose.dev.yml")[0], "dev-only");
    assert!(
        !out.contains("vendor/"),
        "vendored code is excluded:\n{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("4 files: 1 deployed, 1 dev-only, 1 initial-schema, 1 test"),
        "{out}"
    );
    assert!(!out.contains("BC001"), "no findings are printed:\n{out}");
}
