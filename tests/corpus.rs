//! The whole real-world corpus (`../shared/corpus`, about 11,000 files), when it is there:
//! no panic, the same JSON byte for byte with one thread and with two, memory under the
//! budget, and a parse-failure rate per category below the recorded threshold (a parser
//! change that makes more statements fail shows up here, not in a user's CI).
//!
//! Skipped, with a message, where the corpus is absent. `SCHEMAGUARD_CORPUS` points elsewhere.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

mod common;

/// Highest share of SQL statements (in %) that may fail to parse, per corpus category. Measured
/// rates when recorded: postgres 0.00%, mysql 0.01%, flyway 0.54%, goose/dbmate 11.55% (mostly
/// ClickHouse), Liquibase formatted SQL 19.2%. Lower a threshold when the parser improves.
const MAX_FAILED_PERCENT: &[(&str, f64)] = &[
    ("postgres-sql-migrations", 0.05),
    ("mysql-sql-migrations", 0.05),
    ("flyway-projects", 0.75),
    ("golang-migrate-goose-dbmate", 12.5),
    ("liquibase-changelogs", 21.0),
];

/// Peak resident memory of one whole-corpus run (the budget is 200 MB).
const MAX_RSS_MIB: u64 = 200;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SCHEMAGUARD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skipped(
            "corpus tests",
            &format!(
                "no corpus at {} (set SCHEMAGUARD_CORPUS to run them)",
                dir.display()
            ),
            true,
        );
        None
    }
}

/// Runs in the corpus folder on `.`, so paths in the output start with the category.
fn schemaguard(corpus: &std::path::Path, threads: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_schemaguard"));
    c.current_dir(corpus)
        .env("RAYON_NUM_THREADS", threads)
        .env("NO_COLOR", "1");
    c
}

fn assert_ran_clean(o: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{what}: exit status {:?}\n{stderr}",
        o.status
    );
    for bad in [
        "panicked",
        "overflowed its stack",
        "RUST_BACKTRACE",
        "internal error",
    ] {
        assert!(
            !stderr.contains(bad),
            "{what}: `{bad}` on stderr:\n{stderr}"
        );
    }
}

#[test]
fn the_corpus_lints_without_panics_deterministically_and_within_memory() {
    let Some(corpus) = corpus() else { return };
    let check = |threads: &str| {
        let mut c = schemaguard(&corpus, threads);
        c.args(["check", "--isolated", "--format", "json", "."]);
        c
    };
    let (one, rss) = run_measured(check("1"));
    assert_ran_clean(&one, "1 thread");
    let two = check("2").output().unwrap();
    assert_ran_clean(&two, "2 threads");
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON output");
    let files = json["summary"]["files"].as_u64().unwrap();
    assert!(files > 1000, "only {files} files linted");
    if one.stdout != two.stdout {
        let (a, b) = (
            String::from_utf8_lossy(&one.stdout),
            String::from_utf8_lossy(&two.stdout),
        );
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "1 and 2 threads differ from line {}: {:?} vs {:?}",
            line + 1,
            a.lines().nth(line),
            b.lines().nth(line)
        );
    }
    if let Some(rss) = rss {
        eprintln!("whole corpus: {files} files, peak RSS {} MiB", rss >> 20);
        assert!(
            rss >> 20 < MAX_RSS_MIB,
            "peak RSS {} MiB over the {MAX_RSS_MIB} MiB budget",
            rss >> 20
        );
    }
}

#[test]
fn parse_failures_per_category_stay_below_their_thresholds() {
    let Some(corpus) = corpus() else { return };
    let o = schemaguard(&corpus, "2")
        .args(["debug", "parse-stats", "."])
        .output()
        .unwrap();
    assert_ran_clean(&o, "parse-stats");
    // category -> (statements, failed)
    let mut per: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = row["file"].as_str().unwrap();
        let category = file.split('/').next().unwrap_or(file).to_string();
        let n = |k: &str| row[k].as_u64().unwrap_or(0);
        let e = per.entry(category).or_default();
        e.0 += n("parsed") + n("recognized") + n("failed");
        e.1 += n("failed");
    }
    let mut problems = Vec::new();
    for (category, (statements, failed)) in &per {
        if *statements == 0 {
            continue;
        }
        let rate = 100.0 * *failed as f64 / *statements as f64;
        eprintln!("{category}: {failed} of {statements} statements fail to parse ({rate:.2}%)");
        match MAX_FAILED_PERCENT.iter().find(|(c, _)| c == category) {
            Some((_, max)) if rate > *max => problems.push(format!(
                "{category}: {rate:.2}% of statements fail to parse, over the {max}% threshold"
            )),
            Some(_) => {}
            None => problems.push(format!(
                "{category}: {rate:.2}% fail; record a threshold for it in MAX_FAILED_PERCENT"
            )),
        }
    }
    assert!(
        per.contains_key("postgres-sql-migrations"),
        "no PostgreSQL statements counted: {per:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Runs to the end and returns the output with the child's peak resident set in bytes (Linux).
#[cfg(target_os = "linux")]
fn run_measured(mut cmd: Command) -> (Output, Option<u64>) {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    cmd.stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .stdin(Stdio::null());
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 on our own, not yet reaped child, with valid out-pointers.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    // Reaped above: std's handle must not wait again.
    std::mem::forget(child);
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read(&err).unwrap(),
    };
    (output, Some(usage.ru_maxrss as u64 * 1024))
}

#[cfg(not(target_os = "linux"))]
fn run_measured(mut cmd: Command) -> (Output, Option<u64>) {
    (cmd.output().unwrap(), None)
}
