//! Replays the inputs that once broke a fuzz target (`fixtures/fuzz-regressions/<target>/`)
//! through the same code as the target, so a fixed crash stays fixed without running a fuzzer.

use std::path::Path;

#[allow(dead_code)]
mod support {
    include!("../fuzz/support.rs");
}

/// A fuzz target's entry point: the raw fuzzer input.
type Target = fn(&[u8]);

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz-regressions")
        .join(target);
    // A target without a folder has never crashed.
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
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

#[test]
fn hcl_yaml_xml_python_regressions_lint_and_render_without_panicking() {
    let targets: [(&str, Target); 4] = [
        ("hcl", support::lint_hcl_bytes),
        ("yaml", support::lint_yaml_bytes),
        ("xml", support::lint_xml_bytes),
        ("python", support::lint_python_bytes),
    ];
    for (target, run) in targets {
        for (name, bytes) in inputs(target) {
            eprintln!("replaying {target}/{name}");
            run(&bytes);
        }
    }
}

/// Every fixture of an input kind goes through its fuzz target's path with every file-name
/// pick: the seeds `scripts/fuzz.sh` starts from are known to pass.
#[test]
fn the_other_fuzz_harnesses_accept_the_fixtures() {
    let targets: [(&[&str], usize, Target); 4] = [
        (
            &["tf", "tfvars"],
            support::HCL_NAMES.len(),
            support::lint_hcl_bytes,
        ),
        (
            &["yml", "yaml"],
            support::YAML_NAMES.len(),
            support::lint_yaml_bytes,
        ),
        (&["xml"], support::XML_NAMES.len(), support::lint_xml_bytes),
        (
            &["py"],
            support::PYTHON_NAMES.len(),
            support::lint_python_bytes,
        ),
    ];
    let mut files = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for (exts, names, run) in targets {
        let mut seen = 0;
        for f in files.iter().filter(|f| {
            f.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        }) {
            let text = std::fs::read(f).unwrap();
            for pick in 0..names as u8 {
                let mut data = vec![pick];
                data.extend_from_slice(&text);
                run(&data);
            }
            seen += 1;
        }
        assert!(seen > 0, "no fixture with extension {exts:?}");
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
