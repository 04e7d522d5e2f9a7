use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::source::Span;
use crate::sql::{AlterAction, SqlUnit, Volatility};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a column to an existing table in a way that makes PostgreSQL rewrite the
    /// table: a volatile default (`gen_random_uuid()`, `random()`, `clock_timestamp()`,
    /// `nextval()`), a default that calls a function schemaguard does not know, a `serial`,
    /// identity or stored generated column, or, before PostgreSQL 11 (`postgres.version`), any
    /// non-null default.
    ///
    /// ## Why is this bad?
    /// A rewrite copies every row and rebuilds every index while holding an `ACCESS EXCLUSIVE`
    /// lock: no reads, no writes, for as long as the copy takes. A constant or stable default
    /// (`0`, `'new'`, `now()`) is stored once in the catalog instead (PostgreSQL 11+).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
    /// ```
    ///
    /// ## Use instead
    /// Add the column without the default, set the default for new rows, and backfill existing
    /// rows in batches:
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN public_id uuid;
    /// ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
    /// ```
    pub struct AddColumnWithVolatileDefault {
        code: "LK006",
        name: "add-column-with-volatile-default",
        category: Locking,
        severity: Warning,
    }
}

const HELP: &str = "add the column without a default, SET DEFAULT for new rows in a second statement, and backfill existing rows in batches";

impl Rule for AddColumnWithVolatileDefault {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !unit.dialect.is_postgres_like() {
            return;
        }
        let old_pg = cx.settings.postgres_version < 11;
        // One ALTER TABLE rewrites the table once, however many of its actions need it: report
        // the first such action of each statement and count the others.
        let mut found: Vec<(usize, Span, String)> = Vec::new();
        for_each_alter(unit, |i, _, at, item| {
            let AlterAction::AddColumn { column, .. } = &item.action else {
                return;
            };
            if unit.table_is_new(&at.name, i) {
                return;
            }
            let target = format!("`{}.{}`", at.name, column.name);
            let serial = column.data_type.as_ref().filter(|t| t.is_serial());
            let (span, message) = if let Some(t) = serial {
                (
                    t.span,
                    format!(
                        "{target} is added as `{t}`: its sequence default fills every existing row, rewriting the table under an ACCESS EXCLUSIVE lock"
                    ),
                )
            } else if column.identity {
                (
                    column.span,
                    format!(
                        "{target} is added as an identity column: every existing row gets a value, rewriting the table under an ACCESS EXCLUSIVE lock"
                    ),
                )
            } else if column.generated_stored {
                (
                    column.span,
                    format!(
                        "{target} is added as a stored generated column: every existing row is computed, rewriting the table under an ACCESS EXCLUSIVE lock"
                    ),
                )
            } else if let Some(d) = column.default.as_ref().filter(|d| !d.is_null) {
                match d.volatility {
                    Volatility::Volatile => (
                        d.span,
                        format!(
                            "{target} is added with the volatile default `{}`: PostgreSQL computes it for every row, rewriting the table under an ACCESS EXCLUSIVE lock",
                            d.text
                        ),
                    ),
                    Volatility::Unknown => (
                        d.span,
                        format!(
                            "{target} is added with the default `{}`, which calls a function schemaguard does not know: if it is volatile, PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock",
                            d.text
                        ),
                    ),
                    _ if old_pg => (
                        d.span,
                        format!(
                            "{target} is added with a default: before PostgreSQL 11 this rewrites the table under an ACCESS EXCLUSIVE lock"
                        ),
                    ),
                    _ => return,
                }
            } else {
                return;
            };
            found.push((i, span, message));
        });
        let mut k = 0;
        while k < found.len() {
            let (stmt, span, message) = &found[k];
            let more = found[k + 1..].iter().take_while(|f| f.0 == *stmt).count();
            let message = match more {
                0 => message.clone(),
                1 => format!(
                    "{message} (1 more column of this statement does too; the table is rewritten once)"
                ),
                n => format!(
                    "{message} ({n} more columns of this statement do too; the table is rewritten once)"
                ),
            };
            cx.report(*span, message)
                .label("rewrites the table")
                .help(HELP);
            k += more + 1;
        }
    }
}
