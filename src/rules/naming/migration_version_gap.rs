use crate::assemble::{SetView, file_start, versions};
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a gap in sequentially numbered migrations (`001`, `002`, `004`): the missing
    /// number is usually a migration lost in a merge or deleted after it was applied somewhere.
    /// Timestamp versions are not checked.
    ///
    /// ## Why is this bad?
    /// A database that applied the missing migration has a schema no other database has; one
    /// that did not will never get it. Either way environments drift apart silently.
    ///
    /// ## Example
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=migrations/003_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=migrations/002_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    pub struct MigrationVersionGap {
        code: "NM004",
        name: "migration-version-gap",
        category: Naming,
        severity: Info,
    }
}

impl Rule for MigrationVersionGap {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        let mut vs: Vec<(u64, String, usize)> = versions(set.set)
            .into_iter()
            .filter(|(v, _)| !v.is_timestamp())
            .filter_map(|(v, f)| v.as_u64().map(|n| (n, v.text.clone(), f)))
            .collect();
        if vs.len() < 2 || vs.iter().any(|(n, _, _)| *n > 100_000) {
            return;
        }
        vs.sort();
        vs.dedup_by_key(|x| x.0);
        // A folder numbered with gaps everywhere (one range per release) does so on purpose:
        // only a lone small gap in otherwise consecutive numbers is suspicious.
        let gaps = vs.windows(2).filter(|w| w[1].0 > w[0].0 + 1).count();
        let widest = vs.windows(2).map(|w| w[1].0 - w[0].0).max().unwrap_or(0);
        if gaps != 1 || widest > 3 {
            return;
        }
        for w in vs.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if b.0 > a.0 + 1 && set.reported(b.2) {
                let missing = if b.0 == a.0 + 2 {
                    format!("{} is", a.0 + 1)
                } else {
                    format!("{} to {} are", a.0 + 1, b.0 - 1)
                };
                cx.report(b.2, file_start(set.source(b.2)), format!("versions jump from {} to {}: {missing} missing", a.1, b.1))
                    .label("gap before this version")
                    .help("restore the missing migration, or renumber this one if nothing was ever applied with the missing number");
            }
        }
    }
}
