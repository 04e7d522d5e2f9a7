use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a `PRIMARY KEY` or `UNIQUE` constraint to an existing table without
    /// `USING INDEX` (PostgreSQL), and adding a column with one inline (`ADD COLUMN ref uuid
    /// UNIQUE`), which builds its index the same way.
    ///
    /// It follows the project's practice: in a migration set that adds its keys USING INDEX in
    /// fewer than one case in ten (from five cases on), its findings become one info note at the
    /// newest place, saying so. Set `online = "always"` under `[migrations]` to report every place,
    /// or `online = "never"` when migrations run offline.
    ///
    /// ## Why is this bad?
    /// PostgreSQL builds the constraint's index while holding an `ACCESS EXCLUSIVE` lock: the
    /// table is unavailable for reads and writes until the build ends.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE events ADD PRIMARY KEY (id);
    /// ```
    ///
    /// ## Use instead
    /// Build the unique index concurrently first, then attach it, which is instant:
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
    /// ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
    /// ```
    pub struct AddConstraintWithoutUsingIndex {
        code: "LK007",
        name: "add-constraint-without-using-index",
        category: Locking,
        severity: Warning,
        practice: UsingIndex,
    }
}

impl Rule for AddConstraintWithoutUsingIndex {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_has_no_rows(&at.name, i) {
                return;
            }
            // `ADD COLUMN c ... UNIQUE` / `PRIMARY KEY` builds its index the same way, and
            // cannot be given USING INDEX.
            if let AlterAction::AddColumn { column, .. } = &item.action {
                let what = if column.primary_key {
                    "primary key"
                } else if column.unique {
                    "unique constraint"
                } else {
                    return;
                };
                cx.report(item.span, format!("column `{}` is added to `{}` with an inline {what}: its index is built under an ACCESS EXCLUSIVE lock", column.name, at.name))
                    .label("builds an index while the table is locked")
                    .help("add the column alone, CREATE UNIQUE INDEX CONCURRENTLY on it, then ADD CONSTRAINT ... USING INDEX");
                return;
            }
            let AlterAction::AddConstraint { constraint } = &item.action else {
                return;
            };
            let what = match &constraint.kind {
                ConstraintKind::PrimaryKey {
                    using_index: None, ..
                } => "primary key",
                ConstraintKind::Unique {
                    using_index: None, ..
                } => "unique constraint",
                _ => return,
            };
            cx.report(item.span, format!("a {what} is added to `{}` without USING INDEX: its index is built under an ACCESS EXCLUSIVE lock", at.name))
                .label("builds an index while the table is locked")
                .help("CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX");
        });
    }
}
