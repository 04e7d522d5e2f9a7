use crate::registry::{Cx, Rule};
use crate::sql::{ObjectKind, SqlUnit, StmtKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags renaming a schema (`ALTER SCHEMA ... RENAME TO`, PostgreSQL), unless the same
    /// migration created it or puts a new schema under the old name.
    ///
    /// ## Why is this bad?
    /// Every object in the schema changes its qualified name at once: deployed code, views and
    /// functions that name `old_schema.table`, a `search_path` that lists it, and grants by
    /// schema all break while the old version runs, and again when it is rolled back.
    ///
    /// ## Example
    /// ```sql
    /// ALTER SCHEMA billing RENAME TO payments;
    /// ```
    ///
    /// ## Use instead
    /// Keep the schema's name; to move objects, create the new schema, move them one release at a
    /// time (`ALTER TABLE ... SET SCHEMA`, leaving a view under the old name), then drop the old
    /// schema once nothing uses it:
    /// ```sql
    /// CREATE SCHEMA payments;
    /// ```
    ///
    /// ## References
    /// - squawk's `renaming-table`/`renaming-column` family, applied to schemas.
    pub struct RenameSchema {
        code: "BC020",
        name: "rename-schema",
        category: BackwardIncompatible,
        severity: Error,
    }
}

impl Rule for RenameSchema {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if unit.is_down() || !unit.dialect.is_postgres_like() {
            return;
        }
        let text: &str = &unit.source.text;
        for (i, stmt) in unit.statements.iter().enumerate() {
            let StmtKind::AlterOther {
                kind: ObjectKind::Schema,
                name: Some(name),
            } = &stmt.kind
            else {
                continue;
            };
            let code: Vec<_> = unit.code_tokens(stmt).collect();
            let Some(at) = code
                .windows(2)
                .position(|w| w[0].is_kw(text, "RENAME") && w[1].is_kw(text, "TO"))
            else {
                continue;
            };
            let Some(to) = code.get(at + 2) else {
                continue;
            };
            let key = name.key();
            let created_here = unit.statements[..i].iter().any(|s| {
                matches!(&s.kind, StmtKind::Create { kind: ObjectKind::Schema, name: Some(n), .. } if n.key() == key)
            });
            let replaced = crate::rules::recreated_later(unit, i, ObjectKind::Schema, &key);
            if created_here || replaced {
                continue;
            }
            let to_name = crate::parse::sql::cursor::unquote(to.span().text(text));
            cx.report(
                code[at].span().cover(to.span()),
                format!("schema `{name}` is renamed to `{to_name}`: every object in it changes its qualified name while deployed code still uses the old one"),
            )
            .label("renamed here")
            .help("keep the schema's name, or move its objects to a new schema one release at a time and drop the old schema when nothing uses it");
        }
    }
}
