use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags `DROP TABLE` of a table that this migration did not create.
    ///
    /// A table rebuilt by the migration is not reported: one created again under the same name
    /// or replaced by a new table renamed into its place, and the old copy renamed aside earlier
    /// in the migration (a name no deployed code knows). Nor is a table the migration replaces
    /// with a view of the same name (its data moved elsewhere, its readers kept working). But a
    /// table an earlier migration created, dropped and created again empty by a plain `CREATE
    /// TABLE` with nothing copying its rows out first, is reported: its rows are gone.
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
                    if unit.table_is_new(name, i) {
                        continue;
                    }
                    // Dropped and created again, empty, where an earlier migration made it: its
                    // rows are gone (unless they were copied out first).
                    if recreated_empty(unit, i, name) {
                        cx.report(stmt.span, format!("table `{name}` is dropped and created again empty: every row it held is deleted, and deployed code finds an empty table"))
                            .secondary(name.span(), "this table's rows are deleted")
                            .label("dropped here, created again below")
                            .help("change the table in place (ALTER TABLE), or copy its rows into the new one before dropping it");
                        continue;
                    }
                    if crate::rules::recreated_later(unit, i, ObjectKind::Table, &name.key())
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

/// Whether the table, which the migrations before this one created (so it may hold rows), is
/// created again by a plain `CREATE TABLE` after statement `index`, with nothing before the drop
/// copying its rows elsewhere (`INSERT INTO … SELECT … FROM t`, `CREATE TABLE … AS SELECT … FROM
/// t`). A rebuild renamed into place, or a view left under the name, is not this.
fn recreated_empty(unit: &SqlUnit, index: usize, name: &crate::sql::ObjectName) -> bool {
    let key = name.key();
    if !unit.catalog.is_some_and(|c| c.tables.contains_key(&key)) {
        return false;
    }
    let created_again = unit.statements[index + 1..]
        .iter()
        .any(|s| matches!(&s.kind, StmtKind::CreateTable(ct) if ct.name.key() == key));
    if !created_again {
        return false;
    }
    let table = name.base().value.to_ascii_lowercase();
    let copied_out = unit.statements[..index].iter().any(|s| {
        matches!(s.kind, StmtKind::Insert { .. } | StmtKind::CreateTable(_))
            && unit
                .code_tokens(s)
                .map(|t| {
                    unit.text(t.span())
                        .trim_matches(['"', '`'])
                        .to_ascii_lowercase()
                })
                .any(|w| w == table)
    });
    !copied_out
}
