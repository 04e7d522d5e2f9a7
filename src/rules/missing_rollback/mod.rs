//! RB: migrations that cannot be rolled back, or whose rollback does not undo them.

mod down_does_not_reverse_up;
mod empty_down_migration;
mod irreversible_down_migration;
mod liquibase_changeset_without_rollback;
mod missing_down_migration;

pub use down_does_not_reverse_up::DownDoesNotReverseUp;
pub use empty_down_migration::EmptyDownMigration;
pub use irreversible_down_migration::IrreversibleDownMigration;
pub use liquibase_changeset_without_rollback::LiquibaseChangesetWithoutRollback;
pub use missing_down_migration::MissingDownMigration;

use crate::assemble::{MigrationView, ScriptView};
use crate::frameworks::{Framework, MigrationKind};
use crate::registry::Rule;
use crate::source::Span;

pub static RULES: &[&dyn Rule] = &[
    &MissingDownMigration,
    &EmptyDownMigration,
    &IrreversibleDownMigration,
    &LiquibaseChangesetWithoutRollback,
    &DownDoesNotReverseUp,
];

/// Words by which a down migration says it cannot undo its up.
const IRREVERSIBLE: [&str; 9] = [
    "irreversible",
    "cannot be rolled back",
    "can't be rolled back",
    "cannot be reverted",
    "not reversible",
    "cannot be undone",
    "can not be undone",
    "no rollback",
    "no down migration",
];

/// The text region a script occupies in its file: from its start to the next script's start.
fn region(m: &MigrationView, s: &ScriptView) -> Span {
    let model = m.model(s.file);
    let text_len = m.source(s.file).text.len();
    if !model.sections {
        return Span::new(0, text_len);
    }
    let start = s.script.span.start;
    let end = model
        .scripts
        .iter()
        .map(|x| x.span.start)
        .filter(|&x| x > start)
        .min()
        .unwrap_or(text_len);
    Span::new(start, end)
}

/// A down declares itself irreversible: an Alembic `raise`, or a comment saying so. The span
/// and the reason it gives.
pub(crate) fn declared_irreversible(m: &MigrationView, s: &ScriptView) -> Option<(Span, String)> {
    if let Some(x) = &s.script.irreversible {
        return Some(x.clone());
    }
    let r = region(m, s);
    let text = &m.source(s.file).text;
    m.model(s.file)
        .comments
        .iter()
        .filter(|c| r.contains(c.span.start))
        .find_map(|c| {
            let body = c.span.text(text);
            let lower = body.to_ascii_lowercase();
            if lower.contains("schemaguard:") {
                return None;
            }
            IRREVERSIBLE.iter().any(|w| lower.contains(w)).then(|| {
                let reason = body
                    .trim_start_matches(['-', '#', '/', '*', '<', '!'])
                    .trim_end_matches(['*', '/', '>', '-'])
                    .trim()
                    .to_string();
                (c.span, reason)
            })
        })
}

/// Whether the migration is one the rollback rules look at at all.
pub(crate) fn in_scope(m: &MigrationView) -> bool {
    m.migration.kind == MigrationKind::Versioned && m.set.framework.has_down()
}

/// Where a finding about a whole script points: its first statement, else its declaration.
pub(crate) fn script_anchor(s: &ScriptView) -> Span {
    s.statements
        .first()
        .map(|st| st.span)
        .unwrap_or(s.script.span)
}

/// What to call the down of a framework in help text.
pub(crate) fn how_to_add_down(fw: Framework) -> &'static str {
    match fw {
        Framework::Flyway => "add a `U<version>__<description>.sql` undo migration next to it",
        Framework::GolangMigrate | Framework::Popx => {
            "add the matching `<version>_<name>.down.sql` that undoes it"
        }
        Framework::Diesel => "write its `down.sql`",
        Framework::Goose => "add a `-- +goose Down` section that undoes it",
        Framework::Dbmate => "add a `-- migrate:down` section that undoes it",
        Framework::Sqitch => "add its `revert/<change>.sql` script",
        Framework::Alembic => "write a `downgrade()` that undoes `upgrade()`",
        Framework::Liquibase => "add a `<rollback>` to the changeSet",
        Framework::Prisma => "keep a hand-written down script next to the migration",
    }
}
