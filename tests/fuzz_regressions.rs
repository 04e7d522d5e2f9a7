//! Replays the inputs that once broke a fuzz target (`fixtures/fuzz-regressions/<target>/`)
//! through the same code as the target, so a fixed crash stays fixed without running a fuzzer.

use std::path::Path;

#[allow(dead_code)]
mod support {
    include!("../fuzz/support.rs");
}

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz-regressions")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn sql_regressions_lint_and_render_without_panicking() {
    for (name, bytes) in inputs("sql") {
        eprintln!("replaying sql/{name}");
        support::lint_sql_bytes(&bytes);
    }
}

/// The fuzz target itself reads inputs like these: one made of each fixture of the project
/// (with every file-name pick) goes through the same path, as a cheap sanity check of it.
#[test]
fn the_fuzz_harness_accepts_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tool/parse-error");
    for e in std::fs::read_dir(root).unwrap().filter_map(Result::ok) {
        let text = std::fs::read(e.path()).unwrap();
        for pick in 0..support::NAMES.len() as u8 {
            let mut data = vec![pick];
            data.extend_from_slice(&text);
            support::lint_sql_bytes(&data);
        }
    }
}
