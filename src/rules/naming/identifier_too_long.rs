use crate::diagnostic::Severity;
use crate::registry::{Cx, Rule};
use crate::sql::{AlterAction, Dialect, Ident, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags identifiers a statement creates (tables, columns, indexes, constraints, types,
    /// views, renames) that are longer than the database allows: 63 bytes on PostgreSQL, 64
    /// characters on MySQL.
    ///
    /// ## Why is this bad?
    /// PostgreSQL silently truncates a longer name to 63 bytes: the object exists under a
    /// different name than the code, later migrations and `DROP ... IF EXISTS` use, and two
    /// long names that share a prefix collide. MySQL rejects the statement.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX index_subscription_events_on_customer_account_identifier_and_created_at ON subscription_events (customer_account_identifier, created_at);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE INDEX subscription_events_account_created_idx ON subscription_events (customer_account_identifier, created_at);
    /// ```
    pub struct IdentifierTooLong {
        code: "NM001",
        name: "identifier-too-long",
        category: Naming,
        severity: Warning,
    }
}

impl Rule for IdentifierTooLong {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        let limit_check: fn(&str) -> bool = match unit.dialect {
            Dialect::Postgres | Dialect::Generic => |s| s.len() > 63,
            Dialect::Mysql => |s| s.chars().count() > 64,
            _ => return,
        };
        let mut report = |id: &Ident| {
            if !limit_check(&id.value) {
                return;
            }
            if unit.dialect == Dialect::Mysql {
                cx.report(
                    id.span,
                    format!(
                        "`{}` is {} characters long; MySQL rejects identifiers over 64 characters",
                        id.value,
                        id.value.chars().count()
                    ),
                )
                .severity(Severity::Error)
                .label("too long")
                .help("shorten the name to 64 characters or fewer");
            } else {
                let cut = crate::source::floor_char_boundary(&id.value, 63);
                cx.report(id.span, format!("`{}` is {} bytes long; PostgreSQL silently truncates it to `{}`", id.value, id.value.len(), &id.value[..cut]))
                    .label("longer than 63 bytes")
                    .help("shorten the name to 63 bytes or fewer so the object is created under the name the code uses");
            }
        };
        for stmt in unit.statements {
            match &stmt.kind {
                StmtKind::CreateTable(ct) => {
                    report(ct.name.base());
                    for c in &ct.columns {
                        report(&c.name);
                    }
                    for c in &ct.constraints {
                        if let Some(n) = &c.name {
                            report(n);
                        }
                    }
                }
                StmtKind::AlterTable(at) => {
                    for item in &at.actions {
                        match &item.action {
                            AlterAction::AddColumn { column, .. } => report(&column.name),
                            AlterAction::ModifyColumn { column, .. } => report(&column.name),
                            AlterAction::RenameColumn { to, .. }
                            | AlterAction::RenameConstraint { to, .. }
                            | AlterAction::RenameIndex { to, .. } => report(to),
                            AlterAction::RenameTable { to } => report(to.base()),
                            AlterAction::AddConstraint { constraint } => {
                                if let Some(n) = &constraint.name {
                                    report(n);
                                }
                            }
                            AlterAction::AddIndex { name: Some(n), .. } => report(n),
                            _ => {}
                        }
                    }
                }
                StmtKind::CreateIndex(ci) => {
                    if let Some(n) = &ci.name {
                        report(n);
                    }
                }
                StmtKind::CreateType { name, .. } => report(name.base()),
                StmtKind::Create {
                    name: Some(name), ..
                } => report(name.base()),
                StmtKind::RenameTables { renames } => {
                    for (_, to) in renames {
                        report(to.base());
                    }
                }
                _ => {}
            }
        }
    }
}
