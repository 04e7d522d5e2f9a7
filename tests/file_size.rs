//! `file-too-large` (LN003) end to end: the `--max-file-size` flag and the config key decide
//! which files are skipped, a skipped file is reported once at its start, and nothing in it is
//! linted. (The fixture folder `fixtures/tool/file-too-large/` covers the config key with a
//! small limit; this covers the flag and the default.)

use std::process::Command;

fn run(args: &[&str], dir: &std::path::Path) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
        .arg("check")
        .args(["--isolated", "--extend-select", "ALL", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

fn codes(json: &serde_json::Value) -> Vec<(String, u64)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_file_over_the_limit_is_reported_and_not_linted() {
    let dir = tempfile::tempdir().unwrap();
    // 200 bytes of SQL whose DROP TABLE would be an error if the file were linted.
    let mut sql = String::from("DROP TABLE users;\n");
    while sql.len() < 200 {
        sql.push_str("-- padding padding padding\n");
    }
    std::fs::write(dir.path().join("big.sql"), &sql).unwrap();

    let (status, json) = run(&["--max-file-size", "100", "big.sql"], dir.path());
    assert_eq!(codes(&json), vec![("LN003".to_string(), 1)]);
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("100 bytes"), "{message}");
    // LN003 is info: it does not fail the run at the default threshold.
    assert_eq!(status, 0);

    // Under the limit (and with the default limit) the same file is linted.
    let (status, json) = run(&["--max-file-size", "1KiB", "big.sql"], dir.path());
    assert!(codes(&json).iter().any(|(c, _)| c == "BC002"), "{json}");
    assert!(!codes(&json).iter().any(|(c, _)| c == "LN003"));
    assert_eq!(status, 1);
    let (_, json) = run(&["big.sql"], dir.path());
    assert!(!codes(&json).iter().any(|(c, _)| c == "LN003"));
}

#[test]
fn the_notice_can_be_turned_off_like_any_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.sql"), "SELECT 1;\n".repeat(50)).unwrap();
    let (status, json) = run(
        &["--max-file-size", "100", "--ignore", "LN003", "big.sql"],
        dir.path(),
    );
    assert!(codes(&json).is_empty(), "{json}");
    assert_eq!(status, 0);
}
