//! The typed SQL model rules work on.
//!
//! Parsers (sqlparser for what it understands, our own recognisers for what it does not, and later
//! the Liquibase and Alembic adapters) all produce this model, so a rule is written once. Rules
//! never see a parser crate's types. Every name carries the byte span where it is written.

pub mod dialect;
pub mod engine_config;
pub mod types;

use std::collections::HashMap;
use std::fmt;

pub use dialect::Dialect;
pub use types::SqlType;

use crate::parse::sql::lexer::{Tok, TokKind};
use crate::source::{SourceFile, Span};

/// An identifier as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name without quotes.
    pub value: String,
    /// Whether quoting makes the name case-sensitive: double quotes (and SQL Server brackets)
    /// do; MySQL backticks do not (MySQL compares a name the same way quoted or not), so a
    /// backtick-quoted name counts as unquoted here.
    pub quoted: bool,
    pub span: Span,
}

impl Ident {
    pub fn new(value: impl Into<String>, span: Span) -> Self {
        Ident {
            value: value.into(),
            quoted: false,
            span,
        }
    }

    /// The name as the database stores it: unquoted names fold to lower case (PostgreSQL folds to
    /// lower; MySQL compares table names case-insensitively on most platforms).
    pub fn norm(&self) -> String {
        if self.quoted {
            self.value.clone()
        } else {
            self.value.to_lowercase()
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// A possibly qualified name: `schema.table`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectName {
    pub parts: Vec<Ident>,
}

impl ObjectName {
    pub fn single(ident: Ident) -> Self {
        ObjectName { parts: vec![ident] }
    }

    /// The last part: the object's own name.
    pub fn base(&self) -> &Ident {
        self.parts
            .last()
            .expect("object names have at least one part")
    }

    pub fn span(&self) -> Span {
        let first = self.parts.first().map(|p| p.span).unwrap_or_default();
        let last = self.parts.last().map(|p| p.span).unwrap_or_default();
        first.cover(last)
    }

    /// The normalised key used to match objects across statements. The `public` schema is
    /// dropped so `public.users` and `users` are the same table.
    pub fn key(&self) -> String {
        let parts: Vec<String> = self.parts.iter().map(Ident::norm).collect();
        match parts.as_slice() {
            [schema, rest @ ..] if !rest.is_empty() && (schema == "public" || schema == "dbo") => {
                rest.join(".")
            }
            _ => parts.join("."),
        }
    }
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.parts.iter().map(|p| p.value.as_str()).collect();
        f.write_str(&parts.join("."))
    }
}

/// How a default expression behaves when a column is added with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    /// A literal or constant expression.
    Constant,
    /// Evaluated once per statement (`now()`, `CURRENT_TIMESTAMP`): no rewrite on PostgreSQL 11+.
    Stable,
    /// Evaluated per row (`random()`, `gen_random_uuid()`, `nextval()`): rewrites the table.
    Volatile,
    /// Calls a function we do not know.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultExpr {
    /// The expression text as written.
    pub text: String,
    pub span: Span,
    pub volatility: Volatility,
    /// `DEFAULT NULL`.
    pub is_null: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: Ident,
    /// `None` where the column's type is not written (SQLite, some MySQL forms).
    pub data_type: Option<SqlType>,
    /// The whole definition.
    pub span: Span,
    pub not_null: bool,
    pub default: Option<DefaultExpr>,
    pub primary_key: bool,
    pub unique: bool,
    /// `GENERATED ... AS IDENTITY`, `AUTO_INCREMENT`, or a serial type.
    pub identity: bool,
    /// `GENERATED ALWAYS AS (expr) STORED` (not virtual).
    pub generated_stored: bool,
    pub references: Option<ObjectName>,
    pub check: bool,
}

impl ColumnDef {
    pub fn new(name: Ident, data_type: Option<SqlType>, span: Span) -> Self {
        ColumnDef {
            name,
            data_type,
            span,
            not_null: false,
            default: None,
            primary_key: false,
            unique: false,
            identity: false,
            generated_stored: false,
            references: None,
            check: false,
        }
    }

    /// Whether inserting a row that omits this column fails.
    pub fn is_required(&self) -> bool {
        (self.not_null || self.primary_key)
            && self.default.as_ref().is_none_or(|d| d.is_null)
            && !self.identity
            && !self.generated_stored
            && !self.data_type.as_ref().is_some_and(SqlType::is_serial)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<Ident>,
        using_index: Option<Ident>,
    },
    Unique {
        columns: Vec<Ident>,
        using_index: Option<Ident>,
    },
    ForeignKey {
        columns: Vec<Ident>,
        references: ObjectName,
        ref_columns: Vec<Ident>,
    },
    Check {
        expr: String,
    },
    Exclude,
    /// A plain (non-unique) index declared inline (MySQL `KEY`/`INDEX`, `FULLTEXT`, `SPATIAL`).
    Index {
        columns: Vec<Ident>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableConstraint {
    pub name: Option<Ident>,
    pub kind: ConstraintKind,
    /// `NOT VALID` (PostgreSQL): existing rows are not checked.
    pub not_valid: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTable {
    pub name: ObjectName,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
    pub if_not_exists: bool,
    pub temporary: bool,
    /// `CREATE TABLE ... AS SELECT` / `LIKE` / `PARTITION OF`: columns come from elsewhere.
    pub derived: bool,
    pub or_replace: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlterAction {
    AddColumn {
        column: ColumnDef,
        if_not_exists: bool,
    },
    DropColumn {
        name: Ident,
        if_exists: bool,
        cascade: bool,
    },
    RenameColumn {
        from: Ident,
        to: Ident,
    },
    RenameTable {
        to: ObjectName,
    },
    /// PostgreSQL `ALTER COLUMN ... TYPE`.
    AlterColumnType {
        column: Ident,
        new_type: SqlType,
        using: Option<String>,
    },
    /// MySQL `MODIFY`/`CHANGE`: the column is redefined whole. `old_name` differs from
    /// `column.name` when `CHANGE` renames it.
    ModifyColumn {
        old_name: Ident,
        column: ColumnDef,
    },
    SetNotNull {
        column: Ident,
    },
    DropNotNull {
        column: Ident,
    },
    SetDefault {
        column: Ident,
        default: DefaultExpr,
    },
    DropDefault {
        column: Ident,
    },
    AddConstraint {
        constraint: TableConstraint,
    },
    /// `ADD CONSTRAINT ... UNIQUE/PRIMARY KEY USING INDEX` is represented by AddConstraint.
    ValidateConstraint {
        name: Ident,
    },
    DropConstraint {
        name: Ident,
        if_exists: bool,
    },
    RenameConstraint {
        from: Ident,
        to: Ident,
    },
    /// MySQL `ADD INDEX`/`ADD KEY` and friends.
    AddIndex {
        name: Option<Ident>,
        columns: Vec<Ident>,
        unique: bool,
    },
    /// MySQL `DROP INDEX`/`DROP KEY`.
    DropIndex {
        name: Ident,
    },
    RenameIndex {
        from: Ident,
        to: Ident,
    },
    DropPrimaryKey,
    AttachPartition {
        partition: ObjectName,
    },
    DetachPartition {
        partition: ObjectName,
        concurrently: bool,
    },
    /// `ADD GENERATED ... AS IDENTITY` on an existing column.
    AddIdentity {
        column: Ident,
    },
    /// Anything else (`OWNER TO`, `SET (fillfactor)`, `ENABLE ROW LEVEL SECURITY`, `ENGINE=`...):
    /// the keywords that start it, upper-cased, e.g. `OWNER TO`.
    Other {
        what: String,
    },
}

/// One action of an ALTER TABLE with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterItem {
    pub action: AlterAction,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterTable {
    pub name: ObjectName,
    pub actions: Vec<AlterItem>,
    pub if_exists: bool,
    pub only: bool,
    /// MySQL `ALGORITHM=...` with its span.
    pub algorithm: Option<(String, Span)>,
    /// MySQL `LOCK=...` with its span.
    pub lock: Option<(String, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateIndex {
    pub name: Option<Ident>,
    pub table: ObjectName,
    pub columns: Vec<String>,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    /// A partial index (`WHERE ...`).
    pub partial: bool,
    /// MySQL `ALGORITHM=` / `LOCK=` options.
    pub algorithm: Option<(String, Span)>,
    pub lock: Option<(String, Span)>,
}

/// Kinds of object a DROP (or other generic statement) can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Schema,
    Database,
    Type,
    Domain,
    Function,
    Procedure,
    Trigger,
    /// `CREATE EVENT TRIGGER` (PostgreSQL): fires on DDL events, locks no table.
    EventTrigger,
    Extension,
    Role,
    Policy,
    Other,
}

impl ObjectKind {
    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Index => "index",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Schema => "schema",
            ObjectKind::Database => "database",
            ObjectKind::Type => "type",
            ObjectKind::Domain => "domain",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Trigger => "trigger",
            ObjectKind::EventTrigger => "event trigger",
            ObjectKind::Extension => "extension",
            ObjectKind::Role => "role",
            ObjectKind::Policy => "policy",
            ObjectKind::Other => "object",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnKind {
    Begin,
    Commit,
    Rollback,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlterTypeAction {
    AddValue {
        value: String,
    },
    RenameValue {
        from: String,
        to: String,
        span: Span,
    },
    Rename {
        to: Ident,
    },
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReindexTarget {
    Index,
    Table,
    Schema,
    Database,
    System,
}

/// What a statement does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    CreateTable(CreateTable),
    AlterTable(Box<AlterTable>),
    CreateIndex(Box<CreateIndex>),
    /// `DROP INDEX` (PostgreSQL, or MySQL `DROP INDEX i ON t`).
    DropIndex {
        names: Vec<ObjectName>,
        concurrently: bool,
        if_exists: bool,
        table: Option<ObjectName>,
    },
    Drop {
        kind: ObjectKind,
        names: Vec<ObjectName>,
        if_exists: bool,
        cascade: bool,
    },
    /// MySQL `RENAME TABLE a TO b, c TO d`.
    RenameTables {
        renames: Vec<(ObjectName, ObjectName)>,
    },
    Truncate {
        tables: Vec<ObjectName>,
    },
    CreateType {
        name: ObjectName,
        enum_values: Option<Vec<String>>,
    },
    AlterType {
        name: ObjectName,
        action: AlterTypeAction,
    },
    /// Other CREATE statements: views, sequences, functions, schemas, extensions, triggers...
    Create {
        kind: ObjectKind,
        name: Option<ObjectName>,
        or_replace: bool,
        if_not_exists: bool,
        /// A function that `RETURNS trigger` or `event_trigger`: only triggers call it.
        trigger_function: bool,
    },
    /// `ALTER INDEX`, `ALTER SEQUENCE`, `ALTER VIEW`...
    AlterOther {
        kind: ObjectKind,
        name: Option<ObjectName>,
    },
    Reindex {
        target: ReindexTarget,
        name: Option<ObjectName>,
        concurrently: bool,
    },
    Vacuum {
        full: bool,
        tables: Vec<ObjectName>,
    },
    Cluster {
        table: Option<ObjectName>,
    },
    /// PostgreSQL 19 `REPACK`: `VACUUM FULL` and `CLUSTER` under one name; with `CONCURRENTLY`
    /// the table stays readable and writable until a brief exclusive lock at the end.
    Repack {
        table: Option<ObjectName>,
        concurrently: bool,
    },
    RefreshMaterializedView {
        name: ObjectName,
        concurrently: bool,
    },
    /// `SET name = value` (also `SET LOCAL`, `SET SESSION`).
    Set {
        name: String,
        value: String,
        local: bool,
    },
    Transaction(TxnKind),
    Insert {
        table: ObjectName,
        columns: Vec<Ident>,
    },
    Update {
        table: ObjectName,
        has_where: bool,
    },
    Delete {
        table: ObjectName,
        has_where: bool,
    },
    /// `COPY t FROM ...` loads data (`from = true`) or `COPY t TO ...` exports it.
    Copy {
        table: Option<ObjectName>,
        from: bool,
    },
    /// `CREATE USER/ROLE`, `ALTER USER/ROLE` with the literal password, if any.
    Role {
        name: Option<Ident>,
        create: bool,
        password: Option<Span>,
    },
    Grant,
    Revoke,
    Comment,
    /// An anonymous code block (`DO $$ ... $$`).
    Do,
    /// `SELECT`, `WITH ... SELECT`, `VALUES`, `CALL`, `EXPLAIN`...
    Query,
    /// A statement we understand nothing of beyond its first keywords (e.g. `SHOW`, `ANALYZE`).
    Other {
        head: String,
    },
}

/// How a statement was understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseState {
    /// sqlparser parsed it.
    Parsed,
    /// sqlparser refused it, and our recogniser understood it fully.
    Recognized,
    /// Nobody understood it: a parse error at `span`.
    Failed { message: String, span: Span },
}

/// One statement of a script.
#[derive(Clone, Debug)]
pub struct Statement {
    pub kind: StmtKind,
    /// From the first token to the last, without the terminating `;`.
    pub span: Span,
    /// The range of this statement in [`SqlUnit::tokens`] (code tokens and comments).
    pub tokens: std::ops::Range<usize>,
    pub parse: ParseState,
    /// Inside an explicit or implicit transaction when it runs.
    pub in_transaction: bool,
}

impl Statement {
    pub fn is_parsed(&self) -> bool {
        !matches!(self.parse, ParseState::Failed { .. })
    }
}

/// Which way a script runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    /// A plain script whose direction is unknown (treated like `Up`).
    Unknown,
}

/// A SQL script with its statements: a migration file, or the up or down part of one.
pub struct SqlUnit<'a> {
    pub source: &'a SourceFile,
    pub dialect: Dialect,
    /// Every token of the file (shared by all units of the file).
    pub tokens: &'a [Tok],
    /// The script's statements, borrowed from the file's model (a 10 MB initial schema holds
    /// tens of thousands; no unit copies them).
    pub statements: &'a [Statement],
    pub direction: Direction,
    /// Whether the migration tool runs the script inside a transaction of its own, apart from
    /// the statements in `autocommit`: see [`SqlUnit::in_transaction`].
    pub tool_transaction: bool,
    /// File-level indices of the statements the tool runs outside its transaction (Alembic
    /// `autocommit_block()`), and the file-level index of the unit's first statement.
    autocommit: &'a [usize],
    first: usize,
    /// The first `COMMIT` or `ROLLBACK` of the script: it ends the tool's transaction, and the
    /// statements after it run in autocommit (or in a transaction they open themselves).
    tool_transaction_end: usize,
    /// Tables known to be new (created in this change) before the first statement runs.
    pub new_tables: std::collections::HashSet<String>,
    /// Columns (`table|column` keys) new to the world before the first statement runs: created
    /// by a migration of the same release (see [`crate::settings::MigrationSettings`]).
    pub new_columns: std::collections::HashSet<String>,
    /// Tables the script runs only when empty (see [`crate::parse::script::Script::empty_tables`]).
    pub empty_tables: &'a [String],
    /// The schema before this script runs, replayed from the migrations before it (when the file
    /// is part of a migration set).
    pub catalog: Option<&'a crate::catalog::Catalog>,
    /// Lazily built: table key -> index of the statement that first creates it in this unit.
    created_at: HashMap<String, usize>,
    /// The practice of the migration set the script belongs to.
    pub conventions: crate::conventions::Conventions,
}

impl<'a> SqlUnit<'a> {
    pub fn new(
        source: &'a SourceFile,
        dialect: Dialect,
        tokens: &'a [Tok],
        statements: &'a [Statement],
        direction: Direction,
    ) -> Self {
        let mut created_at = HashMap::new();
        for (i, s) in statements.iter().enumerate() {
            if let StmtKind::CreateTable(ct) = &s.kind {
                created_at.entry(ct.name.key()).or_insert(i);
            }
        }
        SqlUnit {
            source,
            dialect,
            tokens,
            statements,
            direction,
            tool_transaction: false,
            tool_transaction_end: usize::MAX,
            autocommit: &[],
            first: 0,
            new_tables: Default::default(),
            new_columns: Default::default(),
            empty_tables: &[],
            conventions: Default::default(),
            catalog: None,
            created_at,
        }
    }

    /// Sets what the tool's transaction covers: every statement of the unit (its first at
    /// file-level index `first`) but those in `autocommit`.
    pub fn set_tool_transaction(&mut self, first: usize, autocommit: &'a [usize]) {
        self.tool_transaction = true;
        self.first = first;
        self.autocommit = autocommit;
        self.tool_transaction_end = self
            .statements
            .iter()
            .position(|s| {
                matches!(
                    s.kind,
                    StmtKind::Transaction(TxnKind::Commit | TxnKind::Rollback)
                )
            })
            .unwrap_or(usize::MAX);
    }

    /// Whether statement `i` runs inside a transaction: one the script opens itself (`BEGIN`
    /// … `COMMIT`), or the one the migration tool wraps the script in, until the script's first
    /// `COMMIT` or `ROLLBACK` ends it.
    pub fn in_transaction(&self, i: usize) -> bool {
        self.statements[i].in_transaction
            || (self.tool_transaction
                && i < self.tool_transaction_end
                && !self.autocommit.contains(&(self.first + i)))
    }

    /// Whether the column is new to the world when statement `index` runs: its table is, it was
    /// added earlier in this unit, or a migration of the same release created it. Deployed code
    /// cannot use it yet.
    pub fn column_is_new(&self, table: &ObjectName, column: &str, index: usize) -> bool {
        if self.table_is_new(table, index) {
            return true;
        }
        let key = table.key();
        self.new_columns.contains(&format!("{key}|{column}"))
            || self.added_columns(&key, column, index).next().is_some()
    }

    /// The `ADD COLUMN`s of `table|column` (table by key, column normalised) among the
    /// statements before `index`.
    pub fn added_columns<'s>(
        &'s self,
        table: &'s str,
        column: &'s str,
        index: usize,
    ) -> impl Iterator<Item = &'s ColumnDef> + 's {
        self.statements[..index]
            .iter()
            .filter_map(move |s| match &s.kind {
                StmtKind::AlterTable(at) if at.name.key() == table => Some(&at.actions),
                _ => None,
            })
            .flatten()
            .filter_map(move |a| match &a.action {
                AlterAction::AddColumn { column: c, .. } if c.name.norm() == column => Some(c),
                _ => None,
            })
    }

    /// Whether the table holds no row when statement `index` runs: new, or required empty by the
    /// script's precondition. Rules about existing rows (a scan, a backfill, a uniqueness check)
    /// skip it; rules about the code that uses the table do not.
    pub fn table_has_no_rows(&self, name: &ObjectName, index: usize) -> bool {
        self.table_is_new(name, index) || self.empty_tables.contains(&name.key())
    }

    /// Whether the table is new to the world when statement `index` runs: created earlier in this
    /// unit, or created by a migration new in this change. Rules about existing data and locks
    /// on busy tables skip new tables.
    pub fn table_is_new(&self, name: &ObjectName, index: usize) -> bool {
        let key = name.key();
        self.created_at.get(&key).is_some_and(|&at| at < index) || self.new_tables.contains(&key)
    }

    pub fn text(&self, span: Span) -> &str {
        self.source.slice(span)
    }

    /// The code tokens (no whitespace or comments) of a statement.
    pub fn code_tokens(&self, stmt: &Statement) -> impl Iterator<Item = &Tok> + '_ {
        self.tokens[stmt.tokens.clone()]
            .iter()
            .filter(|t| !t.is_trivia())
    }

    /// The upper-cased keyword sequence a statement starts with (up to `n` words).
    pub fn head(&self, stmt: &Statement, n: usize) -> String {
        let mut out = String::new();
        for t in self
            .code_tokens(stmt)
            .take_while(|t| t.kind == TokKind::Word)
            .take(n)
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&self.source.text[t.span().start..t.span().end].to_ascii_uppercase());
        }
        out
    }

    /// The type of `table.column` just before statement `index`, when this unit defines it
    /// (a CREATE TABLE, ADD COLUMN or type change earlier in the script) or the migrations before
    /// it did (the catalog).
    pub fn known_column_type(
        &self,
        table: &ObjectName,
        column: &str,
        index: usize,
    ) -> Option<&SqlType> {
        let key = table.key();
        let mut found = self.catalog.and_then(|c| c.column_type(table, column));
        for stmt in &self.statements[..index.min(self.statements.len())] {
            match &stmt.kind {
                StmtKind::CreateTable(ct) if ct.name.key() == key => {
                    found = ct
                        .columns
                        .iter()
                        .find(|c| c.name.norm() == column)
                        .and_then(|c| c.data_type.as_ref());
                }
                StmtKind::AlterTable(at) if at.name.key() == key => {
                    for item in &at.actions {
                        match &item.action {
                            AlterAction::AddColumn { column: c, .. } if c.name.norm() == column => {
                                found = c.data_type.as_ref()
                            }
                            AlterAction::AlterColumnType {
                                column: c,
                                new_type,
                                ..
                            } if c.norm() == column => found = Some(new_type),
                            AlterAction::ModifyColumn { column: c, .. }
                                if c.name.norm() == column =>
                            {
                                found = c.data_type.as_ref()
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The schema just before statement `index`: the catalog before the script with the
    /// script's earlier statements applied. `None` outside a migration set.
    pub fn catalog_at(&self, index: usize) -> Option<crate::catalog::Catalog> {
        let mut c = self.catalog?.clone();
        c.apply_all(&self.statements[..index.min(self.statements.len())]);
        Some(c)
    }

    /// Whether a direction-sensitive rule should look at this unit: down migrations undo their up
    /// on purpose (a drop there reverses a create), so backward-compatibility rules skip them.
    pub fn is_down(&self) -> bool {
        self.direction == Direction::Down
    }
}

/// Whether a `SET` names PostgreSQL's `lock_timeout` (`SET LOCAL lock_timeout`), not a custom
/// setting that ends like it (`SET myapp.lock_timeout`).
pub fn is_lock_timeout(name: &str) -> bool {
    name.rsplit_once(' ').map_or(name, |(_, n)| n) == "lock_timeout"
}

/// Whether a function's return type makes it a trigger function (`trigger`, `event_trigger`),
/// which only triggers call.
pub fn returns_trigger(return_type: &str) -> bool {
    let t = return_type.trim().trim_matches('"').to_ascii_lowercase();
    t == "trigger" || t == "event_trigger"
}

/// The column a check expression of the form `[(] [table.]column IS NOT NULL [)]` tests, as the
/// database stores its name (quoted names keep their case, unquoted ones fold to lower case).
pub fn checks_not_null(expr: &str, dialect: Dialect) -> Option<String> {
    let toks: Vec<_> = crate::parse::sql::lexer::tokenize(expr, dialect)
        .into_iter()
        .filter(|t| {
            !t.is_trivia()
                && !matches!(
                    t.kind,
                    crate::parse::sql::lexer::TokKind::LParen
                        | crate::parse::sql::lexer::TokKind::RParen
                )
        })
        .collect();
    let (tail, name) = match toks.len().checked_sub(3) {
        Some(n) if n >= 1 => (&toks[n..], toks[n - 1]),
        _ => return None,
    };
    let is_not_null = ["IS", "NOT", "NULL"]
        .iter()
        .zip(tail)
        .all(|(kw, t)| t.is_kw(expr, kw));
    // Anything before the column must be a qualifier (`t.` or `"t".`).
    let qualifier_only = toks[..toks.len() - 4].chunks(2).all(|pair| {
        matches!(
            pair,
            [q, d] if matches!(q.kind, crate::parse::sql::lexer::TokKind::Word | crate::parse::sql::lexer::TokKind::QuotedIdent) && d.kind == crate::parse::sql::lexer::TokKind::Dot
        )
    });
    if !is_not_null || !qualifier_only {
        return None;
    }
    match name.kind {
        crate::parse::sql::lexer::TokKind::Word => Some(name.text(expr).to_lowercase()),
        crate::parse::sql::lexer::TokKind::QuotedIdent => {
            Some(crate::parse::sql::cursor::unquote(name.text(expr)))
        }
        _ => None,
    }
}
