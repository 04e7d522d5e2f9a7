use std::collections::HashMap;

use crate::assemble::{SetView, file_start, versions};
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags two migrations of one folder with the same version (`V3__a.sql` and `V3__b.sql`,
    /// `003_a.up.sql` and `003_b.up.sql`).
    ///
    /// ## Why is this bad?
    /// Flyway refuses to run at all; golang-migrate and goose fail or pick one and skip the
    /// other. Usually two branches each added "the next" migration and both merged.
    ///
    /// ## Example
    /// ```sql file=migrations/003_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// ```sql file=migrations/003_add_avatar.up.sql
    /// ALTER TABLE users ADD COLUMN avatar_url text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/003_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// ```sql file=migrations/004_add_avatar.up.sql
    /// ALTER TABLE users ADD COLUMN avatar_url text;
    /// ```
    pub struct DuplicateMigrationVersion {
        code: "NM003",
        name: "duplicate-migration-version",
        category: Naming,
        severity: Error,
    }
}

impl Rule for DuplicateMigrationVersion {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        // Prisma and sqitch name migrations by folder or change name, not by version.
        if matches!(
            set.set.framework,
            crate::frameworks::Framework::Prisma | crate::frameworks::Framework::Sqitch
        ) {
            return;
        }
        let mut found: Vec<(usize, usize, String)> = set.set.duplicates.clone();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for m in &set.set.migrations {
            if m.kind != crate::frameworks::MigrationKind::Versioned {
                continue;
            }
            let Some(v) = &m.version else { continue };
            // popx keys carry the dialect in the id: the same version per dialect is fine.
            let key = format!(
                "{}|{}",
                v.as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| v.text.clone()),
                m.id.split_once(' ').map(|x| x.1).unwrap_or("")
            );
            if let Some(&other) = seen.get(&key) {
                if other != m.file {
                    found.push((m.file, other, v.text.clone()));
                }
            } else {
                seen.insert(key, m.file);
            }
        }
        let _ = versions(set.set);
        for (file, other, version) in found {
            // Reported on the file being linted: with one file named (a pre-commit run, an
            // editor), the other may come first in the set's order and be context only.
            let (file, other) = if set.reported(file) {
                (file, other)
            } else if set.reported(other) {
                (other, file)
            } else {
                continue;
            };
            // The folder for diesel (`<version>_<name>/up.sql`), the file otherwise.
            let shown = &set.source(other).display;
            let mut parts = shown.rsplit('/');
            let file_name = parts.next().unwrap_or("");
            let other_name = match set.set.framework {
                crate::frameworks::Framework::Diesel => {
                    format!("{}/{file_name}", parts.next().unwrap_or(""))
                }
                _ => file_name.to_string(),
            };
            cx.report(file, file_start(set.source(file)), format!("version {version} is also used by `{other_name}`: {} refuses or skips one of them", set.set.framework))
                .label("duplicate version")
                .help("give this migration the next free version");
        }
    }
}
