use crate::parse::sql::cursor::unquote;
use crate::registry::{Cx, Rule};
use crate::rules::for_each_alter;
use crate::sql::{AlterAction, ConstraintKind, Ident, ObjectName, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags adding a unique constraint or unique index to a table that already holds data:
    /// `ADD UNIQUE`, `ADD CONSTRAINT ... UNIQUE`, MySQL `ADD UNIQUE KEY`, `CREATE UNIQUE INDEX`.
    ///
    /// A key that includes a column added earlier in the same migration, nullable without a
    /// default or with a fresh UUID per row (`gen_random_uuid()`), is not reported: existing
    /// rows hold NULL or their own UUID there, and those never collide. Nor is a key the schema
    /// before the migration already implies: a unique index or constraint (not partial), or
    /// the primary key, on the same columns or on some of them. Rebuilding a key, concurrently
    /// or under another name, or replacing it with a looser one (`UNIQUE (username)` by
    /// `UNIQUE (username, origin)`) asks nothing new of the rows. Dropped in one migration and
    /// added again in a later one, it is new.
    ///
    /// ## Why is this bad?
    /// If existing rows hold duplicates the migration fails (with `CONCURRENTLY`, it leaves an
    /// invalid index behind). Once it succeeds, deployed code that inserts duplicates, for
    /// example by retrying a request, gets errors it never handled.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Use instead
    /// Check for duplicates first and make sure the code handles the violation; build the index
    /// concurrently and attach it:
    /// ```sql
    /// -- schemaguard: ignore[add-unique-constraint] duplicates removed in 0042; signup handles 23505
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    /// ```
    pub struct AddUniqueConstraint {
        code: "BC008",
        name: "add-unique-constraint",
        category: BackwardIncompatible,
        severity: Warning,
    }
}

const HELP: &str = "check existing rows for duplicates and make sure deployed code handles unique violations before adding it";

impl Rule for AddUniqueConstraint {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() {
            return;
        }
        for_each_alter(unit, |i, _, at, item| {
            if unit.table_has_no_rows(&at.name, i) {
                return;
            }
            let columns: Vec<String> = match &item.action {
                // USING INDEX attaches an index built earlier: the risk was taken (and flagged) there.
                AlterAction::AddConstraint { constraint } => match &constraint.kind {
                    ConstraintKind::Unique {
                        using_index: None,
                        columns,
                    } => columns.iter().map(Ident::norm).collect(),
                    _ => return,
                },
                AlterAction::AddIndex {
                    unique: true,
                    columns,
                    ..
                } => columns.iter().map(Ident::norm).collect(),
                _ => return,
            };
            if !covers_new_nullable_column(unit, i, &at.name, &columns)
                && !already_unique(unit, &at.name, &columns)
            {
                cx.report(item.span, format!("a unique constraint is added to existing table `{}`: it fails on duplicate rows, and deployed code inserting duplicates starts failing", at.name))
                    .label("new uniqueness requirement")
                    .help(HELP);
            }
        });
        for (i, stmt) in unit.statements.iter().enumerate() {
            let StmtKind::CreateIndex(ci) = &stmt.kind else {
                continue;
            };
            let columns: Vec<String> = ci.columns.iter().map(|c| expr_column(c)).collect();
            if ci.unique
                && !unit.table_has_no_rows(&ci.table, i)
                && !covers_new_nullable_column(unit, i, &ci.table, &columns)
                && !already_unique(unit, &ci.table, &columns)
            {
                cx.report(stmt.span, format!("a unique index is created on existing table `{}`: it fails on duplicate rows, and deployed code inserting duplicates starts failing", ci.table))
                    .label("new uniqueness requirement")
                    .help(HELP);
            }
        }
    }
}

/// Whether the schema before the migration already requires these columns to be unique (a
/// unique index or constraint, or the primary key, on the same columns or on some of them):
/// rebuilding it (dropped and added again, concurrently or under a new name), adding a second
/// one or replacing it with a looser one (`UNIQUE (username)` by `UNIQUE (username, origin)`)
/// asks nothing new of the rows or of deployed code.
fn already_unique(unit: &SqlUnit, table: &ObjectName, columns: &[String]) -> bool {
    unit.catalog
        .is_some_and(|c| c.implies_unique(&table.key(), columns))
}

/// Whether one of the unique key's columns was added, nullable and without a default (or with
/// a fresh UUID per row), earlier in this migration. Every existing row then holds NULL (or its
/// own UUID) in it, and those never collide in a unique index; deployed code does not know the
/// column and keeps writing them. So the new requirement cannot fail on old rows nor on old
/// code.
fn covers_new_nullable_column(
    unit: &SqlUnit,
    before: usize,
    table: &ObjectName,
    columns: &[String],
) -> bool {
    let key = table.key();
    let Some(added) = unit.statements[..before]
        .iter()
        .position(|s| match &s.kind {
            StmtKind::AlterTable(at) if at.name.key() == key => at.actions.iter().any(|a| {
                matches!(&a.action, AlterAction::AddColumn { column, .. }
                if !column.not_null
                    && !column.primary_key
                    && !column.identity
                    && column.default.as_ref().is_none_or(|d| d.is_null || fresh_uuid(&d.text))
                    && columns.contains(&column.name.norm()))
            }),
            _ => false,
        })
    else {
        return false;
    };
    // A backfill in between (an UPDATE, INSERT or COPY of the table, or code we cannot read)
    // may have given old rows values that collide.
    !unit.statements[added + 1..before]
        .iter()
        .any(|s| match &s.kind {
            StmtKind::Update { table: t, .. }
            | StmtKind::Insert { table: t, .. }
            | StmtKind::Copy { table: Some(t), .. } => t.key() == key,
            StmtKind::AlterTable(at) => {
                at.name.key() == key
                    && at
                        .actions
                        .iter()
                        .any(|a| matches!(a.action, AlterAction::SetNotNull { .. }))
            }
            StmtKind::Do | StmtKind::Query | StmtKind::Other { .. } => true,
            _ => false,
        })
}

/// A default that gives every row its own random UUID (`gen_random_uuid()`, `uuid()`...).
fn fresh_uuid(default: &str) -> bool {
    let d = default.trim().to_ascii_lowercase();
    [
        "gen_random_uuid(",
        "uuid_generate_v4(",
        "uuid(",
        "newid(",
        "uuidv4(",
        "uuidv7(",
    ]
    .iter()
    .any(|f| d.starts_with(f))
}

/// The column an index expression names, as the database stores it (`"runId"` -> `runId`,
/// `Email` -> `email`); an expression that is not a plain column gives no match.
fn expr_column(expr: &str) -> String {
    let e = expr.trim();
    if e.starts_with('"') || e.starts_with('`') {
        unquote(e)
    } else {
        e.to_lowercase()
    }
}
