//! golang-migrate: `<version>_<title>.up.<ext>` / `<version>_<title>.down.<ext>`, paired by
//! version. popx (ory) adds a dialect part: `<version>_<name>.<dialect>.up.sql`, next to
//! dialect-neutral files; each dialect is its own track, and the neutral files belong to all.
//! golang-migrate runs a file as it is: no implicit transaction.

use std::collections::BTreeMap;

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef, Version};
use crate::source::Span;

#[derive(Debug, PartialEq, Eq)]
pub struct GmName {
    pub version: Version,
    pub title: String,
    pub dialect: Option<String>,
    pub up: bool,
}

const DIALECTS: [&str; 7] = [
    "postgres",
    "mysql",
    "sqlite3",
    "sqlite",
    "cockroach",
    "mssql",
    "spanner",
];

/// Whether a dot part of a file name is a popx dialect (`postgres`, `mysql`, `sqlite3`…).
pub fn is_dialect_part(part: &str) -> bool {
    DIALECTS.contains(&part.to_ascii_lowercase().as_str())
}

pub fn parse_name(name: &str) -> Option<GmName> {
    let (version, rest) = super::leading_version(name)?;
    // `<title>.up.sql`: the direction is the second-to-last dot part.
    let mut parts: Vec<&str> = rest.split('.').collect();
    if parts.len() < 3 {
        return None;
    }
    let _ext = parts.pop()?;
    let up = match parts.pop()?.to_ascii_lowercase().as_str() {
        "up" => true,
        "down" => false,
        _ => return None,
    };
    // popx: `.autocommit` runs the file outside a transaction.
    if parts.len() > 1
        && parts
            .last()
            .is_some_and(|p| p.eq_ignore_ascii_case("autocommit"))
    {
        parts.pop();
    }
    let dialect = match parts.last() {
        Some(d) if parts.len() > 1 && DIALECTS.contains(&d.to_ascii_lowercase().as_str()) => {
            Some(parts.pop()?.to_ascii_lowercase())
        }
        _ => None,
    };
    Some(GmName {
        version,
        title: parts.join("."),
        dialect,
        up,
    })
}

/// (up, down, file of the up) per version and dialect.
type Pair = (Option<ScriptRef>, Option<ScriptRef>, usize);

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    // (version, dialect) -> (up, down, file)
    let mut by_key: BTreeMap<(Version, Option<String>), Pair> = BTreeMap::new();
    for &i in &set.files {
        let f = &files[i];
        let Some(n) = parse_name(f.name()) else {
            set.misnamed.push(Misnamed {
                file: i,
                expected: "<version>_<title>.up.sql and <version>_<title>.down.sql".into(),
            });
            continue;
        };
        let script = ScriptRef { file: i, script: 0 };
        let version_text = n.version.text.clone();
        let e = by_key
            .entry((n.version, n.dialect))
            .or_insert((None, None, i));
        let slot = if n.up { e.0 } else { e.1 };
        if let Some(other) = slot {
            set.duplicates.push((i, other.file, version_text));
            continue;
        }
        if n.up {
            e.0 = Some(script);
            e.2 = i;
        } else {
            e.1 = Some(script);
        }
    }
    for ((version, dialect), (up, down, file)) in by_key {
        let id = match &dialect {
            Some(d) => format!("{version} ({d})"),
            None => version.text.clone(),
        };
        set.migrations.push(Migration {
            id,
            version: Some(version),
            kind: MigrationKind::Versioned,
            file,
            anchor: Span::at(0),
            up,
            down,
            transaction: false,
            conditional: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = parse_name("001_init.up.sql").unwrap();
        assert!(n.up && n.dialect.is_none());
        assert_eq!(n.title, "init");
        let n = parse_name("20201110175414000000_relationtuple.cockroach.down.sql").unwrap();
        assert_eq!(n.dialect.as_deref(), Some("cockroach"));
        assert!(!n.up);
        assert!(parse_name("001_init.sql").is_none());
        assert!(parse_name("up.sql").is_none());
    }
}
