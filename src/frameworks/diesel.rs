//! diesel: `migrations/<version>_<name>/up.sql` and `down.sql` (version: digits and dashes, e.g.
//! `2019-01-01-120000` or `20190101120000`). diesel runs each migration in a transaction unless
//! its `metadata.toml` says `run_in_transaction = false`.

use std::collections::BTreeMap;

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef, Version};
use crate::source::Span;

/// The version of a `<version>_<name>` migration folder.
pub fn version_of_dir(dir: &str) -> Option<Version> {
    let end = dir.find('_').unwrap_or(dir.len());
    let v = &dir[..end];
    if v.len() < 8 || !v.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let mut version = Version::parse(&digits)?;
    version.text = v.to_string();
    Some(version)
}

fn runs_in_transaction(dir: &std::path::Path) -> bool {
    match std::fs::read_to_string(dir.join("metadata.toml")) {
        Ok(text) => !text.lines().any(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l.starts_with("run_in_transaction=false")
        }),
        Err(_) => true,
    }
}

/// (up, down, file of the up, runs in a transaction) per migration folder.
type Pair = (Option<ScriptRef>, Option<ScriptRef>, usize, bool);

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    let mut by_dir: BTreeMap<(Version, String), Pair> = BTreeMap::new();
    for &i in &set.files {
        let f = &files[i];
        let dir = f.parent_name();
        let lower = f.name().to_ascii_lowercase();
        let (Some(version), true) = (
            version_of_dir(dir),
            lower == "up.sql" || lower == "down.sql",
        ) else {
            set.misnamed.push(Misnamed {
                file: i,
                expected: "<version>_<name>/up.sql and <version>_<name>/down.sql".into(),
            });
            continue;
        };
        let tx = f.path.parent().map(runs_in_transaction).unwrap_or(true);
        let e = by_dir
            .entry((version, dir.to_string()))
            .or_insert((None, None, i, tx));
        let s = Some(ScriptRef { file: i, script: 0 });
        if lower == "up.sql" {
            e.0 = s;
            e.2 = i;
        } else {
            e.1 = s;
        }
    }
    // Two folders with one version.
    let mut seen: std::collections::HashMap<Version, usize> = std::collections::HashMap::new();
    for ((version, _), (_, _, file, _)) in &by_dir {
        if let Some(other) = seen.insert(version.clone(), *file) {
            set.duplicates.push((*file, other, version.text.clone()));
        }
    }
    for ((version, dir), (up, down, file, tx)) in by_dir {
        set.migrations.push(Migration {
            id: dir,
            version: Some(version),
            kind: MigrationKind::Versioned,
            file,
            anchor: Span::at(0),
            up,
            down,
            transaction: tx,
            conditional: false,
        });
    }
}
