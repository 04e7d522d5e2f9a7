//! The fixture harness: every case under `fixtures/<category>/<rule-name>/` is linted with only
//! the rule under test, and the (file, line, code) findings must equal the annotations.
//!
//! Annotations: a trailing comment `expect: CODE` marks a line where a finding of that rule
//! starts; `expect-file: CODE` marks a finding anywhere in the file. Files that cannot hold
//! comments (binary, broken encodings) take their annotations from a sidecar `<name>.expect`
//! with lines `LINE: CODE` or `file: CODE`. Pass cases say `should not generate diagnostics`.
//! A rule folder may hold a `schemaguard.toml` with settings its cases need (read like a user's
//! config; the rule selection still wins), and a case folder holding `baseline.json` is linted
//! with that baseline. All mismatches are listed at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schemaguard::assemble::{BaseLookup, BaseStatus};
use schemaguard::config;
use schemaguard::discover::{self, Candidate};
use schemaguard::lint;
use schemaguard::registry::{Category, builtin_rules};
use schemaguard::settings::{Overrides, Settings};

mod common;
use common::repo;

type Finding = (String, usize, String);

/// The fixture cases of one rule folder: files or folders named `fail*` / `pass*`.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        (name.starts_with("fail") || name.starts_with("pass")) && !name.ends_with(".expect")
    });
    out.sort();
    out
}

fn files_of(case: &Path) -> Vec<PathBuf> {
    if case.is_dir() {
        let mut v: Vec<PathBuf> = walk(case);
        v.sort();
        v
    } else {
        vec![case.to_path_buf()]
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == ".base") {
            // What the files were on the diff base (see `FolderBase`).
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else if !p.to_string_lossy().ends_with(".expect") {
            out.push(p);
        }
    }
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads the expected findings of a file from its annotations (or sidecar).
fn expectations(path: &Path, code: &str) -> (BTreeSet<Finding>, BTreeSet<String>) {
    let mut lines = BTreeSet::new();
    let mut file_level = BTreeSet::new();
    let sidecar = PathBuf::from(format!("{}.expect", path.display()));
    let text = if sidecar.exists() {
        std::fs::read_to_string(&sidecar).unwrap()
    } else {
        String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
    };
    let sidecar_mode = sidecar.exists();
    for (i, line) in text.lines().enumerate() {
        if sidecar_mode {
            if let Some((at, codes)) = line.split_once(':') {
                for c in codes.split(',').map(str::trim).filter(|c| *c == code) {
                    if at.trim() == "file" {
                        file_level.insert(c.to_string());
                    } else if let Ok(n) = at.trim().parse::<usize>() {
                        lines.insert((rel(path), n, c.to_string()));
                    }
                }
            }
            continue;
        }
        for (marker, file) in [("expect-file:", true), ("expect:", false)] {
            let Some(pos) = line.find(marker) else {
                continue;
            };
            // `expect:` must not match inside `expect-file:`.
            if !file && line[..pos].ends_with("expect-") {
                continue;
            }
            let rest = &line[pos + marker.len()..];
            let rest = rest.split("-->").next().unwrap_or(rest);
            for c in rest
                .split([',', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                if c == code {
                    if file {
                        file_level.insert(c.to_string());
                    } else {
                        lines.insert((rel(path), i + 1, c.to_string()));
                    }
                }
            }
            break;
        }
    }
    (lines, file_level)
}

/// The settings a rule folder's cases run with. A folder may hold a `schemaguard.toml` for
/// settings its cases need (a small `max-file-size`, a PostgreSQL version): it is read like a
/// user's config file, and the rule selection below still wins over its `select`.
fn settings_for(dir: &Path, category: Category, code: &str) -> Settings {
    // Tool rules report on other rules' findings (unused suppressions...): run everything and
    // compare only the rule under test.
    let select = if category == Category::Tool {
        "ALL".to_string()
    } else {
        code.to_string()
    };
    let config_path = dir.join("schemaguard.toml");
    let config = config_path
        .exists()
        .then(|| config::load(&config_path).unwrap_or_else(|e| panic!("{e}")));
    let mut settings = Settings::resolve(
        config.as_ref(),
        &Overrides {
            select: Some(vec![select]),
            ..Default::default()
        },
    )
    .unwrap();
    // Each rule's folder is the project its cases are linted in (file roles read below it).
    settings.roots = vec![dir.to_path_buf()];
    settings
}

/// A folder case's `.base/` subfolder stands for the diff base: the files as they were on it
/// (same relative paths). A file of the case absent from `.base/` was added; one that differs
/// was modified.
struct FolderBase {
    case: PathBuf,
}

impl FolderBase {
    fn at_base(&self, path: &Path) -> Option<PathBuf> {
        let rel = path.strip_prefix(&self.case).ok()?;
        Some(self.case.join(".base").join(rel))
    }
}

impl BaseLookup for FolderBase {
    fn status(&self, path: &Path) -> BaseStatus {
        match self.at_base(path).and_then(|p| std::fs::read(p).ok()) {
            None => BaseStatus::Added,
            Some(old) if std::fs::read(path).ok().as_deref() == Some(&old[..]) => {
                BaseStatus::Unchanged
            }
            Some(_) => BaseStatus::Modified,
        }
    }

    fn files_at_base(&self, _dir: &Path) -> Vec<PathBuf> {
        walk(&self.case.join(".base"))
    }

    fn text_at_base(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(self.at_base(path)?).ok()
    }
}

#[test]
fn every_fixture_case_matches_its_annotations() {
    let mut failures = Vec::new();
    let mut cases_run = 0;
    for rule in builtin_rules() {
        let m = rule.meta();
        let dir = repo().join("fixtures").join(m.category.name()).join(m.name);
        let settings = settings_for(&dir, m.category, m.code);
        for case in cases(&dir) {
            cases_run += 1;
            let is_pass = case
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("pass");
            let mut expected: BTreeSet<Finding> = BTreeSet::new();
            let mut expected_file: BTreeSet<(String, String)> = BTreeSet::new();
            let mut actual: BTreeSet<Finding> = BTreeSet::new();
            let mut actual_file: BTreeSet<(String, String)> = BTreeSet::new();
            let files = files_of(&case);
            let mut cands = Vec::new();
            for file in &files {
                if is_pass && !case.is_dir() {
                    let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
                    if !text.contains("should not generate diagnostics") {
                        failures.push(format!(
                            "{}: a pass case must say `should not generate diagnostics`",
                            rel(file)
                        ));
                    }
                }
                let (lines, file_level) = expectations(file, m.code);
                expected.extend(lines);
                expected_file.extend(file_level.into_iter().map(|c| (rel(file), c)));
                let Some(kind) = discover::classify(file).map(|k| discover::refine(file, k)) else {
                    continue;
                };
                cands.push(Candidate {
                    display: rel(file),
                    path: file.clone(),
                    kind,
                });
            }
            // A folder case is one run: its files form migration sets together.
            let base = case
                .join(".base")
                .is_dir()
                .then(|| FolderBase { case: case.clone() });
            // A file case stands alone (a Terraform file is a module by itself).
            let mut reports = if case.is_dir() {
                let request = lint::Request {
                    base: base.as_ref().map(|b| b as &dyn BaseLookup),
                    ..lint::Request::paths(&cands)
                };
                lint::lint(request, &settings)
            } else {
                cands
                    .iter()
                    .flat_map(|c| {
                        lint::lint(
                            lint::Request::alone(lint::Input::Path(c.clone())),
                            &settings,
                        )
                    })
                    .collect()
            };
            // A case folder holding `baseline.json` runs with that baseline (`--baseline`):
            // recorded findings are suppressed, stale entries are reported on the baseline.
            let baseline = case.join("baseline.json");
            if case.is_dir() && baseline.is_file() {
                let loaded = schemaguard::baseline::load(&baseline).unwrap();
                let stale = schemaguard::baseline::apply(&loaded, &mut reports, &settings);
                reports.retain(|r| r.source.path != baseline);
                reports.extend(stale);
            }
            for report in &reports {
                let file = rel(&report.source.path);
                for d in report.active().filter(|d| d.rule.code == m.code) {
                    let line = report.source.line_col(d.span.start).line;
                    actual.insert((file.clone(), line, d.rule.code.to_string()));
                    actual_file.insert((file.clone(), d.rule.code.to_string()));
                }
            }
            if is_pass && !expected.is_empty() {
                failures.push(format!(
                    "{}: a pass case has expect annotations",
                    rel(&case)
                ));
            }
            if !is_pass && expected.is_empty() && expected_file.is_empty() {
                failures.push(format!(
                    "{}: a fail case has no `expect: {}` annotation",
                    rel(&case),
                    m.code
                ));
            }
            // File-level expectations match any finding in the file.
            let actual_lines: BTreeSet<Finding> = actual
                .iter()
                .filter(|(f, _, c)| !expected_file.contains(&(f.clone(), c.clone())))
                .cloned()
                .collect();
            for missing in expected.difference(&actual_lines) {
                failures.push(format!(
                    "{}:{}: expected {} but it was not reported",
                    missing.0, missing.1, missing.2
                ));
            }
            for extra in actual_lines.difference(&expected) {
                failures.push(format!(
                    "{}:{}: {} was reported but not expected",
                    extra.0, extra.1, extra.2
                ));
            }
            for (f, c) in expected_file.difference(&actual_file) {
                failures.push(format!(
                    "{f}: expected a file-level {c} but none was reported"
                ));
            }
        }
    }
    assert!(cases_run > 0, "no fixture cases found");
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_fail_and_pass_fixtures_and_no_folder_is_orphaned() {
    let mut problems = Vec::new();
    let mut known = BTreeSet::new();
    for rule in builtin_rules() {
        let m = rule.meta();
        let dir = repo().join("fixtures").join(m.category.name()).join(m.name);
        known.insert(dir.clone());
        let cs = cases(&dir);
        let has = |prefix: &str| {
            cs.iter()
                .any(|c| c.file_name().unwrap().to_string_lossy().starts_with(prefix))
        };
        if !has("fail") {
            problems.push(format!(
                "{} {}: no fail case in {}",
                m.code,
                m.name,
                rel(&dir)
            ));
        }
        if !has("pass") {
            problems.push(format!(
                "{} {}: no pass case in {}",
                m.code,
                m.name,
                rel(&dir)
            ));
        }
    }
    for cat in Category::ALL {
        let dir = repo().join("fixtures").join(cat.name());
        for e in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            if e.path().is_dir() && !known.contains(&e.path()) {
                problems.push(format!(
                    "{}: no rule is named after this fixture folder",
                    rel(&e.path())
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
