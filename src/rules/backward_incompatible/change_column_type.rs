use crate::diagnostic::Severity;
use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::types::{SqlType, TypeChange};
use crate::sql::{AlterAction, AlterTypeAction, Dialect, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags changing the type of an existing column, unless the change is known to be a safe
    /// widening for the dialect: `varchar(n)` to a longer `varchar` or to `text`,
    /// `numeric(p,s)` to a larger precision, more fractional-second digits of a `timestamp`,
    /// `timestamptz`, `time` or `interval`, and `timestamp` to `timestamptz` or back after the
    /// migration set the session's time zone to UTC on PostgreSQL 12+ (PostgreSQL); `varchar`
    /// growth within the same length-prefix size (under 256 bytes before and after, or at or
    /// above both times, counted in the column's character set when the statement names it,
    /// under every character set when it does not) and appending `ENUM` values (MySQL). Fewer
    /// fractional digits round stored values: a narrowing. MySQL's `datetime` to `datetime(6)`
    /// is a widening that copies the table.
    ///
    /// Moving a column to a new enum that is then renamed to the old one's name (the idiom
    /// Prisma writes to remove a label) is reported as what it is: a warning naming the labels
    /// the copy lacks, and the table rewrite.
    ///
    /// ## Why is this bad?
    /// A narrowing change (`bigint` to `int`, `text` to `varchar(50)`) fails on existing data or
    /// truncates it, and rejects values deployed code still writes. An unrelated type breaks
    /// every reader. Even a widening such as `int` to `bigint` rewrites the whole table and its
    /// indexes under an `ACCESS EXCLUSIVE` lock on PostgreSQL (a `COPY` rebuild on MySQL),
    /// blocking reads and writes for the duration.
    ///
    /// When schemaguard cannot see the column's current type, it reports the change as a
    /// warning to verify.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE payments ALTER COLUMN amount TYPE integer;
    /// ```
    ///
    /// ## Use instead
    /// Add a new column of the new type, dual-write and backfill it in batches, switch reads,
    /// then drop the old column. Safe widenings need nothing:
    /// ```sql
    /// CREATE TABLE notes (body varchar(200));
    /// ALTER TABLE notes ALTER COLUMN body TYPE text;
    /// ```
    pub struct ChangeColumnType {
        code: "BC005",
        name: "change-column-type",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for ChangeColumnType {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        let mysql = unit.dialect == Dialect::Mysql;
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_is_new(&at.name, i) {
                return;
            }
            let (column, new_type) = match &item.action {
                AlterAction::AlterColumnType {
                    column, new_type, ..
                } => (column, new_type),
                AlterAction::ModifyColumn { old_name, column } => match &column.data_type {
                    Some(t) => (old_name, t),
                    None => return,
                },
                _ => return,
            };
            let old = unit.known_column_type(&at.name, &column.norm(), i);
            let target = format!("`{}.{}`", at.name, column);
            if let Some(swap) = enum_swap(unit, i, old, new_type) {
                let (message, label) = match &swap.removed {
                    Some(removed) if !removed.is_empty() => (
                        format!(
                            "{target} moves to a copy of the enum `{}` without {}: a row holding a removed label fails the cast, deployed code still writing one breaks, and PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock",
                            swap.renamed_to,
                            quote_list(removed)
                        ),
                        "labels removed",
                    ),
                    Some(_) => (
                        format!(
                            "{target} moves to a copy of the enum `{}` that keeps every label; PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock",
                            swap.renamed_to
                        ),
                        "rewrites the table",
                    ),
                    None => (
                        format!(
                            "{target} moves to a new enum renamed to `{}` below: rows and deployed code using a label it lacks break, and PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock",
                            swap.renamed_to
                        ),
                        "enum replaced",
                    ),
                };
                cx.report(new_type.span, message)
                    .severity(Severity::Warning)
                    .label(label)
                    .help("stop writing the removed labels and update the rows holding them in an earlier release; on a large table, plan for the rewrite");
                return;
            }
            let change = |o: &SqlType| match o.change_to(new_type, unit.dialect) {
                TypeChange::WideningWithRewrite
                    if !mysql
                        && cx.settings.postgres_version >= 12
                        && is_time_zone_switch(&o.name, &new_type.name)
                        && session_in_utc(unit, i) =>
                {
                    TypeChange::SafeWidening
                }
                c => c,
            };
            match old.map(|o| (o, change(o))) {
                Some((_, TypeChange::Same | TypeChange::SafeWidening)) => {}
                Some((old, TypeChange::Narrowing)) => {
                    cx.report(new_type.span, format!("{target} is narrowed from `{old}` to `{new_type}`: existing values may not fit and deployed code may write values that no longer do"))
                        .label("narrower type")
                        .help("add a new column with the new type, backfill and validate it, switch the code, then drop the old column");
                }
                Some((old, TypeChange::Incompatible)) => {
                    cx.report(new_type.span, format!("{target} changes from `{old}` to the unrelated type `{new_type}`: deployed code reading or writing it breaks"))
                        .label("incompatible type")
                        .help("add a new column with the new type, dual-write and backfill it, switch the code, then drop the old column");
                }
                Some((old, TypeChange::WideningWithRewrite)) => {
                    let how = if mysql {
                        "MySQL copies the whole table to change it"
                    } else {
                        "PostgreSQL rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock"
                    };
                    cx.report(new_type.span, format!("{target} is widened from `{old}` to `{new_type}`; {how}"))
                        .severity(Severity::Warning)
                        .label("rewrites the table")
                        .help("on a large table, add a new column, backfill it in batches and swap it in, instead of changing the type in place");
                }
                None if mysql || matches!(item.action, AlterAction::ModifyColumn { .. }) => {
                    // MODIFY/CHANGE restates the whole column (in any dialect that has it);
                    // without its old definition we cannot tell a type change from a comment or
                    // default change.
                }
                None => {
                    cx.report(new_type.span, format!("the type of {target} changes to `{new_type}`; unless this only widens a varchar or numeric, PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock and deployed code may break"))
                        .severity(Severity::Warning)
                        .label("type change")
                        .help("if this widens `varchar(n)` or removes its limit it is safe: suppress with a reason; otherwise add a new column, backfill it and switch over");
                }
            }
        });
    }
}

/// The enum replacement idiom (Prisma writes it to remove a label): a new enum is created, the
/// column moves to it, and the new enum is renamed to the old one's name.
struct EnumSwap {
    /// The name the new enum takes.
    renamed_to: String,
    /// The old labels the new enum lacks, when both lists are known.
    removed: Option<Vec<String>>,
}

/// Whether the type change at `index` is the enum replacement idiom: `new_type` is an enum the
/// unit created before, and a later statement renames it to the column's old type's name (or,
/// when the old type is unknown, to the name of a type the unit renames away).
fn enum_swap(
    unit: &SqlUnit,
    index: usize,
    old: Option<&SqlType>,
    new_type: &SqlType,
) -> Option<EnumSwap> {
    // Type names compare as SqlType keeps them: lowercased, unquoted.
    let new_values = enum_labels_before(unit, index, &new_type.name)?;
    let renamed_to = unit.statements[index + 1..]
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::AlterType {
                name,
                action: AlterTypeAction::Rename { to },
            } if name.key().eq_ignore_ascii_case(&new_type.name) => Some(to.norm()),
            _ => None,
        })?;
    let renamed_away = || {
        unit.statements.iter().any(|s| {
            matches!(&s.kind, StmtKind::AlterType { name, action: AlterTypeAction::Rename { .. } }
                if name.key().eq_ignore_ascii_case(&renamed_to))
        })
    };
    match old {
        Some(o) if !renamed_to.eq_ignore_ascii_case(&o.name) => return None,
        None if !renamed_away() => return None,
        _ => {}
    }
    // The old enum's labels: created earlier in the unit, or known to the catalog.
    let old_values = enum_labels_before(unit, index, &renamed_to)
        .cloned()
        .or_else(|| {
            unit.catalog?
                .types
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&renamed_to))
                .and_then(|(_, v)| v.clone())
        });
    let removed = old_values.map(|old| {
        old.into_iter()
            .filter(|v| !new_values.contains(v))
            .collect::<Vec<_>>()
    });
    Some(EnumSwap {
        renamed_to,
        removed,
    })
}

/// The labels of the last enum named `name` (compared ignoring ASCII case) that the unit
/// created before `index`.
fn enum_labels_before<'a>(unit: &'a SqlUnit, index: usize, name: &str) -> Option<&'a Vec<String>> {
    unit.statements[..index]
        .iter()
        .rev()
        .find_map(|s| match &s.kind {
            StmtKind::CreateType {
                name: n,
                enum_values: Some(values),
            } if n.key().eq_ignore_ascii_case(name) => Some(values),
            _ => None,
        })
}

/// `'A', 'B'` (at most five, then "and N more").
fn quote_list(values: &[String]) -> String {
    let mut out: Vec<String> = values.iter().take(5).map(|v| format!("'{v}'")).collect();
    if values.len() > 5 {
        out.push(format!("{} more", values.len() - 5));
    }
    let label = if values.len() == 1 {
        "the label"
    } else {
        "the labels"
    };
    format!("{label} {}", out.join(", "))
}

/// `timestamp` to `timestamptz` or back.
fn is_time_zone_switch(old: &str, new: &str) -> bool {
    matches!(
        (old, new),
        ("timestamp", "timestamptz") | ("timestamptz", "timestamp")
    )
}

/// Whether an earlier statement of the script set the session's time zone to UTC
/// (`SET timezone = 'UTC'`, `SET TIME ZONE 'UTC'`). PostgreSQL 12+ then switches a column
/// between `timestamp` and `timestamptz` without rewriting the table: the stored values are
/// the same.
fn session_in_utc(unit: &SqlUnit, index: usize) -> bool {
    let mut utc = false;
    for stmt in &unit.statements[..index] {
        let text = unit.text(stmt.span).to_ascii_lowercase();
        let words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '=')
            .filter(|w| !w.is_empty())
            .collect();
        let rest = match words.as_slice() {
            ["set", "local" | "session", rest @ ..] | ["set", rest @ ..] => rest,
            _ => continue,
        };
        let value = match rest {
            ["timezone" | "\"timezone\"", "to", v] | ["timezone" | "\"timezone\"", v] => v,
            ["time", "zone", v] => v,
            _ => continue,
        };
        utc = matches!(
            value.trim_matches(['\'', '"']),
            "utc" | "etc/utc" | "gmt" | "etc/gmt" | "+00:00" | "0" | "z"
        );
    }
    utc
}
