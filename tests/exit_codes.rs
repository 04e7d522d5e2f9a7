//! The command line as CI sees it: exit codes, missing paths, config errors, stdin, `rule`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_schemaguard"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn findings_at_or_above_fail_on_exit_1_otherwise_0() {
    let bad = "fixtures/demo/db/migrations/20240301000000_orders_tenant.up.sql";
    assert_eq!(run(&["check", bad]).status.code(), Some(1));
    assert_eq!(run(&["check", bad, "--exit-zero"]).status.code(), Some(0));
    assert_eq!(
        run(&["check", bad, "--fail-on", "never"]).status.code(),
        Some(0)
    );
    let safe = "fixtures/demo/db/migrations/20240402000000_orders_status_index.up.sql";
    assert_eq!(
        run(&["check", safe, "--isolated", "--extend-select", "ALL"])
            .status
            .code(),
        Some(0)
    );
    // A warning fails the run only when asked to.
    let warn = run(&["check", bad, "--select", "LK001", "--isolated"]);
    assert_eq!(warn.status.code(), Some(0), "{}", stdout(&warn));
    assert_eq!(
        run(&[
            "check",
            bad,
            "--select",
            "LK001",
            "--isolated",
            "--fail-on",
            "warning"
        ])
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn a_missing_path_is_a_usage_error_but_the_rest_is_linted() {
    let o = run(&[
        "check",
        "no/such/dir",
        "fixtures/demo",
        "--format",
        "concise",
        "--extend-select",
        "ALL",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`no/such/dir` does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("BC006"),
        "the existing path is still linted"
    );
}

#[test]
fn usage_errors_print_nothing_on_stdout() {
    // Only a missing path: no report (not "No findings", not an empty JSON document).
    for format in ["pretty", "json", "sarif"] {
        let o = run(&["check", "no/such/dir", "--format", format]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert_eq!(stdout(&o), "", "{format}");
        assert!(stderr(&o).contains("`no/such/dir` does not exist"));
    }
    // Paths next to --stdin-filename would be ignored: a usage error.
    let mut child = bin()
        .args(["check", "--stdin-filename", "a.sql", "fixtures/demo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    // A report into a folder that does not exist names the file.
    let o = run(&[
        "check",
        "fixtures/demo",
        "-o",
        "no/such/folder/report.json",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no/such/folder/report.json"),
        "{}",
        stderr(&o)
    );
    // The summary says how many files were checked, not "in N files".
    let o = run(&[
        "check",
        "fixtures/demo",
        "--isolated",
        "--extend-select",
        "ALL",
    ]);
    let last = stdout(&o)
        .trim_end()
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    assert!(
        last.starts_with("Found ") && last.contains(" files checked"),
        "{last}"
    );
}

#[test]
fn exclude_applies_to_named_files_and_vendored_folders_are_excluded_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let drop = "ALTER TABLE users DROP COLUMN email;\n";
    for f in [
        "db/migrations/001_a.sql",
        "db/legacy/001_old.sql",
        "vendor/github.com/x/y/migrations/001_v.sql",
        "third_party/lib/migrations/001_t.sql",
    ] {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, drop).unwrap();
    }
    std::fs::write(
        d.join("schemaguard.toml"),
        "extend-exclude = [\"db/legacy\"]\n",
    )
    .unwrap();
    let lint = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
            .current_dir(d)
            .env("NO_COLOR", "1")
            .args(["check", "--format", "concise", "--select", "BC001"])
            .args(args)
            .output()
            .unwrap();
        (stdout(&o), stderr(&o))
    };
    // The walk leaves out vendored folders (default) and `extend-exclude`.
    let (out, _) = lint(&["."]);
    assert!(out.contains("db/migrations/001_a.sql"), "{out}");
    for gone in ["db/legacy", "vendor/", "third_party/"] {
        assert!(!out.contains(gone), "{gone} linted: {out}");
    }
    // Named files honour them too (the pre-commit hook names files).
    let (out, err) = lint(&[
        "db/legacy/001_old.sql",
        "vendor/github.com/x/y/migrations/001_v.sql",
        "db/migrations/001_a.sql",
    ]);
    assert!(out.contains("db/migrations/001_a.sql"), "{out}");
    assert!(
        !out.contains("db/legacy") && !out.contains("vendor/"),
        "{out}"
    );
    assert!(err.contains("excluded"), "{err}");
    // `force-exclude = false` lints named files whatever `exclude` says; `exclude` replaces
    // the default list.
    std::fs::write(
        d.join("schemaguard.toml"),
        "exclude = [\"db/legacy\"]\nforce-exclude = false\n",
    )
    .unwrap();
    let (out, _) = lint(&["db/legacy/001_old.sql"]);
    assert!(out.contains("db/legacy/001_old.sql"), "{out}");
    let (out, _) = lint(&["."]);
    assert!(
        out.contains("vendor/") && !out.contains("db/legacy"),
        "{out}"
    );
}

#[test]
fn config_errors_point_into_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("schemaguard.toml");
    std::fs::write(&cfg, "select = [\"BC\"]\n\n[postgres]\nverison = 15\n").unwrap();
    let o = run(&["check", "fixtures/demo", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown field `verison`"), "{err}");
    assert!(
        err.contains(":4:1]") || err.contains("4:1"),
        "the error names the line: {err}"
    );
    std::fs::write(&cfg, "select = [\"XX999\"]\n").unwrap();
    let o = run(&["check", "fixtures/demo", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule or category `XX999`"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", "fixtures/demo", "--select", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let mut child = bin()
        .args([
            "check",
            "--stdin-filename",
            "db/0001_x.sql",
            "--format",
            "concise",
            "--isolated",
            "--extend-select",
            "ALL",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"ALTER TABLE users DROP COLUMN email;\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("db/0001_x.sql:1:19: BC001 [error]")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unreadable_files_get_one_finding_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a_binary.sql"),
        b"CREATE TABLE t (id int);\n\x00\x01\x02",
    )
    .unwrap();
    std::fs::write(dir.path().join("b_latin1.sql"), b"-- caf\xe9\nSELECT 1;\n").unwrap();
    std::fs::write(
        dir.path().join("c_ok.sql"),
        "ALTER TABLE users DROP COLUMN email;\n",
    )
    .unwrap();
    let o = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "concise",
        "--isolated",
        "--extend-select",
        "ALL",
    ]);
    let out = stdout(&o);
    assert!(out.contains("a_binary.sql:2:1: LN002"), "{out}");
    assert!(out.contains("b_latin1.sql:1:7: LN002"), "{out}");
    assert!(out.contains("c_ok.sql:1:19: BC001"), "{out}");
}

#[test]
fn huge_files_are_skipped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("dump.sql");
    std::fs::write(&big, "SELECT 1;\n".repeat(2000)).unwrap();
    let o = run(&[
        "check",
        big.to_str().unwrap(),
        "--format",
        "concise",
        "--isolated",
        "--extend-select",
        "ALL",
        "--max-file-size",
        "1KB",
    ]);
    assert!(stdout(&o).contains("LN003 [info]"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn rule_docs_are_printed() {
    let o = run(&["rule", "BC001"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("# BC001 drop-column"));
    assert!(out.contains("## Why is this bad?"));
    let o = run(&["rule", "drop-column", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "BC001");
    let o = run(&["rule", "--all", "--format", "markdown"]);
    assert!(
        stdout(&o).contains("| [LK001](docs/rules/LK001.md) | `create-index-without-concurrently`")
    );
    assert_eq!(run(&["rule", "XX999"]).status.code(), Some(2));
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let one = bin()
        .args([
            "check",
            "fixtures",
            "--format",
            "json",
            "--isolated",
            "--extend-select",
            "ALL",
        ])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let two = bin()
        .args([
            "check",
            "fixtures",
            "--format",
            "json",
            "--isolated",
            "--extend-select",
            "ALL",
        ])
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap();
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn forbid_suppressions_keeps_the_finding_and_reports_the_suppression() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("V1__seed.sql"),
        "INSERT INTO settings (name, value) VALUES ('smtp.password', 'Ow4Jt8Nc2Hx6'); -- schemaguard: ignore[SD004] rotated later\n",
    )
    .unwrap();
    let lint = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
            .current_dir(dir.path())
            .args([
                "check",
                "--isolated",
                "--format",
                "concise",
                "--select",
                "SD,LN",
            ])
            .args(extra)
            .arg(".")
            .output()
            .unwrap();
        (o.status.code(), stdout(&o))
    };
    let (code, out) = lint(&[]);
    assert_eq!(code, Some(0), "suppressed: {out}");
    let (code, out) = lint(&["--forbid-suppressions", "SD"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(" SD004 ") && out.contains(" LN009 "), "{out}");
    assert!(!out.contains("Ow4Jt8Nc2Hx6"), "{out}");
}
