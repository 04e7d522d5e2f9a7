use std::collections::HashMap;

use crate::assemble::{BaseStatus, SetView, file_start};
use crate::frameworks::{Framework, MigrationKind};
use crate::parse::script::FileInfo;
use crate::registry::{Rule, SetCx};
use crate::source::SourceFile;

crate::declare_rule! {
    /// ## What it does
    /// With `--diff-base REF`: flags an edit to a migration that already exists on REF. For
    /// Liquibase, only changeSets that existed on REF and changed are flagged (adding a changeSet
    /// to a changelog is the normal workflow; `runOnChange` changeSets may change). Flyway
    /// repeatable (`R__`) migrations may change, and so may files that hold only a down
    /// (`.down.sql`, `U…` undo, `revert/`), which were never applied.
    ///
    /// ## Why is this bad?
    /// An applied migration is history: databases that ran it will not run it again, so the edit
    /// only reaches new databases and environments drift apart. Flyway and Liquibase store a
    /// checksum of each applied migration and refuse to run when it changes.
    ///
    /// ## Example
    /// `db/migration/V3__add_nickname.sql` exists on `main` and is edited on a branch:
    /// ```text
    /// -ALTER TABLE users ADD COLUMN nickname text;
    /// +ALTER TABLE users ADD COLUMN nickname varchar(50);
    /// ```
    ///
    /// ## Use instead
    /// Leave the applied migration alone and add a new one:
    /// ```text
    /// db/migration/V7__limit_nickname.sql
    /// ```
    pub struct AppliedMigrationEdited {
        code: "NM007",
        name: "applied-migration-edited",
        category: Naming,
        severity: Error,
    }
}

fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Rule for AppliedMigrationEdited {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        let Some(base) = set.base else { return };
        for &f in &set.set.files {
            if !set.reported(f) || base.status(set.path(f)) != BaseStatus::Modified {
                continue;
            }
            let model = set.model(f);
            let src = set.source(f);
            if let FileInfo::Changelog(ci) = &model.info {
                // Compare changeSet by changeSet.
                let Some(old_text) = base.text_at_base(set.path(f)) else {
                    continue;
                };
                let Some(kind) = crate::discover::classify(set.path(f)) else {
                    continue;
                };
                let old_src = SourceFile::new(src.path.clone(), src.display.clone(), old_text);
                let old = crate::lint::parse_file(&old_src, kind, cx.settings);
                let FileInfo::Changelog(old_ci) = &old.info else {
                    continue;
                };
                let before: HashMap<&str, String> = old_ci
                    .change_sets
                    .iter()
                    .map(|c| (c.id.as_str(), normalized(c.body.text(&old_src.text))))
                    .collect();
                for cs in &ci.change_sets {
                    if cs.reruns {
                        continue;
                    }
                    if let Some(b) = before.get(cs.id.as_str())
                        && *b != normalized(cs.body.text(&src.text))
                    {
                        cx.report(f, cs.span, format!("changeSet `{}` existed on the base and was edited: Liquibase fails its checksum on every database that applied it", cs.id))
                            .label("edited after it was applied")
                            .help("revert the edit and add a new changeSet with the change");
                    }
                }
                continue;
            }
            // A file holding only downs was never applied: fixing a rollback is fine.
            let only_down = set
                .set
                .migrations
                .iter()
                .all(|m| m.up.is_none_or(|u| u.file != f))
                && set
                    .set
                    .migrations
                    .iter()
                    .any(|m| m.down.is_some_and(|d| d.file == f));
            if only_down {
                continue;
            }
            let repeatable = set.set.framework == Framework::Flyway
                && set
                    .set
                    .migrations
                    .iter()
                    .any(|m| m.file == f && m.kind == MigrationKind::Repeatable);
            if repeatable {
                continue;
            }
            let name = src.display.rsplit('/').next().unwrap_or("").to_string();
            let checksum = if matches!(set.set.framework, Framework::Flyway) {
                " (Flyway's checksum validation fails)"
            } else {
                ""
            };
            cx.report(f, file_start(src), format!("migration `{name}` already exists on the base and was edited: databases that applied it will not run the edit{checksum}"))
                .label("applied migrations are immutable")
                .help("revert the edit and put the change in a new migration");
        }
    }
}
