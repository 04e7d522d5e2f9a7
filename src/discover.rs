//! Finds the files to lint under the given paths (gitignore-aware) and tells what each one is.

use std::path::{Path, PathBuf};

use crate::settings::Settings;

/// What a file is, as far as schemaguard is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Sql,
    Terraform,
    Yaml,
    /// Liquibase XML changelogs (and other XML).
    Xml,
    /// Alembic revisions.
    Python,
    /// JSON: Terraform plans, Liquibase JSON changelogs.
    Json,
    /// Key-value config beside migrations: `.env`, `*.properties`, `*.conf`, `*.cnf`, `*.ini`
    /// (`flyway.conf`, `liquibase.properties`), and key files read whole (`*.pem`, `*.key`,
    /// `*.ppk`, `id_rsa`…). Only credential rules read them.
    KeyValue,
    /// A Terraform plan or state as `terraform show -json` prints it (a `.json` file recognised
    /// by its content).
    TerraformPlan,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Sql => "sql",
            FileKind::Terraform => "terraform",
            FileKind::Yaml => "yaml",
            FileKind::Xml => "xml",
            FileKind::Python => "python",
            FileKind::Json => "json",
            FileKind::KeyValue => "key-value config",
            FileKind::TerraformPlan => "terraform-plan",
        }
    }

    /// Whether this build lints the kind (the others are recognised and left alone). XML, YAML,
    /// JSON and Python files are read for Liquibase changelogs and Alembic revisions; other such
    /// files give no findings.
    pub fn is_linted(self) -> bool {
        true
    }
}

/// Whether the first 8 KiB of a file contain `needle`.
fn head_contains(path: &Path, needle: &str) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    let read = std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head));
    read.is_ok() && String::from_utf8_lossy(&head).contains(needle)
}

/// Refines a name-based kind by content: a `.json` file that is a Terraform plan.
pub fn refine(path: &Path, kind: FileKind) -> FileKind {
    if kind != FileKind::Json {
        return kind;
    }
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    let read = std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head));
    if read.is_ok() && crate::terraform::plan::sniff(&String::from_utf8_lossy(&head)) {
        FileKind::TerraformPlan
    } else {
        kind
    }
}

/// Classifies a path by its name.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    // Terraform's JSON syntax: read into the same model as `.tf` files.
    if name.ends_with(".tf.json") || name.ends_with(".tofu.json") {
        return Some(FileKind::Terraform);
    }
    if crate::parse::kv::KvFlavor::of(&name).is_some() {
        return Some(FileKind::KeyValue);
    }
    let (stem, ext) = name.rsplit_once('.')?;
    // `V1__init.sql.postgres`: SQL for the one engine the suffix names.
    if stem.ends_with(".sql") && crate::sql::dialect::from_path(ext).is_some() {
        return Some(FileKind::Sql);
    }
    Some(match ext {
        "sql" | "ddl" | "psql" | "pgsql" | "mysql" => FileKind::Sql,
        "tf" | "tofu" | "tfvars" => FileKind::Terraform,
        "yml" | "yaml" => FileKind::Yaml,
        "xml" => FileKind::Xml,
        "py" => FileKind::Python,
        "json" => FileKind::Json,
        _ => return None,
    })
}

/// A file to lint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// As shown to users.
    pub display: String,
    pub path: PathBuf,
    pub kind: FileKind,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Candidate>,
    /// Paths given on the command line that do not exist.
    pub missing: Vec<PathBuf>,
    /// Files named explicitly that schemaguard does not lint, with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// Walk errors (permission denied on a folder, a link loop...).
    pub errors: Vec<String>,
}

/// The user-facing form of a path: relative to the working directory when below it, `/`-separated.
pub fn display_path(path: &Path) -> String {
    display_path_from(path, std::env::current_dir().ok().as_deref())
}

/// [`display_path`] with the working directory looked up once by the caller (discovery shows
/// thousands of paths; one `getcwd` each is measurable).
fn display_path_from(path: &Path, cwd: Option<&Path>) -> String {
    let shown = match (cwd, path.is_absolute()) {
        (Some(cwd), true) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// What one walker thread found; merged and sorted once the walk is over, so the result does
/// not depend on which thread saw what first.
#[derive(Default)]
struct Found {
    files: Vec<Candidate>,
    errors: Vec<String>,
}

pub fn discover(paths: &[PathBuf], settings: &Settings) -> Discovered {
    let mut out = Discovered::default();
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_deref();
    for root in paths {
        let Ok(meta) = std::fs::symlink_metadata(root) else {
            out.missing.push(root.clone());
            continue;
        };
        // A link named on the command line whose target cannot be reached (dangling, or a
        // loop) is taken as a file: reading it then reports why, once, in the report.
        let broken_link = meta.file_type().is_symlink() && std::fs::metadata(root).is_err();
        if root.is_file() || broken_link {
            if settings.force_exclude && settings.is_excluded(root) {
                out.skipped.push((
                    root.clone(),
                    "excluded by `exclude` (set `force-exclude = false` to lint named files anyway)"
                        .into(),
                ));
                continue;
            }
            match classify(root).map(|k| refine(root, k)) {
                Some(FileKind::Json) if !head_contains(root, "databaseChangeLog") => {
                    out.skipped.push((
                        root.clone(),
                        "a JSON file that is not a Terraform plan (`terraform show -json`) or a Liquibase changelog is not linted"
                            .into(),
                    ))
                }
                Some(kind) if kind.is_linted() => {
                    out.files.push(Candidate {
                        display: display_path_from(root, cwd),
                        path: root.clone(),
                        kind,
                    });
                }
                Some(FileKind::Json) => out.skipped.push((
                    root.clone(),
                    "a JSON file that is not a Terraform plan (`terraform show -json`) is not linted"
                        .into(),
                )),
                Some(kind) => out.skipped.push((
                    root.clone(),
                    format!("{} files are not linted by this version", kind.name()),
                )),
                None => out
                    .skipped
                    .push((root.clone(), "not a file type schemaguard lints".into())),
            }
            continue;
        }
        if !root.is_dir() {
            // Reading a FIFO would wait forever, a device could be endless.
            out.skipped.push((
                root.clone(),
                "not a regular file or folder (a FIFO, socket or device)".into(),
            ));
            continue;
        }
        let found = walk(root, settings, cwd);
        out.files.extend(found.files);
        out.errors.extend(found.errors);
    }
    out.files.sort();
    out.files.dedup_by(|a, b| a.path == b.path);
    out.errors.sort();
    out.errors.dedup();
    out
}

/// Walks one folder with `ignore`'s parallel walker (as many threads as the lint pool, so
/// `RAYON_NUM_THREADS=1` is a truly single-threaded run). Reading directories is most of the
/// cost of discovery, and it is system-call bound: two threads halve it.
fn walk(root: &Path, settings: &Settings, cwd: Option<&Path>) -> Found {
    let mut walk = ignore::WalkBuilder::new(root);
    walk.hidden(false)
        .git_ignore(settings.respect_gitignore)
        .git_global(false)
        .git_exclude(settings.respect_gitignore)
        .ignore(settings.respect_gitignore)
        .parents(settings.respect_gitignore)
        .require_git(false)
        .follow_links(false)
        .threads(rayon::current_num_threads())
        .filter_entry(|e| {
            let name = e.file_name();
            !(name == ".git"
                || name == "node_modules"
                || name == ".terraform"
                || name == "target" && e.depth() > 0 && e.path().join("CACHEDIR.TAG").exists())
        });
    let merged = std::sync::Mutex::new(Found::default());
    walk.build_parallel().visit(&mut Builder {
        settings,
        cwd,
        merged: &merged,
    });
    merged.into_inner().unwrap_or_else(|e| e.into_inner())
}

struct Builder<'s> {
    settings: &'s Settings,
    cwd: Option<&'s Path>,
    merged: &'s std::sync::Mutex<Found>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for Builder<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Visitor {
            settings: self.settings,
            cwd: self.cwd,
            merged: self.merged,
            found: Found::default(),
        })
    }
}

/// One walker thread's visitor: collects locally, hands its findings over when dropped.
struct Visitor<'s> {
    settings: &'s Settings,
    cwd: Option<&'s Path>,
    merged: &'s std::sync::Mutex<Found>,
    found: Found,
}

impl ignore::ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> ignore::WalkState {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                self.found.errors.push(e.to_string());
                return ignore::WalkState::Continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            return ignore::WalkState::Continue;
        }
        let path = entry.path();
        let Some(kind) = classify(path) else {
            return ignore::WalkState::Continue;
        };
        if self.settings.is_excluded(path) {
            return ignore::WalkState::Continue;
        }
        let kind = refine(path, kind);
        if kind.is_linted() {
            self.found.files.push(Candidate {
                display: display_path_from(path, self.cwd),
                path: path.to_path_buf(),
                kind,
            });
        }
        ignore::WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.found);
        let mut all = self.merged.lock().unwrap_or_else(|e| e.into_inner());
        all.files.extend(mine.files);
        all.errors.extend(mine.errors);
    }
}

/// What the units of `requested` files need read beside them, and no more: the rest of the
/// migration set a file belongs to (for ordering, pairing and the schema replay), not
/// reported. A named file never makes the run read the repository.
///
/// - Terraform files: nothing here (their module folder is read with them, see
///   [`crate::lint::lint`]); config YAML, key/value files and plans: nothing.
/// - A migration (SQL, a Liquibase changelog, an Alembic revision): the files of its folder,
///   and of the two folders above it (a Liquibase master changelog includes from below; an
///   Alembic `versions/` folder's project). Where each migration is a folder of its own
///   (diesel, Prisma, dbmate-style `2024_x/up.sql`, sqitch `deploy/x.sql`), the sibling
///   migration folders too.
pub fn context_for(requested: &[Candidate], settings: &Settings) -> Vec<Candidate> {
    // (folder, depth): the files directly in it, or one folder level below too.
    let mut wanted: Vec<(PathBuf, usize)> = Vec::new();
    for c in requested {
        let migration = match c.kind {
            // A SQL file belongs to a set when its name orders it (`V2__x.sql`,
            // `0002_x.up.sql`, `20240101_x.sql`), when its folder is a migration (`up.sql`),
            // or when a Liquibase changelog includes it; `schema.sql` is a unit of its own.
            FileKind::Sql => {
                let name = c.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let folder = c
                    .path
                    .parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .unwrap_or("");
                let versioned = name.starts_with(|ch: char| ch.is_ascii_digit())
                    || (name.len() > 1
                        && name.starts_with(['V', 'U', 'R', 'B', 'v', 'u', 'r', 'b'])
                        && name[1..].starts_with(|ch: char| ch.is_ascii_digit()));
                let in_migration_folder = folder.starts_with(|ch: char| ch.is_ascii_digit())
                    || matches!(folder, "deploy" | "revert" | "verify");
                versioned || in_migration_folder || head_contains(&c.path, "--liquibase formatted")
            }
            FileKind::Xml | FileKind::Python => true,
            FileKind::Yaml | FileKind::Json => head_contains(&c.path, "databaseChangeLog"),
            _ => false,
        };
        if !migration {
            continue;
        }
        let Some(dir) = c.path.parent() else { continue };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        wanted.push((dir.to_path_buf(), 1));
        // Never above the project (the config's folder, else the working directory).
        let inside = |p: &Path| {
            p.is_relative() || std::fs::canonicalize(p).is_ok_and(|p| p.starts_with(&settings.root))
        };
        let up = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && inside(p));
        if let Some(parent) = up {
            // A folder per migration: its siblings are the other migrations.
            let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let per_migration = folder.starts_with(|ch: char| ch.is_ascii_digit())
                || matches!(folder, "deploy" | "revert" | "verify");
            wanted.push((parent.to_path_buf(), if per_migration { 2 } else { 1 }));
            if let Some(grand) = parent
                .parent()
                .filter(|p| !p.as_os_str().is_empty() && inside(p))
            {
                wanted.push((grand.to_path_buf(), 1));
            }
        }
    }
    wanted.sort();
    wanted.dedup();
    let known: std::collections::HashSet<PathBuf> = requested
        .iter()
        .map(|c| std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()))
        .collect();
    let mut out = Vec::new();
    for (root, depth) in wanted {
        let mut walk = ignore::WalkBuilder::new(&root);
        walk.hidden(false)
            .git_ignore(settings.respect_gitignore)
            .require_git(false)
            .max_depth(Some(depth))
            .follow_links(false)
            .filter_entry(|e| {
                let n = e.file_name();
                !(n == ".git" || n == "node_modules" || n == ".terraform")
            });
        for entry in walk.build().flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.path();
            // Only what can belong to a migration set (and its tool's config: `alembic.ini`).
            let Some(
                kind @ (FileKind::Sql
                | FileKind::Xml
                | FileKind::Python
                | FileKind::Yaml
                | FileKind::Json
                | FileKind::KeyValue),
            ) = classify(path)
            else {
                continue;
            };
            if settings.is_excluded(path) {
                continue;
            }
            if matches!(kind, FileKind::Yaml | FileKind::Json)
                && !head_contains(path, "databaseChangeLog")
            {
                continue;
            }
            let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if known.contains(&canon) {
                continue;
            }
            out.push(Candidate {
                display: display_path(path),
                path: path.to_path_buf(),
                kind,
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// `path` with `.` dropped and each `..` taking away the component before it, without asking
/// the file system (the path need not exist, and symbolic links are not followed).
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
