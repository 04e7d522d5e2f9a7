use crate::assemble::MigrationView;
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a down migration that does nothing (no statements, only comments, an Alembic
    /// `downgrade()` that only `pass`es) while its up changes the schema.
    ///
    /// ## Why is this bad?
    /// The tool reports the rollback as a success and records the migration as undone, while the
    /// schema still has every change of the up: the next deploy of the up fails (the column
    /// already exists), or the application runs against a schema it does not expect.
    ///
    /// ## Example
    /// ```sql file=migrations/001_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// ```sql file=migrations/001_add_nickname.down.sql
    /// -- TODO
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    /// ```sql file=migrations/001_add_nickname.down.sql
    /// ALTER TABLE users DROP COLUMN nickname;
    /// ```
    /// If the change cannot be undone, say so: a comment such as
    /// `-- irreversible: the old values are gone` or a `downgrade()` that raises with the reason
    /// is reported as `irreversible-down-migration` instead, with your reason.
    pub struct EmptyDownMigration {
        code: "RB002",
        name: "empty-down-migration",
        category: MissingRollback,
        severity: Warning,
    }
}

impl Rule for EmptyDownMigration {
    crate::rule_meta!();

    fn check_migration(&self, m: &MigrationView, cx: &mut SetCx) {
        let (Some(up), Some(down)) = (&m.up, &m.down) else {
            return;
        };
        // Empty downs by the project's convention (most of its downs are empty): they say
        // "not undone" on purpose, unless `require-down = "always"`.
        let by_convention = m.conventions.empty_downs
            && cx.settings.migrations.require_down != crate::settings::RequireDown::Always;
        if !super::in_scope(m)
            || by_convention
            || !down.statements.is_empty()
            || down.script.opaque
            || up.statements.is_empty()
            || super::declared_irreversible(m, down).is_some()
        {
            return;
        }
        let changes_schema = up
            .statements
            .iter()
            .any(|s| !crate::assemble::is_data_change(s));
        if !changes_schema {
            return;
        }
        let what = if down.script.declared_empty {
            "declares that nothing needs rolling back"
        } else {
            "does nothing"
        };
        cx.report(
            down.file,
            down.script.span,
            format!(
                "the {} of migration `{}` {what}, but its up changes the schema",
                m.set.framework.down_noun(),
                m.migration.id
            ),
        )
        .label("empty rollback")
        .secondary(up.statements[0].span, "this change is not undone")
        .help("write the statements that undo the up, or state that it is irreversible and why");
    }
}
