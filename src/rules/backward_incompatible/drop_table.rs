use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP TABLE` of a table that this migration did not create.
    ///
    /// A table rebuilt by the migration is not reported: one created again under the same name
    /// or replaced by a new table renamed into its place, and the old copy renamed aside earlier
    /// in the migration (a name no deployed code knows). Nor is a table the migration replaces
    /// with a view of the same name (its data moved elsewhere, its readers kept working).
    ///
    /// ## Why is this bad?
    /// Code still deployed against the old schema fails on every query of the table, and its
    /// rows are lost: a rollback cannot bring them back.
    ///
    /// ## Example
    /// ```sql
    /// DROP TABLE audit_log;
    /// ```
    ///
    /// ## Use instead
    /// Remove every use of the table from the code and release that first; keep a backup or
    /// rename the table aside for a release before dropping it:
    /// ```sql
    /// -- schemaguard: ignore[drop-table] unused since 2024.06, backup in s3://backups/audit_log
    /// DROP TABLE audit_log;
    /// ```
    pub struct DropTable {
        code: "BC002",
        name: "drop-table",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for DropTable {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::Drop {
                kind: ObjectKind::Table,
                names,
                ..
            } = &stmt.kind
            {
                for name in names {
                    if unit.table_is_new(name, i)
                        || crate::rules::recreated_later(unit, i, ObjectKind::Table, &name.key())
                        || crate::rules::renamed_into_before(
                            unit,
                            i,
                            ObjectKind::Table,
                            &name.key(),
                        )
                    {
                        continue;
                    }
                    cx.report(stmt.span, format!("table `{name}` is dropped while deployed code may still use it"))
                        .secondary(name.span(), "this table and its rows are deleted")
                        .label("dropped here")
                        .help("release code that no longer uses the table first, and keep a backup; then drop it in a later migration");
                }
            }
        }
    }
}
