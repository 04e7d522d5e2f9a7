//! Hostile input: whatever a repository holds, each bad file gets one clear diagnostic (or none
//! when there is nothing wrong with it), the other files of the run are still linted, the exit
//! code is the ordinary one, and nothing crashes, hangs or runs out of memory.
//!
//! The cases are a table: a file kind, a file name, how to make the bytes, and the findings
//! expected on that file. Each runs in a temporary folder next to a canary file with a known
//! finding, with a time limit (a hang fails the test instead of stalling CI), in JSON for the
//! assertions and then in every other format (nothing may panic while rendering).
//!
//! When the HCL, YAML, XML and Python parsers land, their hostile cases are one line each in
//! [`CASES`] (10,000-deep nesting, binary bytes, an unterminated string...).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

/// A run that takes longer than this is a hang (debug build, slow CI machine).
const HANG: Duration = Duration::from_secs(120);

const CANARY: &str = "zz_canary.sql";
const CANARY_SQL: &str = "ALTER TABLE users DROP COLUMN email;\n";

/// What a case expects on its file: rule code, 1-based line and column.
type Expected = &'static [(&'static str, u64, u64)];

struct Case {
    /// The file kind, for reading the table.
    kind: &'static str,
    name: &'static str,
    bytes: fn() -> Vec<u8>,
    expect: Expected,
    /// A phrase the (single) diagnostic's message must hold, so it says what is wrong.
    says: &'static str,
}

fn nested_parens() -> Vec<u8> {
    format!("SELECT {}1{};\n", "(".repeat(10_000), ")".repeat(10_000)).into_bytes()
}

fn nested_subqueries() -> Vec<u8> {
    let mut s = String::from("SELECT ");
    for _ in 0..10_000 {
        s.push_str("(SELECT ");
    }
    s.push('1');
    s.push_str(&")".repeat(10_000));
    s.push_str(";\n");
    s.into_bytes()
}

fn nested_comments() -> Vec<u8> {
    // PostgreSQL nests block comments: 10,000 levels, all closed, then a finding.
    format!(
        "{}{}\nALTER TABLE users DROP COLUMN name;\n",
        "/* ".repeat(10_000),
        " */".repeat(10_000)
    )
    .into_bytes()
}

fn nested_case() -> Vec<u8> {
    let mut s = String::from("SELECT ");
    for _ in 0..10_000 {
        s.push_str("CASE WHEN x THEN ");
    }
    s.push('1');
    s.push_str(&" END".repeat(10_000));
    s.push_str(";\n");
    s.into_bytes()
}

fn long_line() -> Vec<u8> {
    format!(
        "SELECT '{}'; ALTER TABLE users DROP COLUMN name;\n",
        "x".repeat(1 << 20)
    )
    .into_bytes()
}

fn many_semicolons() -> Vec<u8> {
    ";".repeat(1 << 20).into_bytes()
}

fn many_statements() -> Vec<u8> {
    "SELECT 1;\n".repeat(100_000).into_bytes()
}

/// 20,000 levels of XML inside a changeSet, then a changeSet with a finding: the changelog is
/// read to the end (the XML reader keeps its own stack), nothing is refused.
fn deep_xml_changelog() -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?>\n<databaseChangeLog>\n<changeSet id=\"1\" author=\"a\">{}{}</changeSet>\n\
         <changeSet id=\"2\" author=\"a\"><dropColumn tableName=\"users\" columnName=\"email\"/></changeSet>\n\
         </databaseChangeLog>\n",
        "<x>".repeat(20_000),
        "</x>".repeat(20_000)
    )
    .into_bytes()
}

fn deep_yaml_changelog() -> Vec<u8> {
    format!(
        "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n    changes: {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    )
    .into_bytes()
}

fn deep_json_changelog() -> Vec<u8> {
    format!(
        "{{\"databaseChangeLog\": [{{\"changeSet\": {{\"id\": \"1\", \"changes\": {}{}}}}}]}}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    )
    .into_bytes()
}

fn deep_python_revision() -> Vec<u8> {
    format!(
        "revision = \"abc\"\ndown_revision = None\n\n\ndef upgrade():\n    op.execute({}\"x\"{})\n",
        "(".repeat(20_000),
        ")".repeat(20_000)
    )
    .into_bytes()
}

fn deep_hcl() -> Vec<u8> {
    format!(
        "locals {{\n  x = {}{}\n}}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    )
    .into_bytes()
}

const CASES: &[Case] = &[
    Case {
        kind: "xml",
        name: "deep.changelog.xml",
        bytes: deep_xml_changelog,
        expect: &[("BC001", 4, 30)],
        says: "`users.email` is dropped",
    },
    Case {
        kind: "yaml",
        name: "deep.changelog.yaml",
        bytes: deep_yaml_changelog,
        expect: &[("LN001", 5, 212)],
        says: "nests more than 200 levels deep",
    },
    Case {
        kind: "json",
        name: "deep.changelog.json",
        bytes: deep_json_changelog,
        expect: &[("LN001", 1, 257)],
        says: "nests more than 200 levels deep",
    },
    Case {
        kind: "python",
        name: "deep_rev.py",
        bytes: deep_python_revision,
        expect: &[("LN001", 6, 115)],
        says: "nests too deeply",
    },
    Case {
        kind: "hcl",
        name: "deep.tf",
        bytes: deep_hcl,
        expect: &[("LN001", 2, 71)],
        says: "nesting depth",
    },
    Case {
        kind: "sql",
        name: "binary.sql",
        bytes: || b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00".to_vec(),
        expect: &[("LN002", 1, 8)],
        says: "looks binary (a NUL byte at offset 7)",
    },
    Case {
        kind: "sql",
        name: "nul_bytes.sql",
        bytes: || b"SELECT 1;\nSELECT 2;\x00\x00\n".to_vec(),
        expect: &[("LN002", 2, 10)],
        says: "NUL byte at offset 19",
    },
    Case {
        kind: "sql",
        name: "latin1.sql",
        bytes: || b"SELECT 1;\n-- caf\xe9 au lait\n".to_vec(),
        expect: &[("LN002", 2, 7)],
        says: "not valid UTF-8",
    },
    Case {
        kind: "sql",
        name: "utf16.sql",
        bytes: || b"\xff\xfeS\x00E\x00L\x00E\x00C\x00T\x00".to_vec(),
        expect: &[("LN002", 1, 1)],
        says: "not valid UTF-8",
    },
    Case {
        kind: "sql",
        name: "nested_parens.sql",
        bytes: nested_parens,
        expect: &[("LN001", 1, 1)],
        says: "nests too deeply",
    },
    Case {
        kind: "sql",
        name: "nested_subqueries.sql",
        bytes: nested_subqueries,
        expect: &[("LN001", 1, 1)],
        says: "nests too deeply",
    },
    Case {
        kind: "sql",
        name: "nested_case.sql",
        bytes: nested_case,
        // sqlparser gives up on it with an ordinary error, and a query it cannot read is
        // still a query: nothing to lint in it, nothing to report. It must not overflow.
        expect: &[],
        says: "",
    },
    Case {
        kind: "sql",
        name: "nested_comments.sql",
        bytes: nested_comments,
        expect: &[("BC001", 2, 19)],
        says: "users.name",
    },
    Case {
        kind: "sql",
        name: "unterminated_dollar.sql",
        bytes: || b"SELECT 1;\nDO $$ BEGIN\n  PERFORM 1;\n".to_vec(),
        expect: &[("LN001", 2, 4)],
        says: "dollar-quoted string is never closed",
    },
    Case {
        kind: "sql",
        name: "unterminated_comment.sql",
        bytes: || b"SELECT 1;\n/* a comment\nALTER TABLE users DROP COLUMN name;\n".to_vec(),
        expect: &[("LN001", 2, 1)],
        says: "block comment is never closed",
    },
    Case {
        kind: "sql",
        name: "unterminated_string.sql",
        bytes: || b"INSERT INTO t VALUES ('abc);\nDROP TABLE t;\n".to_vec(),
        expect: &[("LN001", 1, 23)],
        says: "string literal is never closed",
    },
    Case {
        kind: "sql",
        name: "half_written.sql",
        bytes: || b"CREATE TABLE accounts (id bigint, name".to_vec(),
        expect: &[("LN001", 1, 39)],
        says: "cannot parse this statement",
    },
    Case {
        kind: "sql",
        name: "crlf.sql",
        bytes: || b"SELECT 1;\r\nALTER TABLE users DROP COLUMN name;\r\n".to_vec(),
        expect: &[("BC001", 2, 19)],
        says: "users.name",
    },
    Case {
        kind: "sql",
        name: "bom.sql",
        bytes: || b"\xef\xbb\xbf-- up\nALTER TABLE users DROP COLUMN name;\n".to_vec(),
        expect: &[("BC001", 2, 19)],
        says: "users.name",
    },
    Case {
        kind: "sql",
        name: "bom_crlf.sql",
        bytes: || {
            b"\xef\xbb\xbfSELECT 'caf\xc3\xa9';\r\nALTER TABLE users DROP COLUMN name;\r\n".to_vec()
        },
        expect: &[("BC001", 2, 19)],
        says: "users.name",
    },
    Case {
        kind: "sql",
        name: "long_line.sql",
        bytes: long_line,
        expect: &[("BC001", 1, (1 << 20) + 30)],
        says: "users.name",
    },
    Case {
        kind: "sql",
        name: "empty.sql",
        bytes: Vec::new,
        expect: &[],
        says: "",
    },
    Case {
        kind: "sql",
        name: "semicolons.sql",
        bytes: many_semicolons,
        expect: &[],
        says: "",
    },
    Case {
        kind: "sql",
        name: "many_statements.sql",
        bytes: many_statements,
        expect: &[],
        says: "",
    },
];

/// The outcome of one run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs `cmd` with the hang limit; a run past it is killed and fails the test.
fn run_limited(cmd: Command, what: &str) -> Run {
    run_within(cmd, what, HANG)
}

/// Runs `cmd` with a time limit; a run past it is killed and fails the test.
fn run_within(mut cmd: Command, what: &str, limit: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    // Files, not pipes: a big report cannot fill a pipe and block the child while we poll.
    cmd.stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .stdin(Stdio::null())
        .env("NO_COLOR", "1");
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the binary starts");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned(),
        elapsed,
    }
}

fn schemaguard(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_schemaguard"));
    cmd.current_dir(dir)
        .arg("check")
        // The cases are about reading hostile input: BC001 stands for the findings under it.
        .args(["--isolated", "--extend-select", "BC001"])
        .args(args);
    cmd
}

/// `(file, code, line, column, message)` of every diagnostic of a JSON report.
fn findings(json: &str) -> Vec<(String, String, u64, u64, String)> {
    let v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_no_panic(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("overflowed its stack"),
        "{what}: {}",
        run.stderr
    );
    assert!(
        matches!(run.code, 0 | 1),
        "{what}: exit code {} (stderr: {})",
        run.code,
        run.stderr
    );
}

/// The canary's finding is there: the rest of the run was linted.
fn assert_canary(found: &[(String, String, u64, u64, String)], what: &str) {
    assert!(
        found
            .iter()
            .any(|(f, c, l, col, _)| f == CANARY && c == "BC001" && *l == 1 && *col == 19),
        "{what}: the other file of the run was not linted: {found:?}"
    );
}

#[test]
fn each_hostile_file_gets_one_clear_diagnostic_and_the_run_goes_on() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(case.name), (case.bytes)()).unwrap();
        std::fs::write(dir.path().join(CANARY), CANARY_SQL).unwrap();
        let what = format!("{} case {}", case.kind, case.name);
        // Parse errors, unreadable files and one rule the cases use as a probe.
        let run = run_limited(
            schemaguard(
                dir.path(),
                &["--format", "json", "--select", "LN,BC001", "."],
            ),
            &what,
        );
        assert_no_panic(&run, &what);
        assert_eq!(run.code, 1, "{what}: the canary's error sets exit code 1");
        let found = findings(&run.stdout);
        assert_canary(&found, &what);
        let mine: Vec<_> = found.iter().filter(|f| f.0 == case.name).collect();
        let got: Vec<(&str, u64, u64)> = mine
            .iter()
            .map(|(_, c, l, col, _)| (c.as_str(), *l, *col))
            .collect();
        if got != case.expect {
            failures.push(format!("{what}: expected {:?}, got {mine:?}", case.expect));
            continue;
        }
        if let Some((.., message)) = mine.first()
            && !message.contains(case.says)
        {
            failures.push(format!("{what}: message {message:?} lacks {:?}", case.says));
        }
        // Every rule, every format: nothing may panic on the way out either.
        for format in ["pretty", "concise", "sarif", "github"] {
            let run = run_limited(
                schemaguard(dir.path(), &["--format", format, "."]),
                &format!("{what} ({format})"),
            );
            assert_no_panic(&run, &format!("{what} ({format})"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Thousands of findings on one line of half a megabyte (a minified dump): placing each must
/// not cost a scan of the line (that took 45 s for JSON before line indexes had checkpoints,
/// and fingerprints hashed each line once).
#[test]
fn many_findings_on_one_long_line_stay_fast() {
    let dir = tempfile::tempdir().unwrap();
    // 25,000 statements on one line, each a parse error (LN001), with non-ASCII text.
    std::fs::write(
        dir.path().join("one_line.mysql.sql"),
        "SELECT 'é';DELIMITER ".repeat(25_000),
    )
    .unwrap();
    std::fs::write(dir.path().join(CANARY), CANARY_SQL).unwrap();
    for format in ["json", "sarif", "pretty", "concise", "github"] {
        let what = format!("long line ({format})");
        let run = run_within(
            schemaguard(dir.path(), &["--format", format, "."]),
            &what,
            Duration::from_secs(30),
        );
        assert_no_panic(&run, &what);
        if format == "json" {
            let found = findings(&run.stdout);
            assert_canary(&found, &what);
            let mine = found.iter().filter(|f| f.0 == "one_line.mysql.sql").count();
            assert!(mine >= 25_000, "{what}: {mine} findings");
        }
    }
}

#[test]
fn a_huge_file_is_skipped_with_a_notice_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    // 100 MB, sparse: it costs no disk and, under the 10 MiB default limit, no reading.
    let big = std::fs::File::create(dir.path().join("huge.sql")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    drop(big);
    std::fs::write(dir.path().join(CANARY), CANARY_SQL).unwrap();
    let run = run_limited(
        schemaguard(dir.path(), &["--format", "json", "."]),
        "100 MB file",
    );
    assert_no_panic(&run, "100 MB file");
    let found = findings(&run.stdout);
    assert_canary(&found, "100 MB file");
    let mine: Vec<_> = found.iter().filter(|f| f.0 == "huge.sql").collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!((mine[0].1.as_str(), mine[0].2), ("LN003", 1));
    assert!(mine[0].4.contains("100.0 MiB"), "{}", mine[0].4);
    assert!(mine[0].4.contains("max-file-size"), "{}", mine[0].4);
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

/// A 100 MB pg_dump-style file (schema, a few thousand INSERTs, then COPY data) linted with a
/// raised limit: it is read, every statement is linted, and memory stays a small multiple of
/// the file (measured by the child's peak resident set).
#[cfg(target_os = "linux")]
#[test]
fn a_huge_file_is_linted_within_memory_when_the_limit_is_raised() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.sql");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        f,
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);"
    )
    .unwrap();
    for i in 0..5_000 {
        writeln!(
            f,
            "INSERT INTO users VALUES ({i}, 'u{i}@example.com', 'User {i}');"
        )
        .unwrap();
    }
    writeln!(f, "COPY users (id, email, name) FROM stdin;").unwrap();
    let mut written = 0usize;
    let mut i = 0u64;
    while written < 100 * 1024 * 1024 {
        let row = format!("{i}\tuser{i}@example.com\tUser number {i}\n");
        written += row.len();
        f.write_all(row.as_bytes()).unwrap();
        i += 1;
    }
    // On a table this file does not create (dropping a column of a new table is harmless).
    writeln!(f, "\\.\nALTER TABLE accounts DROP COLUMN name;").unwrap();
    drop(f);
    let size = std::fs::metadata(&path).unwrap().len();

    let mut cmd = schemaguard(
        dir.path(),
        &[
            "--format",
            "concise",
            "--max-file-size",
            "200MB",
            "dump.sql",
        ],
    );
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let (run, peak_rss) = run_measured(cmd);
    assert_no_panic(&run, "100 MB file, raised limit");
    // Linted to the end: the DROP COLUMN after the data is found.
    assert!(
        run.stdout.contains("dump.sql:") && run.stdout.contains("BC001"),
        "{}",
        run.stdout
    );
    eprintln!(
        "100 MB file, raised limit: {:.1} s, peak RSS {} MiB for {} MiB of SQL",
        run.elapsed.as_secs_f64(),
        peak_rss / (1024 * 1024),
        size / (1024 * 1024)
    );
    assert!(
        peak_rss < 4 * size,
        "peak RSS {peak_rss} for a {size}-byte file"
    );
}

/// Runs a command to its end; returns the run and the child's peak resident set in bytes.
#[cfg(target_os = "linux")]
fn run_measured(mut cmd: Command) -> (Run, u64) {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    cmd.stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .stdin(Stdio::null());
    let start = Instant::now();
    let child = cmd.spawn().expect("the binary starts");
    let pid = child.id() as libc::pid_t;
    // A watchdog: kill the child if it hangs (wait4 below would wait forever).
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if start.elapsed() > HANG {
                    // SAFETY: plain kill(2) of our own child, which has not been reaped yet.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    return true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            false
        })
    };
    let mut status = 0;
    // SAFETY: wait4 on our own child's pid with valid out-pointers; rusage is plain data.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(
        !watchdog.join().unwrap(),
        "still running after {HANG:?}: a hang"
    );
    let elapsed = start.elapsed();
    // The child was reaped by wait4: std's handle must not wait for it again.
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let run = Run {
        code,
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned(),
        elapsed,
    };
    // ru_maxrss is in KiB on Linux.
    (run, usage.ru_maxrss as u64 * 1024)
}

#[cfg(unix)]
#[test]
fn symlink_loops_neither_hang_nor_stop_the_run() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(CANARY), CANARY_SQL).unwrap();
    // Links are not followed in a walk: loops among files and folders cost nothing.
    symlink("b.sql", d.join("a.sql")).unwrap();
    symlink("a.sql", d.join("b.sql")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink("..", d.join("sub/up")).unwrap();
    symlink(".", d.join("sub/self")).unwrap();
    symlink("nowhere.sql", d.join("dangling.sql")).unwrap();
    let run = run_limited(schemaguard(d, &["--format", "json", "."]), "symlink loops");
    assert_no_panic(&run, "symlink loops");
    let found = findings(&run.stdout);
    assert_canary(&found, "symlink loops");
    assert!(
        found.iter().all(|f| f.0 == CANARY),
        "links are not linted in a walk: {found:?}"
    );

    // Named on the command line, a looping or dangling link is one LN002 each, saying why.
    let run = run_limited(
        schemaguard(d, &["--format", "json", "a.sql", "dangling.sql", CANARY]),
        "symlink loop named",
    );
    assert_no_panic(&run, "symlink loop named");
    let found = findings(&run.stdout);
    assert_canary(&found, "symlink loop named");
    let looped: Vec<_> = found.iter().filter(|f| f.0 == "a.sql").collect();
    assert_eq!(looped.len(), 1, "{found:?}");
    assert_eq!(looped[0].1, "LN002");
    assert!(looped[0].4.contains("symbolic links"), "{}", looped[0].4);
    let dangling: Vec<_> = found.iter().filter(|f| f.0 == "dangling.sql").collect();
    assert_eq!(dangling.len(), 1, "{found:?}");
    assert!(dangling[0].4.contains("No such file"), "{}", dangling[0].4);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(CANARY), CANARY_SQL).unwrap();
    let made = Command::new("mkfifo").arg(d.join("pipe.sql")).status();
    if !made.is_ok_and(|s| s.success()) {
        common::skipped(
            "a_fifo_is_skipped_not_waited_on",
            "mkfifo is not available",
            false,
        );
        return;
    }
    // In a walk, and named on the command line: reading it would block forever.
    for args in [
        &["--format", "json", "."][..],
        &["--format", "json", "pipe.sql", CANARY],
    ] {
        let run = run_limited(schemaguard(d, args), "fifo");
        assert_no_panic(&run, "fifo");
        let found = findings(&run.stdout);
        assert_canary(&found, "fifo");
        assert!(found.iter().all(|f| f.0 == CANARY), "{found:?}");
    }
    let run = run_limited(
        schemaguard(d, &["--format", "json", "pipe.sql", CANARY]),
        "fifo",
    );
    assert!(
        run.stderr.contains("skipping pipe.sql: not a regular file"),
        "{}",
        run.stderr
    );
}

/// How to run the binary so that file permissions apply to it: as is, or (for root, whom
/// permissions do not stop) as `nobody` through setpriv or runuser. `None` when neither works.
#[cfg(unix)]
fn unprivileged(probe_dir: &Path) -> Option<Vec<String>> {
    use std::os::unix::fs::PermissionsExt;
    let probe = probe_dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let blocked = std::fs::read(&probe).is_err();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&probe).unwrap();
    if blocked {
        return Some(Vec::new());
    }
    let wrappers: [&[&str]; 2] = [
        &[
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
        ],
        &["runuser", "-u", "nobody", "--"],
    ];
    for w in wrappers {
        let works = Command::new(w[0])
            .args(&w[1..])
            .arg(env!("CARGO_BIN_EXE_schemaguard"))
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Some(w.iter().map(|s| s.to_string()).collect());
        }
    }
    None
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_and_folder_get_one_diagnostic_each() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Whoever runs the binary must be able to enter the folder and read the canary.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Some(wrapper) = unprivileged(d) else {
        common::skipped(
            "an_unreadable_file_and_folder_get_one_diagnostic_each",
            "running as root, and neither setpriv nor runuser can drop to `nobody`, so no file can be made unreadable",
            false,
        );
        return;
    };
    std::fs::write(d.join(CANARY), CANARY_SQL).unwrap();
    std::fs::write(d.join("secret.sql"), "DROP TABLE t;\n").unwrap();
    std::fs::set_permissions(d.join("secret.sql"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::create_dir(d.join("locked")).unwrap();
    std::fs::write(d.join("locked/x.sql"), "DROP TABLE t;\n").unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();

    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(env!("CARGO_BIN_EXE_schemaguard"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_schemaguard")),
    };
    cmd.current_dir(d).args([
        "check",
        "--isolated",
        "--extend-select",
        "ALL",
        "--format",
        "json",
        ".",
    ]);
    let run = run_limited(cmd, "unreadable");
    // Let the temporary folder be removed.
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_no_panic(&run, "unreadable");
    let found = findings(&run.stdout);
    assert_canary(&found, "unreadable");
    let mine: Vec<_> = found.iter().filter(|f| f.0 == "secret.sql").collect();
    assert_eq!(mine.len(), 1, "{found:?}");
    assert_eq!(mine[0].1, "LN002");
    assert!(mine[0].4.contains("Permission denied"), "{}", mine[0].4);
    // The folder it cannot enter is one warning, and nothing inside it is reported.
    assert_eq!(
        run.stderr.matches("locked").count(),
        1,
        "stderr: {}",
        run.stderr
    );
    assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
    assert!(
        !found.iter().any(|f| f.0.starts_with("locked")),
        "{found:?}"
    );
}

/// The table's file names are distinct (a duplicate would silently test one case twice).
#[test]
fn cases_are_distinct() {
    let mut names: Vec<_> = CASES.iter().map(|c| (c.kind, c.name)).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len());
    let _: Vec<PathBuf> = CASES.iter().map(|c| PathBuf::from(c.name)).collect();
}

/// A named file reads what its unit needs and no more (the pre-commit case): its migration
/// folder, the folders above it for a master changelog, sibling migration folders where each
/// migration is a folder; nothing for Terraform or config YAML; never the rest of the tree.
#[test]
fn a_named_file_reads_only_its_units_context() {
    use schemaguard::discover::{Candidate, FileKind, context_for};
    use schemaguard::settings::Settings;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = [
        "db/migrations/001_a.sql",
        "db/migrations/002_b.sql",
        "db/changelog.xml",
        "diesel/migrations/2024-01-01-000000_a/up.sql",
        "diesel/migrations/2024-01-02-000000_b/up.sql",
        "unrelated/deep/x/y/big.sql",
        "top.sql",
        "infra/main.tf",
        "infra/other.tf",
        "compose/docker-compose.yml",
        "compose/schema.sql",
    ];
    for f in files {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "SELECT 1;\n").unwrap();
    }
    let mut settings = Settings::default();
    settings.root = std::fs::canonicalize(d).unwrap();
    let context = |rel: &str, kind: FileKind| -> Vec<String> {
        let c = Candidate {
            display: rel.into(),
            path: d.join(rel),
            kind,
        };
        let mut got: Vec<String> = context_for(&[c], &settings)
            .into_iter()
            .map(|c| {
                c.path
                    .strip_prefix(d)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        got.sort();
        got
    };
    assert_eq!(
        context("db/migrations/002_b.sql", FileKind::Sql),
        ["db/changelog.xml", "db/migrations/001_a.sql", "top.sql"]
    );
    // A SQL file whose name does not order it is a unit of its own.
    assert!(context("compose/schema.sql", FileKind::Sql).is_empty());
    assert_eq!(
        context(
            "diesel/migrations/2024-01-02-000000_b/up.sql",
            FileKind::Sql
        ),
        ["diesel/migrations/2024-01-01-000000_a/up.sql"]
    );
    assert!(context("infra/main.tf", FileKind::Terraform).is_empty());
    assert!(context("compose/docker-compose.yml", FileKind::Yaml).is_empty());
    // A file at the top reads its siblings only, not the tree below.
    assert!(context("top.sql", FileKind::Sql).is_empty());
}
