//! Alembic: revision files (parsed with a real Python parser) chained by `revision` /
//! `down_revision` (a tuple for merges, shared parents for branches). Applied in topological
//! order; `upgrade()` is the up, `downgrade()` the down. On PostgreSQL Alembic runs migrations in
//! a transaction (transactional DDL).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef};
use crate::parse::script::FileInfo;

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    // revision id -> file
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut parents: HashMap<usize, Vec<String>> = HashMap::new();
    for &i in &set.files {
        let FileInfo::Revision(info) = &files[i].model.info else {
            continue;
        };
        let Some(rev) = &info.revision else {
            set.misnamed.push(Misnamed {
                file: i,
                expected: "a revision file that assigns `revision = \"...\"`".into(),
            });
            continue;
        };
        by_id.entry(rev.clone()).or_insert(i);
        parents.insert(i, info.down_revisions.clone());
    }
    // Kahn's algorithm, smallest display path first among the ready ones: deterministic.
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut waiting: HashMap<usize, usize> = HashMap::new();
    for (&i, ps) in &parents {
        let known: Vec<&String> = ps.iter().filter(|p| by_id.contains_key(*p)).collect();
        waiting.insert(i, known.len());
        for p in known {
            children.entry(p.as_str()).or_default().push(i);
        }
    }
    let key = |i: usize| (files[i].display.to_string(), i);
    let mut ready: BTreeSet<(String, usize)> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(i, _)| key(*i))
        .collect();
    let mut order = Vec::new();
    while let Some(first) = ready.iter().next().cloned() {
        ready.remove(&first);
        let i = first.1;
        order.push(i);
        let FileInfo::Revision(info) = &files[i].model.info else {
            continue;
        };
        let Some(rev) = &info.revision else { continue };
        for &c in children.get(rev.as_str()).into_iter().flatten() {
            let n = waiting.get_mut(&c).expect("every child waits");
            *n -= 1;
            if *n == 0 {
                ready.insert(key(c));
            }
        }
    }
    // A cycle leaves files out: append them so they are still linted.
    let mut rest: Vec<usize> = parents
        .keys()
        .copied()
        .filter(|i| !order.contains(i))
        .collect();
    rest.sort_by_key(|i| key(*i));
    order.extend(rest);
    let revised: BTreeSet<&str> = parents.values().flatten().map(String::as_str).collect();
    for i in order {
        let FileInfo::Revision(info) = &files[i].model.info else {
            continue;
        };
        let rev = info.revision.clone().unwrap_or_default();
        if !revised.contains(rev.as_str()) {
            set.heads.push(i);
        }
        set.migrations.push(Migration {
            id: rev,
            version: None,
            kind: MigrationKind::Versioned,
            file: i,
            anchor: info.span,
            up: info.upgrade.map(|s| ScriptRef { file: i, script: s }),
            down: info.downgrade.map(|s| ScriptRef { file: i, script: s }),
            transaction: true,
            conditional: false,
        });
    }
}
