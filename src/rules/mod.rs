//! Native rules, one file each, grouped by category. Each category's `mod.rs` lists its rules in
//! `RULES`; the registry collects those lists.

pub mod backward_incompatible;
pub mod insecure_settings;
pub mod locking;
pub mod missing_rollback;
pub mod naming;
pub mod sensitive_data;
pub mod terraform;
pub mod tool;

use crate::sql::{
    AlterAction, AlterItem, AlterTable, AlterTypeAction, Ident, ObjectKind, ObjectName, SqlUnit,
    Statement, StmtKind,
};

/// Calls `f` for every ALTER TABLE action of the unit, with the statement's index.
pub fn for_each_alter<'u>(
    unit: &'u SqlUnit,
    mut f: impl FnMut(usize, &'u Statement, &'u AlterTable, &'u AlterItem),
) {
    for (i, stmt) in unit.statements.iter().enumerate() {
        if let StmtKind::AlterTable(at) = &stmt.kind {
            for item in &at.actions {
                f(i, stmt, at, item);
            }
        }
    }
}

/// The old and new name of a column an action renames: `RENAME COLUMN`, and MySQL's `CHANGE
/// old new …` with a new name.
pub fn column_rename(action: &AlterAction) -> Option<(&Ident, &Ident)> {
    match action {
        AlterAction::RenameColumn { from, to } => Some((from, to)),
        AlterAction::ModifyColumn { old_name, column } if old_name.norm() != column.name.norm() => {
            Some((old_name, &column.name))
        }
        _ => None,
    }
}

/// The name deployed code knows a column by, when the unit renamed it before statement
/// `before` (`RENAME COLUMN mail TO mail_old`, then `mail_old` dropped: `mail`).
pub fn renamed_from(unit: &SqlUnit, before: usize, table: &str, column: &str) -> Option<String> {
    let mut name = column.to_string();
    let mut found = None;
    for stmt in unit.statements[..before].iter().rev() {
        let StmtKind::AlterTable(at) = &stmt.kind else {
            continue;
        };
        if at.name.key() != table {
            continue;
        }
        for item in at.actions.iter().rev() {
            if let Some((from, to)) = column_rename(&item.action)
                && to.norm() == name
            {
                name = from.norm();
                found = Some(name.clone());
            }
        }
    }
    found
}

/// Whether the unit drops column `column` of `table` after statement `after`: a rename into a
/// name that is then dropped is that drop's finding, not a rename's.
pub fn column_dropped_later(unit: &SqlUnit, after: usize, table: &str, column: &str) -> bool {
    let mut dropped = false;
    for_each_alter(unit, |i, _, at, item| {
        if i > after
            && let AlterAction::DropColumn { name, .. } = &item.action
            && at.name.key() == table
            && name.norm() == column
        {
            dropped = true;
        }
    });
    dropped
}

/// Whether statement `index` of the unit is followed by a CREATE of the same object: the
/// drop-and-recreate pattern that changes a view or function definition; a view created under a
/// table's name (readers of the old name keep working); or, for tables and
/// types, by a rename of another object into its name: the rebuild pattern (build a new table or
/// enum, move the data, drop or rename the old one aside, rename the new one into place).
pub fn recreated_later(unit: &SqlUnit, index: usize, kind: ObjectKind, key: &str) -> bool {
    let types = |k: ObjectKind| matches!(k, ObjectKind::Type | ObjectKind::Domain);
    unit.statements[index + 1..].iter().any(|s| match &s.kind {
        StmtKind::Create {
            kind: k,
            name: Some(n),
            ..
        } => {
            (*k == kind
                || matches!(
                    (k, kind),
                    (ObjectKind::Procedure, ObjectKind::Function)
                        | (ObjectKind::Function, ObjectKind::Procedure)
                )
                || types(*k) && types(kind)
                // A view under a table's old name keeps old readers (and, for a simple view,
                // writers) working: the compatibility shim of a rename.
                || kind == ObjectKind::Table
                    && matches!(k, ObjectKind::View | ObjectKind::MaterializedView))
                && n.key() == key
        }
        StmtKind::CreateTable(ct) => kind == ObjectKind::Table && ct.name.key() == key,
        StmtKind::CreateType { name, .. } => types(kind) && name.key() == key,
        _ => renames_to(s, kind, key),
    })
}

/// Whether the statement renames some table (or type) to `key`.
fn renames_to(stmt: &Statement, kind: ObjectKind, key: &str) -> bool {
    match &stmt.kind {
        StmtKind::AlterTable(at) if kind == ObjectKind::Table => at
            .actions
            .iter()
            .any(|a| matches!(&a.action, AlterAction::RenameTable { to } if to.key() == key)),
        StmtKind::RenameTables { renames } if kind == ObjectKind::Table => {
            renames.iter().any(|(_, to)| to.key() == key)
        }
        StmtKind::AlterType {
            name,
            action: AlterTypeAction::Rename { to },
        } if matches!(kind, ObjectKind::Type | ObjectKind::Domain) => {
            // The type stays in its schema.
            let mut parts = name.parts.clone();
            parts.pop();
            parts.push(to.clone());
            ObjectName { parts }.key() == key
        }
        _ => false,
    }
}

/// Whether a statement before `index` renamed a table (or type) to `key`: a name that came into
/// being in this migration, which deployed code does not know.
pub fn renamed_into_before(unit: &SqlUnit, index: usize, kind: ObjectKind, key: &str) -> bool {
    unit.statements[..index]
        .iter()
        .any(|s| renames_to(s, kind, key))
}

/// Reports every `DROP <kind>` of the unit that removes an object deployed code may use: not
/// created earlier in the unit, not dropped to be recreated (the usual way to change a view or
/// function), not dropped `IF EXISTS` before the migration set has created anything, and not in a
/// down migration.
pub fn report_drops(
    unit: &SqlUnit,
    cx: &mut crate::registry::Cx,
    kinds: &[ObjectKind],
    help: &str,
) {
    if unit.is_down() {
        return;
    }
    for (i, stmt) in unit.statements.iter().enumerate() {
        let StmtKind::Drop {
            kind,
            names,
            cascade,
            if_exists,
        } = &stmt.kind
        else {
            continue;
        };
        if !kinds.contains(kind) {
            continue;
        }
        // `DROP … IF EXISTS` before the set's history has created anything (the reset section
        // of a first migration): no deployed code uses what this history never made.
        if *if_exists && unit.catalog.is_some_and(crate::catalog::Catalog::is_empty) {
            continue;
        }
        for name in names {
            let key = name.key();
            let created_here = unit.statements[..i].iter().any(|s| match &s.kind {
                StmtKind::Create {
                    kind: k,
                    name: Some(n),
                    ..
                } => k == kind && n.key() == key,
                StmtKind::CreateType { name: n, .. } => n.key() == key,
                _ => false,
            });
            // Only triggers call a trigger function, and PostgreSQL refuses to drop one a
            // trigger still uses (unless CASCADE drops the triggers too).
            let trigger_function = *kind == ObjectKind::Function
                && !*cascade
                && unit
                    .catalog
                    .is_some_and(|c| c.trigger_functions.contains(&key));
            if created_here
                || trigger_function
                || recreated_later(unit, i, *kind, &key)
                || renamed_into_before(unit, i, *kind, &key)
            {
                continue;
            }
            let cascade_note = if *cascade {
                "; CASCADE also drops everything that depends on it"
            } else {
                ""
            };
            cx.report(
                stmt.span,
                format!(
                    "{} `{}` is dropped while deployed code may still use it{}",
                    kind.noun(),
                    name,
                    cascade_note
                ),
            )
            .secondary(name.span(), format!("this {} is removed", kind.noun()))
            .label("dropped here")
            .help(help.to_string());
        }
    }
}
