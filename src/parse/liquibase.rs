//! Liquibase changelogs (XML, YAML, JSON, formatted SQL) -> the statement model.
//!
//! Each change of a changeSet becomes a [`Statement`] of the SQL model whose spans point at the
//! change element and its attribute values, so every SQL rule runs on changelogs unchanged.
//! `<sql>` bodies and `--rollback` lines are parsed by the SQL parser in place (a shadow text
//! decodes entities and CDATA without moving offsets).

use std::ops::Range;
use std::sync::Arc;

use crate::parse::script::{
    ChangeSetInfo, ChangelogInfo, FileInfo, FileModel, Include, Script, append_sql, shadow_text,
};
use crate::parse::xml::{self, Attr, Element, ScalarStyle, Tree};
use crate::source::{SourceFile, Span};
use crate::sql::*;
use crate::suppress::CommentRef;

/// Whether a file's text is a Liquibase changelog (cheap sniff before parsing).
pub fn is_changelog(text: &str) -> bool {
    text.contains("databaseChangeLog")
}

/// Whether a SQL file is a Liquibase formatted SQL changelog.
pub fn is_formatted_sql(text: &str) -> bool {
    text.trim_start().lines().next().is_some_and(|l| {
        let l = l.trim_start_matches('-').trim().to_ascii_lowercase();
        l.starts_with("liquibase formatted sql")
    })
}

/// Change types Liquibase cannot undo by itself: a changeSet holding one needs `<rollback>`.
pub const NO_AUTO_ROLLBACK: [&str; 23] = [
    "dropTable",
    "dropColumn",
    "dropIndex",
    "dropForeignKeyConstraint",
    "dropPrimaryKey",
    "dropUniqueConstraint",
    "dropDefaultValue",
    "dropView",
    "dropSequence",
    "dropProcedure",
    "dropFunction",
    "dropAllForeignKeyConstraints",
    "dropCheckConstraint",
    "modifyDataType",
    "sql",
    "sqlFile",
    "insert",
    "update",
    "delete",
    "loadData",
    "loadUpdateData",
    // Not `customChange`: its class may undo itself (`CustomTaskRollback`,
    // `CustomSqlRollback`), which only its code says.
    "mergeColumns",
    "executeCommand",
];

/// Elements of a changeSet that are not changes.
const NOT_CHANGES: [&str; 8] = [
    "comment",
    "preConditions",
    "precondition",
    "validCheckSum",
    "rollback",
    "modifySql",
    "changes",
    "columns",
];

struct Builder<'a> {
    text: &'a str,
    dialect: Dialect,
    model: FileModel,
    /// SQL regions to parse: (element index, range, replacement text).
    edits: Vec<(Range<usize>, String)>,
}

/// Parses an XML changelog.
pub fn parse_xml(source: &SourceFile, dialect: Dialect) -> FileModel {
    let tree = xml::parse(&source.text);
    let mut m = build(source, &tree, dialect);
    m.comments = tree
        .comments
        .iter()
        .map(|s| CommentRef { span: *s })
        .collect();
    if let Some(e) = tree.error {
        m.errors.push(e);
    }
    m
}

/// Parses a YAML or JSON changelog (JSON is read as YAML: saphyr keeps positions).
pub fn parse_yaml(source: &SourceFile, dialect: Dialect) -> FileModel {
    let (tree, error) = yaml_tree(&source.text);
    let mut m = build(source, &tree, dialect);
    m.comments = yaml_comments(&source.text);
    if let Some(e) = error {
        m.errors.push(e);
    }
    m
}

fn build(source: &SourceFile, tree: &Tree, dialect: Dialect) -> FileModel {
    let text: &str = &source.text;
    let mut b = Builder {
        text,
        dialect,
        model: FileModel {
            dialect,
            ..Default::default()
        },
        edits: Vec::new(),
    };
    let mut info = ChangelogInfo::default();
    let Some(root) = tree
        .roots
        .iter()
        .map(|&i| &tree.elements[i])
        .find(|e| e.name == "databaseChangeLog")
    else {
        b.model.info = FileInfo::Other;
        return b.model;
    };
    // First pass: the SQL regions, for the shadow text.
    collect_sql_regions(tree, root, &mut b, 0);
    let shadow = if b.edits.iter().any(|(r, t)| &text[r.clone()] != t) {
        Some(Arc::new(SourceFile::new(
            source.path.clone(),
            source.display.clone(),
            shadow_text(text, &b.edits),
        )))
    } else {
        None
    };
    let sql_src: &SourceFile = shadow.as_deref().unwrap_or(source);
    for child in tree.children(root) {
        match child.name.as_str() {
            "changeSet" => {
                let cs = change_set(tree, child, &mut b, sql_src);
                info.change_sets.push(cs);
            }
            "include" | "includeAll" => {
                let all = child.name == "includeAll";
                let key = if all { "path" } else { "file" };
                // YAML also writes `include: [{file: x}]`: the path is then a child's text.
                let path = child
                    .value(key)
                    .map(str::to_string)
                    .or_else(|| {
                        tree.children(child)
                            .find(|c| c.name == key)
                            .and_then(|c| c.text.as_ref().map(|t| t.0.clone()))
                    })
                    .unwrap_or_default();
                if !path.is_empty() {
                    info.includes.push(Include {
                        path,
                        relative_to_changelog: child
                            .value("relativeToChangelogFile")
                            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                        all,
                        span: child.span,
                    });
                }
            }
            _ => {}
        }
    }
    b.model.shadow = shadow;
    b.model.scopes.sort_by_key(|s| (s.start, s.end));
    b.model.info = FileInfo::Changelog(info);
    b.model
}

fn collect_sql_regions(tree: &Tree, e: &Element, b: &mut Builder, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some((range, rep)) = sql_region(b.text, e) {
        b.edits.push((range, rep));
    }
    for c in tree.children(e) {
        collect_sql_regions(tree, c, b, depth + 1);
    }
}

/// The SQL text of an element that holds SQL (`<sql>`, `<rollback>` text, `<createProcedure>`):
/// its range in the file and its text written over that range.
fn sql_region(text: &str, e: &Element) -> Option<(Range<usize>, String)> {
    sql_region_raw(text, e).map(|(r, t)| (r, fill_properties(&t)))
}

/// Changelog parameters (`${schema}`) written over with an identifier of the same length, so
/// the SQL around them still parses.
fn fill_properties(s: &str) -> String {
    if !s.contains("${") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("${") {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match rest
            .find('}')
            .filter(|e| *e < 80 && !rest[..*e].contains('\n'))
        {
            Some(end) => {
                // `${prefix}` -> `_prefix_`: same length, still readable in messages.
                out.push('_');
                out.extend(rest.as_bytes()[2..end].iter().map(|&c| {
                    if c.is_ascii_alphanumeric() {
                        c as char
                    } else {
                        '_'
                    }
                }));
                out.push('_');
                rest = &rest[end + 1..];
            }
            None => {
                out.push_str("${");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn sql_region_raw(text: &str, e: &Element) -> Option<(Range<usize>, String)> {
    let holds_sql = matches!(
        e.name.as_str(),
        "sql" | "rollback" | "createProcedure" | "createView"
    );
    if !holds_sql {
        return None;
    }
    if let Some((value, span, style)) = &e.text {
        return Some(scalar_region(text, value, *span, *style));
    }
    if let Some(a) = e.attr("sql").or_else(|| e.attr("selectQuery")) {
        return Some((
            a.span.start..a.span.end,
            xml::unescape(&text[a.span.start..a.span.end]),
        ));
    }
    // A `<rollback>` holding changes, or a YAML mapping: no text to read.
    if e.yaml || e.content.is_empty() || (e.name == "rollback" && !e.children.is_empty()) {
        return None;
    }
    Some((
        e.content.start..e.content.end,
        xml::content_as_text(text, e.content),
    ))
}

/// A YAML/JSON scalar's text written over its span.
fn scalar_region(
    text: &str,
    value: &str,
    span: Span,
    style: ScalarStyle,
) -> (Range<usize>, String) {
    let raw = &text[span.start..span.end];
    match style {
        ScalarStyle::Plain => (span.start..span.end, raw.to_string()),
        ScalarStyle::Block => {
            // The text starts on the line after the indicator; indentation does not matter to SQL.
            let body = raw.find('\n').map(|n| n + 1).unwrap_or(raw.len());
            (span.start + body..span.end, raw[body..].to_string())
        }
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let inner = Span::new(
                (span.start + 1).min(span.end),
                span.end.saturating_sub(1).max(span.start + 1),
            );
            let orig = &text[inner.start..inner.end.max(inner.start)];
            if value.len() <= orig.len() {
                (inner.start..inner.end.max(inner.start), value.to_string())
            } else {
                (inner.start..inner.end.max(inner.start), orig.to_string())
            }
        }
    }
}

fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The dialect a `dbms` attribute names, when it names exactly one we know.
fn dbms_dialect(e: &Element) -> Option<Dialect> {
    dialect_named(e.value("dbms")?)
}

/// The dialect a changeSet runs on: its `dbms` attribute, or else a `<dbms type="…"/>` its
/// `<preConditions>` (directly or under `<and>`) require.
fn change_set_dialect(tree: &Tree, cs: &Element) -> Option<Dialect> {
    dbms_dialect(cs).or_else(|| required_dbms(tree, cs).into_iter().find_map(dialect_named))
}

/// The `type` of each `<dbms>` a changeSet's `<preConditions>` require, directly or under
/// `<and>` (in document order).
fn required_dbms<'t>(tree: &'t Tree, cs: &'t Element) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut stack: Vec<&Element> = tree
        .children(cs)
        .filter(|c| c.name == "preConditions")
        .flat_map(|pre| tree.children(pre))
        .collect();
    stack.reverse();
    while let Some(e) = stack.pop() {
        match e.name.as_str() {
            "dbms" => out.extend(e.value("type")),
            "and" => {
                let mut inner: Vec<&Element> = tree.children(e).collect();
                inner.reverse();
                stack.extend(inner);
            }
            _ => {}
        }
    }
    out
}

/// Embedded engines Liquibase knows, which projects run their tests and local setups on.
const EMBEDDED: &[&str] = &["h2", "hsqldb", "derby"];

/// The database names of a `dbms` value (`mysql, hsqldb`), lowercased; `None` when it negates
/// one (`!postgresql`) or says `all`.
fn dbms_names(v: &str) -> Option<Vec<String>> {
    let names: Vec<String> = v
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty() && names.iter().all(|n| !n.starts_with('!') && n != "all")).then_some(names)
}

/// Whether a changeSet runs only on embedded engines (`dbms="h2"`, `<dbms type="hsqldb"/>`).
fn embedded_only(tree: &Tree, cs: &Element) -> bool {
    let only = |v: Option<&str>| {
        v.and_then(dbms_names)
            .is_some_and(|names| names.iter().all(|n| EMBEDDED.contains(&n.as_str())))
    };
    only(cs.value("dbms")) || required_dbms(tree, cs).into_iter().any(|t| only(Some(t)))
}

/// The dialect a Liquibase database name (`postgresql`, `mssql`…) stands for, when the value
/// names exactly one we know. In a list, the embedded engines aside (`mysql, hsqldb` is MySQL:
/// the SQL is written for the server engine and runs on the embedded one too).
fn dialect_named(v: &str) -> Option<Dialect> {
    let names = dbms_names(v)?;
    let servers: Vec<&String> = names
        .iter()
        .filter(|n| !EMBEDDED.contains(&n.as_str()))
        .collect();
    match servers.as_slice() {
        [] => Some(Dialect::Other),
        [one] => one_dialect(one),
        _ => None,
    }
}

fn one_dialect(v: &str) -> Option<Dialect> {
    Some(match v {
        "postgresql" | "postgres" => Dialect::Postgres,
        "cockroachdb" => Dialect::Other,
        "mysql" | "mariadb" => Dialect::Mysql,
        "mssql" => Dialect::Mssql,
        "oracle" => Dialect::Oracle,
        "sqlite" => Dialect::Sqlite,
        _ => return None,
    })
}

fn change_set(tree: &Tree, cs: &Element, b: &mut Builder, sql_src: &SourceFile) -> ChangeSetInfo {
    // A changeSet for one database is read in that database's dialect.
    let file_dialect = b.dialect;
    let cs_dialect = change_set_dialect(tree, cs);
    if let Some(d) = cs_dialect {
        b.dialect = d;
    }
    let info = change_set_inner(tree, cs, b, sql_src);
    let embedded = embedded_only(tree, cs);
    for s in &mut b.model.scripts[info.up..] {
        s.dialect = cs_dialect.or(s.dialect);
        s.embedded_only = embedded;
    }
    b.dialect = file_dialect;
    info
}

fn change_set_inner(
    tree: &Tree,
    cs: &Element,
    b: &mut Builder,
    sql_src: &SourceFile,
) -> ChangeSetInfo {
    let id = format!(
        "{}:{}",
        cs.value("author").unwrap_or(""),
        cs.value("id").unwrap_or("")
    );
    b.model.scopes.push(cs.span);
    let head = Span::new(cs.span.start, cs.span.start.max(cs.span.start));
    let header = cs.attr("id").map(|a| a.span).unwrap_or(head);
    let first = b.model.statements.len();
    let mut no_auto = Vec::new();
    let mut opaque = false;
    let mut rollback_els: Vec<&Element> = Vec::new();
    for ch in tree.children(cs) {
        if ch.name == "rollback" {
            rollback_els.push(ch);
            continue;
        }
        if NOT_CHANGES.contains(&ch.name.as_str()) {
            continue;
        }
        b.model.scopes.push(ch.span);
        if NO_AUTO_ROLLBACK.contains(&ch.name.as_str()) {
            no_auto.push((ch.name.clone(), ch.span));
        }
        opaque |= change(tree, ch, b, sql_src);
    }
    let mut up = Script::new(Direction::Up, first..b.model.statements.len(), header);
    up.empty_tables = required_empty(tree, cs, b.text);
    up.opaque = opaque;
    up.no_auto_rollback = no_auto;
    if cs
        .value("runInTransaction")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    {
        up.transaction = Some(false);
    }
    let up_idx = b.model.scripts.len();
    b.model.scripts.push(up);
    // A changeSet may hold several `<rollback>` elements: together they are its rollback.
    let rollback = (!rollback_els.is_empty()).then(|| {
        let first = b.model.statements.len();
        let mut opaque = false;
        let mut any_text = false;
        let mut any_children = false;
        let mut said_empty = false;
        for r in &rollback_els {
            let has_text = sql_region(b.text, r)
                .is_some_and(|(range, t)| !t.trim().is_empty() && !range.is_empty());
            if has_text {
                let (range, _) = sql_region(b.text, r).expect("checked");
                append_sql(&mut b.model, sql_src, range, b.dialect);
            }
            any_text |= has_text;
            any_children |= !r.children.is_empty();
            for ch in tree.children(r) {
                opaque |= change(tree, ch, b, sql_src);
            }
            // `<rollback changeSetId=".."/>` points at another changeSet's changes.
            opaque |= r.attr("changeSetId").is_some();
            if let Some(t) = &r.text
                && matches!(
                    t.0.trim().to_ascii_lowercase().as_str(),
                    "" | "empty" | "not required"
                )
            {
                said_empty = true;
            }
        }
        let mut s = Script::new(
            Direction::Down,
            first..b.model.statements.len(),
            rollback_els[0].span,
        );
        s.opaque = opaque;
        s.declared_empty =
            said_empty || (!s.opaque && s.stmts.is_empty() && !any_text && !any_children);
        b.model.scripts.push(s);
        b.model.scripts.len() - 1
    });
    ChangeSetInfo {
        id,
        span: header,
        up: up_idx,
        rollback,
        body: cs.span,
        reruns: truthy(cs.value("runOnChange")) || truthy(cs.value("runAlways")),
        conditional: cs
            .attr("dbms")
            .is_some_and(|d| !d.value.eq_ignore_ascii_case("all"))
            || tree.children(cs).any(|c| c.name == "preConditions"),
    }
}

/// Keys of the tables a changeSet's `<preConditions>` require to hold no row
/// (`<sqlCheck expectedResult="0">SELECT COUNT(*) FROM t</sqlCheck>`, `<tableIsEmpty>`,
/// `<rowCount expectedRows="0">`, alone or under `<and>`), unless a failed check only warns
/// (`onFail="WARN"`, after which the changes run anyway).
fn required_empty(tree: &Tree, cs: &Element, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for pc in tree.children(cs).filter(|c| c.name == "preConditions") {
        if pc
            .value("onFail")
            .is_some_and(|v| v.eq_ignore_ascii_case("WARN"))
        {
            continue;
        }
        let mut todo: Vec<&Element> = tree.children(pc).collect();
        while let Some(e) = todo.pop() {
            let zero = |attr: &str| e.value(attr).is_some_and(|v| v.trim() == "0");
            let table = match e.name.as_str() {
                "and" => {
                    todo.extend(tree.children(e));
                    None
                }
                "tableIsEmpty" => name_of(e, "tableName").map(|n| n.key()),
                "rowCount" if zero("expectedRows") => name_of(e, "tableName").map(|n| n.key()),
                "sqlCheck" if zero("expectedResult") => {
                    let sql = match (&e.text, e.value("sql")) {
                        (Some((t, ..)), _) => t.clone(),
                        (None, Some(v)) => v.to_string(),
                        (None, None) if !e.yaml => xml::content_as_text(text, e.content),
                        _ => String::new(),
                    };
                    counted_table(&sql)
                }
                _ => None,
            };
            out.extend(table);
        }
    }
    out
}

/// The key of the table `SELECT COUNT(...) FROM t` counts, with no condition after it.
fn counted_table(sql: &str) -> Option<String> {
    let s = sql.trim().trim_end_matches(';').trim_end();
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("select")?.trim_start();
    let rest = rest.strip_prefix("count")?.trim_start().strip_prefix('(')?;
    let rest = rest[rest.find(')')? + 1..]
        .trim_start()
        .strip_prefix("from")?;
    let name = rest.trim();
    if !rest.starts_with(char::is_whitespace)
        || name.is_empty()
        || name.contains(char::is_whitespace)
    {
        return None;
    }
    // The same bytes in their own case (quoted names keep it).
    let name = &s[s.len() - name.len()..];
    let parts = name
        .split('.')
        .map(|p| {
            let mut id = Ident::new(p.trim_matches(['"', '`', '[', ']']), Span::default());
            id.quoted = p.starts_with('"') || p.starts_with('[');
            id
        })
        .collect();
    Some(ObjectName { parts }.key())
}

fn ident(a: &Attr) -> Ident {
    let v = a.value.trim();
    let quoted = v.starts_with('"') || v.starts_with('`');
    Ident {
        value: v.trim_matches(['"', '`']).to_string(),
        quoted,
        span: a.span,
    }
}

fn name_of(e: &Element, table_attr: &str) -> Option<ObjectName> {
    let t = e.attr(table_attr)?;
    let mut parts = Vec::new();
    if let Some(s) = e
        .attr("schemaName")
        .or_else(|| e.attr("baseTableSchemaName"))
    {
        parts.push(ident(s));
    }
    parts.push(ident(t));
    Some(ObjectName { parts })
}

fn idents(a: Option<&Attr>) -> Vec<Ident> {
    let Some(a) = a else { return Vec::new() };
    let mut out = Vec::new();
    let mut pos = a.span.start;
    for part in a.value.split(',') {
        let t = part.trim();
        let lead = part.len() - part.trim_start().len();
        let start = (pos + lead).min(a.span.end);
        out.push(Ident::new(
            t,
            Span::new(start, (start + t.len()).min(a.span.end)),
        ));
        pos += part.len() + 1;
    }
    out
}

fn sql_type(a: &Attr) -> SqlType {
    SqlType::parse(&a.value, a.span)
}

fn default_of(c: &Element) -> Option<DefaultExpr> {
    for (attr, vol) in [
        ("defaultValueComputed", None),
        ("defaultValue", Some(Volatility::Constant)),
        ("defaultValueNumeric", Some(Volatility::Constant)),
        ("defaultValueBoolean", Some(Volatility::Constant)),
        ("defaultValueDate", Some(Volatility::Constant)),
    ] {
        if let Some(a) = c.attr(attr) {
            let volatility = vol.unwrap_or_else(|| {
                crate::parse::sql::recognize::volatility(&a.value, Dialect::Generic)
            });
            return Some(DefaultExpr {
                text: a.value.clone(),
                span: a.span,
                volatility,
                is_null: a.value.eq_ignore_ascii_case("null"),
            });
        }
    }
    None
}

fn column_def(tree: &Tree, c: &Element) -> Option<ColumnDef> {
    let name = ident(c.attr("name")?);
    let mut def = ColumnDef::new(name, c.attr("type").map(sql_type), c.span);
    def.default = default_of(c);
    def.identity = truthy(c.value("autoIncrement"));
    if let Some(cons) = tree
        .children(c)
        .find(|x| x.name == "constraints")
        .or(Some(c))
    {
        def.not_null = cons
            .value("nullable")
            .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        def.primary_key = truthy(cons.value("primaryKey"));
        def.unique = truthy(cons.value("unique"));
        if let Some(r) = cons.attr("referencedTableName") {
            def.references = Some(ObjectName::single(ident(r)));
        } else if let Some(r) = cons.attr("references") {
            let t = r.value.split('(').next().unwrap_or("").trim();
            def.references = Some(ObjectName::single(Ident::new(t, r.span)));
        }
    }
    Some(def)
}

fn push(b: &mut Builder, kind: StmtKind, span: Span) {
    let at = b.model.tokens.len();
    b.model.statements.push(Statement {
        kind,
        span,
        tokens: at..at,
        parse: ParseState::Recognized,
        in_transaction: false,
    });
}

fn alter(b: &mut Builder, name: ObjectName, actions: Vec<AlterItem>, span: Span) {
    push(
        b,
        StmtKind::AlterTable(Box::new(AlterTable {
            name,
            actions,
            if_exists: false,
            only: false,
            algorithm: None,
            lock: None,
        })),
        span,
    );
}

/// Maps one change element to statements; returns whether it is opaque (does things we cannot see).
fn change(tree: &Tree, e: &Element, b: &mut Builder, sql_src: &SourceFile) -> bool {
    let span = e.span;
    let item = |action: AlterAction| AlterItem { action, span };
    match e.name.as_str() {
        "createTable" => {
            let Some(name) = name_of(e, "tableName") else {
                return true;
            };
            let columns: Vec<ColumnDef> = tree
                .children(e)
                .filter(|c| c.name == "column")
                .filter_map(|c| column_def(tree, c))
                .collect();
            push(
                b,
                StmtKind::CreateTable(CreateTable {
                    name,
                    columns,
                    constraints: Vec::new(),
                    if_not_exists: truthy(e.value("ifNotExists")),
                    temporary: false,
                    derived: false,
                    or_replace: false,
                }),
                span,
            );
        }
        "addColumn" => {
            let Some(name) = name_of(e, "tableName") else {
                return true;
            };
            let actions: Vec<AlterItem> = tree
                .children(e)
                .filter(|c| c.name == "column")
                .filter_map(|c| {
                    let col = column_def(tree, c)?;
                    Some(AlterItem {
                        span: c.span,
                        action: AlterAction::AddColumn {
                            column: col,
                            if_not_exists: false,
                        },
                    })
                })
                .collect();
            alter(b, name, actions, span);
        }
        "dropColumn" => {
            let Some(name) = name_of(e, "tableName") else {
                return true;
            };
            let mut cols: Vec<Ident> = e.attr("columnName").map(ident).into_iter().collect();
            cols.extend(
                tree.children(e)
                    .filter(|c| c.name == "column")
                    .filter_map(|c| c.attr("name").map(ident)),
            );
            let actions = cols
                .into_iter()
                .map(|c| {
                    item(AlterAction::DropColumn {
                        name: c,
                        if_exists: false,
                        cascade: false,
                    })
                })
                .collect();
            alter(b, name, actions, span);
        }
        "renameColumn" => {
            let (Some(name), Some(from), Some(to)) = (
                name_of(e, "tableName"),
                e.attr("oldColumnName"),
                e.attr("newColumnName"),
            ) else {
                return true;
            };
            alter(
                b,
                name,
                vec![item(AlterAction::RenameColumn {
                    from: ident(from),
                    to: ident(to),
                })],
                span,
            );
        }
        "renameTable" => {
            let (Some(from), Some(to)) = (name_of(e, "oldTableName"), e.attr("newTableName"))
            else {
                return true;
            };
            alter(
                b,
                from,
                vec![item(AlterAction::RenameTable {
                    to: ObjectName::single(ident(to)),
                })],
                span,
            );
        }
        "dropTable" => {
            let Some(name) = name_of(e, "tableName") else {
                return true;
            };
            push(
                b,
                StmtKind::Drop {
                    kind: ObjectKind::Table,
                    names: vec![name],
                    if_exists: false,
                    cascade: truthy(e.value("cascadeConstraints")),
                },
                span,
            );
        }
        "modifyDataType" => {
            let (Some(name), Some(col), Some(t)) = (
                name_of(e, "tableName"),
                e.attr("columnName"),
                e.attr("newDataType"),
            ) else {
                return true;
            };
            alter(
                b,
                name,
                vec![item(AlterAction::AlterColumnType {
                    column: ident(col),
                    new_type: sql_type(t),
                    using: None,
                })],
                span,
            );
        }
        "addNotNullConstraint" | "dropNotNullConstraint" => {
            let (Some(name), Some(col)) = (name_of(e, "tableName"), e.attr("columnName")) else {
                return true;
            };
            let column = ident(col);
            let action = if e.name == "addNotNullConstraint" {
                AlterAction::SetNotNull { column }
            } else {
                AlterAction::DropNotNull { column }
            };
            alter(b, name, vec![item(action)], span);
        }
        "addDefaultValue" => {
            let (Some(name), Some(col)) = (name_of(e, "tableName"), e.attr("columnName")) else {
                return true;
            };
            if let Some(default) = default_of(e) {
                alter(
                    b,
                    name,
                    vec![item(AlterAction::SetDefault {
                        column: ident(col),
                        default,
                    })],
                    span,
                );
            }
        }
        "dropDefaultValue" => {
            let (Some(name), Some(col)) = (name_of(e, "tableName"), e.attr("columnName")) else {
                return true;
            };
            alter(
                b,
                name,
                vec![item(AlterAction::DropDefault { column: ident(col) })],
                span,
            );
        }
        "createIndex" => {
            let Some(table) = name_of(e, "tableName") else {
                return true;
            };
            let columns = tree
                .children(e)
                .filter(|c| c.name == "column")
                .filter_map(|c| c.value("name").map(str::to_string))
                .collect();
            push(
                b,
                StmtKind::CreateIndex(Box::new(CreateIndex {
                    name: e.attr("indexName").map(ident),
                    table,
                    columns,
                    unique: truthy(e.value("unique")),
                    concurrently: false,
                    if_not_exists: false,
                    partial: e.attr("where").is_some(),
                    algorithm: None,
                    lock: None,
                })),
                span,
            );
        }
        "dropIndex" => {
            let Some(n) = e.attr("indexName") else {
                return true;
            };
            push(
                b,
                StmtKind::DropIndex {
                    names: vec![ObjectName::single(ident(n))],
                    concurrently: false,
                    if_exists: false,
                    table: name_of(e, "tableName"),
                },
                span,
            );
        }
        "addForeignKeyConstraint" | "addUniqueConstraint" | "addPrimaryKey" => {
            let table_attr = if e.name == "addForeignKeyConstraint" {
                "baseTableName"
            } else {
                "tableName"
            };
            let Some(name) = name_of(e, table_attr) else {
                return true;
            };
            let kind = match e.name.as_str() {
                "addForeignKeyConstraint" => ConstraintKind::ForeignKey {
                    columns: idents(e.attr("baseColumnNames")),
                    references: e
                        .attr("referencedTableName")
                        .map(|a| ObjectName::single(ident(a)))
                        .unwrap_or_else(|| ObjectName::single(Ident::new("", span))),
                    ref_columns: idents(e.attr("referencedColumnNames")),
                },
                "addUniqueConstraint" => ConstraintKind::Unique {
                    columns: idents(e.attr("columnNames")),
                    using_index: e.attr("forIndexName").map(ident),
                },
                _ => ConstraintKind::PrimaryKey {
                    columns: idents(e.attr("columnNames")),
                    using_index: e.attr("forIndexName").map(ident),
                },
            };
            let not_valid = e
                .value("validate")
                .is_some_and(|v| v.eq_ignore_ascii_case("false"));
            alter(
                b,
                name,
                vec![item(AlterAction::AddConstraint {
                    constraint: TableConstraint {
                        name: e.attr("constraintName").map(ident),
                        kind,
                        not_valid,
                        span,
                    },
                })],
                span,
            );
        }
        "dropForeignKeyConstraint" | "dropUniqueConstraint" => {
            let table_attr = if e.name == "dropForeignKeyConstraint" {
                "baseTableName"
            } else {
                "tableName"
            };
            let (Some(name), Some(c)) = (name_of(e, table_attr), e.attr("constraintName")) else {
                return true;
            };
            alter(
                b,
                name,
                vec![item(AlterAction::DropConstraint {
                    name: ident(c),
                    if_exists: false,
                })],
                span,
            );
        }
        "dropPrimaryKey" => {
            let Some(name) = name_of(e, "tableName") else {
                return true;
            };
            alter(b, name, vec![item(AlterAction::DropPrimaryKey)], span);
        }
        "createView" | "createSequence" | "createProcedure" | "createFunction" => {
            let (kind, attr) = match e.name.as_str() {
                "createView" => (ObjectKind::View, "viewName"),
                "createSequence" => (ObjectKind::Sequence, "sequenceName"),
                "createProcedure" => (ObjectKind::Procedure, "procedureName"),
                _ => (ObjectKind::Function, "functionName"),
            };
            push(
                b,
                StmtKind::Create {
                    kind,
                    name: name_of(e, attr),
                    or_replace: truthy(e.value("replaceIfExists")),
                    if_not_exists: false,
                    trigger_function: false,
                },
                span,
            );
        }
        "dropView" | "dropSequence" | "dropProcedure" | "dropFunction" => {
            let (kind, attr) = match e.name.as_str() {
                "dropView" => (ObjectKind::View, "viewName"),
                "dropSequence" => (ObjectKind::Sequence, "sequenceName"),
                "dropProcedure" => (ObjectKind::Procedure, "procedureName"),
                _ => (ObjectKind::Function, "functionName"),
            };
            let Some(name) = name_of(e, attr) else {
                return true;
            };
            push(
                b,
                StmtKind::Drop {
                    kind,
                    names: vec![name],
                    if_exists: truthy(e.value("ifExists")),
                    cascade: false,
                },
                span,
            );
        }
        "insert" | "loadData" | "loadUpdateData" => {
            let Some(table) = name_of(e, "tableName") else {
                return true;
            };
            push(
                b,
                StmtKind::Insert {
                    table,
                    columns: Vec::new(),
                },
                span,
            );
        }
        "update" | "delete" => {
            let Some(table) = name_of(e, "tableName") else {
                return true;
            };
            let has_where =
                tree.children(e).any(|c| c.name == "where") || e.attr("where").is_some();
            let kind = if e.name == "update" {
                StmtKind::Update { table, has_where }
            } else {
                StmtKind::Delete { table, has_where }
            };
            push(b, kind, span);
        }
        "sql" => {
            if let Some((range, t)) = sql_region(b.text, e)
                && !t.trim().is_empty()
            {
                let dialect = dbms_dialect(e).unwrap_or(b.dialect);
                append_sql(&mut b.model, sql_src, range, dialect);
            }
        }
        "tagDatabase" | "output" | "empty" | "stop" | "setTableRemarks" | "setColumnRemarks" => {}
        "sqlFile" | "customChange" | "executeCommand" => return true,
        other => push(
            b,
            StmtKind::Other {
                head: other.to_ascii_uppercase(),
            },
            span,
        ),
    }
    false
}

// ---- YAML / JSON -> the element tree ----

struct CharMap {
    /// Byte offset of each char index (only for non-ASCII text).
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharMap {
    fn new(text: &str) -> Self {
        let offsets = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        });
        CharMap {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            Some(v) => v.get(char_index).copied().unwrap_or(self.len),
            None => char_index.min(self.len),
        }
    }
}

type Node<'a> = saphyr::MarkedYaml<'a>;

/// How deep a YAML document may nest before we refuse it: the YAML parser and its tree recurse,
/// and no changelog comes near this.
const MAX_YAML_DEPTH: usize = 200;

/// An upper bound of a YAML text's nesting: flow brackets outside quotes, plus indentation and
/// compact `- - -` sequences. Cheap, and enough to refuse pathological input before parsing it.
fn yaml_depth_estimate(text: &str) -> (usize, usize) {
    let mut flow = 0usize;
    let mut max = 0usize;
    let mut at = 0;
    let mut first_over: Option<usize> = None;
    let (mut in_s, mut in_d) = (false, false);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let b = line.as_bytes();
        let indent = b.iter().take_while(|c| **c == b' ').count();
        let mut dashes = 0;
        let mut i = indent;
        while i + 1 < b.len() && b[i] == b'-' && b[i + 1] == b' ' {
            dashes += 1;
            i += 2;
        }
        let block = indent / 2 + dashes;
        for (j, &c) in b.iter().enumerate() {
            match c {
                b'\'' if !in_d => in_s = !in_s,
                b'"' if !in_s => in_d = !in_d,
                b'#' if !in_s && !in_d && (j == 0 || b[j - 1] == b' ') => break,
                b'[' | b'{' if !in_s && !in_d => {
                    flow += 1;
                    if flow > max {
                        max = flow;
                        at = offset + j;
                    }
                    if block + flow > MAX_YAML_DEPTH && first_over.is_none() {
                        first_over = Some(offset + j);
                    }
                }
                b']' | b'}' if !in_s && !in_d => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        // Quotes do not span lines in changelogs worth reading; resync at each line.
        if !line.trim_end().ends_with('\\') {
            in_s = false;
            in_d = false;
        }
        if block + flow > max {
            max = block + flow;
            at = offset;
        }
        if max > MAX_YAML_DEPTH && first_over.is_none() {
            first_over = Some(at);
        }
        offset += line.len();
    }
    // Point where the limit was first passed (the reader can see the nesting start there),
    // not at the innermost level.
    (max, first_over.unwrap_or(at))
}

pub(crate) fn yaml_tree(text: &str) -> (Tree, Option<(Span, String)>) {
    use saphyr::LoadableYamlNode;
    let map = CharMap::new(text);
    let mut tree = Tree::default();
    let (depth, at) = yaml_depth_estimate(text);
    if depth > MAX_YAML_DEPTH {
        return (
            tree,
            Some((
                Span::at(at),
                format!(
                    "this changelog nests more than {MAX_YAML_DEPTH} levels deep, too deep to analyse"
                ),
            )),
        );
    }
    let docs = match Node::load_from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let at = map.byte(e.marker().index());
            return (
                tree,
                Some((
                    Span::at(at),
                    format!("cannot parse this changelog: {}", e.info()),
                )),
            );
        }
    };
    for doc in &docs {
        if let saphyr::YamlData::Mapping(m) = &doc.data {
            for (k, v) in m.iter() {
                if scalar(k).as_deref() == Some("databaseChangeLog") {
                    let idx = node_element(&mut tree, text, &map, "databaseChangeLog", k, v, 0);
                    tree.roots.push(idx);
                }
            }
        }
    }
    (tree, None)
}

fn scalar(n: &Node) -> Option<String> {
    match &n.data {
        saphyr::YamlData::Value(s) => Some(match s {
            saphyr::Scalar::Null => String::new(),
            saphyr::Scalar::Boolean(b) => b.to_string(),
            saphyr::Scalar::Integer(i) => i.to_string(),
            saphyr::Scalar::FloatingPoint(f) => f.to_string(),
            saphyr::Scalar::String(s) => s.to_string(),
        }),
        saphyr::YamlData::Representation(s, _, _) => Some(s.to_string()),
        saphyr::YamlData::Tagged(_, inner) => scalar(inner),
        _ => None,
    }
}

fn span_of(map: &CharMap, n: &Node) -> Span {
    let a = map.byte(n.span.start.index());
    let b = map.byte(n.span.end.index()).max(a);
    Span::new(a, b)
}

/// saphyr ends a block node where the next one starts: drop the trailing blank space and the
/// `- ` of the next sequence item.
fn trim_span_end(text: &str, s: Span) -> Span {
    let mut t = text[s.start..s.end].trim_end();
    while let Some(rest) = t.strip_suffix('-') {
        t = rest.trim_end();
    }
    Span::new(s.start, s.start + t.len())
}

/// A scalar's span trimmed of trailing whitespace/newlines (saphyr ends plain scalars late).
fn scalar_span(text: &str, map: &CharMap, n: &Node) -> (Span, ScalarStyle) {
    let s = span_of(map, n);
    let raw = &text[s.start..s.end];
    let style = match raw.as_bytes().first() {
        Some(b'"') => ScalarStyle::DoubleQuoted,
        Some(b'\'') => ScalarStyle::SingleQuoted,
        Some(b'|') | Some(b'>') => ScalarStyle::Block,
        _ => ScalarStyle::Plain,
    };
    let trimmed = raw.trim_end();
    (Span::new(s.start, s.start + trimmed.len()), style)
}

fn node_element(
    tree: &mut Tree,
    text: &str,
    map: &CharMap,
    name: &str,
    key: &Node,
    value: &Node,
    depth: usize,
) -> usize {
    let idx = tree.elements.len();
    let kspan = span_of(map, key);
    let vspan = trim_span_end(text, span_of(map, value));
    tree.elements.push(Element {
        name: name.to_string(),
        span: Span::new(kspan.start, vspan.end.max(kspan.end)),
        content: vspan,
        yaml: true,
        ..Default::default()
    });
    if depth > 48 {
        return idx;
    }
    match &value.data {
        saphyr::YamlData::Mapping(m) => {
            for (k, v) in m.iter() {
                let Some(kname) = scalar(k) else { continue };
                add_member(tree, text, map, idx, &kname, k, v, depth + 1);
            }
        }
        saphyr::YamlData::Sequence(items) => {
            for it in items {
                add_item(tree, text, map, idx, it, depth + 1);
            }
        }
        _ => {
            if let Some(v) = scalar(value) {
                let (s, style) = scalar_span(text, map, value);
                tree.elements[idx].text = Some((v, s, style));
            }
        }
    }
    idx
}

#[allow(clippy::too_many_arguments)]
fn add_member(
    tree: &mut Tree,
    text: &str,
    map: &CharMap,
    parent: usize,
    kname: &str,
    k: &Node,
    v: &Node,
    depth: usize,
) {
    match &v.data {
        saphyr::YamlData::Sequence(items) if matches!(kname, "changes" | "columns") => {
            // Wrappers of YAML changelogs: their items are the parent's children in XML.
            for it in items {
                add_item(tree, text, map, parent, it, depth);
            }
        }
        saphyr::YamlData::Mapping(_) | saphyr::YamlData::Sequence(_) => {
            let c = node_element(tree, text, map, kname, k, v, depth);
            tree.elements[parent].children.push(c);
        }
        _ => {
            let Some(value) = scalar(v) else { return };
            let (span, style) = scalar_span(text, map, v);
            if matches!(kname, "sql" | "rollback") {
                // SQL given as a value: a child element holding text.
                let c = node_element(tree, text, map, kname, k, v, depth);
                tree.elements[parent].children.push(c);
                if kname == "sql" && tree.elements[parent].name == "sql" {
                    tree.elements[parent].text = Some((value.clone(), span, style));
                }
            }
            let inner = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if span.len() >= 2 => {
                    Span::new(span.start + 1, span.end - 1)
                }
                _ => span,
            };
            tree.elements[parent].attrs.push(Attr {
                name: kname.to_string(),
                value,
                span: inner,
            });
        }
    }
}

fn add_item(tree: &mut Tree, text: &str, map: &CharMap, parent: usize, it: &Node, depth: usize) {
    match &it.data {
        saphyr::YamlData::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next().expect("one entry");
            let Some(kname) = scalar(k) else { return };
            let c = node_element(tree, text, map, &kname, k, v, depth);
            tree.elements[parent].children.push(c);
        }
        saphyr::YamlData::Mapping(m) => {
            // An item with several keys: one element per key.
            for (k, v) in m.iter() {
                let Some(kname) = scalar(k) else { continue };
                add_member(tree, text, map, parent, &kname, k, v, depth);
            }
        }
        _ => {
            if let Some(v) = scalar(it) {
                let (s, style) = scalar_span(text, map, it);
                if tree.elements[parent].text.is_none() {
                    tree.elements[parent].text = Some((v, s, style));
                }
            }
        }
    }
}

/// `#` comments of a YAML file (not inside quotes), for suppressions.
fn yaml_comments(text: &str) -> Vec<CommentRef> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut in_s = false;
        let mut in_d = false;
        let b = line.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            match c {
                b'\'' if !in_d => in_s = !in_s,
                b'"' if !in_s => in_d = !in_d,
                b'#' if !in_s && !in_d && (i == 0 || b[i - 1].is_ascii_whitespace()) => {
                    let end = line.trim_end_matches(['\n', '\r']).len();
                    out.push(CommentRef {
                        span: Span::new(offset + i, offset + end.max(i)),
                    });
                    break;
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    out
}

// ---- formatted SQL ----

/// Parses a `--liquibase formatted sql` file: `--changeset author:id` comments start changeSets,
/// `--rollback` lines hold each changeSet's rollback.
pub fn parse_formatted_sql(source: &SourceFile, dialect: Dialect) -> FileModel {
    let text: &str = &source.text;
    let parsed = crate::parse::sql::parse(source, dialect);
    // Marker lines.
    struct Mark {
        span: Span,
        id: String,
        attrs: String,
    }
    let mut marks: Vec<Mark> = Vec::new();
    let mut rollback_lines: Vec<Span> = Vec::new();
    for t in parsed.comments() {
        let body = t.span().text(text);
        let rest = body.trim_start_matches('-').trim_start();
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("changeset ") {
            let mut words = rest["changeset ".len()..].split_whitespace();
            let id = words.next().unwrap_or("").to_string();
            let _ = r;
            marks.push(Mark {
                span: t.span(),
                id,
                attrs: words.collect::<Vec<_>>().join(" "),
            });
        } else if lower.starts_with("rollback") {
            rollback_lines.push(t.span());
        }
    }
    // Shadow: `--rollback` prefixes blanked so the rest of each line lexes as SQL.
    let edits: Vec<(Range<usize>, String)> = rollback_lines
        .iter()
        .map(|s| {
            let body = s.text(text);
            let lead =
                body.len() - body.trim_start_matches('-').trim_start().len() + "rollback".len();
            (s.start..s.start + lead.min(body.len()), String::new())
        })
        .collect();
    let shadow = (!edits.is_empty()).then(|| {
        Arc::new(SourceFile::new(
            source.path.clone(),
            source.display.clone(),
            shadow_text(text, &edits),
        ))
    });
    let mut model = crate::parse::script::from_sql(parsed, text);
    model.scripts.clear();
    let comments = std::mem::take(&mut model.comments);
    let mut info = ChangelogInfo {
        formatted_sql: true,
        ..Default::default()
    };
    let n = model.statements.len();
    let mut scripts = Vec::new();
    let mut extra: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map(|x| x.span.start).unwrap_or(text.len());
        let a = model
            .statements
            .iter()
            .position(|s| s.span.start >= m.span.end)
            .unwrap_or(n);
        let b = model
            .statements
            .iter()
            .position(|s| s.span.start >= end)
            .unwrap_or(n)
            .max(a);
        let mut up = Script::new(Direction::Up, a..b, m.span);
        let attrs = m.attrs.to_ascii_lowercase();
        if attrs.contains("runintransaction:false") {
            up.transaction = Some(false);
        }
        up.no_auto_rollback = vec![("sql".into(), m.span)];
        let rb: Vec<Span> = rollback_lines
            .iter()
            .filter(|s| s.start >= m.span.end && s.start < end)
            .copied()
            .collect();
        scripts.push(up);
        let rollback = if rb.is_empty() {
            None
        } else {
            let range = rb[0].start..rb[rb.len() - 1].end;
            extra.push((scripts.len(), range));
            let mut s = Script::new(Direction::Down, 0..0, rb[0]);
            let body: String = rb
                .iter()
                .map(|s| {
                    s.text(text).trim_start_matches('-').trim_start()[8..]
                        .trim()
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join(" ");
            s.declared_empty = matches!(
                body.to_ascii_lowercase().as_str(),
                "" | "empty" | "not required"
            );
            scripts.push(s);
            Some(scripts.len() - 1)
        };
        info.change_sets.push(ChangeSetInfo {
            id: m.id.clone(),
            span: m.span,
            up: scripts.len() - 1 - usize::from(rollback.is_some()),
            rollback,
            body: Span::new(m.span.start, end),
            reruns: attrs.contains("runonchange:true") || attrs.contains("runalways:true"),
            conditional: attrs.contains("dbms:"),
        });
    }
    if let Some(sh) = &shadow {
        for (script, range) in extra {
            let stmts = append_sql(&mut model, sh, range, dialect);
            if !scripts[script].declared_empty {
                scripts[script].stmts = stmts;
            }
        }
    }
    model.scripts = scripts;
    model.comments = comments;
    model.scopes = marks.iter().map(|m| m.span).collect();
    model.shadow = shadow;
    model.sections = true;
    model.info = FileInfo::Changelog(info);
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_tables_of_preconditions() {
        assert_eq!(
            counted_table("SELECT COUNT(*) FROM users").as_deref(),
            Some("users")
        );
        assert_eq!(
            counted_table(" select count(1) from public.Orders; ").as_deref(),
            Some("orders")
        );
        assert_eq!(
            counted_table("SELECT COUNT(id) FROM \"Audit\"").as_deref(),
            Some("Audit")
        );
        assert_eq!(
            counted_table("SELECT COUNT(*) FROM users WHERE id > 1"),
            None
        );
        assert_eq!(counted_table("SELECT COUNT(*) FROMusers"), None);
        assert_eq!(counted_table("SELECT 0"), None);
    }

    #[test]
    fn xml_changes_become_statements_at_their_positions() {
        let text = r#"<databaseChangeLog>
  <changeSet id="1" author="a">
    <addColumn tableName="users">
      <column name="nickname" type="varchar(50)"/>
    </addColumn>
    <sql>CREATE INDEX users_nick ON users (nickname)</sql>
  </changeSet>
</databaseChangeLog>
"#;
        let m = parse_xml(&SourceFile::from_text("c.xml", text), Dialect::Postgres);
        assert_eq!(m.statements.len(), 2);
        let StmtKind::AlterTable(at) = &m.statements[0].kind else {
            panic!()
        };
        assert_eq!(at.name.span().text(text), "users");
        assert!(m.statements[0].span.text(text).starts_with("<addColumn"));
        assert!(matches!(m.statements[1].kind, StmtKind::CreateIndex(_)));
        assert!(m.statements[1].span.text(text).starts_with("CREATE INDEX"));
        let FileInfo::Changelog(ci) = &m.info else {
            panic!()
        };
        assert_eq!(ci.change_sets.len(), 1);
        assert!(ci.change_sets[0].rollback.is_none());
    }

    #[test]
    fn yaml_changes() {
        let text = "databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - dropColumn:\n            tableName: users\n            columnName: email\n        - sql:\n            sql: \"UPDATE users SET a = 1\"\n      rollback:\n        - addColumn:\n            tableName: users\n            columns:\n              - column:\n                  name: email\n                  type: text\n";
        let m = parse_yaml(&SourceFile::from_text("c.yaml", text), Dialect::Postgres);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        let FileInfo::Changelog(ci) = &m.info else {
            panic!()
        };
        assert_eq!(ci.change_sets.len(), 1, "{m:?}");
        let up = &m.scripts[ci.change_sets[0].up];
        let stmts = m.statements_of(up);
        assert_eq!(stmts.len(), 2, "{stmts:?}");
        let StmtKind::AlterTable(at) = &stmts[0].kind else {
            panic!()
        };
        let AlterAction::DropColumn { name, .. } = &at.actions[0].action else {
            panic!()
        };
        assert_eq!(name.span.text(text), "email");
        assert!(matches!(stmts[1].kind, StmtKind::Update { .. }));
        assert!(stmts[1].span.text(text).starts_with("UPDATE users"));
        let rb = &m.scripts[ci.change_sets[0].rollback.unwrap()];
        assert_eq!(m.statements_of(rb).len(), 1);
    }

    #[test]
    fn formatted_sql() {
        let text = "--liquibase formatted sql\n\n--changeset a:1\nALTER TABLE users ADD COLUMN nick text;\n--rollback ALTER TABLE users DROP COLUMN nick;\n\n--changeset a:2\nCREATE TABLE t (id int);\n";
        let m = parse_formatted_sql(&SourceFile::from_text("c.sql", text), Dialect::Postgres);
        let FileInfo::Changelog(ci) = &m.info else {
            panic!()
        };
        assert_eq!(ci.change_sets.len(), 2);
        let rb = &m.scripts[ci.change_sets[0].rollback.unwrap()];
        let s = m.statements_of(rb);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].span.text(text), "ALTER TABLE users DROP COLUMN nick");
        assert_eq!(m.statements_of(&m.scripts[ci.change_sets[1].up]).len(), 1);
    }
}
