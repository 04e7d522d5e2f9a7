//! The project's own practice, learned per migration set from the migrations themselves.
//!
//! Convention rules (rollbacks, empty downs) report only what deviates from the set's practice.
//! Locking rules ask for a safe practice (`CONCURRENTLY`, `NOT VALID`, `USING INDEX`,
//! `lock_timeout`): a set that follows it in fewer than one case in ten, in enough cases to tell,
//! migrates offline or has tables small enough not to care, and repeating the advice at every place
//! is noise. Their findings there become one, at the newest place, saying what the practice is and
//! how to pin the stricter one (`[migrations] online = "always"`).

use crate::assemble::Loaded;
use crate::diagnostic::{Diagnostic, Severity};
use crate::frameworks::{Framework, MigrationKind, MigrationSet, ScriptRef};
use crate::settings::{Online, Settings};
use crate::sql::{AlterAction, ConstraintKind, Statement, StmtKind};

/// A safe practice a locking rule asks for (see [`crate::registry::RuleMeta::practice`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Practice {
    /// `CREATE INDEX CONCURRENTLY`.
    ConcurrentIndexBuild,
    /// `DROP INDEX CONCURRENTLY`.
    ConcurrentIndexDrop,
    /// Foreign keys and checks added `NOT VALID`, validated later.
    NotValidConstraint,
    /// Primary keys and unique constraints added `USING INDEX` of an index built concurrently.
    UsingIndex,
    /// `SET lock_timeout` before a statement that waits for a strong lock.
    LockTimeout,
    /// MySQL `ALTER TABLE` and `CREATE INDEX` that say how much they may lock (`ALGORITHM=`,
    /// `LOCK=`).
    MysqlLockClause,
}

impl Practice {
    pub const ALL: [Practice; 6] = [
        Practice::ConcurrentIndexBuild,
        Practice::ConcurrentIndexDrop,
        Practice::NotValidConstraint,
        Practice::UsingIndex,
        Practice::LockTimeout,
        Practice::MysqlLockClause,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// (what a case is, in the plural; what following the practice is, for one case and for
    /// several).
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Practice::ConcurrentIndexBuild => {
                ("index builds", "uses CONCURRENTLY", "use CONCURRENTLY")
            }
            Practice::ConcurrentIndexDrop => {
                ("index drops", "uses CONCURRENTLY", "use CONCURRENTLY")
            }
            Practice::NotValidConstraint => (
                "foreign keys and checks added by ALTER TABLE",
                "is added NOT VALID",
                "are added NOT VALID",
            ),
            Practice::UsingIndex => (
                "primary keys and unique constraints added by ALTER TABLE",
                "is added USING INDEX",
                "are added USING INDEX",
            ),
            Practice::LockTimeout => ("migrations", "sets lock_timeout", "set lock_timeout"),
            Practice::MysqlLockClause => (
                "ALTER TABLE and CREATE INDEX statements",
                "states its ALGORITHM or LOCK",
                "state their ALGORITHM or LOCK",
            ),
        }
    }

    /// How many cases of the practice the statement is, and how many of them follow it.
    fn count(self, s: &Statement) -> (u32, u32) {
        // (cases, followed) over the constraints an ALTER TABLE adds that `case` picks.
        let adds = |case: fn(&ConstraintKind) -> bool,
                    followed: fn(bool, &ConstraintKind) -> bool| {
            let StmtKind::AlterTable(at) = &s.kind else {
                return (0, 0);
            };
            let mut n = (0, 0);
            for item in &at.actions {
                if let AlterAction::AddConstraint { constraint } = &item.action
                    && case(&constraint.kind)
                {
                    n.0 += 1;
                    n.1 += u32::from(followed(constraint.not_valid, &constraint.kind));
                }
            }
            n
        };
        match (self, &s.kind) {
            // Counted in every set; only MySQL's rule asks for it, and only MySQL writes it.
            (Practice::MysqlLockClause, StmtKind::AlterTable(at)) => {
                (1, u32::from(at.algorithm.is_some() || at.lock.is_some()))
            }
            (Practice::MysqlLockClause, StmtKind::CreateIndex(ci)) => {
                (1, u32::from(ci.algorithm.is_some() || ci.lock.is_some()))
            }
            (Practice::ConcurrentIndexBuild, StmtKind::CreateIndex(ci)) => {
                (1, u32::from(ci.concurrently))
            }
            (Practice::ConcurrentIndexDrop, StmtKind::DropIndex { concurrently, .. }) => {
                (1, u32::from(*concurrently))
            }
            (Practice::NotValidConstraint, _) => adds(
                |k| {
                    matches!(
                        k,
                        ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. }
                    )
                },
                |not_valid, _| not_valid,
            ),
            (Practice::UsingIndex, _) => adds(
                |k| {
                    matches!(
                        k,
                        ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
                    )
                },
                |_, k| {
                    matches!(
                        k,
                        ConstraintKind::PrimaryKey {
                            using_index: Some(_),
                            ..
                        } | ConstraintKind::Unique {
                            using_index: Some(_),
                            ..
                        }
                    )
                },
            ),
            _ => (0, 0),
        }
    }
}

/// How often a practice's cases occur in a set, and how often it is followed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PracticeCount {
    pub cases: u32,
    pub followed: u32,
}

/// A migration set's practice, learned from the set itself: the convention rules report only
/// what deviates from it (unless a config key pins the stricter practice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Conventions {
    /// At least half the migrations that need a rollback have one (a down file, an undo, a
    /// `<rollback>`); `None` when fewer than [`Conventions::SAMPLE`] need one, too few to tell
    /// a practice (the rules then keep their defaults).
    pub writes_rollbacks: Option<bool>,
    /// Most of the set's downs (at least [`Conventions::SAMPLE`] of them) are empty: empty downs
    /// are the project's way of saying "not undone", not an oversight.
    pub empty_downs: bool,
    /// The locking practices, in [`Practice::ALL`] order, over every script of the set.
    pub practices: [PracticeCount; 6],
}

impl Conventions {
    /// How many cases a practice is learned from, at the least.
    pub const SAMPLE: usize = 5;

    pub fn of(set: &MigrationSet, files: &[Loaded]) -> Conventions {
        let script = |s: ScriptRef| &files[s.file].model.scripts[s.script];
        let statements = |s: ScriptRef| &files[s.file].model.statements[script(s).stmts.clone()];
        let liquibase = set.framework == Framework::Liquibase;
        let (mut need, mut have, mut empty) = (0usize, 0usize, 0usize);
        let mut practices = [PracticeCount::default(); 6];
        for m in &set.migrations {
            for s in [m.up, m.down].into_iter().flatten() {
                count_practices(&mut practices, statements(s), Some(s) == m.up);
            }
            // Liquibase generates the rollback of most changes itself: only those it cannot
            // undo need one written.
            let needs = match m.up {
                Some(u) if liquibase => !script(u).no_auto_rollback.is_empty() || m.down.is_some(),
                Some(_) => m.kind == MigrationKind::Versioned,
                None => false,
            };
            if !needs {
                continue;
            }
            need += 1;
            if let Some(d) = m.down {
                have += 1;
                let d = script(d);
                if d.stmts.is_empty() && !d.opaque {
                    empty += 1;
                }
            }
        }
        Conventions {
            writes_rollbacks: (need >= Self::SAMPLE).then_some(have * 2 >= need),
            empty_downs: have >= Self::SAMPLE && empty * 2 > have,
            practices,
        }
    }

    /// The practices of scripts in no migration set (a folder of plain SQL scripts), each an up
    /// unless `false`.
    pub fn of_scripts<'a>(scripts: impl Iterator<Item = (&'a [Statement], bool)>) -> Conventions {
        let mut practices = [PracticeCount::default(); 6];
        for (stmts, up) in scripts {
            count_practices(&mut practices, stmts, up);
        }
        Conventions {
            practices,
            ..Conventions::default()
        }
    }

    /// The practice's count, when the set has enough cases to tell and follows it in fewer than
    /// one in ten: the exceptions are the project's deliberate choices (the one big table it
    /// indexes concurrently), not its practice.
    pub fn rarely_follows(&self, p: Practice) -> Option<PracticeCount> {
        let c = self.practices[p.index()];
        (c.cases as usize >= Self::SAMPLE && c.followed * 10 < c.cases).then_some(c)
    }
}

/// Adds a script's cases of each practice (a migration, for `lock_timeout`, when it is an up).
fn count_practices(practices: &mut [PracticeCount; 6], stmts: &[Statement], up: bool) {
    for st in stmts {
        for p in Practice::ALL {
            let (cases, followed) = p.count(st);
            practices[p.index()].cases += cases;
            practices[p.index()].followed += followed;
        }
    }
    if up {
        let lt = &mut practices[Practice::LockTimeout.index()];
        lt.cases += 1;
        lt.followed += u32::from(stmts.iter().any(
            |s| matches!(&s.kind, StmtKind::Set { name, .. } if crate::sql::is_lock_timeout(name)),
        ));
    }
}

/// Whether findings about practice `p` are reported place by place, whatever the set does: the
/// config says migrations run online (`[migrations] online = "always"`), or pins LK010's
/// practice (`[postgres] lock-timeout-set-by-tool = false`).
fn pinned(p: Practice, settings: &Settings) -> bool {
    settings.migrations.online == Online::Always
        || (p == Practice::LockTimeout && settings.lock_timeout_pinned)
}

/// One cause, one finding: in a set that (almost) never follows a practice, the findings of each
/// rule that asks for it become one, at the newest place (the last in migration order), an info
/// note that says what the set's practice is and how many places it stands for.
pub fn collapse_unpractised(
    conventions: &Conventions,
    settings: &Settings,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    for p in Practice::ALL {
        let Some(count) = conventions.rarely_follows(p) else {
            continue;
        };
        if pinned(p, settings) {
            continue;
        }
        let mut codes: Vec<&'static str> = out
            .iter()
            .filter(|(_, d)| d.rule.practice == Some(p) && !d.whole_file)
            .map(|(_, d)| d.rule.code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let of_rule = |d: &Diagnostic| d.rule.code == code && !d.whole_file;
            let places = out.iter().filter(|(_, d)| of_rule(d)).count();
            let files = {
                let mut f: Vec<usize> = out
                    .iter()
                    .filter(|(_, d)| of_rule(d))
                    .map(|(f, _)| *f)
                    .collect();
                f.sort_unstable();
                f.dedup();
                f.len()
            };
            let keep = out
                .iter()
                .rposition(|(_, d)| of_rule(d))
                .expect("the code came from a finding");
            let mut i = 0;
            out.retain(|(_, d)| {
                let k = i == keep || !of_rule(d);
                i += 1;
                k
            });
            let at = out.iter_mut().rfind(|(_, d)| of_rule(d)).expect("kept");
            let d = &mut at.1;
            let (noun, one, several) = p.words();
            let more = if places > 1 {
                format!(
                    "; reported once, here, for its {places} places in {files} file{}",
                    if files == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let which = match count.followed {
                0 => format!(
                    "none of the {} {noun} of this migration set {one}",
                    count.cases
                ),
                1 => format!(
                    "only 1 of the {} {noun} of this migration set {one}",
                    count.cases
                ),
                n => format!(
                    "only {n} of the {} {noun} of this migration set {several}",
                    count.cases
                ),
            };
            d.message = format!("{}. The project's practice: {which}{more}", d.message);
            d.severity = d.severity.min(Severity::Info);
            d.stands_for = places;
            // A note about the project's practice, not a place to change: `check --fix` would
            // otherwise rewrite one old migration per run, newest first.
            d.fix = None;
            d.help = Some(format!(
                "{}; if these migrations run while the database serves traffic, set `online = \"always\"` under `[migrations]` in schemaguard.toml to report every place (`online = \"never\"`: they run offline)",
                d.help.as_deref().unwrap_or("follow the practice")
            ));
        }
    }
}
