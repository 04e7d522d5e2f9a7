//! Rule docs: every rule documents What it does / Why is this bad? / Example / Use instead; its
//! Example fires and its Use instead stays silent; docs/rules/ and the README's rule table are
//! current (regenerate with `UPDATE_DOCS=1 cargo test --test docs`).

use std::path::Path;

use schemaguard::discover;
use schemaguard::lint;
use schemaguard::registry::{Category, builtin_rules, section};
use schemaguard::settings::{Overrides, Settings};
use schemaguard::source::SourceFile;
use schemaguard::sql::Dialect;

mod common;
use common::repo;

const SECTIONS: [&str; 4] = ["What it does", "Why is this bad?", "Example", "Use instead"];

/// Fenced code blocks of a Markdown section: (info string, body).
fn code_blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.trim_start().starts_with("```"))
                .collect();
            out.push((info.trim().to_string(), body.join("\n") + "\n"));
        }
    }
    out
}

/// The file name an example is linted as, from its fence info (`sql`, `yaml file=docker-compose.yml`).
fn example_file(info: &str) -> Option<String> {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("");
    if let Some(file) = words.find_map(|w| w.strip_prefix("file=")) {
        return Some(file.to_string());
    }
    Some(
        match lang {
            "sql" => "example.sql",
            "hcl" | "terraform" | "tf" => "main.tf",
            "yaml" | "yml" => "config.yaml",
            "xml" => "changelog.xml",
            "json" => "plan.json",
            "python" | "py" => "versions/0001_example.py",
            _ => return None,
        }
        .to_string(),
    )
}

fn findings(code: &str, category: Category, file: &str, body: &str) -> usize {
    findings_in(code, category, &[(file.to_string(), body.to_string())])
}

/// Lints several example files as one run (a migration folder), counting the rule's findings.
fn findings_in(code: &str, category: Category, files: &[(String, String)]) -> usize {
    let dialect = files
        .iter()
        .flat_map(|(_, b)| b.lines())
        .find_map(|l| l.trim().strip_prefix("-- dialect:"))
        .map(|d| d.trim().parse::<Dialect>().unwrap());
    let select = if category == Category::Tool {
        "ALL"
    } else {
        code
    };
    // `-- forbid-suppressions: SD` runs the example with that option (LN009's docs).
    let forbid: Vec<String> = files
        .iter()
        .flat_map(|(_, b)| b.lines())
        .filter_map(|l| l.trim().strip_prefix("-- forbid-suppressions:"))
        .flat_map(|v| v.split(',').map(|s| s.trim().to_string()))
        .collect();
    let overrides = Overrides {
        select: Some(vec![select.to_string()]),
        dialect: Some(dialect.unwrap_or(Dialect::Postgres)),
        forbid_suppressions: forbid,
        ..Default::default()
    };
    let settings = Settings::resolve(None, &overrides).unwrap();
    let sources = files
        .iter()
        .map(|(file, body)| {
            let kind = discover::classify(Path::new(file)).expect("a known example kind");
            (SourceFile::from_text(file, body), kind)
        })
        .collect();
    lint::lint(lint::Request::texts(sources), &settings)
        .iter()
        .map(|r| r.active().filter(|d| d.rule.code == code).count())
        .sum()
}

#[test]
fn docs_have_every_section_and_examples_behave() {
    let mut problems = Vec::new();
    for rule in builtin_rules() {
        let m = rule.meta();
        let docs = m.docs();
        for s in SECTIONS {
            if section(&docs, s).is_none_or(|b| b.trim().is_empty()) {
                problems.push(format!(
                    "{} {}: missing or empty section `## {s}`",
                    m.code, m.name
                ));
            }
        }
        for (title, must_fire) in [("Example", true), ("Use instead", false)] {
            let body = section(&docs, title).unwrap_or_default();
            let blocks = code_blocks(&body);
            if blocks.is_empty() {
                problems.push(format!(
                    "{} {}: `## {title}` has no code block",
                    m.code, m.name
                ));
            }
            // Blocks naming their file (`sql file=migrations/001_x.up.sql`) are one migration
            // folder, linted together; the others are linted one by one.
            let (named, single): (Vec<_>, Vec<_>) = blocks
                .into_iter()
                .partition(|(info, _)| info.contains("file="));
            let mut runs: Vec<(String, usize)> = Vec::new();
            if !named.is_empty() {
                let files: Vec<(String, String)> = named
                    .iter()
                    .filter_map(|(info, code)| Some((example_file(info)?, code.clone())))
                    .collect();
                let shown = files
                    .iter()
                    .map(|(f, c)| format!("{f}:\n{c}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                runs.push((shown, findings_in(m.code, m.category, &files)));
            }
            for (info, code) in single {
                let Some(file) = example_file(&info) else {
                    continue;
                };
                runs.push((code.clone(), findings(m.code, m.category, &file, &code)));
            }
            for (code, n) in runs {
                if must_fire && n == 0 {
                    problems.push(format!(
                        "{} {}: the Example does not fire:\n{code}",
                        m.code, m.name
                    ));
                }
                if !must_fire && n > 0 {
                    problems.push(format!(
                        "{} {}: the Use instead example fires {n} time(s):\n{code}",
                        m.code, m.name
                    ));
                }
            }
        }
        if m.summary().is_empty() {
            problems.push(format!("{} {}: no summary sentence", m.code, m.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn generated_docs_are_current() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let dir = repo().join("docs/rules");
    let mut stale = Vec::new();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected_files = Vec::new();
    for rule in builtin_rules() {
        let m = rule.meta();
        let path = dir.join(format!("{}.md", m.code));
        expected_files.push(path.clone());
        let page = schemaguard::cli::rule_page(m);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            if update {
                std::fs::write(&path, &page).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    for e in std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        if !expected_files.contains(&e.path()) {
            if update {
                std::fs::remove_file(e.path()).unwrap();
            } else {
                stale.push(format!("{} (no such rule)", e.path().display()));
            }
        }
    }
    // The README's rule table, between markers.
    let readme_path = repo().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let b = readme.find(end).expect("README has <!-- rules:end -->");
    let table = schemaguard::cli::rule_table();
    if readme[a..b] != table {
        if update {
            let new = format!("{}{}{}", &readme[..a], table, &readme[b..]);
            std::fs::write(&readme_path, new).unwrap();
        } else {
            stale.push("README.md rule table".into());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run `UPDATE_DOCS=1 cargo test --test docs`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_readme_pins_what_exists_and_serves_every_neovim() {
    // There is no release yet: examples pin a commit (40 hex digits), or a tag that exists.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let tags = std::process::Command::new("git")
        .args(["tag", "--list"])
        .current_dir(repo())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut pins = Vec::new();
    for line in readme.lines() {
        let line = line.trim();
        if let Some(at) = line.find("schemaguard/schemaguard@") {
            pins.push(line[at + "schemaguard/schemaguard@".len()..].to_string());
        } else if let Some(rev) = line.strip_prefix("rev: ") {
            pins.push(rev.to_string());
        }
    }
    assert!(pins.len() >= 3, "the README's pins: {pins:?}");
    for pin in pins {
        let pin = pin.split_whitespace().next().unwrap_or("");
        let commit = pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit());
        assert!(
            commit || tags.lines().any(|t| t == pin),
            "the README pins `{pin}`, which is neither a commit nor an existing tag"
        );
    }
    // Neovim before 0.11 has no vim.lsp.config.
    assert!(readme.contains("vim.lsp.config(") && readme.contains("vim.lsp.start("));
}
