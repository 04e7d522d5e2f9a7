//! Native rules, one file each, grouped by category. Each category's `mod.rs` lists its rules in
//! `RULES`; the registry collects those lists.

pub mod backward_incompatible;
pub mod insecure_settings;
pub mod locking;
pub mod naming;
pub mod sensitive_data;
pub mod terraform;
pub mod tool;

use crate::sql::{AlterItem, AlterTable, SqlUnit, Statement, StmtKind};

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

/// Whether statement `index` of the unit is followed by a CREATE of the same object: the
/// drop-and-recreate pattern that changes a view or function definition.
pub fn recreated_later(
    unit: &SqlUnit,
    index: usize,
    kind: crate::sql::ObjectKind,
    key: &str,
) -> bool {
    unit.statements[index + 1..].iter().any(|s| match &s.kind {
        StmtKind::Create {
            kind: k,
            name: Some(n),
            ..
        } => {
            (*k == kind
                || matches!(
                    (k, kind),
                    (
                        crate::sql::ObjectKind::Procedure,
                        crate::sql::ObjectKind::Function
                    ) | (
                        crate::sql::ObjectKind::Function,
                        crate::sql::ObjectKind::Procedure
                    )
                ))
                && n.key() == key
        }
        StmtKind::CreateTable(ct) => kind == crate::sql::ObjectKind::Table && ct.name.key() == key,
        StmtKind::CreateType { name, .. } => {
            matches!(
                kind,
                crate::sql::ObjectKind::Type | crate::sql::ObjectKind::Domain
            ) && name.key() == key
        }
        _ => false,
    })
}

/// Reports every `DROP <kind>` of the unit that removes an object deployed code may use: not
/// created earlier in the unit, not dropped to be recreated (the usual way to change a view or
/// function), and not in a down migration.
pub fn report_drops(
    unit: &SqlUnit,
    cx: &mut crate::registry::Cx,
    kinds: &[crate::sql::ObjectKind],
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
            ..
        } = &stmt.kind
        else {
            continue;
        };
        if !kinds.contains(kind) {
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
            if created_here || recreated_later(unit, i, *kind, &key) {
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
