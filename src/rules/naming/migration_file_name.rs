use crate::assemble::{SetView, file_start};
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a file in a migration folder whose name does not follow the folder's framework
    /// convention (e.g. `V1_add_users.sql` with one underscore in a Flyway folder, `002_x.sql`
    /// without `.up`/`.down` among golang-migrate files, a goose file without `-- +goose Up`).
    ///
    /// ## Why is this bad?
    /// The migration tool silently ignores (or refuses) a file it does not recognise: the change
    /// never reaches the database, and nobody notices until the code that needs it fails.
    ///
    /// ## Example
    /// ```sql file=db/migration/V1__create_users.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=db/migration/V2_add_nickname.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=db/migration/V1__create_users.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=db/migration/V2__add_nickname.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Options
    /// Flyway's prefixes, separator and suffixes: `[migrations.flyway]` with
    /// `sql-migration-prefix`, `undo-sql-migration-prefix`, `repeatable-sql-migration-prefix`,
    /// `sql-migration-separator`, `sql-migration-suffixes`. The framework of a folder can be
    /// forced with `[migrations.frameworks]`.
    pub struct MigrationFileName {
        code: "NM002",
        name: "migration-file-name",
        category: Naming,
        severity: Warning,
    }
}

impl Rule for MigrationFileName {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        for m in &set.set.misnamed {
            if !set.reported(m.file) {
                continue;
            }
            let name = set
                .path(m.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let fw = set.set.framework;
            cx.report(
                m.file,
                file_start(set.source(m.file)),
                format!(
                    "`{name}` does not follow {fw}'s naming in `{}`, so {fw} will not run it",
                    set.set.root
                ),
            )
            .label("not a migration name")
            .help(format!(
                "rename it to {}, or move it out of the migrations folder",
                m.expected
            ));
        }
    }
}
