use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, Dialect, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags a MySQL `ALTER TABLE` that adds an index or redefines a column (`MODIFY`,
    /// `CHANGE`), and a `CREATE INDEX`, on an existing table without both an `ALGORITHM` and a
    /// `LOCK` clause (MySQL 5.6+, `mysql.version`).
    ///
    /// ## Why is this bad?
    /// Without them MySQL silently picks the cheapest algorithm it can, and for many changes
    /// that is a full table copy with writes blocked. Stating `ALGORITHM=INPLACE, LOCK=NONE`
    /// (or `INSTANT`) makes MySQL refuse the statement instead of locking the table, so the
    /// problem shows up in review or staging, not in production.
    ///
    /// ## Example
    /// ```sql
    /// -- dialect: mysql
    /// ALTER TABLE orders ADD INDEX idx_customer (customer_id);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- dialect: mysql
    /// ALTER TABLE orders ADD INDEX idx_customer (customer_id), ALGORITHM=INPLACE, LOCK=NONE;
    /// ```
    pub struct MysqlAlterWithoutAlgorithm {
        code: "LK012",
        name: "mysql-alter-without-algorithm",
        category: Locking,
        severity: Warning,
    }
}

impl Rule for MysqlAlterWithoutAlgorithm {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.dialect != Dialect::Mysql || cx.settings.mysql_version < (5, 6) {
            return;
        }
        let mut reported = Vec::new();
        for_each_alter(unit, |i, stmt, at, item| {
            if at.algorithm.is_some() && at.lock.is_some()
                || unit.table_is_new(&at.name, i)
                || reported.contains(&i)
            {
                return;
            }
            let what = match &item.action {
                AlterAction::AddIndex { .. } => "adds an index",
                AlterAction::AddConstraint { constraint }
                    if matches!(
                        constraint.kind,
                        ConstraintKind::Unique { .. }
                            | ConstraintKind::PrimaryKey { .. }
                            | ConstraintKind::Index { .. }
                    ) =>
                {
                    "adds an index"
                }
                AlterAction::ModifyColumn { .. } => "redefines a column",
                _ => return,
            };
            reported.push(i);
            cx.report(stmt.span, format!("this ALTER TABLE {what} on `{}` without ALGORITHM and LOCK clauses: MySQL may copy the table and block writes without saying so", at.name))
                .label("no ALGORITHM=/LOCK= clause")
                .help("append `, ALGORITHM=INPLACE, LOCK=NONE` (or INSTANT) so MySQL refuses instead of locking; for changes that need a copy use gh-ost or pt-online-schema-change");
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::CreateIndex(ci) = &stmt.kind
                && !(ci.algorithm.is_some() && ci.lock.is_some())
                && !unit.table_is_new(&ci.table, i)
            {
                cx.report(stmt.span, format!("CREATE INDEX on `{}` without ALGORITHM and LOCK clauses: MySQL may block writes without saying so", ci.table))
                    .label("no ALGORITHM=/LOCK= clause")
                    .help("append `ALGORITHM=INPLACE LOCK=NONE` so MySQL refuses instead of locking the table");
            }
        }
    }
}
