//! Liquibase: changelogs in XML, YAML, JSON or formatted SQL, tied together by `include` and
//! `includeAll`. Each root changelog (one nothing includes) and everything it reaches is a set;
//! its changeSets, in document order with includes expanded in place, are the migrations. A
//! changeSet's `<rollback>` is its down; Liquibase runs each changeSet in a transaction unless
//! `runInTransaction="false"`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{FileRef, Framework, Migration, MigrationKind, MigrationSet, ScriptRef};
use crate::discover::normalize_path;
use crate::parse::script::{ChangelogInfo, FileInfo};

fn info<'a>(f: &'a FileRef) -> Option<&'a ChangelogInfo> {
    match &f.model.info {
        FileInfo::Changelog(c) => Some(c),
        _ => None,
    }
}

/// The changelogs of a run, indexed for include resolution: normalised once, and looked up by
/// file name (an include) or folder name (an `includeAll`), so resolving the includes of a tree
/// of thousands of changelogs does not compare every include with every changelog.
struct ChangelogIndex {
    /// Per position in `lb`: the normalised path.
    norm: Vec<PathBuf>,
    /// Positions in `lb` by normalised path.
    by_path: HashMap<PathBuf, usize>,
    /// Positions in `lb` by file name.
    by_name: HashMap<OsString, Vec<usize>>,
    /// Positions in `lb` by the name of their folder.
    by_dir_name: HashMap<OsString, Vec<usize>>,
}

impl ChangelogIndex {
    fn new(files: &[FileRef], lb: &[usize]) -> Self {
        let norm: Vec<PathBuf> = lb.iter().map(|&i| normalize_path(files[i].path)).collect();
        let mut by_path = HashMap::new();
        let mut by_name: HashMap<OsString, Vec<usize>> = HashMap::new();
        let mut by_dir_name: HashMap<OsString, Vec<usize>> = HashMap::new();
        for (k, p) in norm.iter().enumerate() {
            by_path.entry(p.clone()).or_insert(k);
            if let Some(n) = p.file_name() {
                by_name.entry(n.to_os_string()).or_default().push(k);
            }
            if let Some(n) = p.parent().and_then(Path::file_name) {
                by_dir_name.entry(n.to_os_string()).or_default().push(k);
            }
        }
        ChangelogIndex {
            norm,
            by_path,
            by_name,
            by_dir_name,
        }
    }

    /// Positions that may match `direct` or `suffix`: a superset of the real matches, or `None`
    /// when the written path gives no name to look up by (then every changelog is a candidate).
    fn candidates(&self, direct: &Path, suffix: &Path, all: bool) -> Option<Vec<usize>> {
        let (d, s) = (direct.file_name()?, suffix.file_name()?);
        let map = if all {
            &self.by_dir_name
        } else {
            &self.by_name
        };
        let mut out: Vec<usize> = Vec::new();
        for name in [d, s] {
            out.extend(map.get(name).into_iter().flatten().copied());
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// The files an include names: relative to the including changelog when that file exists,
/// else any changelog whose path ends with the written path (a classpath-relative include).
fn resolve(
    files: &[FileRef],
    lb: &[usize],
    index: &ChangelogIndex,
    from: usize,
    path: &str,
    all: bool,
) -> Vec<usize> {
    let written = path
        .trim_start_matches("classpath:")
        .trim_start_matches('/');
    let written = written.trim_end_matches('/');
    let base = files[from].path.parent().unwrap_or(Path::new(""));
    let direct = normalize_path(&base.join(written));
    let suffix: PathBuf = Path::new(written).components().collect();
    // An exact relative hit wins over suffix matches.
    if !all
        && let Some(&k) = index.by_path.get(&direct)
        && lb[k] != from
    {
        return vec![lb[k]];
    }
    let candidates = index
        .candidates(&direct, &suffix, all)
        .unwrap_or_else(|| (0..lb.len()).collect());
    let mut out: Vec<usize> = Vec::new();
    for k in candidates {
        let p = &index.norm[k];
        let hit = if all {
            p.parent()
                .is_some_and(|d| d == direct || d.ends_with(&suffix))
        } else {
            !suffix.as_os_str().is_empty() && p.ends_with(&suffix)
        };
        if hit && lb[k] != from {
            out.push(lb[k]);
        }
    }
    out.sort_by(|a, b| files[*a].path.cmp(files[*b].path));
    if !all {
        out.truncate(1);
    }
    out
}

pub fn assemble(files: &[FileRef], lb: &[usize]) -> Vec<MigrationSet> {
    // Includes of each file, resolved.
    let mut included: HashSet<usize> = HashSet::new();
    let mut edges: Vec<Vec<(usize, Vec<usize>)>> = vec![Vec::new(); files.len()];
    let index = ChangelogIndex::new(files, lb);
    for &i in lb {
        let Some(ci) = info(&files[i]) else { continue };
        for inc in &ci.includes {
            let targets = resolve(files, lb, &index, i, &inc.path, inc.all);
            included.extend(targets.iter().copied());
            edges[i].push((inc.span.start, targets));
        }
    }
    let mut roots: Vec<usize> = lb
        .iter()
        .copied()
        .filter(|i| !included.contains(i))
        .collect();
    roots.sort_by(|a, b| files[*a].path.cmp(files[*b].path));
    // Files only reachable through a cycle still need a home.
    let mut visited: BTreeSet<usize> = BTreeSet::new();
    let mut sets = Vec::new();
    let mut pending: Vec<usize> = roots;
    let mut extra: Vec<usize> = lb.to_vec();
    extra.sort_by(|a, b| files[*a].path.cmp(files[*b].path));
    pending.extend(extra);
    for root in pending {
        if visited.contains(&root) {
            continue;
        }
        let mut set = MigrationSet {
            framework: Framework::Liquibase,
            root: files[root].display.to_string(),
            dir: files[root].path.to_path_buf(),
            files: Vec::new(),
            migrations: Vec::new(),
            misnamed: Vec::new(),
            heads: Vec::new(),
            duplicates: Vec::new(),
            forced: false,
        };
        walk(files, &edges, root, &mut visited, &mut set, 0);
        sets.push(set);
    }
    sets
}

fn walk(
    files: &[FileRef],
    edges: &[Vec<(usize, Vec<usize>)>],
    file: usize,
    visited: &mut BTreeSet<usize>,
    set: &mut MigrationSet,
    depth: usize,
) {
    if depth > 64 || !visited.insert(file) {
        return;
    }
    set.files.push(file);
    let Some(ci) = info(&files[file]) else { return };
    // Document order: changeSets and includes by position.
    // (position, changeSet index, included files)
    type Item<'a> = (usize, Option<usize>, Option<&'a Vec<usize>>);
    let mut items: Vec<Item> = ci
        .change_sets
        .iter()
        .enumerate()
        .map(|(n, cs)| (cs.span.start, Some(n), None))
        .collect();
    items.extend(edges[file].iter().map(|(at, t)| (*at, None, Some(t))));
    items.sort_by_key(|x| x.0);
    for (_, cs, inc) in items {
        if let Some(n) = cs {
            let cs = &ci.change_sets[n];
            let script = &files[file].model.scripts[cs.up];
            set.migrations.push(Migration {
                id: cs.id.clone(),
                version: None,
                kind: MigrationKind::Versioned,
                file,
                anchor: cs.span,
                up: Some(ScriptRef {
                    file,
                    script: cs.up,
                }),
                down: cs.rollback.map(|r| ScriptRef { file, script: r }),
                transaction: script.transaction != Some(false),
                conditional: cs.conditional,
            });
        }
        for &t in inc.into_iter().flatten() {
            walk(files, edges, t, visited, set, depth + 1);
        }
    }
}
