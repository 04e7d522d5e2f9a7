use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ADD PRIMARY KEY USING INDEX` (PostgreSQL) on an existing table when a column of the
    /// index may hold NULL: the earlier migrations created it nullable, and neither a `SET NOT
    /// NULL` nor a validated `CHECK (col IS NOT NULL)` came since.
    ///
    /// ## Why is this bad?
    /// Building the unique index concurrently first is the right way to add a primary key, but
    /// a primary key's columns must be NOT NULL: PostgreSQL sets them NOT NULL as part of the
    /// `ALTER TABLE`, scanning the whole table under its ACCESS EXCLUSIVE lock. The lock that
    /// the concurrent index build avoided is taken anyway.
    ///
    /// ## Example
    /// An earlier migration created `events` with `id` nullable, and the unique index:
    /// ```sql file=migrations/V1__events.sql
    /// CREATE TABLE events (id bigint, payload jsonb);
    /// ```
    /// ```sql file=migrations/V2__events_id_key.sql
    /// CREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id);
    /// ```
    /// ```sql file=migrations/V3__events_pkey.sql
    /// ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_key;
    /// ```
    ///
    /// ## Use instead
    /// Prove the column NOT NULL first without the long lock, in its own transactions: a
    /// `CHECK (id IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT`, then `SET NOT NULL`
    /// (PostgreSQL 12+ skips the scan), then the primary key:
    /// ```sql file=migrations/V1__events.sql
    /// CREATE TABLE events (id bigint, payload jsonb);
    /// ```
    /// ```sql file=migrations/V2__events_id_key.sql
    /// CREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id);
    /// ```
    /// ```sql file=migrations/V3__events_id_not_null.sql
    /// ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;
    /// ```
    /// ```sql file=migrations/V4__events_id_validate.sql
    /// ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;
    /// ```
    /// ```sql file=migrations/V5__events_pkey.sql
    /// ALTER TABLE events ALTER COLUMN id SET NOT NULL;
    /// ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_key;
    /// ```
    ///
    /// ## References
    /// - eugene's check for a primary key on a unique index over nullable columns.
    pub struct PrimaryKeyOnNullableColumn {
        code: "LK015",
        name: "primary-key-on-nullable-column",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for PrimaryKeyOnNullableColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        let Some(catalog) = unit.catalog else {
            return;
        };
        for_each_alter(unit, |i, _, at, item| {
            let AlterAction::AddConstraint { constraint } = &item.action else {
                return;
            };
            let ConstraintKind::PrimaryKey {
                using_index: Some(index),
                ..
            } = &constraint.kind
            else {
                return;
            };
            if unit.table_has_no_rows(&at.name, i) {
                return;
            }
            let (Some(table), Some(index)) = (
                catalog.table(&at.name),
                catalog.indexes.values().find(|ix| ix.name == index.norm()),
            ) else {
                return;
            };
            // Made NOT NULL, or proven so by a validated check, earlier in this script.
            let key = at.name.key();
            let settled_here = |column: &str| {
                crate::rules::backward_incompatible::set_not_null::proven_not_null_before(
                    unit, i, &key, column,
                ) || unit.statements[..i].iter().any(|s| match &s.kind {
                    StmtKind::AlterTable(a) if a.name.key() == key => a.actions.iter().any(
                        |x| matches!(&x.action, AlterAction::SetNotNull { column: c } if c.norm() == column),
                    ),
                    _ => false,
                })
            };
            let nullable: Vec<&str> = index
                .columns
                .iter()
                .filter(|c| {
                    table.column(c).is_some_and(|col| !col.not_null)
                        && !table.proven_not_null(c)
                        && !settled_here(c)
                })
                .map(String::as_str)
                .collect();
            if nullable.is_empty() {
                return;
            }
            let list: Vec<String> = nullable.iter().map(|c| format!("`{c}`")).collect();
            cx.report(item.span, format!("the primary key makes {} of `{}` NOT NULL, scanning the whole table under an ACCESS EXCLUSIVE lock", list.join(", "), at.name))
                .label("sets NOT NULL while the table is locked")
                .help("add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL first (PostgreSQL 12+ then skips the scan), each in its own transaction");
        });
    }
}
