use crate::registry::{Cx, Rule};
use crate::sql::{AlterTypeAction, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ALTER TYPE ... RENAME VALUE` on an enum.
    ///
    /// ## Why is this bad?
    /// Rows keep their value under the new label at once, but deployed code still writes and
    /// compares the old label: its inserts fail with "invalid input value for enum" and its
    /// filters silently match nothing.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';
    /// ```
    ///
    /// ## Use instead
    /// Add the new value, make the code accept both, migrate the rows, then stop using the old
    /// label (PostgreSQL cannot drop an enum value; a new type is needed for that):
    /// ```sql
    /// ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched';
    /// ```
    pub struct RenameEnumValue {
        code: "BC013",
        name: "rename-enum-value",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameEnumValue {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for stmt in unit.statements {
            if let StmtKind::AlterType {
                name,
                action: AlterTypeAction::RenameValue { from, to, span },
            } = &stmt.kind
            {
                cx.report(*span, format!("enum value '{from}' of `{name}` is renamed to '{to}' while deployed code still uses '{from}'"))
                    .label("renamed value")
                    .help("add the new value, make the code accept both, migrate the rows, then retire the old value");
            }
        }
    }
}
