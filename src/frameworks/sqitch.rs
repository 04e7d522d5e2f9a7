//! sqitch: a project folder with `sqitch.plan` (the order of changes) and `deploy/<change>.sql`,
//! `revert/<change>.sql`, `verify/<change>.sql`. sqitch adds no transaction of its own: its
//! script templates hold their own `BEGIN; ... COMMIT;`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqitchScript {
    Deploy,
    Revert,
    Verify,
}

/// The project folder (holding `sqitch.plan`) of a script, and the script's kind and change name.
fn locate(path: &Path) -> Option<(PathBuf, SqitchScript, String)> {
    let mut dir = path.parent()?;
    let mut rel: Vec<String> = vec![path.file_stem()?.to_string_lossy().into_owned()];
    for _ in 0..6 {
        let name = dir.file_name()?.to_str()?;
        let kind = match name {
            "deploy" => Some(SqitchScript::Deploy),
            "revert" => Some(SqitchScript::Revert),
            "verify" => Some(SqitchScript::Verify),
            _ => None,
        };
        if let Some(kind) = kind {
            let project = dir.parent()?;
            if project.join("sqitch.plan").is_file() {
                rel.reverse();
                return Some((project.to_path_buf(), kind, rel.join("/")));
            }
        }
        rel.push(name.to_string());
        dir = dir.parent()?;
    }
    None
}

pub fn script_kind(path: &Path) -> Option<SqitchScript> {
    locate(path).map(|(_, k, _)| k)
}

pub fn project_dir(path: &Path) -> Option<PathBuf> {
    locate(path).map(|(p, _, _)| p)
}

/// The change names of a plan, in order (a reworked change keeps its first position).
pub fn plan_changes(plan: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in plan.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('%') || l.starts_with('#') || l.starts_with('@') {
            continue;
        }
        let Some(name) = l.split_whitespace().next() else {
            continue;
        };
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    let plan = std::fs::read_to_string(set.dir.join("sqitch.plan")).unwrap_or_default();
    let order = plan_changes(&plan);
    let mut scripts: HashMap<String, (Option<usize>, Option<usize>)> = HashMap::new();
    for &i in &set.files {
        let Some((_, kind, change)) = locate(files[i].path) else {
            continue;
        };
        if !order.contains(&change) {
            set.misnamed.push(Misnamed {
                file: i,
                expected: format!("a change listed in sqitch.plan (`{change}` is not)"),
            });
            continue;
        }
        let e = scripts.entry(change).or_default();
        match kind {
            SqitchScript::Deploy => e.0 = Some(i),
            SqitchScript::Revert => e.1 = Some(i),
            SqitchScript::Verify => {}
        }
    }
    for (n, change) in order.iter().enumerate() {
        let Some((Some(up), down)) = scripts.get(change) else {
            continue;
        };
        set.migrations.push(Migration {
            id: change.clone(),
            version: super::Version::parse(&(n + 1).to_string()),
            kind: MigrationKind::Versioned,
            file: *up,
            anchor: Span::at(0),
            up: Some(ScriptRef {
                file: *up,
                script: 0,
            }),
            down: down.map(|d| ScriptRef { file: d, script: 0 }),
            transaction: false,
            conditional: false,
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan() {
        let p = "%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z A <a@b> # add users\nposts [users] 2024-01-02T00:00:00Z A <a@b>\n@v1.0 2024-01-03T00:00:00Z A <a@b>\n";
        assert_eq!(super::plan_changes(p), vec!["users", "posts"]);
    }
}
