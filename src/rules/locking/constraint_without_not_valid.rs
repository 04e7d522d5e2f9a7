use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a `FOREIGN KEY` or `CHECK` constraint to an existing table without
    /// `NOT VALID` (PostgreSQL), adding a column with one inline (`ADD COLUMN store_id bigint
    /// REFERENCES stores`), which is validated at once and cannot be `NOT VALID`, and validating
    /// a constraint in the transaction that added it `NOT VALID`.
    ///
    /// It follows the project's practice: in a migration set that adds its constraints NOT VALID in
    /// fewer than one case in ten (from five cases on), its findings become one info note at the
    /// newest place, saying so. Set `online = "always"` under `[migrations]` to report every place,
    /// or `online = "never"` when migrations run offline.
    ///
    /// ## Why is this bad?
    /// Without `NOT VALID`, PostgreSQL checks every existing row while holding a lock that
    /// blocks writes (for a foreign key, on both tables) for the whole scan.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// ```
    ///
    /// ## Use instead
    /// Add it `NOT VALID` (new rows are checked at once), then validate it in a separate
    /// transaction, which only takes a lock that lets reads and writes through (validated in the
    /// transaction that added it, the ADD's lock is still held: that is reported too):
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// ```
    pub struct ConstraintWithoutNotValid {
        code: "LK005",
        name: "constraint-without-not-valid",
        category: Locking,
        severity: Warning,
        practice: NotValidConstraint,
    }
}

impl Rule for ConstraintWithoutNotValid {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            // `ADD COLUMN c ... REFERENCES t` / `CHECK (...)`: validated at once, and an inline
            // constraint cannot be NOT VALID.
            if let AlterAction::AddColumn { column, .. } = &item.action {
                if unit.table_has_no_rows(&at.name, i) {
                    return;
                }
                let what = match (&column.references, column.check) {
                    (Some(r), _) => format!("a foreign key to `{r}`"),
                    (None, true) => "a check constraint".to_string(),
                    _ => return,
                };
                cx.report(item.span, format!("column `{}` is added to `{}` with {what} inline: it is validated against every existing row while writes are blocked, and cannot be NOT VALID", column.name, at.name))
                    .label("validates all rows under a write-blocking lock")
                    .help("add the column alone, then the constraint with NOT VALID, and VALIDATE CONSTRAINT it in a separate transaction");
                return;
            }
            let AlterAction::AddConstraint { constraint } = &item.action else {
                return;
            };
            if constraint.not_valid || unit.table_has_no_rows(&at.name, i) {
                return;
            }
            let what = match &constraint.kind {
                ConstraintKind::ForeignKey { references, .. } => {
                    format!("foreign key to `{references}`")
                }
                ConstraintKind::Check { .. } => "check constraint".to_string(),
                _ => return,
            };
            let name = constraint
                .name
                .as_ref()
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            cx.report(item.span, format!("{what}{name} is added to `{}` without NOT VALID: every existing row is checked while writes are blocked", at.name))
                .label("validates all rows under a write-blocking lock")
                .help("add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a separate transaction");
        });
        // NOT VALID, then VALIDATE in the same transaction: the ADD's lock is still held while
        // VALIDATE checks every row, so nothing is gained.
        for_each_alter(unit, |j, _, at, item| {
            let AlterAction::ValidateConstraint { name } = &item.action else {
                return;
            };
            let Some(i) = added_not_valid(unit, j, &at.name.key(), &name.norm()) else {
                return;
            };
            if unit.table_has_no_rows(&at.name, i) || !same_transaction(unit, i, j) {
                return;
            }
            cx.report(item.span, format!("`{name}` is validated in the transaction that added it NOT VALID: the lock the ADD took on `{}` is held while every row is checked, blocking writes as if NOT VALID were not there", at.name))
                .label("validated in the same transaction")
                .secondary(unit.statements[i].span, "added NOT VALID here, in the same transaction")
                .help("validate it in a separate transaction: a later migration, or after a COMMIT in one that runs outside the tool's transaction");
        });
    }
}

/// The statement before `before` that adds constraint `name` to table `table` NOT VALID.
fn added_not_valid(unit: &SqlUnit, before: usize, table: &str, name: &str) -> Option<usize> {
    unit.statements[..before]
        .iter()
        .position(|s| match &s.kind {
            StmtKind::AlterTable(at) if at.name.key() == table => at.actions.iter().any(|a| {
                matches!(&a.action, AlterAction::AddConstraint { constraint }
                if constraint.not_valid
                    && constraint.name.as_ref().is_some_and(|n| n.norm() == name))
            }),
            _ => false,
        })
}

/// Whether statements `i` and `j` (`i < j`) run in one transaction: both inside one, and no
/// transaction statement between them ends it.
fn same_transaction(unit: &SqlUnit, i: usize, j: usize) -> bool {
    unit.in_transaction(i)
        && unit.in_transaction(j)
        && !unit.statements[i + 1..j]
            .iter()
            .any(|s| matches!(s.kind, StmtKind::Transaction(_)))
}
