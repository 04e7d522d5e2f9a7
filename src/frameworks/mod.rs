//! Framework adapters: a set of parsed files -> ordered migrations, with each down/undo/rollback
//! paired to its up, as the migration tool itself sees them.
//!
//! Files are grouped into migration sets (a folder, a diesel/Prisma folder of folders, a sqitch
//! project, an Alembic `versions` tree, a Liquibase changelog tree); each set's framework is
//! detected from its files' names and content (or forced in config), and that framework's adapter
//! orders and pairs. Files in no recognised set are linted as plain SQL, as before.

pub mod alembic;
pub mod dbmate;
pub mod diesel;
pub mod flyway;
pub mod golang_migrate;
pub mod goose;
pub mod liquibase;
pub mod prisma;
mod sections;
pub mod sqitch;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::parse::script::{FileInfo, FileModel};
use crate::source::Span;

/// The migration tools schemaguard understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Flyway,
    GolangMigrate,
    /// golang-migrate naming with a dialect part (`<v>_<name>.<dialect>.up.sql`): ory/popx.
    Popx,
    Diesel,
    Dbmate,
    Goose,
    Sqitch,
    Prisma,
    Liquibase,
    Alembic,
}

impl Framework {
    pub const ALL: [Framework; 10] = [
        Framework::Flyway,
        Framework::GolangMigrate,
        Framework::Popx,
        Framework::Diesel,
        Framework::Dbmate,
        Framework::Goose,
        Framework::Sqitch,
        Framework::Prisma,
        Framework::Liquibase,
        Framework::Alembic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Framework::Flyway => "flyway",
            Framework::GolangMigrate => "golang-migrate",
            Framework::Popx => "popx",
            Framework::Diesel => "diesel",
            Framework::Dbmate => "dbmate",
            Framework::Goose => "goose",
            Framework::Sqitch => "sqitch",
            Framework::Prisma => "prisma",
            Framework::Liquibase => "liquibase",
            Framework::Alembic => "alembic",
        }
    }

    /// What a down migration is called in this tool.
    pub fn down_noun(self) -> &'static str {
        match self {
            Framework::Flyway => "undo migration",
            Framework::Sqitch => "revert script",
            Framework::Liquibase => "rollback",
            Framework::Alembic => "downgrade()",
            Framework::Goose => "`-- +goose Down` section",
            Framework::Dbmate => "`-- migrate:down` section",
            _ => "down migration",
        }
    }

    /// Whether the tool runs a migration inside a transaction unless told otherwise.
    pub fn implicit_transaction(self) -> bool {
        matches!(
            self,
            Framework::Flyway
                | Framework::Diesel
                | Framework::Dbmate
                | Framework::Goose
                | Framework::Liquibase
                | Framework::Alembic
        )
    }

    /// Whether the tool has down migrations at all.
    pub fn has_down(self) -> bool {
        !matches!(self, Framework::Prisma)
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace('_', "-");
        Framework::ALL
            .into_iter()
            .find(|f| f.name() == k || (k == "migrate" && *f == Framework::GolangMigrate))
            .ok_or_else(|| {
                let names: Vec<&str> = Framework::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown framework `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A migration version, compared numerically part by part (`1.10` > `1.9`, `002` = `2`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// As written.
    pub text: String,
    /// Digit runs without leading zeros.
    parts: Vec<String>,
}

impl Version {
    /// The moment a timestamp version names, in seconds (UTC, from 1970): `20230309110029`,
    /// `2024-02-12-120203`, `V20250917094127`'s version, kratos' 20-digit form; `None` for
    /// sequence numbers (`0042`, `1.2.3`) and digits that are no date.
    pub fn timestamp(&self) -> Option<i64> {
        let digits: Vec<u8> = self
            .text
            .bytes()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        if digits.len() < 12 {
            return None;
        }
        let n = |r: std::ops::Range<usize>| digits[r].iter().fold(0i64, |a, &d| a * 10 + d as i64);
        let (y, mo, d, h, mi) = (n(0..4), n(4..6), n(6..8), n(8..10), n(10..12));
        let s = if digits.len() >= 14 { n(12..14) } else { 0 };
        if !(1990..=2100).contains(&y)
            || !(1..=12).contains(&mo)
            || !(1..=31).contains(&d)
            || h > 23
            || mi > 59
            || s > 59
        {
            return None;
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let (y2, m2) = if mo <= 2 {
            (y - 1, mo + 9)
        } else {
            (y, mo - 3)
        };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let doy = (153 * m2 + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + h * 3600 + mi * 60 + s)
    }

    /// Reads a version made of digit runs separated by `.`, `_` or `-`; `None` if it has other
    /// characters or no digits.
    pub fn parse(text: &str) -> Option<Version> {
        if text.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for p in text.split(['.', '_', '-']) {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let t = p.trim_start_matches('0');
            parts.push(if t.is_empty() {
                "0".into()
            } else {
                t.to_string()
            });
        }
        Some(Version {
            text: text.to_string(),
            parts,
        })
    }

    /// Whether this looks like a timestamp (not a sequence number): gaps mean nothing then.
    pub fn is_timestamp(&self) -> bool {
        self.parts.len() == 1 && self.parts[0].len() >= 8
    }

    /// The value of a single-part version that fits in u64.
    pub fn as_u64(&self) -> Option<u64> {
        if self.parts.len() == 1 {
            self.parts[0].parse().ok()
        } else {
            None
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.parts.len().max(other.parts.len()) {
            let a = self.parts.get(i).map(String::as_str).unwrap_or("0");
            let b = other.parts.get(i).map(String::as_str).unwrap_or("0");
            let o = a.len().cmp(&b.len()).then_with(|| a.cmp(b));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A script of a file: (file index in the input, script index in its model).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScriptRef {
    pub file: usize,
    pub script: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationKind {
    Versioned,
    /// Flyway `R__`: re-applied whenever it changes, after the versioned ones.
    Repeatable,
    /// Flyway `B<version>__`: only for fresh databases; not replayed.
    Baseline,
}

/// One migration as the tool sees it.
#[derive(Clone, Debug)]
pub struct Migration {
    /// As the tool names it: the version, `author:id` of a changeSet, an Alembic revision id.
    pub id: String,
    pub version: Option<Version>,
    pub kind: MigrationKind,
    /// The file findings about the migration as a whole point at, and where.
    pub file: usize,
    pub anchor: Span,
    pub up: Option<ScriptRef>,
    pub down: Option<ScriptRef>,
    /// Whether the tool runs the up in a transaction.
    pub transaction: bool,
    /// It may not run everywhere (Liquibase `dbms`, preconditions): the schema replay treats
    /// what it touches as partly known.
    pub conditional: bool,
}

/// A file in a set that does not follow the set's naming convention.
#[derive(Clone, Debug)]
pub struct Misnamed {
    pub file: usize,
    /// What the tool expects, e.g. `V<version>__<description>.sql`.
    pub expected: String,
}

/// The migrations of one folder (or changelog tree, or revision graph) under one framework.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    pub framework: Framework,
    /// The folder, as shown to users.
    pub root: String,
    pub dir: PathBuf,
    /// Every file of the set (indices into the input).
    pub files: Vec<usize>,
    /// In the order the tool applies them.
    pub migrations: Vec<Migration>,
    pub misnamed: Vec<Misnamed>,
    /// Alembic: the revisions nothing revises (more than one is a split history).
    pub heads: Vec<usize>,
    /// Files that claim a version another file of the set already has: (file, other file, version).
    pub duplicates: Vec<(usize, usize, String)>,
    /// Whether the framework was forced in config rather than detected.
    pub forced: bool,
}

impl MigrationSet {
    /// Whether any migration has a down part: the project writes them, so each one should.
    pub fn uses_downs(&self) -> bool {
        self.migrations.iter().any(|m| m.down.is_some())
    }
}

/// A parsed file as the adapters see it.
pub struct FileRef<'a> {
    pub display: &'a str,
    pub path: &'a Path,
    pub model: &'a FileModel,
}

impl FileRef<'_> {
    pub fn name(&self) -> &str {
        self.path.file_name().and_then(|n| n.to_str()).unwrap_or("")
    }

    fn parent_name(&self) -> &str {
        self.path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("")
    }
}

/// Per-path framework choices from the config.
pub trait FrameworkConfig {
    /// The framework forced for this folder, if any.
    fn framework_for(&self, dir: &Path) -> Option<Framework>;
    /// Flyway naming settings.
    fn flyway(&self) -> &flyway::FlywayNaming;
}

/// The default config: detect everything.
pub struct Detect;

impl FrameworkConfig for Detect {
    fn framework_for(&self, _dir: &Path) -> Option<Framework> {
        None
    }
    fn flyway(&self) -> &flyway::FlywayNaming {
        static N: std::sync::OnceLock<flyway::FlywayNaming> = std::sync::OnceLock::new();
        N.get_or_init(flyway::FlywayNaming::default)
    }
}

/// What a file says about the framework of its folder.
fn vote(f: &FileRef, cfg: &dyn FrameworkConfig) -> Option<Framework> {
    let name = f.name();
    let lower = name.to_ascii_lowercase();
    match &f.model.info {
        FileInfo::Revision(_) => return Some(Framework::Alembic),
        FileInfo::Changelog(_) => return Some(Framework::Liquibase),
        FileInfo::Other | FileInfo::KeyValue(_) | FileInfo::Plan(_) | FileInfo::Yaml(_) => {
            return None;
        }
        FileInfo::Sql => {}
    }
    if f.model.goose {
        return Some(Framework::Goose);
    }
    if f.model.dbmate {
        return Some(Framework::Dbmate);
    }
    if matches!(lower.as_str(), "up.sql" | "down.sql")
        && diesel::version_of_dir(f.parent_name()).is_some()
    {
        return Some(Framework::Diesel);
    }
    if lower == "migration.sql" && prisma::version_of_dir(f.parent_name()).is_some() {
        return Some(Framework::Prisma);
    }
    if sqitch::script_kind(f.path).is_some() {
        return Some(Framework::Sqitch);
    }
    if flyway::parse_name(name, cfg.flyway()).is_some() {
        return Some(Framework::Flyway);
    }
    if let Some(n) = golang_migrate::parse_name(name) {
        return Some(if n.dialect.is_some() {
            Framework::Popx
        } else {
            Framework::GolangMigrate
        });
    }
    None
}

/// Where a file's set lives: its folder, or the folder of folders for diesel/Prisma/sqitch, or
/// the `versions` folder of an Alembic tree (or its folder named after an engine, one history
/// per engine).
fn set_dir(f: &FileRef, fw: Option<Framework>) -> PathBuf {
    let parent = f.path.parent().unwrap_or(Path::new("")).to_path_buf();
    match fw {
        Some(Framework::Diesel | Framework::Prisma) => {
            parent.parent().unwrap_or(Path::new("")).to_path_buf()
        }
        Some(Framework::Sqitch) => sqitch::project_dir(f.path).unwrap_or(parent),
        Some(Framework::Alembic) => {
            let mut dir = parent.as_path();
            for _ in 0..4 {
                let name = dir.file_name().and_then(|n| n.to_str());
                // `versions/postgres/`, `versions/sqlite/`: one history per engine, each run with
                // its own configuration, not two heads of one.
                if name
                    .is_some_and(|n| n == "versions" || crate::sql::dialect::from_path(n).is_some())
                {
                    return dir.to_path_buf();
                }
                match dir.parent() {
                    Some(p) => dir = p,
                    None => break,
                }
            }
            parent
        }
        _ => parent,
    }
}

/// Groups files into migration sets and builds each set's migrations. Files in no set are
/// absent from every returned set.
pub fn assemble(files: &[FileRef], cfg: &dyn FrameworkConfig) -> Vec<MigrationSet> {
    let votes: Vec<Option<Framework>> = files.iter().map(|f| vote(f, cfg)).collect();
    // Liquibase trees are grouped by their includes, not by folder.
    let mut sets = Vec::new();
    let lb: Vec<usize> = (0..files.len())
        .filter(|&i| votes[i] == Some(Framework::Liquibase))
        .collect();
    if !lb.is_empty() {
        sets.extend(liquibase::assemble(files, &lb));
    }
    let mut groups: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if votes[i] == Some(Framework::Liquibase) {
            continue;
        }
        let is_sql_or_rev = matches!(f.model.info, FileInfo::Sql | FileInfo::Revision(_));
        if !is_sql_or_rev {
            continue;
        }
        groups.entry(set_dir(f, votes[i])).or_default().push(i);
    }
    // Flyway scans its locations recursively: a Flyway folder inside a Flyway folder is one set.
    let keys: Vec<PathBuf> = groups.keys().cloned().collect();
    let flywayish = |idx: &[usize]| {
        idx.iter()
            .filter(|&&i| votes[i] == Some(Framework::Flyway))
            .count()
            * 2
            > idx.len()
    };
    for k in keys.iter().rev() {
        let Some(parent) = k.parent() else { continue };
        if !groups.contains_key(parent) {
            continue;
        }
        if flywayish(&groups[k]) && flywayish(&groups[parent]) {
            let moved = groups.remove(k).unwrap_or_default();
            groups.get_mut(parent).expect("checked").extend(moved);
        }
    }
    for (dir, idx) in groups {
        let forced = cfg.framework_for(&dir);
        let framework = forced.or_else(|| detect(&idx, &votes));
        let Some(framework) = framework else { continue };
        let root = files[idx[0]]
            .display
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let root = display_dir(&root, files[idx[0]].path, &dir);
        let mut set = MigrationSet {
            framework,
            root,
            dir: dir.clone(),
            files: idx.clone(),
            migrations: Vec::new(),
            misnamed: Vec::new(),
            heads: Vec::new(),
            duplicates: Vec::new(),
            forced: forced.is_some(),
        };
        match framework {
            Framework::Flyway => flyway::build(&mut set, files, cfg.flyway()),
            Framework::GolangMigrate | Framework::Popx => golang_migrate::build(&mut set, files),
            Framework::Diesel => diesel::build(&mut set, files),
            Framework::Dbmate => dbmate::build(&mut set, files),
            Framework::Goose => goose::build(&mut set, files),
            Framework::Sqitch => sqitch::build(&mut set, files),
            Framework::Prisma => prisma::build(&mut set, files),
            Framework::Alembic => alembic::build(&mut set, files),
            Framework::Liquibase => continue,
        }
        sets.push(set);
    }
    sets.sort_by(|a, b| a.dir.cmp(&b.dir));
    sets
}

/// The set folder as users see it, derived from a member file's display path.
fn display_dir(file_dir_display: &str, file_path: &Path, dir: &Path) -> String {
    let depth = file_path
        .parent()
        .map(|p| p.components().count())
        .unwrap_or(0)
        .saturating_sub(dir.components().count());
    let mut d = file_dir_display.to_string();
    for _ in 0..depth {
        d = d
            .rsplit_once('/')
            .map(|(a, _)| a.to_string())
            .unwrap_or_default();
    }
    if d.is_empty() { ".".into() } else { d }
}

/// The framework most files of a folder vote for; ties go to the more specific tool. Needs a
/// clear signal: a folder of `001_x.sql` files with no markers is no framework's.
fn detect(idx: &[usize], votes: &[Option<Framework>]) -> Option<Framework> {
    let mut count: HashMap<Framework, usize> = HashMap::new();
    for &i in idx {
        if let Some(v) = votes[i] {
            *count.entry(v).or_default() += 1;
        }
    }
    // popx folders hold dialect-neutral golang-migrate-style files too.
    if count.contains_key(&Framework::Popx) {
        let gm = count.remove(&Framework::GolangMigrate).unwrap_or(0);
        *count.entry(Framework::Popx).or_default() += gm;
    }
    count
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(f, _)| f)
}

/// Splits `<digits>_<rest>` into the version and the rest.
pub fn leading_version(name: &str) -> Option<(Version, &str)> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = &name[digits..];
    let rest = rest.strip_prefix('_').unwrap_or(rest);
    Some((Version::parse(&name[..digits])?, rest))
}

/// Sorts migrations by version (stable: equal versions keep file order).
pub fn sort_by_version(migrations: &mut [Migration]) {
    migrations.sort_by(|a, b| match (&a.version, &b.version) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_versions() {
        let t = |v: &str| Version::parse(v).and_then(|v| v.timestamp());
        assert_eq!(t("20240108100000"), Some(1_704_708_000));
        assert_eq!(t("2024-01-08-100000"), t("20240108100000"));
        assert_eq!(t("20240108100000000000"), t("20240108100000"));
        assert_eq!(t("202401081000"), t("20240108100000"));
        assert_eq!(
            t("20240108153000").unwrap() - t("20240108100000").unwrap(),
            5 * 3600 + 1800
        );
        assert_eq!(t("0042"), None);
        assert_eq!(t("1.2.3"), None);
        assert_eq!(t("20241399000000"), None);
        assert_eq!(t("123456789012"), None);
    }

    #[test]
    fn versions_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.10") > v("1.9"));
        assert_eq!(v("002").cmp(&v("2")), Ordering::Equal);
        assert!(v("20201110175414000000") > v("20191100000001000000"));
        assert!(v("1_1") > v("1"));
        assert!(Version::parse("1a").is_none());
    }
}
