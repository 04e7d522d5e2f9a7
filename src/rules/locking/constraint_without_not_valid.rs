use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a `FOREIGN KEY` or `CHECK` constraint to an existing table without
    /// `NOT VALID` (PostgreSQL).
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
    /// statement, which only takes a lock that lets reads and writes through:
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
                .help("add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a separate statement");
        });
    }
}
