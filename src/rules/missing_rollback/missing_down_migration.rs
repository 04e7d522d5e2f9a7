use crate::assemble::MigrationView;
use crate::frameworks::Framework;
use crate::registry::{Rule, SetCx};
use crate::settings::RequireDown;

crate::declare_rule! {
    /// ## What it does
    /// Flags a migration that has no down migration (undo, revert script, `downgrade()`) in a
    /// folder whose other migrations have one, or everywhere when `require-down = "always"`.
    ///
    /// golang-migrate, popx, diesel, goose, dbmate, sqitch, Flyway (undo) and Alembic pair each
    /// up with its down; Liquibase changeSets are checked by `liquibase-changeset-without-rollback`
    /// instead, since Liquibase writes many rollbacks itself. Prisma has no downs by design, so it
    /// is only checked when `require-down = "always"`.
    ///
    /// ## Why is this bad?
    /// When the deploy goes wrong, the one migration that cannot be rolled back is the one you
    /// need to roll back: someone writes the undo by hand, under pressure, against production.
    ///
    /// ## Example
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=migrations/001_create_users.down.sql
    /// DROP TABLE users;
    /// ```
    /// ```sql file=migrations/002_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_create_users.up.sql
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql file=migrations/001_create_users.down.sql
    /// DROP TABLE users;
    /// ```
    /// ```sql file=migrations/002_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// ```sql file=migrations/002_add_nickname.down.sql
    /// ALTER TABLE users DROP COLUMN nickname;
    /// ```
    ///
    /// ## Options
    /// `[migrations] require-down = "auto" | "always" | "never"` (default `auto`: required
    /// when the folder has at least one down).
    pub struct MissingDownMigration {
        code: "RB001",
        name: "missing-down-migration",
        category: MissingRollback,
        severity: Warning,
    }
}

impl Rule for MissingDownMigration {
    crate::rule_meta!();

    fn check_migration(&self, m: &MigrationView, cx: &mut SetCx) {
        let fw = m.set.framework;
        if fw == Framework::Liquibase || m.down.is_some() {
            return;
        }
        let required = match cx.settings.migrations.require_down {
            RequireDown::Never => false,
            RequireDown::Always => true,
            RequireDown::Auto => {
                fw.has_down()
                    && m.conventions.writes_rollbacks.unwrap_or(m.set_uses_downs)
                    && !super::shifted_downs(fw)
            }
        };
        if !required || m.migration.kind != crate::frameworks::MigrationKind::Versioned {
            return;
        }
        let Some(up) = &m.up else { return };
        // Nothing to undo.
        if up.statements.is_empty() && !up.script.opaque {
            return;
        }
        let anchor = super::script_anchor(up);
        let noun = fw.down_noun();
        cx.report(
            up.file,
            anchor,
            format!(
                "migration `{}` has no {noun}: it cannot be rolled back, while the other migrations here can",
                m.migration.id
            ),
        )
        .label("no way back from this")
        .help(format!("{} (or, if it truly cannot be undone, say so in a down that fails with the reason)", super::how_to_add_down(fw)));
    }
}
