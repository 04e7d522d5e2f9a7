use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a unique constraint or unique index to a table that already holds data:
    /// `ADD UNIQUE`, `ADD CONSTRAINT ... UNIQUE`, MySQL `ADD UNIQUE KEY`, `CREATE UNIQUE INDEX`.
    ///
    /// ## Why is this bad?
    /// If existing rows hold duplicates the migration fails (with `CONCURRENTLY`, it leaves an
    /// invalid index behind). Once it succeeds, deployed code that inserts duplicates, for
    /// example by retrying a request, gets errors it never handled.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Use instead
    /// Check for duplicates first and make sure the code handles the violation; build the index
    /// concurrently and attach it:
    /// ```sql
    /// -- schemaguard: ignore[add-unique-constraint] duplicates removed in 0042; signup handles 23505
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    /// ```
    pub struct AddUniqueConstraint {
        code: "BC008",
        name: "add-unique-constraint",
        category: BackwardIncompatible,
        severity: Warning,
    }
}

const HELP: &str = "check existing rows for duplicates and make sure deployed code handles unique violations before adding it";

impl Rule for AddUniqueConstraint {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_is_new(&at.name, i) {
                return;
            }
            let unique = match &item.action {
                // USING INDEX attaches an index built earlier: the risk was taken (and flagged) there.
                AlterAction::AddConstraint { constraint } => matches!(
                    &constraint.kind,
                    ConstraintKind::Unique {
                        using_index: None,
                        ..
                    }
                ),
                AlterAction::AddIndex { unique, .. } => *unique,
                _ => false,
            };
            if unique {
                cx.report(item.span, format!("a unique constraint is added to existing table `{}`: it fails on duplicate rows, and deployed code inserting duplicates starts failing", at.name))
                    .label("new uniqueness requirement")
                    .help(HELP);
            }
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::CreateIndex(ci) = &stmt.kind
                && ci.unique
                && !unit.table_is_new(&ci.table, i)
            {
                cx.report(stmt.span, format!("a unique index is created on existing table `{}`: it fails on duplicate rows, and deployed code inserting duplicates starts failing", ci.table))
                    .label("new uniqueness requirement")
                    .help(HELP);
            }
        }
    }
}
