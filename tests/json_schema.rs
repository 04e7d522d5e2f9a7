//! The JSON output and the baseline file are documented by JSON Schemas in schema/; real outputs
//! (several fixture sets, with suppressions of every kind, fixes, labels, parse errors and
//! stale baseline entries) must validate against them.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::repo;

fn validator(name: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let path = repo().join("schema").join(name);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let loc = format!("file:///schema/{name}");
    compiler.add_resource(&loc, schema).unwrap();
    let index = compiler
        .compile(&loc, &mut schemas)
        .unwrap_or_else(|e| panic!("{name} is not a valid JSON Schema: {e:#}"));
    (schemas, index)
}

fn check_json(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_schemaguard"));
    cmd.current_dir(cwd)
        .args(["check", "--format", "json"])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_valid(schemas: &boon::Schemas, index: boon::SchemaIndex, what: &str, doc: &Value) {
    if let Err(e) = schemas.validate(doc, index) {
        panic!("{what} does not match its schema:\n{e:#}");
    }
}

#[test]
fn json_outputs_match_the_schema() {
    let (schemas, index) = validator("json-output.schema.json");
    let data = repo().join("tests/data/cli");
    let mut runs = vec![
        ("tests/data/cli", check_json(&data, &["migrations"], None)),
        (
            "every rule fixture",
            check_json(
                &repo(),
                &["--isolated", "--extend-select", "ALL", "fixtures"],
                None,
            ),
        ),
        (
            "standard input",
            check_json(
                &data,
                &["--stdin-filename", "migrations/V9.sql"],
                Some(
                    "-- schemaguard: ignore-file[BC] a legacy file\nCREATE INDEX i ON users (email);\nALTER TABLE users DROP COLUMN email;\n",
                ),
            ),
        ),
    ];
    // A baseline run: suppressions of kind `baseline`, and a stale entry (LN007).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "ALTER TABLE users DROP COLUMN email;\nDROP TABLE sessions;\n",
    )
    .unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
        .current_dir(dir.path())
        .args([
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--write-baseline",
            "baseline.json",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::write(dir.path().join("a.sql"), "DROP TABLE sessions;\n").unwrap();
    runs.push((
        "a baseline run",
        check_json(
            dir.path(),
            &[
                "--isolated",
                "--extend-select",
                "ALL",
                "--baseline",
                "baseline.json",
            ],
            None,
        ),
    ));

    let mut seen_fix = false;
    let mut seen_labels = false;
    let mut kinds = std::collections::BTreeSet::new();
    for (what, doc) in &runs {
        assert_valid(&schemas, index, what, doc);
        for d in doc["diagnostics"].as_array().unwrap() {
            seen_fix |= !d["fix"].is_null();
            seen_labels |= !d["labels"].as_array().unwrap().is_empty();
            if let Some(kind) = d["suppression"]["kind"].as_str() {
                kinds.insert(kind.to_string());
            }
        }
    }
    assert!(seen_fix && seen_labels, "the runs cover fixes and labels");
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["baseline", "file", "inline"],
        "the runs cover every suppression kind"
    );
    let stale = runs[3].1["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "LN007");
    assert!(stale, "the baseline run reports a stale entry");

    // The schema is strict: an undocumented field fails.
    let mut extra = runs[0].1.clone();
    extra["diagnostics"][0]["surprise"] = Value::Bool(true);
    assert!(schemas.validate(&extra, index).is_err());
}

#[test]
fn baseline_files_match_the_schema() {
    let (schemas, index) = validator("baseline.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
        .current_dir(repo())
        .args([
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "fixtures",
            "tests/data/cli",
            "--write-baseline",
        ])
        .arg(dir.path().join("b.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b.json")).unwrap()).unwrap();
    assert!(!doc["findings"].as_array().unwrap().is_empty());
    assert_valid(&schemas, index, "a written baseline", &doc);
}
