//! The exactness oracle for PostgreSQL (issue 15): every statement of `fixtures/` and of
//! `../shared/corpus` that schemaguard reads as PostgreSQL, judged again by PostgreSQL's own
//! parser (pglast, libpg_query) through `scripts/pg-oracle.py`. Every statement PostgreSQL
//! accepts must parse (at least 99.5%: the target), every statement it refuses must be a
//! parse error (100%). Needs a Python with pglast (`.ci/venv`, `SCHEMAGUARD_PYTHON`, or
//! `python3`); CI installs it, elsewhere the test says loudly that it did not run.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// A Python that can import pglast.
fn python() -> Option<PathBuf> {
    let repo = common::repo();
    let candidates = [
        std::env::var_os("SCHEMAGUARD_PYTHON").map(PathBuf::from),
        Some(repo.join(".ci/venv/bin/python")),
        Some(PathBuf::from("python3")),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", "import pglast"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn postgresql_agrees_with_every_statement_schemaguard_reads_as_postgresql() {
    let Some(python) = python() else {
        common::skipped(
            "PostgreSQL parser oracle",
            "no Python with pglast (pip install pglast, or set SCHEMAGUARD_PYTHON)",
            true,
        );
        return;
    };
    let repo = common::repo();
    let corpus = std::env::var_os("SCHEMAGUARD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/corpus"));
    let mut args: Vec<String> = vec![
        "scripts/pg-oracle.py".into(),
        "--json".into(),
        "--show".into(),
        "20".into(),
        "--bin".into(),
        env!("CARGO_BIN_EXE_schemaguard").into(),
        "fixtures".into(),
    ];
    if corpus.is_dir() {
        // PostgreSQL folders as PostgreSQL; the rest where schemaguard reads a file as it.
        args.push(corpus.join("postgres-sql-migrations").display().to_string());
        for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("postgres-sql-migrations") {
                args.push("--as-read".into());
                args.push(path.display().to_string());
            }
        }
    } else {
        common::skipped(
            "PostgreSQL parser oracle on the corpus (fixtures judged only)",
            &format!("no corpus at {}", corpus.display()),
            true,
        );
    }
    let out = Command::new(&python)
        .args(&args)
        .current_dir(&repo)
        .output()
        .expect("the oracle runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the oracle failed: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    let accepts = result["pg_accepts"].as_u64().unwrap();
    let rejects = result["pg_rejects"].as_u64().unwrap();
    assert!(accepts > 1000, "too few statements judged: {result}");
    let accept = result["accept_agreement"].as_f64().unwrap();
    let reject = result["reject_agreement"].as_f64().unwrap();
    eprintln!(
        "PostgreSQL oracle: {accepts} accepted ({:.2}% agree), {rejects} refused ({:.2}% agree)",
        100.0 * accept,
        100.0 * reject
    );
    assert!(
        accept >= 0.995,
        "schemaguard reports parse errors on valid PostgreSQL: {result}\n{stderr}"
    );
    assert!(
        reject >= 1.0,
        "schemaguard reads as valid what PostgreSQL refuses: {result}\n{stderr}"
    );
}
