use crate::assemble::MigrationView;
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Replays the up and then the down over the schema the earlier migrations built, and
    /// reports every object the up changed that the down does not put back: a column left
    /// behind, an index not recreated, a rename not reverted, a type not changed back.
    ///
    /// The replay knows what goes with what: a materialized view's indexes go with it, `DROP
    /// SCHEMA ... CASCADE` takes the schema's objects, a table has one primary key (Liquibase
    /// `dropPrimaryKey` names none), a table rebuilt and renamed into place is one new table,
    /// and a column added under the name of one renamed aside replaces it.
    ///
    /// Objects the migrations never created are unknown and never reported; downs that run code
    /// schemaguard cannot see into (`DO` blocks, Python logic, a statement it cannot parse) are
    /// skipped. A down that says it cannot undo everything is one RB003 finding instead.
    ///
    /// ## Why is this bad?
    /// A down that undoes half of its up leaves the database in a state no version of the code
    /// was written for, and the next deploy of the up fails (the column already exists).
    ///
    /// ## Example
    /// ```sql file=migrations/001_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// CREATE INDEX users_nickname_idx ON users (nickname);
    /// ```
    /// ```sql file=migrations/001_add_nickname.down.sql
    /// DROP INDEX users_nickname_idx;
    /// ```
    ///
    /// ## Use instead
    /// ```sql file=migrations/001_add_nickname.up.sql
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// CREATE INDEX users_nickname_idx ON users (nickname);
    /// ```
    /// ```sql file=migrations/001_add_nickname.down.sql
    /// DROP INDEX users_nickname_idx;
    /// ALTER TABLE users DROP COLUMN nickname;
    /// ```
    pub struct DownDoesNotReverseUp {
        code: "RB005",
        name: "down-does-not-reverse-up",
        category: MissingRollback,
        severity: Warning,
    }
}

impl Rule for DownDoesNotReverseUp {
    crate::rule_meta!();

    fn check_migration(&self, m: &MigrationView, cx: &mut SetCx) {
        let (Some(up), Some(down)) = (&m.up, &m.down) else {
            return;
        };
        // A down that says it cannot undo everything is one RB003 finding, not one per change.
        if !super::in_scope(m) || super::declared_irreversible(m, down).is_some() {
            return;
        }
        let Some(differences) = super::unreversed(m, up, down) else {
            return;
        };
        let anchor = super::script_anchor(down);
        for d in differences {
            let diag = cx.report(down.file, anchor, d.message);
            diag.label("this down does not undo everything");
            if up.file == down.file {
                diag.secondary(d.up_span, "changed here by the up");
            }
            diag.help("add the statement that undoes it to the down, so rolling back returns the schema to where it was");
        }
    }
}
