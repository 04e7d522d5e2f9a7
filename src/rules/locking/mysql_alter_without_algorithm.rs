use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::source::Span;
use crate::sql::{AlterAction, ConstraintKind, Dialect, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags a MySQL `ALTER TABLE` that adds an index or redefines a column (`MODIFY`,
    /// `CHANGE`), and a `CREATE INDEX`, on an existing table that does not say how much it may
    /// lock (MySQL 5.6+, `mysql.version`): no `LOCK=NONE|SHARED|EXCLUSIVE` clause and no
    /// `ALGORITHM=INSTANT|COPY`. `ALGORITHM=INPLACE` alone does not say it: MySQL still picks
    /// the lock level.
    ///
    /// ## Why is this bad?
    /// Without them MySQL silently picks the cheapest algorithm it can, and for many changes
    /// that is a full table copy with writes blocked. Stating `ALGORITHM=INPLACE, LOCK=NONE`
    /// (or `INSTANT`) makes MySQL refuse the statement instead of locking the table, so the
    /// problem shows up in review or staging, not in production. An explicit `LOCK=SHARED` or
    /// `ALGORITHM=COPY` is a decision to block writes, made in the open.
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
            if decided(&at.algorithm, &at.lock)
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
            cx.report(stmt.span, format!("this ALTER TABLE {what} on `{}` without a LOCK clause: MySQL may copy the table and block writes without saying so", at.name))
                .label("no LOCK= clause")
                .help("append `, ALGORITHM=INPLACE, LOCK=NONE` (or INSTANT) so MySQL refuses instead of locking; for changes that need a copy use gh-ost or pt-online-schema-change");
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::CreateIndex(ci) = &stmt.kind
                && !decided(&ci.algorithm, &ci.lock)
                && !unit.table_is_new(&ci.table, i)
            {
                cx.report(stmt.span, format!("CREATE INDEX on `{}` without a LOCK clause: MySQL may block writes without saying so", ci.table))
                    .label("no LOCK= clause")
                    .help("append `ALGORITHM=INPLACE LOCK=NONE` so MySQL refuses instead of locking the table");
            }
        }
    }
}

/// Whether the statement says how much it may lock: any explicit `LOCK` level, or an algorithm
/// that fixes it (`INSTANT` takes no table lock; `COPY` blocks writes, openly).
fn decided(algorithm: &Option<(String, Span)>, lock: &Option<(String, Span)>) -> bool {
    lock.as_ref()
        .is_some_and(|(l, _)| matches!(l.as_str(), "NONE" | "SHARED" | "EXCLUSIVE"))
        || algorithm
            .as_ref()
            .is_some_and(|(a, _)| matches!(a.as_str(), "INSTANT" | "COPY"))
}
