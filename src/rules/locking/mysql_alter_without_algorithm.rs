use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::source::Span;
use crate::sql::types::TypeChange;
use crate::sql::{AlterAction, AlterTable, ConstraintKind, Dialect, SqlUnit, Statement, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags a MySQL `ALTER TABLE` or `CREATE INDEX` on an existing table that InnoDB cannot
    /// run while the table takes writes (MySQL 5.6+, `mysql.version`), when the statement does
    /// not say so with a `LOCK=SHARED|EXCLUSIVE` clause or `ALGORITHM=COPY`:
    ///
    /// - changing a column's type (`MODIFY`/`CHANGE`), when the migrations before say what it
    ///   was and the change is not an in-place `VARCHAR` growth or appended `ENUM` values;
    /// - adding a foreign key while `foreign_key_checks` is on;
    /// - dropping the primary key without adding another in the same statement;
    /// - adding a `FULLTEXT` or `SPATIAL` index, an `AUTO_INCREMENT` column or a `STORED`
    ///   generated column;
    /// - `CONVERT TO CHARACTER SET`, and partitioning changes.
    ///
    /// Changes InnoDB makes online by default (adding or dropping a secondary or unique index,
    /// adding, dropping or renaming a column, nullability and default changes) are not flagged.
    ///
    /// It follows the project's practice: in a migration set whose `ALTER TABLE` and `CREATE
    /// INDEX` statements state their `ALGORITHM` or `LOCK` in fewer than one in ten (from five
    /// on), migrations run offline or on small tables, and the rule reports one info note at the
    /// newest place instead of each one (`[migrations] online = "always"` reports each).
    ///
    /// ## Why is this bad?
    /// For these changes MySQL has only the table-copy algorithm (or an in-place rebuild that
    /// still blocks writes), and it picks it silently: writes to the table wait for the whole
    /// copy, which on a large table is minutes to hours. Nothing in the statement tells a
    /// reviewer. An explicit `ALGORITHM=COPY` or `LOCK=SHARED` is a decision to block writes,
    /// made in the open.
    ///
    /// ## Example
    /// ```sql
    /// -- dialect: mysql
    /// ALTER TABLE orders ADD CONSTRAINT fk_orders_customer
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// ```
    ///
    /// ## Use instead
    /// Run the change with an online schema-change tool (gh-ost, pt-online-schema-change), or
    /// say that the write block is accepted:
    /// ```sql
    /// -- dialect: mysql
    /// ALTER TABLE orders ADD CONSTRAINT fk_orders_customer
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=COPY;
    /// ```
    pub struct MysqlAlterWithoutAlgorithm {
        code: "LK012",
        name: "mysql-alter-without-algorithm",
        category: Locking,
        severity: Warning,
        practice: MysqlLockClause,
    }
}

impl Rule for MysqlAlterWithoutAlgorithm {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.dialect != Dialect::Mysql || cx.settings.mysql_version < (5, 6) {
            return;
        }
        let mut reported = Vec::new();
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_is_new(&at.name, i) || reported.contains(&i) {
                return;
            }
            let Some(change) = blocking_change(unit, i, at, &item.action) else {
                return;
            };
            if decided(&at.algorithm, &at.lock, change.copy_only) {
                return;
            }
            reported.push(i);
            cx.report(item.span, format!("this ALTER TABLE of `{}` {}, which InnoDB cannot do while the table takes writes: writes wait until the table is rebuilt, and the statement does not say so", at.name, change.what))
                .label("blocks writes")
                .help("on a large table run it with gh-ost or pt-online-schema-change; otherwise append `, ALGORITHM=COPY` (or `LOCK=SHARED`) to say the write block is accepted");
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            if let StmtKind::CreateIndex(ci) = &stmt.kind
                && !decided(&ci.algorithm, &ci.lock, false)
                && !unit.table_is_new(&ci.table, i)
                && let Some(kind) = special_index(unit, stmt)
            {
                cx.report(stmt.span, format!("CREATE {kind} INDEX on `{}` blocks writes while InnoDB builds it, and the statement does not say so", ci.table))
                    .label("blocks writes for the whole build")
                    .help("build it off-peak or with an online schema-change tool; append `LOCK=SHARED` to say the write block is accepted");
            }
        }
    }
}

/// What an action does that InnoDB can only do with writes blocked, by its default algorithm.
fn blocking_change(
    unit: &SqlUnit,
    index: usize,
    at: &AlterTable,
    action: &AlterAction,
) -> Option<Blocking> {
    let copy = |what: String| {
        Some(Blocking {
            what,
            copy_only: true,
        })
    };
    let rebuild = |what: String| {
        Some(Blocking {
            what,
            copy_only: false,
        })
    };
    match action {
        AlterAction::ModifyColumn { old_name, column } => {
            let new_type = column.data_type.as_ref()?;
            let old = unit.known_column_type(&at.name, &old_name.norm(), index)?;
            match old.change_to(new_type, Dialect::Mysql) {
                TypeChange::Same | TypeChange::SafeWidening => None,
                _ => copy(format!(
                    "changes the type of `{old_name}` from `{old}` to `{new_type}`"
                )),
            }
        }
        AlterAction::AddConstraint { constraint }
            if matches!(constraint.kind, ConstraintKind::ForeignKey { .. })
                && !foreign_key_checks_off(unit, index) =>
        {
            copy("adds a foreign key (foreign_key_checks is on)".into())
        }
        AlterAction::DropPrimaryKey
            if !at.actions.iter().any(|a| {
                matches!(&a.action, AlterAction::AddConstraint { constraint }
                    if matches!(constraint.kind, ConstraintKind::PrimaryKey { .. }))
            }) =>
        {
            copy("drops the primary key without adding another".into())
        }
        AlterAction::AddIndex { .. } => special_index(unit, &unit.statements[index])
            .and_then(|k| rebuild(format!("adds a {k} index"))),
        AlterAction::AddColumn { column, .. } if column.identity => {
            rebuild(format!("adds the AUTO_INCREMENT column `{}`", column.name))
        }
        AlterAction::AddColumn { column, .. } if column.generated_stored => copy(format!(
            "adds the stored generated column `{}`",
            column.name
        )),
        AlterAction::Other { what } if what.starts_with("CONVERT") => {
            copy("converts the table to another character set".into())
        }
        AlterAction::Other { what }
            if what.starts_with("PARTITION BY") || what.starts_with("REMOVE") =>
        {
            copy("changes how the table is partitioned".into())
        }
        _ => None,
    }
}

/// A change InnoDB cannot make with concurrent writes.
struct Blocking {
    what: String,
    /// Only the table-copy algorithm can do it, so `ALGORITHM=INPLACE` or `LOCK=NONE` makes
    /// MySQL refuse the statement (an in-place build that blocks writes is not refused).
    copy_only: bool,
}

/// `FULLTEXT` or `SPATIAL` when the statement builds such an index: InnoDB builds them with
/// writes blocked (the first FULLTEXT index also rebuilds the table).
fn special_index(unit: &SqlUnit, stmt: &Statement) -> Option<&'static str> {
    unit.code_tokens(stmt).find_map(|t| {
        let w = unit.text(t.span());
        if w.eq_ignore_ascii_case("FULLTEXT") {
            Some("FULLTEXT")
        } else if w.eq_ignore_ascii_case("SPATIAL") {
            Some("SPATIAL")
        } else {
            None
        }
    })
}

/// Whether an earlier statement of the script turned `foreign_key_checks` off (and none turned
/// it back on): InnoDB then adds a foreign key in place.
fn foreign_key_checks_off(unit: &SqlUnit, index: usize) -> bool {
    let mut off = false;
    for stmt in &unit.statements[..index] {
        if let StmtKind::Set { name, value, .. } = &stmt.kind
            && name.to_ascii_lowercase().ends_with("foreign_key_checks")
        {
            let v = value.trim().trim_matches(['\'', '"']).to_ascii_lowercase();
            off = v == "0" || v == "off" || v == "false";
        }
    }
    off
}

/// Whether the statement says how much it may lock: any explicit `LOCK` level or
/// `ALGORITHM=INSTANT|COPY` (a blocking one openly; `NONE` or `INSTANT` makes MySQL refuse a
/// change it cannot make online), and `ALGORITHM=INPLACE` for a change only a copy can make
/// (MySQL refuses it too).
fn decided(
    algorithm: &Option<(String, Span)>,
    lock: &Option<(String, Span)>,
    copy_only: bool,
) -> bool {
    let algorithm = algorithm.as_ref().map(|(a, _)| a.as_str());
    lock.as_ref()
        .is_some_and(|(l, _)| matches!(l.as_str(), "NONE" | "SHARED" | "EXCLUSIVE"))
        || matches!(algorithm, Some("INSTANT" | "COPY"))
        || (copy_only && algorithm == Some("INPLACE"))
}
