use crate::assemble::MigrationView;
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a down migration that fails on purpose or declares itself irreversible (an Alembic
    /// `downgrade()` that raises, a down whose only content is a comment saying it cannot be
    /// rolled back), quoting the reason it gives. A down that says so and still runs statements
    /// is reported when replaying it shows changes of the up it leaves in place: one finding,
    /// with their count, instead of one RB005 per change.
    ///
    /// ## Why is this bad?
    /// Some changes cannot be undone (data deleted, a lossy type change), and saying so is far
    /// better than an empty down. But it still means this release cannot be rolled back by the
    /// tool: the team should know before deploying it, and plan a roll-forward instead.
    ///
    /// ## Example
    /// ```sql file=migrations/001_drop_legacy.up.sql
    /// DROP TABLE legacy_events;
    /// ```
    /// ```sql file=migrations/001_drop_legacy.down.sql
    /// -- irreversible: the events are gone
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_drop_legacy.up.sql
    /// ALTER TABLE legacy_events RENAME TO legacy_events_old;
    /// ```
    /// ```sql file=migrations/001_drop_legacy.down.sql
    /// ALTER TABLE legacy_events_old RENAME TO legacy_events;
    /// ```
    /// Or accept it, with the reason, where it is declared:
    /// `-- schemaguard: ignore[irreversible-down-migration] events archived to S3 first`.
    pub struct IrreversibleDownMigration {
        code: "RB003",
        name: "irreversible-down-migration",
        category: MissingRollback,
        severity: Warning,
    }
}

impl Rule for IrreversibleDownMigration {
    crate::rule_meta!();

    fn check_migration(&self, m: &MigrationView, cx: &mut SetCx) {
        let Some(down) = &m.down else { return };
        if !super::in_scope(m) {
            return;
        }
        let Some((span, reason)) = super::declared_irreversible(m, down) else {
            return;
        };
        // A SQL down that holds real statements is irreversible only as far as the replay shows
        // it leaves some of the up in place (a comment may say "not irreversible"); then this
        // one finding stands for every change it leaves.
        let mut left = String::new();
        if down.script.irreversible.is_none() && !down.statements.is_empty() {
            let Some(up) = &m.up else { return };
            let n = super::unreversed(m, up, down).map_or(0, |d| d.len());
            if n == 0 {
                return;
            }
            left = format!(
                " (it leaves {n} change{} of the up in place)",
                if n == 1 { "" } else { "s" }
            );
        }
        cx.report(
            down.file,
            span,
            format!(
                "migration `{}` cannot be rolled back: its {} says \"{}\"{left}",
                m.migration.id,
                m.set.framework.down_noun(),
                crate::redact::excerpt(&reason, 120)
            ),
        )
        .label("declared irreversible")
        .help("plan a roll-forward for this release, or make the up reversible (rename or copy instead of dropping)");
    }
}
