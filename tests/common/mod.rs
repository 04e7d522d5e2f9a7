//! Helpers shared by the integration tests (`mod common;` in each test file that uses them).
// Each test binary uses a subset.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` to `dir/rel`, creating its folders; returns the path.
pub fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs git in `dir` with a fixed identity and no user configuration; fails the test when git
/// fails. Returns standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs the binary in `dir` without colour: (exit code, stdout, stderr).
pub fn schemaguard(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Says loudly that a test did not run, and why. libtest captures `eprintln!` of passing tests,
/// so the line goes to the process's stderr directly: it shows in every run and in the CI log,
/// where `.ci/run` counts the `SKIPPED:` lines. Where `SCHEMAGUARD_REQUIRE_TOOLS=1` (CI) and
/// the missing piece is one CI provides, the test fails instead.
pub fn skipped(test: &str, why: &str, ci_provides_it: bool) {
    use std::io::Write;
    let required = std::env::var("SCHEMAGUARD_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    assert!(
        !(required && ci_provides_it),
        "{test} cannot run here (SCHEMAGUARD_REQUIRE_TOOLS=1): {why}"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {why}");
}
