//! What changed since a base revision: the files, their changed lines, and what they held at the
//! base. Backs `--diff-base REF` (lint only what a pull request changes), migration-directory
//! integrity (an applied migration edited, a new one ordered before an applied one), and
//! `--only-changed-lines`.
//!
//! It runs the `git` binary: every CI image and developer machine has one, and it handles every
//! repository format, shallow clones included.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// git is not installed or could not be started.
    NoGit(String),
    NotARepo(PathBuf),
    /// The base revision is not in this clone.
    MissingRef {
        reference: String,
        shallow: bool,
    },
    /// No merge base: unrelated histories, or a clone too shallow to reach it.
    NoMergeBase {
        reference: String,
        shallow: bool,
    },
    Failed {
        command: String,
        stderr: String,
    },
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NoGit(e) => write!(f, "cannot run git ({e}); --diff-base needs git on PATH"),
            GitError::NotARepo(p) => write!(
                f,
                "{} is not inside a git repository; --diff-base needs one",
                p.display()
            ),
            GitError::MissingRef { reference, shallow } => {
                write!(f, "the base revision `{reference}` is not in this clone")?;
                if *shallow {
                    write!(
                        f,
                        " (it is a shallow clone: fetch the base first, e.g. `git fetch --depth=100 origin {}`, or check out with fetch-depth: 0)",
                        reference.trim_start_matches("origin/")
                    )
                } else {
                    write!(
                        f,
                        " (fetch it first, e.g. `git fetch origin {}`)",
                        reference.trim_start_matches("origin/")
                    )
                }
            }
            GitError::NoMergeBase { reference, shallow } => {
                write!(
                    f,
                    "HEAD and `{reference}` have no common ancestor in this clone"
                )?;
                if *shallow {
                    write!(
                        f,
                        " (the clone is shallow: deepen it, e.g. `git fetch --deepen=200`, or check out with fetch-depth: 0)"
                    )
                } else {
                    Ok(())
                }
            }
            GitError::Failed { command, stderr } => {
                write!(f, "`{command}` failed: {}", stderr.trim())
            }
        }
    }
}

impl std::error::Error for GitError {}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| GitError::NoGit(e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed {
            command: format!("git {}", args.join(" ")),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    git(dir, args).map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
}

/// How a file differs from the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    /// Renamed (possibly with edits); the old path is in [`ChangedFile::old_path`].
    Renamed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Absolute path in the working tree.
    pub path: PathBuf,
    pub change: Change,
    /// For renames: the path at the base, relative to the repository root.
    pub old_path: Option<String>,
}

/// A resolved `--diff-base`.
#[derive(Debug, Clone)]
pub struct DiffBase {
    pub repo_root: PathBuf,
    /// As the user wrote it.
    pub reference: String,
    /// The merge base of HEAD and the reference (what the pull request branched from).
    pub merge_base: String,
}

/// Resolves `reference` against the repository holding `cwd`.
pub fn resolve(reference: &str, cwd: &Path) -> Result<DiffBase, GitError> {
    let root = git_text(cwd, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        GitError::Failed { .. } => GitError::NotARepo(cwd.to_path_buf()),
        other => other,
    })?;
    let root = PathBuf::from(root);
    let shallow = git_text(&root, &["rev-parse", "--is-shallow-repository"])
        .map(|s| s == "true")
        .unwrap_or(false);
    let spec = format!("{reference}^{{commit}}");
    if git(&root, &["rev-parse", "--verify", "--quiet", &spec]).is_err() {
        return Err(GitError::MissingRef {
            reference: reference.to_string(),
            shallow,
        });
    }
    let merge_base =
        git_text(&root, &["merge-base", "HEAD", reference]).map_err(|_| GitError::NoMergeBase {
            reference: reference.to_string(),
            shallow,
        })?;
    Ok(DiffBase {
        repo_root: root,
        reference: reference.to_string(),
        merge_base,
    })
}

impl DiffBase {
    /// Files added, modified or renamed since the merge base, in commits and in the working tree,
    /// plus untracked files that are not ignored. Deleted files are not listed.
    pub fn changed_files(&self) -> Result<Vec<ChangedFile>, GitError> {
        let out = git(
            &self.repo_root,
            &[
                "diff",
                "--name-status",
                "-z",
                "--find-renames",
                "--diff-filter=ACMR",
                &self.merge_base,
            ],
        )?;
        let mut fields = out
            .split(|b| *b == 0)
            .filter(|f| !f.is_empty())
            .map(|f| String::from_utf8_lossy(f).into_owned());
        let mut files = Vec::new();
        while let Some(status) = fields.next() {
            let change = match status.chars().next() {
                Some('A') | Some('C') => Change::Added,
                Some('R') => Change::Renamed,
                _ => Change::Modified,
            };
            let old_path = if change == Change::Renamed || status.starts_with('C') {
                fields.next()
            } else {
                None
            };
            let Some(path) = fields.next() else { break };
            let old_path = if change == Change::Renamed {
                old_path
            } else {
                None
            };
            files.push(ChangedFile {
                path: self.repo_root.join(&path),
                change,
                old_path,
            });
        }
        let untracked = git(
            &self.repo_root,
            &["ls-files", "--others", "--exclude-standard", "-z"],
        )?;
        for f in untracked.split(|b| *b == 0).filter(|f| !f.is_empty()) {
            let path = self.repo_root.join(String::from_utf8_lossy(f).as_ref());
            if !files.iter().any(|c| c.path == path) {
                files.push(ChangedFile {
                    path,
                    change: Change::Added,
                    old_path: None,
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// 1-based, inclusive line ranges of `path` (working tree) that are new or changed since the
    /// merge base. An untracked or added file is changed everywhere.
    pub fn changed_lines(&self, path: &Path) -> Result<Vec<(usize, usize)>, GitError> {
        let rel = self.relative(path);
        let tracked_at_base = self.file_at_base(path)?.is_some();
        if !tracked_at_base {
            return Ok(vec![(1, usize::MAX)]);
        }
        let out = git(
            &self.repo_root,
            &[
                "diff",
                "-U0",
                "--no-color",
                "--no-ext-diff",
                &self.merge_base,
                "--",
                &rel,
            ],
        )?;
        Ok(parse_hunks(&String::from_utf8_lossy(&out)))
    }

    /// The content of `path` at the merge base, or `None` if it did not exist there.
    pub fn file_at_base(&self, path: &Path) -> Result<Option<String>, GitError> {
        let rel = self.relative(path);
        let spec = format!("{}:{}", self.merge_base, rel);
        match git(&self.repo_root, &["cat-file", "-e", &spec]) {
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
        let bytes = git(&self.repo_root, &["cat-file", "blob", &spec])?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Every file under `dir` at the merge base (paths relative to the repository root).
    pub fn files_at_base(&self, dir: &Path) -> Result<Vec<String>, GitError> {
        let rel = self.relative(dir);
        let rel = if rel.is_empty() { ".".to_string() } else { rel };
        let out = git(
            &self.repo_root,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                &self.merge_base,
                "--",
                &rel,
            ],
        )?;
        Ok(out
            .split(|b| *b == 0)
            .filter(|f| !f.is_empty())
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect())
    }

    /// Blob ids of every file under `dir` at the merge base, keyed by repository-relative path:
    /// a cheap way to tell whether an existing file was edited.
    pub fn blob_ids_at_base(&self, dir: &Path) -> Result<HashMap<String, String>, GitError> {
        let rel = self.relative(dir);
        let rel = if rel.is_empty() { ".".to_string() } else { rel };
        let out = git(
            &self.repo_root,
            &["ls-tree", "-r", "-z", &self.merge_base, "--", &rel],
        )?;
        let mut map = HashMap::new();
        for entry in out.split(|b| *b == 0).filter(|f| !f.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            // "<mode> blob <id>\t<path>"
            if let Some((meta, path)) = entry.split_once('\t')
                && let Some(id) = meta.split_whitespace().nth(2)
            {
                map.insert(path.to_string(), id.to_string());
            }
        }
        Ok(map)
    }

    /// A path relative to the repository root, `/`-separated.
    pub fn relative(&self, path: &Path) -> String {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        };
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        let root =
            std::fs::canonicalize(&self.repo_root).unwrap_or_else(|_| self.repo_root.clone());
        abs.strip_prefix(&root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string_lossy().replace('\\', "/"))
    }
}

/// New-side line ranges from `git diff -U0` output (`@@ -a,b +c,d @@`). Pure deletions (d = 0)
/// mark the line after them, so a finding about a removal can still be placed.
pub fn parse_hunks(diff: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for line in diff.lines() {
        let Some(rest) = line.strip_prefix("@@ ") else {
            continue;
        };
        let Some(plus) = rest.split_whitespace().find(|w| w.starts_with('+')) else {
            continue;
        };
        let mut parts = plus[1..].split(',');
        let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let count: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
        if count == 0 {
            out.push((start.max(1), start.max(1)));
        } else {
            out.push((start, start + count - 1));
        }
    }
    out
}

/// [`crate::assemble::BaseLookup`] over a resolved diff base: what each file was at the merge
/// base, for the migration-integrity rules.
pub struct GitBase {
    pub base: DiffBase,
    /// Canonical paths of changed files and how they changed.
    changed: HashMap<PathBuf, Change>,
}

impl GitBase {
    pub fn new(base: DiffBase) -> Result<Self, GitError> {
        let changed = base
            .changed_files()?
            .into_iter()
            .map(|f| (std::fs::canonicalize(&f.path).unwrap_or(f.path), f.change))
            .collect();
        Ok(GitBase { base, changed })
    }

    /// Whether a path was added or changed since the base.
    pub fn is_changed(&self, path: &Path) -> bool {
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.changed.contains_key(&canon)
    }
}

impl crate::assemble::BaseLookup for GitBase {
    fn status(&self, path: &Path) -> crate::assemble::BaseStatus {
        use crate::assemble::BaseStatus;
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match self.changed.get(&canon) {
            None => BaseStatus::Unchanged,
            Some(Change::Added) => BaseStatus::Added,
            // A renamed migration is new to the tool (its name is its identity).
            Some(Change::Renamed) => BaseStatus::Added,
            Some(Change::Modified) => BaseStatus::Modified,
        }
    }

    fn files_at_base(&self, dir: &Path) -> Vec<PathBuf> {
        self.base
            .files_at_base(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|p| self.base.repo_root.join(p))
            .collect()
    }

    fn text_at_base(&self, path: &Path) -> Option<String> {
        self.base.file_at_base(path).ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }

    #[test]
    fn hunks() {
        let diff = "@@ -1,0 +2,3 @@\n+a\n@@ -10 +13 @@\n@@ -20,2 +22,0 @@\n";
        assert_eq!(parse_hunks(diff), vec![(2, 4), (13, 13), (22, 22)]);
    }

    #[test]
    fn changes_since_base() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        std::fs::write(d.join("a.sql"), "select 1;\nselect 2;\n").unwrap();
        std::fs::write(d.join("b.sql"), "select 3;\n").unwrap();
        run(d, &["add", "."]);
        run(d, &["commit", "-qm", "base"]);
        run(d, &["checkout", "-qb", "feature"]);
        std::fs::write(d.join("a.sql"), "select 1;\nselect 22;\n").unwrap();
        std::fs::write(d.join("c.sql"), "select 4;\n").unwrap();
        let base = resolve("main", d).unwrap();
        let files: Vec<String> = base
            .changed_files()
            .unwrap()
            .iter()
            .map(|f| base.relative(&f.path))
            .collect();
        assert_eq!(files, vec!["a.sql", "c.sql"]);
        assert_eq!(base.changed_lines(&d.join("a.sql")).unwrap(), vec![(2, 2)]);
        assert_eq!(
            base.changed_lines(&d.join("c.sql")).unwrap(),
            vec![(1, usize::MAX)]
        );
        assert_eq!(
            base.file_at_base(&d.join("a.sql")).unwrap().as_deref(),
            Some("select 1;\nselect 2;\n")
        );
        assert_eq!(base.file_at_base(&d.join("c.sql")).unwrap(), None);
        assert_eq!(base.files_at_base(d).unwrap(), vec!["a.sql", "b.sql"]);
        assert!(matches!(
            resolve("nope", d),
            Err(GitError::MissingRef { .. })
        ));
    }
}
