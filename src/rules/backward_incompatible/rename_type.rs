use crate::registry::{Cx, Rule};
use crate::sql::{AlterTypeAction, ObjectKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags renaming a type (`ALTER TYPE ... RENAME TO`).
    ///
    /// Renaming a type aside while the same migration gives its name to a new type (the enum
    /// swap that removes values, whose column changes `change-column-type` reports) keeps the
    /// name and is not reported.
    ///
    /// ## Why is this bad?
    /// Code that names the type (casts such as `'x'::order_status`, function signatures,
    /// ORM type mappings) breaks while the old version is deployed.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TYPE order_status RENAME TO purchase_status;
    /// ```
    ///
    /// ## Use instead
    /// Keep the old name, or create the new type, move columns over in a release, and drop the
    /// old one later:
    /// ```sql
    /// CREATE TYPE purchase_status AS ENUM ('new', 'paid', 'shipped');
    /// ```
    pub struct RenameType {
        code: "BC014",
        name: "rename-type",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameType {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::AlterType {
                name,
                action: AlterTypeAction::Rename { to },
            } = &stmt.kind
            {
                let key = name.key();
                let created_here = unit.statements[..i].iter().any(
                    |s| matches!(&s.kind, StmtKind::CreateType { name: n, .. } if n.key() == key),
                );
                // The enum swap: the old type is renamed aside and a new one takes its name.
                let replaced = crate::rules::recreated_later(unit, i, ObjectKind::Type, &key);
                if !created_here && !replaced {
                    // Point at `RENAME TO new_name`, where the statement may span lines.
                    let span = unit
                        .code_tokens(stmt)
                        .find(|t| t.is_kw(&unit.source.text, "RENAME"))
                        .map(|t| t.span().cover(to.span))
                        .unwrap_or(stmt.span);
                    cx.report(span, format!("type `{name}` is renamed to `{to}` while deployed code may still name it"))
                        .label("renamed here")
                        .help("create the new type and move columns over in a release, then drop the old type later");
                }
            }
        }
    }
}
