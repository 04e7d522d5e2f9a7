//! Understands, from tokens alone, the statements sqlparser refuses but migrations use:
//! `DROP INDEX CONCURRENTLY`, `REINDEX`, `CLUSTER`, `VACUUM (FULL)`, `DO $$`, roles with
//! passwords, `ALTER SEQUENCE`, `REFRESH MATERIALIZED VIEW CONCURRENTLY`, `ALTER TABLE` actions
//! such as `DETACH PARTITION ... CONCURRENTLY`, `SET STATISTICS` and MySQL table options, and
//! statements whose bodies are not ours to parse (routines, grants, comments).
//!
//! A recogniser accepts a statement only when it accounts for all of it (or the statement is of
//! an opaque kind); anything else stays a parse error.

use super::cursor::{Cursor, span_of, split_top_level, unquote};
use super::lexer::{Tok, TokKind};
use crate::source::Span;
use crate::sql::*;

/// Recognises a statement from its code tokens, or returns `None`.
pub fn recognize(text: &str, toks: &[Tok], dialect: Dialect) -> Option<StmtKind> {
    let mut c = Cursor::new(text, toks);
    let first = c.word_upper()?;
    match first.as_str() {
        "DROP" => drop_stmt(&mut c, dialect),
        "REINDEX" => reindex(&mut c),
        "CLUSTER" => cluster(&mut c),
        "VACUUM" => vacuum(&mut c),
        "REPACK" => repack(&mut c),
        "DO" => {
            c.next();
            if c.eat("LANGUAGE") {
                c.next();
            }
            let body = c.next()?;
            if !matches!(body.kind, TokKind::DollarString | TokKind::String) {
                return None;
            }
            if c.eat("LANGUAGE") {
                c.next();
            }
            c.at_end().then_some(StmtKind::Do)
        }
        "REFRESH" => {
            c.next();
            if !c.eat_seq(&["MATERIALIZED", "VIEW"]) {
                return None;
            }
            let concurrently = c.eat("CONCURRENTLY");
            let name = c.object_name()?;
            if c.eat("WITH") {
                c.eat("NO");
                if !c.eat("DATA") {
                    return None;
                }
            }
            c.at_end()
                .then_some(StmtKind::RefreshMaterializedView { name, concurrently })
        }
        "ALTER" => alter(&mut c, dialect),
        "CREATE" => create(&mut c, toks, text),
        "GRANT" => Some(StmtKind::Grant),
        "REVOKE" => Some(StmtKind::Revoke),
        "COMMENT" => c.is_seq(&["COMMENT", "ON"]).then_some(StmtKind::Comment),
        "SECURITY" => c.is_seq(&["SECURITY", "LABEL"]).then(|| StmtKind::Other {
            head: "SECURITY LABEL".into(),
        }),
        "BEGIN" | "START" => Some(StmtKind::Transaction(TxnKind::Begin)),
        "COMMIT" | "END" => Some(StmtKind::Transaction(TxnKind::Commit)),
        "ROLLBACK" | "ABORT" => Some(StmtKind::Transaction(TxnKind::Rollback)),
        "SET" => set_stmt(&mut c),
        "SELECT" | "WITH" | "VALUES" | "CALL" | "EXPLAIN" | "PERFORM" | "EXEC" | "EXECUTE"
        | "TABLE" => Some(StmtKind::Query),
        "INSERT" | "REPLACE" => {
            c.next();
            c.eat("IGNORE");
            c.eat("INTO");
            let table = c.object_name()?;
            let columns = if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
                c.clone().ident_list().unwrap_or_default()
            } else {
                Vec::new()
            };
            Some(StmtKind::Insert { table, columns })
        }
        "UPDATE" => {
            c.next();
            c.eat("ONLY");
            let table = c.object_name()?;
            let has_where = toks.iter().any(|t| t.is_kw(text, "WHERE"));
            Some(StmtKind::Update { table, has_where })
        }
        "DELETE" => {
            c.next();
            c.eat("FROM");
            c.eat("ONLY");
            let table = c.object_name()?;
            let has_where = toks.iter().any(|t| t.is_kw(text, "WHERE"));
            Some(StmtKind::Delete { table, has_where })
        }
        "COPY" => {
            c.next();
            let table = c.object_name();
            let from = toks.iter().any(|t| t.is_kw(text, "FROM"));
            Some(StmtKind::Copy { table, from })
        }
        "TRUNCATE" => {
            c.next();
            c.eat("TABLE");
            c.eat("ONLY");
            let mut tables = vec![c.object_name()?];
            while c.eat_kind(TokKind::Comma).is_some() {
                tables.push(c.object_name()?);
            }
            Some(StmtKind::Truncate { tables })
        }
        "LOCK" | "ANALYZE" | "ANALYSE" | "CHECKPOINT" | "DISCARD" | "RESET" | "LISTEN"
        | "NOTIFY" | "UNLISTEN" | "PREPARE" | "DEALLOCATE" | "IMPORT" | "LOAD" | "SHOW" | "USE"
        | "SAVEPOINT" | "RELEASE" | "FLUSH" | "OPTIMIZE" | "REPAIR" | "DECLARE" | "FETCH"
        | "CLOSE" | "MOVE" | "PRAGMA" | "RENAME" | "UNLOCK" | "SOURCE" | "PRINT" | "RAISERROR"
        | "GO" => Some(StmtKind::Other { head: first }),
        _ => None,
    }
}

fn object_kind(c: &mut Cursor) -> Option<ObjectKind> {
    let kind = if c.eat_seq(&["MATERIALIZED", "VIEW"]) {
        ObjectKind::MaterializedView
    } else if c.eat_seq(&["EVENT", "TRIGGER"]) {
        ObjectKind::EventTrigger
    } else {
        let w = c.word_upper()?;
        let k = match w.as_str() {
            "TABLE" => ObjectKind::Table,
            "VIEW" => ObjectKind::View,
            "INDEX" => ObjectKind::Index,
            "SEQUENCE" => ObjectKind::Sequence,
            "SCHEMA" => ObjectKind::Schema,
            "DATABASE" => ObjectKind::Database,
            "TYPE" => ObjectKind::Type,
            "DOMAIN" => ObjectKind::Domain,
            "FUNCTION" => ObjectKind::Function,
            "PROCEDURE" | "ROUTINE" => ObjectKind::Procedure,
            "TRIGGER" => ObjectKind::Trigger,
            "EXTENSION" => ObjectKind::Extension,
            "ROLE" | "USER" | "GROUP" => ObjectKind::Role,
            "POLICY" => ObjectKind::Policy,
            "AGGREGATE" | "OPERATOR" | "CAST" | "COLLATION" | "CONVERSION" | "LANGUAGE"
            | "PUBLICATION" | "RULE" | "SERVER" | "STATISTICS" | "SUBSCRIPTION" | "TEXT"
            | "TRANSFORM" | "TABLESPACE" | "FOREIGN" | "ACCESS" | "OWNED" | "EVENT" | "SYNONYM"
            | "PACKAGE" => ObjectKind::Other,
            _ => return None,
        };
        c.next();
        k
    };
    Some(kind)
}

fn drop_stmt(c: &mut Cursor, dialect: Dialect) -> Option<StmtKind> {
    c.next(); // DROP
    let kind = object_kind(c)?;
    let concurrently = kind == ObjectKind::Index && c.eat("CONCURRENTLY");
    let if_exists = c.eat_seq(&["IF", "EXISTS"]);
    if !matches!(
        kind,
        ObjectKind::Index
            | ObjectKind::Table
            | ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Sequence
            | ObjectKind::Schema
            | ObjectKind::Database
            | ObjectKind::Type
            | ObjectKind::Domain
            | ObjectKind::Extension
    ) {
        // Functions (with argument lists), triggers (`ON table`), roles...: the names are enough.
        let mut names = Vec::new();
        if let Some(n) = c.object_name() {
            names.push(n);
        }
        return Some(StmtKind::Drop {
            kind,
            names,
            if_exists,
            cascade: c.toks.iter().any(|t| t.is_kw(c.text, "CASCADE")),
        });
    }
    let mut names = vec![c.object_name()?];
    while c.eat_kind(TokKind::Comma).is_some() {
        names.push(c.object_name()?);
    }
    let mut table = None;
    // MySQL's `DROP INDEX name ON table`; PostgreSQL refuses it.
    if kind == ObjectKind::Index && dialect != Dialect::Postgres && c.eat("ON") {
        table = Some(c.object_name()?);
        // MySQL online DDL options: `ALGORITHM [=] x`, `LOCK [=] x`.
        while c.is("ALGORITHM") || c.is("LOCK") {
            c.next();
            if c.peek().is_some_and(|t| c.tok_text(t) == "=") {
                c.next();
            }
            c.next()?;
        }
    }
    let cascade = c.eat("CASCADE");
    c.eat("RESTRICT");
    if !c.at_end() {
        return None;
    }
    Some(match kind {
        ObjectKind::Index => StmtKind::DropIndex {
            names,
            concurrently,
            if_exists,
            table,
        },
        _ => StmtKind::Drop {
            kind,
            names,
            if_exists,
            cascade,
        },
    })
}

fn reindex(c: &mut Cursor) -> Option<StmtKind> {
    c.next();
    let mut concurrently = false;
    if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
        let start = c.pos;
        c.skip_group();
        // `(CONCURRENTLY)`, `(CONCURRENTLY true)`; `(CONCURRENTLY false)` or `off`/`0` says no.
        let options: Vec<&Tok> = c.toks[start..c.pos]
            .iter()
            .filter(|t| !t.is_trivia())
            .collect();
        concurrently |= options.iter().enumerate().any(|(k, t)| {
            t.is_kw(c.text, "CONCURRENTLY")
                && !options.get(k + 1).is_some_and(|v| {
                    ["FALSE", "OFF", "0"]
                        .iter()
                        .any(|no| v.text(c.text).eq_ignore_ascii_case(no))
                })
        });
    }
    let target = match c.word_upper()?.as_str() {
        "INDEX" => ReindexTarget::Index,
        "TABLE" => ReindexTarget::Table,
        "SCHEMA" => ReindexTarget::Schema,
        "DATABASE" => ReindexTarget::Database,
        "SYSTEM" => ReindexTarget::System,
        _ => return None,
    };
    c.next();
    concurrently |= c.eat("CONCURRENTLY");
    let name = if c.at_end() {
        None
    } else {
        Some(c.object_name()?)
    };
    c.at_end().then_some(StmtKind::Reindex {
        target,
        name,
        concurrently,
    })
}

fn cluster(c: &mut Cursor) -> Option<StmtKind> {
    c.next();
    if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
        c.skip_group();
    }
    c.eat("VERBOSE");
    if c.at_end() {
        return Some(StmtKind::Cluster { table: None });
    }
    let first = c.object_name()?;
    if c.eat("USING") {
        c.object_name()?;
        return c
            .at_end()
            .then_some(StmtKind::Cluster { table: Some(first) });
    }
    if c.eat("ON") {
        // Old form: CLUSTER index ON table.
        let table = c.object_name()?;
        return c
            .at_end()
            .then_some(StmtKind::Cluster { table: Some(table) });
    }
    c.at_end()
        .then_some(StmtKind::Cluster { table: Some(first) })
}

/// Reads a parenthesised option list (`(FULL, ANALYZE)`, `(CONCURRENTLY false)`) when the
/// cursor is at one: whether it turns `option` on (`FULL`, `FULL true`, `FULL 1`; not `FULL
/// false`, `off` or `0`).
fn option_list_turns_on(c: &mut Cursor, option: &str) -> bool {
    if !c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
        return false;
    }
    let start = c.pos;
    c.skip_group();
    let opts = &c.toks[start..c.pos];
    opts.iter().enumerate().any(|(i, t)| {
        t.is_kw(c.text, option)
            && !matches!(
                opts.get(i + 1)
                    .map(|n| n.span().text(c.text).to_ascii_lowercase())
                    .as_deref(),
                Some("false" | "off" | "0")
            )
    })
}

/// `REPACK [(option, ...)] [table [(columns)] [USING INDEX [index]]]`, or `REPACK [(...)] USING
/// INDEX` for every clustered table.
fn repack(c: &mut Cursor) -> Option<StmtKind> {
    c.next();
    let concurrently = option_list_turns_on(c, "CONCURRENTLY");
    let table = if c.at_end() || c.is("USING") {
        None
    } else {
        let name = c.object_name()?;
        if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            c.skip_group();
        }
        Some(name)
    };
    if c.eat_seq(&["USING", "INDEX"]) && !c.at_end() {
        c.object_name()?;
    }
    c.at_end().then_some(StmtKind::Repack {
        table,
        concurrently,
    })
}

fn vacuum(c: &mut Cursor) -> Option<StmtKind> {
    c.next();
    let mut full = option_list_turns_on(c, "FULL");
    loop {
        match c.word_upper().as_deref() {
            Some("FULL") => {
                full = true;
                c.next();
            }
            Some("FREEZE" | "VERBOSE" | "ANALYZE" | "ANALYSE") => {
                c.next();
            }
            _ => break,
        }
    }
    let mut tables = Vec::new();
    while !c.at_end() {
        tables.push(c.object_name()?);
        if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            c.skip_group();
        }
        if c.eat_kind(TokKind::Comma).is_none() {
            break;
        }
    }
    c.at_end().then_some(StmtKind::Vacuum { full, tables })
}

fn set_stmt(c: &mut Cursor) -> Option<StmtKind> {
    c.next();
    let local = c.eat("LOCAL");
    c.eat("SESSION");
    let name_tok = c.next()?;
    let name = c.tok_text(name_tok).to_ascii_lowercase().replace('"', "");
    if !(c.eat_kind(TokKind::Op).is_some() || c.eat("TO")) {
        return Some(StmtKind::Other { head: "SET".into() });
    }
    let value = c.rest_span().text(c.text).trim().to_string();
    Some(StmtKind::Set { name, value, local })
}

fn alter(c: &mut Cursor, dialect: Dialect) -> Option<StmtKind> {
    c.next(); // ALTER
    if c.is("TABLE") || c.is_seq(&["ONLINE", "TABLE"]) || c.is_seq(&["IGNORE", "TABLE"]) {
        c.eat("ONLINE");
        c.eat("IGNORE");
        c.next();
        return alter_table(c, dialect).map(|t| StmtKind::AlterTable(Box::new(t)));
    }
    if c.is("USER") || c.is("ROLE") || c.is("GROUP") {
        c.next();
        c.eat_seq(&["IF", "EXISTS"]);
        let name = c.ident();
        return Some(StmtKind::Role {
            name,
            create: false,
            password: password_span(c.text, c.toks),
        });
    }
    if c.is_seq(&["DEFAULT", "PRIVILEGES"]) {
        return Some(StmtKind::Grant);
    }
    if c.is("SYSTEM") || c.is("SESSION") {
        return Some(StmtKind::Other {
            head: "ALTER SYSTEM".into(),
        });
    }
    let kind = object_kind(c)?;
    c.eat_seq(&["IF", "EXISTS"]);
    let name = c.object_name();
    Some(StmtKind::AlterOther { kind, name })
}

fn create(c: &mut Cursor, toks: &[Tok], text: &str) -> Option<StmtKind> {
    c.next(); // CREATE
    let or_replace = c.eat_seq(&["OR", "REPLACE"]) || c.eat_seq(&["OR", "ALTER"]);
    // MySQL `CREATE DEFINER = user PROCEDURE`, `ALGORITHM = x`, `SQL SECURITY x`.
    loop {
        if c.eat("DEFINER") {
            c.eat_kind(TokKind::Op);
            c.next();
            if c.eat_kind(TokKind::LParen).is_some() {
                // CURRENT_USER()
                c.eat_kind(TokKind::RParen)?;
            }
            // `user@host`: `@host` is one token, `@`host`` and `@'host'` two.
            while c
                .peek()
                .is_some_and(|t| t.kind == TokKind::Param || c.tok_text(t).starts_with('@'))
            {
                let lone = c.peek().is_some_and(|t| c.tok_text(t) == "@");
                c.next();
                if lone {
                    c.next();
                }
            }
        } else if c.eat("ALGORITHM") {
            c.eat_kind(TokKind::Op);
            c.next();
        } else if c.eat_seq(&["SQL", "SECURITY"]) {
            c.next();
        } else {
            break;
        }
    }
    for kw in [
        "TEMPORARY",
        "TEMP",
        "UNLOGGED",
        "GLOBAL",
        "LOCAL",
        "TRUSTED",
        "PROCEDURAL",
        "CONSTRAINT",
        "DEFAULT",
        "RECURSIVE",
        "AGGREGATE",
    ] {
        if c.is(kw) && !(kw == "AGGREGATE" && c.peek_at(1).is_none()) {
            if kw == "AGGREGATE" {
                // CREATE AGGREGATE name: an opaque object.
                return Some(StmtKind::Create {
                    kind: ObjectKind::Other,
                    name: None,
                    or_replace,
                    if_not_exists: false,
                    trigger_function: false,
                });
            }
            c.next();
        }
    }
    if c.is("USER") || c.is("ROLE") || c.is("GROUP") {
        c.next();
        c.eat_seq(&["IF", "NOT", "EXISTS"]);
        let name = c.ident();
        return Some(StmtKind::Role {
            name,
            create: true,
            password: password_span(text, toks),
        });
    }
    if c.is("UNIQUE")
        || c.is("INDEX")
        || c.is_seq(&["FULLTEXT", "INDEX"])
        || c.is_seq(&["SPATIAL", "INDEX"])
    {
        // sqlparser refused this CREATE INDEX; recognise the essentials.
        let unique = c.eat("UNIQUE");
        for kw in ["FULLTEXT", "SPATIAL"] {
            c.eat(kw);
        }
        if !c.eat("INDEX") {
            return None;
        }
        let concurrently = c.eat("CONCURRENTLY");
        let if_not_exists = c.eat_seq(&["IF", "NOT", "EXISTS"]);
        let name = if c.is("ON") { None } else { c.ident() };
        if !c.eat("ON") {
            return None;
        }
        c.eat("ONLY");
        let table = c.object_name()?;
        let partial = toks.iter().any(|t| t.is_kw(text, "WHERE"));
        // MySQL `ALGORITHM [=] x` / `LOCK [=] x` after the column list.
        let option = |kw: &str| {
            let at = toks.iter().position(|t| t.is_kw(text, kw))?;
            let mut rest = toks[at + 1..].iter().filter(|t| t.text(text) != "=");
            let value = rest.next()?;
            Some((
                value.text(text).to_ascii_uppercase(),
                toks[at].span().cover(value.span()),
            ))
        };
        return Some(StmtKind::CreateIndex(Box::new(CreateIndex {
            name,
            table,
            columns: Vec::new(),
            unique,
            concurrently,
            if_not_exists,
            partial,
            algorithm: option("ALGORITHM"),
            lock: option("LOCK"),
        })));
    }
    let kind = object_kind(c)?;
    let if_not_exists = c.eat_seq(&["IF", "NOT", "EXISTS"]);
    let name = c.object_name();
    let code: Vec<_> = c.toks.iter().filter(|t| !t.is_trivia()).collect();
    let trigger_function = kind == ObjectKind::Function
        && code.windows(2).any(|w| {
            w[0].is_kw(c.text, "RETURNS")
                && crate::sql::returns_trigger(&w[1].text(c.text).to_ascii_lowercase())
        });
    match kind {
        // Bodies and option lists of these are not ours to parse.
        ObjectKind::Function
        | ObjectKind::Procedure
        | ObjectKind::Trigger
        | ObjectKind::EventTrigger
        | ObjectKind::Other
        | ObjectKind::Domain
        | ObjectKind::Extension
        | ObjectKind::Schema
        | ObjectKind::Policy
        | ObjectKind::Sequence
        | ObjectKind::Type
        | ObjectKind::View
        | ObjectKind::MaterializedView
        | ObjectKind::Database => Some(StmtKind::Create {
            kind,
            name,
            or_replace,
            if_not_exists,
            trigger_function,
        }),
        // A CREATE TABLE or INDEX that sqlparser refused is a real parse error for us.
        _ => None,
    }
}

/// What an unparseable `CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] name ...` creates:
/// the table's name, with its columns unknown (`derived`).
pub fn created_table(text: &str, toks: &[Tok]) -> Option<CreateTable> {
    let mut c = Cursor::new(text, toks);
    if !c.eat("CREATE") {
        return None;
    }
    let or_replace = c.eat_seq(&["OR", "REPLACE"]);
    c.eat("GLOBAL");
    c.eat("LOCAL");
    let temporary = c.eat("TEMPORARY") || c.eat("TEMP");
    c.eat("UNLOGGED");
    if !c.eat("TABLE") {
        return None;
    }
    let if_not_exists = c.eat_seq(&["IF", "NOT", "EXISTS"]);
    let name = c.object_name()?;
    Some(CreateTable {
        name,
        columns: Vec::new(),
        constraints: Vec::new(),
        if_not_exists,
        temporary,
        derived: true,
        or_replace,
    })
}

/// The span of a literal password: `PASSWORD 'x'`, `IDENTIFIED BY 'x'`,
/// `IDENTIFIED WITH plugin BY 'x'`.
pub fn password_span(text: &str, toks: &[Tok]) -> Option<Span> {
    let code: Vec<&Tok> = toks.iter().filter(|t| !t.is_trivia()).collect();
    for (i, t) in code.iter().enumerate() {
        let candidate = if t.is_kw(text, "PASSWORD") {
            code.get(i + 1)
        } else if t.is_kw(text, "IDENTIFIED") {
            code[i + 1..]
                .iter()
                .take(4)
                .position(|n| n.is_kw(text, "BY"))
                .and_then(|p| code.get(i + 1 + p + 1))
        } else {
            None
        };
        if let Some(v) = candidate
            && matches!(v.kind, TokKind::String | TokKind::DollarString)
        {
            return Some(v.span());
        }
    }
    None
}

/// `ALTER TABLE` after the `TABLE` keyword.
pub fn alter_table(c: &mut Cursor, dialect: Dialect) -> Option<AlterTable> {
    let if_exists = c.eat_seq(&["IF", "EXISTS"]);
    let only = c.eat("ONLY");
    let name = c.object_name()?;
    if c.peek()
        .is_some_and(|t| t.kind == TokKind::Op && c.tok_text(t) == "*")
    {
        c.next();
    }
    let mut table = AlterTable {
        name,
        actions: Vec::new(),
        if_exists,
        only,
        algorithm: None,
        lock: None,
    };
    for range in split_top_level(c.toks, c.pos, c.toks.len()) {
        let span = span_of(c.toks, range.clone());
        let mut ac = Cursor::new(c.text, &c.toks[range.start..range.end]);
        if ac.is("ALGORITHM") || ac.is("LOCK") {
            let which = ac.word_upper()?;
            ac.next();
            ac.eat_kind(TokKind::Op);
            let value = ac.next().map(|t| ac.tok_text(t).to_ascii_uppercase())?;
            if which == "ALGORITHM" {
                table.algorithm = Some((value, span));
            } else {
                table.lock = Some((value, span));
            }
            continue;
        }
        // MySQL and Oracle `ADD (col_def, CONSTRAINT ..., INDEX ...)`: one action per item.
        if ac.is("ADD") && ac.peek_at(1).is_some_and(|t| t.kind == TokKind::LParen) {
            ac.next();
            let open = ac.pos;
            ac.skip_group();
            if !ac.at_end() {
                return None;
            }
            for item in split_top_level(ac.toks, open + 1, ac.pos - 1) {
                let mut ic = Cursor::new(c.text, &ac.toks[item.clone()]);
                let action = add_action(&mut ic, dialect)?;
                let span = span_of(ac.toks, item);
                table.actions.push(AlterItem { action, span });
            }
            continue;
        }
        let action = alter_action(&mut ac, dialect)?;
        table.actions.push(AlterItem { action, span });
    }
    Some(table)
}

/// What follows `ADD` in an ALTER TABLE action: a constraint, an index, a partition or a column.
fn add_action(c: &mut Cursor, dialect: Dialect) -> Option<AlterAction> {
    if let Some(action) = not_null_constraint(c) {
        return Some(action);
    }
    if c.is("CONSTRAINT")
        || c.is("PRIMARY")
        || c.is("FOREIGN")
        || c.is("CHECK")
        || c.is("EXCLUDE")
        || (c.is("UNIQUE") && !c.is_seq(&["UNIQUE", "INDEX"]) && !c.is_seq(&["UNIQUE", "KEY"]))
    {
        let constraint = table_constraint(c)?;
        return Some(AlterAction::AddConstraint { constraint });
    }
    if c.is("INDEX") || c.is("KEY") || c.is("FULLTEXT") || c.is("SPATIAL") || c.is("UNIQUE") {
        let unique = c.eat("UNIQUE");
        c.eat("FULLTEXT");
        c.eat("SPATIAL");
        if !(c.eat("INDEX") || c.eat("KEY") || unique) {
            return None;
        }
        let name = if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            None
        } else {
            c.ident()
        };
        if c.eat("USING") {
            c.next();
        }
        let columns = c.ident_list()?;
        return Some(AlterAction::AddIndex {
            name,
            columns,
            unique,
        });
    }
    if c.is("PARTITION") || c.is("PARTITIONS") {
        return Some(AlterAction::Other {
            what: "ADD PARTITION".into(),
        });
    }
    c.eat("COLUMN");
    let if_not_exists = c.eat_seq(&["IF", "NOT", "EXISTS"]);
    let column = column_def(c, dialect)?;
    Some(AlterAction::AddColumn {
        column,
        if_not_exists,
    })
}

fn alter_action(c: &mut Cursor, dialect: Dialect) -> Option<AlterAction> {
    let head = c.word_upper()?;
    match head.as_str() {
        "ADD" => {
            c.next();
            add_action(c, dialect)
        }
        "DROP" => {
            c.next();
            if c.eat("CONSTRAINT") || c.eat_seq(&["FOREIGN", "KEY"]) || c.eat("CHECK") {
                let if_exists = c.eat_seq(&["IF", "EXISTS"]);
                let name = c.ident()?;
                // Nothing follows the name but CASCADE/RESTRICT: words after it are a
                // statement that lost its `;` (`... DROP CONSTRAINT pk ALTER TABLE ...`).
                c.eat("CASCADE");
                c.eat("RESTRICT");
                return (c.at_end() || c.is("SETTINGS"))
                    .then_some(AlterAction::DropConstraint { name, if_exists });
            }
            if c.eat_seq(&["PRIMARY", "KEY"]) {
                return c.at_end().then_some(AlterAction::DropPrimaryKey);
            }
            if c.eat("INDEX") || c.eat("KEY") {
                let name = c.ident()?;
                return c.at_end().then_some(AlterAction::DropIndex { name });
            }
            if c.is("PARTITION") || c.is("DEFAULT") || c.is("EXPRESSION") || c.is("IDENTITY") {
                return Some(AlterAction::Other {
                    what: format!("DROP {}", c.word_upper()?),
                });
            }
            c.eat("COLUMN");
            let if_exists = c.eat_seq(&["IF", "EXISTS"]);
            // `IF NOT EXISTS` is no DROP's, and a column name is all that follows (`DROP COLUMN
            // IF EXISTS x text` is rejected by the database), but for CASCADE/RESTRICT.
            if c.is("IF") {
                return None;
            }
            let name = c.ident()?;
            let cascade = c.eat("CASCADE");
            c.eat("RESTRICT");
            // ClickHouse ends an ALTER with its `SETTINGS ...`.
            (c.at_end() || c.is("SETTINGS")).then_some(AlterAction::DropColumn {
                name,
                if_exists,
                cascade,
            })
        }
        "ALTER" => {
            c.next();
            if c.eat("CONSTRAINT") || c.eat("INDEX") {
                return Some(AlterAction::Other {
                    what: "ALTER CONSTRAINT".into(),
                });
            }
            c.eat("COLUMN");
            let column = c.ident()?;
            if c.eat("TYPE") || c.eat_seq(&["SET", "DATA", "TYPE"]) {
                let start = c.pos;
                while !c.at_end() && !c.is("USING") && !c.is("COLLATE") {
                    c.skip_one();
                }
                let type_span = c.span_of(start..c.pos);
                let new_type = SqlType::parse(&c.code_text_of(start..c.pos), type_span);
                let using = c
                    .eat("USING")
                    .then(|| c.rest_span().text(c.text).to_string());
                return Some(AlterAction::AlterColumnType {
                    column,
                    new_type,
                    using,
                });
            }
            if c.eat_seq(&["SET", "NOT", "NULL"]) {
                return Some(AlterAction::SetNotNull { column });
            }
            if c.eat_seq(&["DROP", "NOT", "NULL"]) {
                return Some(AlterAction::DropNotNull { column });
            }
            if c.eat_seq(&["SET", "DEFAULT"]) {
                let default = default_expr(c, c.pos..c.toks.len(), dialect);
                return Some(AlterAction::SetDefault { column, default });
            }
            if c.eat_seq(&["DROP", "DEFAULT"]) {
                return Some(AlterAction::DropDefault { column });
            }
            if c.is("ADD") && c.toks.iter().any(|t| t.is_kw(c.text, "IDENTITY")) {
                return Some(AlterAction::AddIdentity { column });
            }
            // SET STATISTICS, SET STORAGE, SET (...), RESET (...), SET COMPRESSION, DROP IDENTITY,
            // SET GENERATED, DROP EXPRESSION, SET VISIBLE...
            let what = format!("ALTER COLUMN {}", c.word_upper().unwrap_or_default());
            Some(AlterAction::Other { what })
        }
        "RENAME" => {
            c.next();
            // MySQL also accepts `RENAME new_name`, without TO or AS.
            let bare = c.peek_at(1).is_none() && !c.is("TO") && !c.is("AS");
            if c.eat("TO") || c.eat("AS") || bare {
                let to = c.object_name()?;
                return c.at_end().then_some(AlterAction::RenameTable { to });
            }
            if c.eat("CONSTRAINT") {
                let from = c.ident()?;
                c.eat("TO").then_some(())?;
                let to = c.ident()?;
                return Some(AlterAction::RenameConstraint { from, to });
            }
            if c.eat("INDEX") || c.eat("KEY") {
                let from = c.ident()?;
                c.eat("TO").then_some(())?;
                let to = c.ident()?;
                return Some(AlterAction::RenameIndex { from, to });
            }
            c.eat("COLUMN");
            let from = c.ident()?;
            c.eat("TO").then_some(())?;
            let to = c.ident()?;
            Some(AlterAction::RenameColumn { from, to })
        }
        // MySQL's (and Oracle's); PostgreSQL refuses them.
        "MODIFY" | "CHANGE" if dialect != Dialect::Postgres => {
            c.next();
            c.eat("COLUMN");
            let old_name = if head == "CHANGE" {
                c.ident()?
            } else {
                c.clone().ident()?
            };
            let column = column_def(c, dialect)?;
            Some(AlterAction::ModifyColumn { old_name, column })
        }
        "VALIDATE" => {
            c.next();
            c.eat("CONSTRAINT").then_some(())?;
            let name = c.ident()?;
            Some(AlterAction::ValidateConstraint { name })
        }
        "ATTACH" => {
            c.next();
            c.eat("PARTITION").then_some(())?;
            let partition = c.object_name()?;
            Some(AlterAction::AttachPartition { partition })
        }
        "DETACH" => {
            c.next();
            c.eat("PARTITION").then_some(())?;
            let partition = c.object_name()?;
            let concurrently = c.eat("CONCURRENTLY");
            Some(AlterAction::DetachPartition {
                partition,
                concurrently,
            })
        }
        "OWNER"
        | "SET"
        | "RESET"
        | "ENABLE"
        | "DISABLE"
        | "FORCE"
        | "NO"
        | "REPLICA"
        | "INHERIT"
        | "OF"
        | "NOT"
        | "CLUSTER"
        | "ENGINE"
        | "CONVERT"
        | "DEFAULT"
        | "CHARACTER"
        | "CHARSET"
        | "COLLATE"
        | "AUTO_INCREMENT"
        | "COMMENT"
        | "ROW_FORMAT"
        | "PARTITION"
        | "REORGANIZE"
        | "COALESCE"
        | "TRUNCATE"
        | "ORDER"
        | "DISCARD"
        | "IMPORT"
        | "WITH"
        | "WITHOUT"
        | "KEY_BLOCK_SIZE"
        | "STATS_PERSISTENT"
        | "STATS_AUTO_RECALC"
        | "STATS_SAMPLE_PAGES"
        | "PACK_KEYS"
        | "CHECKSUM"
        | "AVG_ROW_LENGTH"
        | "MAX_ROWS"
        | "MIN_ROWS"
        | "COMPRESSION"
        | "ENCRYPTION"
        | "TABLESPACE"
        | "REMOVE"
        | "EXCHANGE"
        | "ANALYZE"
        | "OPTIMIZE"
        | "REBUILD"
        | "REPAIR"
        | "CHECK"
        | "UPGRADE"
        | "SECONDARY_ENGINE"
        | "UNION"
        | "INSERT_METHOD"
        | "DELAY_KEY_WRITE"
        | "DATA"
        | "INDEX"
        | "STORAGE"
        | "SPLIT"
        | "MERGE"
        | "PAGE_COMPRESSED"
        | "PAGE_COMPRESSION_LEVEL"
        | "ENCRYPTED"
        | "ENCRYPTION_KEY_ID"
        | "PAGE_CHECKSUM"
        | "TRANSACTIONAL"
        | "IETF_QUOTES" => {
            let mut words = vec![head.clone()];
            if let Some(second) = c.peek_at(1).filter(|t| t.kind == TokKind::Word) {
                words.push(c.tok_text(second).to_ascii_uppercase());
            }
            Some(AlterAction::Other {
                what: words.join(" "),
            })
        }
        _ => None,
    }
}

/// Keywords that end a column's type and start its options.
const COLUMN_OPTION_WORDS: &[&str] = &[
    "NOT",
    "NULL",
    "DEFAULT",
    "PRIMARY",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "COLLATE",
    "GENERATED",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "COMMENT",
    "ON",
    "FIRST",
    "AFTER",
    "CHARACTER",
    "CHARSET",
    "AS",
    "IDENTITY",
    "VISIBLE",
    "INVISIBLE",
    "STORAGE",
    "COLUMN_FORMAT",
    "SRID",
    "ENGINE_ATTRIBUTE",
    "COMPRESSION",
    "KEY",
];

/// `name type [options]` as written in `ADD COLUMN`, `MODIFY`, `CHANGE` (old name already read).
pub fn column_def(c: &mut Cursor, dialect: Dialect) -> Option<ColumnDef> {
    let start = c.pos;
    let name = c.ident()?;
    let type_start = c.pos;
    while !c.at_end() && !COLUMN_OPTION_WORDS.iter().any(|w| c.is(w)) {
        // Type words (`double precision`, `timestamp with time zone`, `int unsigned`) and
        // arguments.
        if c.is("WITH") || c.is("WITHOUT") {
            if c.is_seq(&["WITH", "TIME", "ZONE"]) || c.is_seq(&["WITHOUT", "TIME", "ZONE"]) {
                c.pos += 3;
                continue;
            }
            break;
        }
        c.skip_one();
    }
    let data_type = (c.pos > type_start).then(|| {
        let span = c.span_of(type_start..c.pos);
        SqlType::parse(&c.code_text_of(type_start..c.pos), span)
    });
    let mut col = ColumnDef::new(name, data_type, Span::default());
    while !c.at_end() {
        if c.eat_seq(&["NOT", "NULL"]) {
            col.not_null = true;
        } else if c.is("NOT") && c.peek_at(1).is_none() {
            // A dangling `NOT`: the statement is unfinished.
            return None;
        } else if c.eat("NULL") {
            col.not_null = false;
        } else if c.eat("DEFAULT") {
            let from = c.pos;
            skip_expr(c);
            if c.pos == from {
                return None;
            }
            col.default = Some(default_expr(c, from..c.pos, dialect));
        } else if c.eat_seq(&["PRIMARY", "KEY"]) {
            col.primary_key = true;
        } else if c.eat("UNIQUE") {
            c.eat("KEY");
            col.unique = true;
        } else if c.eat("REFERENCES") {
            col.references = Some(c.object_name()?);
            if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
                c.skip_group();
            }
        } else if c.eat("CHECK") {
            col.check = true;
            c.skip_one();
        } else if c.eat("GENERATED") {
            let from = c.pos;
            while !c.at_end()
                && !COLUMN_OPTION_WORDS
                    .iter()
                    .any(|w| *w != "AS" && *w != "IDENTITY" && c.is(w))
            {
                c.skip_one();
            }
            let part = &c.toks[from..c.pos];
            if part.iter().any(|t| t.is_kw(c.text, "IDENTITY")) {
                col.identity = true;
            } else if part.iter().any(|t| t.is_kw(c.text, "STORED")) {
                col.generated_stored = true;
            }
        } else if c.eat("AUTO_INCREMENT") || c.eat("AUTOINCREMENT") || c.eat("IDENTITY") {
            col.identity = true;
            if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
                c.skip_group();
            }
        } else {
            c.skip_one();
        }
    }
    col.span = c.span_of(start..c.pos);
    Some(col)
}

/// Skips a default expression: up to the next column-option keyword at depth 0.
pub fn skip_expr(c: &mut Cursor) {
    let mut first = true;
    while !c.at_end() {
        let stop = [
            "NOT",
            "NULL",
            "PRIMARY",
            "UNIQUE",
            "REFERENCES",
            "CHECK",
            "CONSTRAINT",
            "COLLATE",
            "GENERATED",
            "AUTO_INCREMENT",
            "COMMENT",
            "ON",
            "FIRST",
            "AFTER",
        ]
        .iter()
        .any(|w| c.is(w));
        // `DEFAULT NULL` is an expression of its own.
        if stop && !(first && c.is("NULL")) {
            break;
        }
        first = false;
        c.skip_one();
    }
}

pub fn default_expr(c: &Cursor, range: std::ops::Range<usize>, dialect: Dialect) -> DefaultExpr {
    let span = span_of(c.toks, range);
    let text = span.text(c.text).to_string();
    let volatility = volatility(&text, dialect);
    let is_null = text.trim().eq_ignore_ascii_case("null");
    DefaultExpr {
        text,
        span,
        volatility,
        is_null,
    }
}

/// PostgreSQL 18's named not-null constraint, `ADD CONSTRAINT name NOT NULL col [NOT VALID]
/// [NO INHERIT]`: without `NOT VALID` it is `SET NOT NULL` (every row scanned under an ACCESS
/// EXCLUSIVE lock); with it, a constraint that only new rows must meet until it is validated,
/// which is what a `CHECK (col IS NOT NULL) NOT VALID` is to the rules.
fn not_null_constraint(c: &mut Cursor) -> Option<AlterAction> {
    if !(c.is("CONSTRAINT")
        && c.peek_at(2).is_some_and(|t| t.is_kw(c.text, "NOT"))
        && c.peek_at(3).is_some_and(|t| t.is_kw(c.text, "NULL")))
    {
        return None;
    }
    let start = c.pos;
    c.next();
    let name = c.ident()?;
    c.next();
    c.next();
    let Some(column) = c.ident() else {
        c.pos = start;
        return None;
    };
    let mut not_valid = false;
    loop {
        if c.eat_seq(&["NOT", "VALID"]) {
            not_valid = true;
        } else if !c.eat_seq(&["NO", "INHERIT"]) {
            break;
        }
    }
    if !c.at_end() {
        // Not this form: the caller reads the action from its start.
        c.pos = start;
        return None;
    }
    if !not_valid {
        return Some(AlterAction::SetNotNull { column });
    }
    Some(AlterAction::AddConstraint {
        constraint: TableConstraint {
            name: Some(name),
            kind: ConstraintKind::Check {
                expr: format!("({} IS NOT NULL)", column.value),
            },
            not_valid,
            span: c.span_of(start..c.pos),
        },
    })
}

fn table_constraint(c: &mut Cursor) -> Option<TableConstraint> {
    let start = c.pos;
    let name = if c.eat("CONSTRAINT") { c.ident() } else { None };
    let kind = if c.eat_seq(&["PRIMARY", "KEY"]) {
        let using_index = c.eat_seq(&["USING", "INDEX"]).then(|| c.ident()).flatten();
        let columns = if using_index.is_none() {
            c.ident_list().unwrap_or_default()
        } else {
            Vec::new()
        };
        ConstraintKind::PrimaryKey {
            columns,
            using_index,
        }
    } else if c.eat("UNIQUE") {
        c.eat("KEY");
        c.eat("INDEX");
        c.eat_seq(&["NULLS", "NOT", "DISTINCT"]);
        c.eat_seq(&["NULLS", "DISTINCT"]);
        let using_index = c.eat_seq(&["USING", "INDEX"]).then(|| c.ident()).flatten();
        if using_index.is_none() && !c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            c.ident();
        }
        let columns = if using_index.is_none() {
            c.ident_list().unwrap_or_default()
        } else {
            Vec::new()
        };
        ConstraintKind::Unique {
            columns,
            using_index,
        }
    } else if c.eat_seq(&["FOREIGN", "KEY"]) {
        if !c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            c.ident();
        }
        let columns = c.ident_list()?;
        c.eat("REFERENCES").then_some(())?;
        let references = c.object_name()?;
        let ref_columns = if c.peek().is_some_and(|t| t.kind == TokKind::LParen) {
            c.ident_list()?
        } else {
            Vec::new()
        };
        ConstraintKind::ForeignKey {
            columns,
            references,
            ref_columns,
        }
    } else if c.eat("CHECK") {
        let from = c.pos;
        c.skip_one();
        ConstraintKind::Check {
            expr: c.text_of(from..c.pos).to_string(),
        }
    } else if c.eat("EXCLUDE") {
        ConstraintKind::Exclude
    } else {
        return None;
    };
    let mut not_valid = false;
    while !c.at_end() {
        if c.eat_seq(&["NOT", "VALID"]) {
            not_valid = true;
        } else {
            c.skip_one();
        }
    }
    Some(TableConstraint {
        name,
        kind,
        not_valid,
        span: c.span_of(start..c.pos),
    })
}

/// Functions whose result differs per row: a column added with one as default is filled row by row.
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuid_generate_v7",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setseed",
    "gen_random_bytes",
    "uuid",
    "uuid_short",
    "rand",
    "newid",
    "newsequentialid",
    "sysdate",
    "txid_current",
    "gen_ulid",
    "generate_ulid",
];
/// Functions fixed for the statement: PostgreSQL 11+ stores one value, no rewrite.
const STABLE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "statement_timestamp",
    "transaction_timestamp",
    "current_user",
    "session_user",
    "user",
    "current_schema",
    "current_setting",
    "current_role",
    "utc_timestamp",
    "utc_date",
    "getdate",
    "getutcdate",
    "sysutcdatetime",
    "sysdatetime",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_jsonb",
    "to_json",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "array",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "abs",
    "round",
    "concat",
    "make_interval",
    "date",
    "timestamp",
    "interval",
    "cast",
    "convert",
    "row",
    "point",
    "int4range",
    "int8range",
    "tstzrange",
    "daterange",
    "numrange",
    "tsrange",
    "char",
    "varchar",
    "decimal",
    "numeric",
    "json_object",
    "json_array",
    "st_geomfromtext",
    "st_setsrid",
    "st_makepoint",
];

/// Classifies a default expression by the functions it calls.
pub fn volatility(expr: &str, dialect: Dialect) -> Volatility {
    let toks = super::lexer::tokenize(expr, dialect);
    let mut result = Volatility::Constant;
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokKind::Word {
            continue;
        }
        let word = t.span().text(expr).to_ascii_lowercase();
        let is_call = toks.get(i + 1).is_some_and(|n| n.kind == TokKind::LParen);
        let after_cast = i > 0 && toks[i - 1].span().text(expr) == "::";
        let v = if VOLATILE.contains(&word.as_str()) && is_call {
            Volatility::Volatile
        } else if matches!(
            word.as_str(),
            "current_timestamp"
                | "current_date"
                | "current_time"
                | "localtimestamp"
                | "localtime"
                | "current_user"
                | "session_user"
                | "current_role"
                | "current_schema"
        ) {
            Volatility::Stable
        } else if is_call && !after_cast && !STABLE.contains(&word.as_str()) {
            // A type-name call such as `varchar(10)` after `::` is a cast, not a call.
            Volatility::Unknown
        } else if is_call {
            Volatility::Stable
        } else {
            continue;
        };
        result = match (result, v) {
            (Volatility::Volatile, _) | (_, Volatility::Volatile) => Volatility::Volatile,
            (Volatility::Unknown, _) | (_, Volatility::Unknown) => Volatility::Unknown,
            (Volatility::Stable, _) | (_, Volatility::Stable) => Volatility::Stable,
            _ => Volatility::Constant,
        };
    }
    result
}

/// Unquotes a string literal token's text.
pub fn string_value(raw: &str) -> String {
    unquote(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sql::lexer::tokenize;

    fn rec(sql: &str) -> Option<StmtKind> {
        let toks: Vec<Tok> = tokenize(sql, Dialect::Postgres)
            .into_iter()
            .filter(|t| !t.is_trivia())
            .collect();
        recognize(sql, &toks, Dialect::Postgres)
    }

    #[test]
    fn recognises_postgres_forms() {
        assert!(matches!(
            rec("DROP INDEX CONCURRENTLY IF EXISTS a, b"),
            Some(StmtKind::DropIndex {
                concurrently: true,
                if_exists: true,
                ..
            })
        ));
        assert!(matches!(
            rec("REINDEX INDEX CONCURRENTLY a"),
            Some(StmtKind::Reindex {
                concurrently: true,
                ..
            })
        ));
        assert!(matches!(
            rec("REINDEX (VERBOSE) TABLE t"),
            Some(StmtKind::Reindex {
                concurrently: false,
                ..
            })
        ));
        assert!(matches!(
            rec("CLUSTER t USING i"),
            Some(StmtKind::Cluster { table: Some(_) })
        ));
        assert!(matches!(
            rec("VACUUM (FULL, ANALYZE) t"),
            Some(StmtKind::Vacuum { full: true, .. })
        ));
        assert!(matches!(
            rec("VACUUM (FULL false) t"),
            Some(StmtKind::Vacuum { full: false, .. })
        ));
        assert!(matches!(rec("DO $$ BEGIN END $$"), Some(StmtKind::Do)));
        assert!(matches!(
            rec("REFRESH MATERIALIZED VIEW CONCURRENTLY mv"),
            Some(StmtKind::RefreshMaterializedView {
                concurrently: true,
                ..
            })
        ));
        assert!(matches!(
            rec("CREATE USER bob WITH PASSWORD 'x'"),
            Some(StmtKind::Role {
                password: Some(_),
                ..
            })
        ));
        assert_eq!(rec("DROP INDEX CONCURRENTLY"), None);
        assert_eq!(rec("FROBNICATE t"), None);
    }

    #[test]
    fn recognises_alter_table_actions() {
        let Some(StmtKind::AlterTable(t)) =
            rec("ALTER TABLE p DETACH PARTITION c CONCURRENTLY, ALTER a SET STATISTICS 100")
        else {
            panic!()
        };
        assert!(matches!(
            t.actions[0].action,
            AlterAction::DetachPartition {
                concurrently: true,
                ..
            }
        ));
        assert!(matches!(t.actions[1].action, AlterAction::Other { .. }));
        let Some(StmtKind::AlterTable(t)) =
            rec("ALTER TABLE t ADD COLUMN c uuid NOT NULL DEFAULT gen_random_uuid()")
        else {
            panic!()
        };
        let AlterAction::AddColumn { column, .. } = &t.actions[0].action else {
            panic!()
        };
        assert!(column.not_null);
        assert_eq!(
            column.default.as_ref().unwrap().volatility,
            Volatility::Volatile
        );
        assert_eq!(column.data_type.as_ref().unwrap().name, "uuid");
        assert_eq!(rec("ALTER TABLE t FROBNICATE"), None);
    }

    #[test]
    fn classifies_defaults() {
        let pg = Dialect::Postgres;
        assert_eq!(volatility("'a'", pg), Volatility::Constant);
        assert_eq!(volatility("now()", pg), Volatility::Stable);
        assert_eq!(volatility("CURRENT_TIMESTAMP", pg), Volatility::Stable);
        assert_eq!(volatility("gen_random_uuid()", pg), Volatility::Volatile);
        assert_eq!(volatility("my_func()", pg), Volatility::Unknown);
        assert_eq!(volatility("'{}'::jsonb", pg), Volatility::Constant);
        assert_eq!(
            volatility("'a'::character varying", pg),
            Volatility::Constant
        );
    }
}
