//! The in-memory schema, replayed statement by statement over the ordered migrations of a set.
//!
//! It knows what the migrations themselves created: tables with their columns (types and
//! nullability), indexes, constraints, enums and other types, views, sequences. An object the
//! migrations never created is *unknown*, never assumed absent: altering a table created outside
//! the migrations makes a partial entry that only holds what the alterations told us.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::source::Span;
use crate::sql::{
    AlterAction, ConstraintKind, Dialect, ObjectKind, ObjectName, SqlType, Statement, StmtKind,
};

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Normalised name.
    pub name: String,
    pub data_type: Option<SqlType>,
    pub not_null: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// As first written.
    pub name: String,
    pub columns: Vec<Column>,
    /// Created by a replayed CREATE TABLE with its column list: a missing column really is
    /// missing. `false` for tables known only from alterations.
    pub complete: bool,
    /// Named constraints (normalised names).
    pub constraints: BTreeSet<String>,
    /// `CHECK (col IS NOT NULL)` constraints: name -> (column, validated). A validated one
    /// proves the column holds no NULL (PostgreSQL 12+ then sets NOT NULL without a scan).
    pub not_null_checks: BTreeMap<String, (String, bool)>,
    /// The name of the primary key constraint, when it has one the migrations gave or used.
    pub primary_key: Option<String>,
    /// The primary key's columns (normalised), when the migrations declared it.
    pub primary_key_columns: Vec<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether a validated `CHECK (column IS NOT NULL)` proves the column holds no NULL.
    pub fn proven_not_null(&self, column: &str) -> bool {
        self.not_null_checks
            .values()
            .any(|(c, validated)| *validated && c == column)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// The column, added (type unknown, nullable) when the replayed history never created it.
    fn column_entry(&mut self, name: &str) -> &mut Column {
        match self.columns.iter().position(|c| c.name == name) {
            Some(i) => &mut self.columns[i],
            None => {
                self.columns.push(Column {
                    name: name.to_string(),
                    data_type: None,
                    not_null: false,
                });
                self.columns.last_mut().expect("just pushed")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub name: String,
    pub table: String,
    /// Column expressions, normalised.
    pub columns: Vec<String>,
    /// A unique index, or the index of a unique constraint.
    pub unique: bool,
    /// A partial index (`WHERE ...`): its uniqueness holds only for some rows.
    pub partial: bool,
}

/// The schema as far as the replayed migrations tell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// Shared between the snapshots a rollback check takes (`reverse_differences` clones the
    /// catalog twice per migration): a clone copies pointers, a change copies one table.
    pub tables: BTreeMap<String, Arc<Table>>,
    /// Indexes by key. Changed only through [`Catalog::add_index`] and
    /// [`Catalog::remove_index`], which keep `indexes_of` in step.
    pub indexes: BTreeMap<String, Index>,
    /// The keys of each table's indexes: dropping, recreating or renaming a table touches its
    /// own indexes, not all of them (a 10 MB initial schema creates tens of thousands).
    indexes_of: BTreeMap<String, BTreeSet<String>>,
    /// Types (enums with their values when known, domains, composite types).
    pub types: BTreeMap<String, Option<Vec<String>>>,
    pub views: BTreeSet<String>,
    pub sequences: BTreeSet<String>,
    /// Functions, procedures, triggers, extensions, schemas... by kind and key.
    pub others: BTreeSet<(ObjectKindKey, String)>,
    /// The functions among them that return `trigger` or `event_trigger`.
    pub trigger_functions: BTreeSet<String>,
}

/// [`ObjectKind`] as an ordered key.
pub type ObjectKindKey = u8;

fn kind_key(k: ObjectKind) -> ObjectKindKey {
    k as u8
}

fn norm_ident(s: &str) -> String {
    s.trim_matches(['"', '`', '[', ']']).to_lowercase()
}

impl Catalog {
    /// Whether no migration has created anything yet: the schema before a set's first one.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.indexes.is_empty()
            && self.types.is_empty()
            && self.views.is_empty()
            && self.sequences.is_empty()
            && self.others.is_empty()
    }

    pub fn table(&self, name: &ObjectName) -> Option<&Table> {
        self.tables.get(&name.key()).map(|t| &**t)
    }

    /// The type of `table.column` when the migrations define it.
    pub fn column_type(&self, table: &ObjectName, column: &str) -> Option<&SqlType> {
        self.table(table)?.column(column)?.data_type.as_ref()
    }

    /// Whether the column is known to be missing: the table was created by the migrations and
    /// has no such column. `false` when unknown.
    pub fn column_missing(&self, table: &ObjectName, column: &str) -> bool {
        self.table(table)
            .is_some_and(|t| t.complete && t.column(column).is_none())
    }

    fn table_entry(&mut self, name: &ObjectName) -> &mut Table {
        Arc::make_mut(self.tables.entry(name.key()).or_insert_with(|| {
            Arc::new(Table {
                name: name.to_string(),
                columns: Vec::new(),
                complete: false,
                constraints: BTreeSet::new(),
                not_null_checks: BTreeMap::new(),
                primary_key: None,
                primary_key_columns: Vec::new(),
            })
        }))
    }

    /// Whether `table` already requires these columns to be unique together: a unique index or
    /// constraint (not partial), or the primary key, on some of them (in any order). A new
    /// unique key on them then asks nothing new of the rows.
    pub fn implies_unique(&self, table: &str, columns: &[String]) -> bool {
        let want: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
        let within =
            |cols: &[String]| !cols.is_empty() && cols.iter().all(|c| want.contains(c.as_str()));
        self.tables
            .get(table)
            .is_some_and(|t| within(&t.primary_key_columns))
            || self.indexes_of.get(table).into_iter().flatten().any(|k| {
                self.indexes
                    .get(k)
                    .is_some_and(|i| i.unique && !i.partial && within(&i.columns))
            })
    }

    fn drop_table(&mut self, key: &str) {
        self.tables.remove(key);
        self.drop_indexes_of(key);
    }

    /// Indexes go with the table or materialized view they index.
    fn drop_indexes_of(&mut self, key: &str) {
        for k in self.indexes_of.remove(key).unwrap_or_default() {
            self.indexes.remove(&k);
        }
    }

    /// `DROP SCHEMA s [CASCADE]` drops everything in it (without CASCADE it succeeds only when
    /// the schema is empty). Objects of `public` are keyed without their schema.
    fn drop_schema(&mut self, schema: &str) {
        let prefix = format!("{schema}.");
        let inside = |k: &str| {
            if schema == "public" {
                !k.contains('.')
            } else {
                k.starts_with(&prefix)
            }
        };
        let tables: Vec<String> = self.tables.keys().filter(|k| inside(k)).cloned().collect();
        for t in tables {
            self.drop_table(&t);
        }
        let views: Vec<String> = self.views.iter().filter(|k| inside(k)).cloned().collect();
        for v in views {
            self.views.remove(&v);
            self.drop_indexes_of(&v);
        }
        self.sequences.retain(|k| !inside(k));
        self.types.retain(|k, _| !inside(k));
        self.others.retain(|(_, k)| !inside(k));
    }

    fn add_index(&mut self, key: String, index: Index) {
        self.remove_index(&key);
        self.indexes_of
            .entry(index.table.clone())
            .or_default()
            .insert(key.clone());
        self.indexes.insert(key, index);
    }

    fn remove_index(&mut self, key: &str) -> Option<Index> {
        let index = self.indexes.remove(key)?;
        if let Some(keys) = self.indexes_of.get_mut(&index.table) {
            keys.remove(key);
            if keys.is_empty() {
                self.indexes_of.remove(&index.table);
            }
        }
        Some(index)
    }

    /// Applies one statement.
    pub fn apply(&mut self, stmt: &Statement) {
        match &stmt.kind {
            StmtKind::CreateTable(ct) => {
                let key = ct.name.key();
                if ct.temporary || (ct.if_not_exists && self.tables.contains_key(&key)) {
                    return;
                }
                let mut table = Table {
                    name: ct.name.to_string(),
                    columns: ct
                        .columns
                        .iter()
                        .map(|c| Column {
                            name: c.name.norm(),
                            data_type: c.data_type.clone(),
                            not_null: c.not_null || c.primary_key,
                        })
                        .collect(),
                    complete: !ct.derived,
                    constraints: BTreeSet::new(),
                    not_null_checks: BTreeMap::new(),
                    primary_key: None,
                    primary_key_columns: ct
                        .columns
                        .iter()
                        .filter(|c| c.primary_key)
                        .map(|c| c.name.norm())
                        .collect(),
                };
                for c in &ct.constraints {
                    if let Some(n) = &c.name {
                        table.constraints.insert(n.norm());
                        if matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
                            table.primary_key = Some(n.norm());
                        }
                    }
                    if let ConstraintKind::PrimaryKey { columns, .. } = &c.kind {
                        table.primary_key_columns =
                            columns.iter().map(crate::sql::Ident::norm).collect();
                        for col in columns {
                            if let Some(c) = table.column_mut(&col.norm()) {
                                c.not_null = true;
                            }
                        }
                    }
                }
                self.drop_table(&key);
                self.tables.insert(key, Arc::new(table));
            }
            StmtKind::AlterTable(at) => {
                let key = at.name.key();
                if at.if_exists && !self.tables.contains_key(&key) {
                    return;
                }
                for item in &at.actions {
                    self.alter(&at.name, &item.action);
                }
            }
            StmtKind::CreateIndex(ci) => {
                if let Some(n) = &ci.name {
                    let key = n.norm();
                    if ci.if_not_exists && self.indexes.contains_key(&key) {
                        return;
                    }
                    self.add_index(
                        key,
                        Index {
                            name: n.value.clone(),
                            table: ci.table.key(),
                            columns: ci.columns.iter().map(|c| norm_ident(c)).collect(),
                            unique: ci.unique,
                            partial: ci.partial,
                        },
                    );
                }
            }
            StmtKind::DropIndex { names, .. } => {
                for n in names {
                    self.remove_index(&n.base().norm());
                }
            }
            StmtKind::Drop { kind, names, .. } => {
                for n in names {
                    let key = n.key();
                    match kind {
                        ObjectKind::Table => self.drop_table(&key),
                        ObjectKind::View | ObjectKind::MaterializedView => {
                            self.views.remove(&key);
                            self.drop_indexes_of(&key);
                        }
                        ObjectKind::Sequence => {
                            self.sequences.remove(&key);
                        }
                        ObjectKind::Type | ObjectKind::Domain => {
                            self.types.remove(&key);
                        }
                        ObjectKind::Index => {
                            self.remove_index(&n.base().norm());
                        }
                        ObjectKind::Schema => {
                            self.drop_schema(&n.base().norm());
                            self.others.remove(&(kind_key(ObjectKind::Schema), key));
                        }
                        k => {
                            if *k == ObjectKind::Function {
                                self.trigger_functions.remove(&key);
                            }
                            self.others.remove(&(kind_key(*k), key));
                        }
                    }
                }
            }
            StmtKind::RenameTables { renames } => {
                for (from, to) in renames {
                    self.rename_table(from, to);
                }
            }
            StmtKind::CreateType { name, enum_values } => {
                self.types.insert(name.key(), enum_values.clone());
            }
            StmtKind::AlterType { name, action } => {
                let key = name.key();
                match action {
                    crate::sql::AlterTypeAction::AddValue { value } => {
                        if let Some(Some(vals)) = self.types.get_mut(&key)
                            && !vals.contains(value)
                        {
                            vals.push(value.clone());
                        }
                    }
                    crate::sql::AlterTypeAction::RenameValue { from, to, .. } => {
                        if let Some(Some(vals)) = self.types.get_mut(&key) {
                            for v in vals.iter_mut().filter(|v| *v == from) {
                                *v = to.clone();
                            }
                        }
                    }
                    crate::sql::AlterTypeAction::Rename { to } => {
                        if let Some(v) = self.types.remove(&key) {
                            self.types.insert(to.norm(), v);
                        }
                    }
                    crate::sql::AlterTypeAction::Other => {}
                }
            }
            StmtKind::Create {
                kind,
                name: Some(name),
                trigger_function,
                ..
            } => {
                let key = name.key();
                if *kind == ObjectKind::Function {
                    if *trigger_function {
                        self.trigger_functions.insert(key.clone());
                    } else {
                        self.trigger_functions.remove(&key);
                    }
                }
                match kind {
                    ObjectKind::View | ObjectKind::MaterializedView => {
                        self.views.insert(key);
                    }
                    ObjectKind::Sequence => {
                        self.sequences.insert(key);
                    }
                    ObjectKind::Type | ObjectKind::Domain => {
                        self.types.insert(key, None);
                    }
                    k => {
                        self.others.insert((kind_key(*k), key));
                    }
                }
            }
            _ => {}
        }
    }

    fn rename_table(&mut self, from: &ObjectName, to: &ObjectName) {
        let (fk, tk) = (from.key(), to.key());
        let mut t = self.tables.remove(&fk).unwrap_or_else(|| {
            Arc::new(Table {
                name: to.to_string(),
                columns: Vec::new(),
                complete: false,
                constraints: BTreeSet::new(),
                not_null_checks: BTreeMap::new(),
                primary_key: None,
                primary_key_columns: Vec::new(),
            })
        });
        Arc::make_mut(&mut t).name = to.to_string();
        self.tables.insert(tk.clone(), t);
        if let Some(keys) = self.indexes_of.remove(&fk) {
            for k in &keys {
                if let Some(i) = self.indexes.get_mut(k) {
                    i.table = tk.clone();
                }
            }
            self.indexes_of.entry(tk.clone()).or_default().extend(keys);
        }
    }

    fn alter(&mut self, table: &ObjectName, action: &AlterAction) {
        let tkey = table.key();
        // Removing something from a table we know nothing of tells us nothing worth keeping
        // (and must not bring back a table dropped just before).
        let removes = matches!(
            action,
            AlterAction::DropColumn { .. }
                | AlterAction::DropConstraint { .. }
                | AlterAction::DropIndex { .. }
                | AlterAction::DropPrimaryKey
                | AlterAction::DropDefault { .. }
        );
        if removes && !self.tables.contains_key(&tkey) {
            if let AlterAction::DropIndex { name } = action {
                self.remove_index(&name.norm());
            }
            return;
        }
        match action {
            AlterAction::AddColumn { column, .. } => {
                let t = self.table_entry(table);
                let name = column.name.norm();
                t.columns.retain(|c| c.name != name);
                if column.primary_key {
                    t.primary_key_columns = vec![name.clone()];
                }
                t.columns.push(Column {
                    name,
                    data_type: column.data_type.clone(),
                    not_null: column.not_null || column.primary_key,
                });
            }
            AlterAction::DropColumn { name, .. } => {
                let n = name.norm();
                let t = self.table_entry(table);
                t.columns.retain(|c| c.name != n);
                if t.primary_key_columns.contains(&n) {
                    t.primary_key_columns.clear();
                }
                let gone: Vec<String> = self
                    .indexes_of
                    .get(&tkey)
                    .into_iter()
                    .flatten()
                    .filter(|k| {
                        self.indexes
                            .get(*k)
                            .is_some_and(|i| i.columns.len() == 1 && i.columns[0] == n)
                    })
                    .cloned()
                    .collect();
                for k in gone {
                    self.remove_index(&k);
                }
            }
            AlterAction::RenameColumn { from, to } => {
                let (f, t) = (from.norm(), to.norm());
                self.table_entry(table).column_entry(&f).name = t;
            }
            AlterAction::RenameTable { to } => self.rename_table(table, to),
            AlterAction::AlterColumnType {
                column, new_type, ..
            } => {
                self.table_entry(table)
                    .column_entry(&column.norm())
                    .data_type = Some(new_type.clone());
            }
            AlterAction::ModifyColumn { old_name, column } => {
                let old = old_name.norm();
                let tbl = self.table_entry(table);
                tbl.columns.retain(|c| c.name != old);
                tbl.columns.push(Column {
                    name: column.name.norm(),
                    data_type: column.data_type.clone(),
                    not_null: column.not_null || column.primary_key,
                });
            }
            AlterAction::SetNotNull { column } | AlterAction::DropNotNull { column } => {
                let set = matches!(action, AlterAction::SetNotNull { .. });
                self.table_entry(table)
                    .column_entry(&column.norm())
                    .not_null = set;
            }
            AlterAction::AddConstraint { constraint } => {
                let t = self.table_entry(table);
                if let Some(n) = &constraint.name {
                    t.constraints.insert(n.norm());
                    if matches!(constraint.kind, ConstraintKind::PrimaryKey { .. }) {
                        t.primary_key = Some(n.norm());
                    }
                }
                if let ConstraintKind::PrimaryKey { columns, .. } = &constraint.kind {
                    t.primary_key_columns = columns.iter().map(crate::sql::Ident::norm).collect();
                }
                // A named unique constraint is kept by an index of its name.
                if let (Some(n), ConstraintKind::Unique { columns, .. }) =
                    (&constraint.name, &constraint.kind)
                {
                    let index = Index {
                        name: n.value.clone(),
                        table: tkey.clone(),
                        columns: columns.iter().map(|c| c.norm()).collect(),
                        unique: true,
                        partial: false,
                    };
                    self.add_index(n.norm(), index);
                }
                let t = self.table_entry(table);
                if let ConstraintKind::Check { expr } = &constraint.kind
                    && let Some(column) = crate::sql::checks_not_null(expr, Dialect::Postgres)
                {
                    let key = constraint
                        .name
                        .as_ref()
                        .map_or_else(|| format!("({column})"), |n| n.norm());
                    t.not_null_checks
                        .insert(key, (column, !constraint.not_valid));
                }
            }
            AlterAction::ValidateConstraint { name } => {
                if let Some(c) = self
                    .table_entry(table)
                    .not_null_checks
                    .get_mut(&name.norm())
                {
                    c.1 = true;
                }
            }
            AlterAction::DropPrimaryKey => {
                let t = self.table_entry(table);
                if let Some(pk) = t.primary_key.take() {
                    t.constraints.remove(&pk);
                }
                t.primary_key_columns.clear();
            }
            AlterAction::DropConstraint { name, .. } => {
                let n = name.norm();
                let t = self.table_entry(table);
                t.constraints.remove(&n);
                t.not_null_checks.remove(&n);
                if t.primary_key.as_ref() == Some(&n) {
                    t.primary_key = None;
                    t.primary_key_columns.clear();
                } else if t.primary_key.is_none() && n.ends_with("pkey") {
                    // PostgreSQL names an unnamed primary key `<table>_pkey`.
                    t.primary_key_columns.clear();
                }
                // MySQL and others drop the backing index of a unique constraint with it.
                self.remove_index(&n);
            }
            AlterAction::RenameConstraint { from, to } => {
                let tbl = self.table_entry(table);
                if tbl.constraints.remove(&from.norm()) {
                    tbl.constraints.insert(to.norm());
                }
                if let Some(c) = tbl.not_null_checks.remove(&from.norm()) {
                    tbl.not_null_checks.insert(to.norm(), c);
                }
            }
            AlterAction::AddIndex {
                name: Some(n),
                columns,
                unique,
            } => {
                self.add_index(
                    n.norm(),
                    Index {
                        name: n.value.clone(),
                        table: tkey,
                        columns: columns.iter().map(|c| c.norm()).collect(),
                        unique: *unique,
                        partial: false,
                    },
                );
            }
            AlterAction::DropIndex { name } => {
                self.remove_index(&name.norm());
            }
            AlterAction::RenameIndex { from, to } => {
                if let Some(mut i) = self.remove_index(&from.norm()) {
                    i.name = to.value.clone();
                    self.add_index(to.norm(), i);
                }
            }
            _ => {}
        }
    }

    /// Applies a statement that may not run (a Liquibase changeSet with preconditions or a
    /// `dbms` filter): what it touches becomes partially known.
    pub fn apply_uncertain(&mut self, stmt: &Statement) {
        self.apply(stmt);
        let touched = match &stmt.kind {
            StmtKind::CreateTable(ct) => Some(ct.name.key()),
            StmtKind::AlterTable(at) => Some(at.name.key()),
            _ => None,
        };
        if let Some(t) = touched.and_then(|k| self.tables.get_mut(&k)) {
            Arc::make_mut(t).complete = false;
        }
    }

    pub fn apply_all<'s>(&mut self, stmts: impl IntoIterator<Item = &'s Statement>) {
        for s in stmts {
            self.apply(s);
        }
    }
}

/// One way the schema after up-then-down differs from the schema before the up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// What differs, naming the object ("column `users.nickname` added by the up is left behind").
    pub message: String,
    /// The up statement that made the change.
    pub up_span: Span,
}

/// Whether a script holds statements whose effect on the schema we cannot know.
pub fn opaque(stmts: &[Statement]) -> bool {
    stmts.iter().any(|s| {
        !s.is_parsed()
            || matches!(s.kind, StmtKind::Do)
            || matches!(&s.kind, StmtKind::Other { head } if head.is_empty())
    })
}

/// Replays `up` then `down` over `before` and names every object the up changed that the down
/// does not put back. Objects the migrations do not know are never reported.
pub fn reverse_differences(
    before: &Catalog,
    up: &[Statement],
    down: &[Statement],
) -> Vec<Difference> {
    let mut after_up = before.clone();
    let mut effects: Vec<(Effect, Span)> = Vec::new();
    // Names the up renamed away or dropped: creating one again replaces an object that existed
    // before (the rename-create-drop dance of enum changes), it does not add one.
    let mut vacated: BTreeSet<String> = BTreeSet::new();
    // Tables the up creates: renaming one into place is part of building it.
    let mut built: BTreeSet<String> = BTreeSet::new();
    // Tables and columns (`table|col|name`) that exist only because the up made them (created,
    // or renamed aside): dropping one later in the up removes nothing the down must restore
    // (`RENAME t TO t_old`, `CREATE t`, copy, `DROP t_old`).
    let mut made: BTreeSet<String> = BTreeSet::new();
    for s in up {
        // What this statement vacates counts for its own later actions too (`DROP CONSTRAINT c,
        // ADD CONSTRAINT c ...` in one ALTER replaces `c`).
        match &s.kind {
            StmtKind::AlterType {
                name,
                action: crate::sql::AlterTypeAction::Rename { .. },
            } => {
                vacated.insert(name.key());
            }
            StmtKind::AlterTable(at) => {
                let t = after_up.tables.get(&at.name.key());
                for item in &at.actions {
                    match &item.action {
                        AlterAction::DropConstraint { name, .. } => {
                            vacated.insert(format!("{}|{}", at.name.key(), name.norm()));
                            if t.and_then(|t| t.primary_key.as_ref()) == Some(&name.norm()) {
                                vacated.insert(format!("{}|#pk", at.name.key()));
                            }
                        }
                        // A table has one primary key: adding one after this replaces it.
                        AlterAction::DropPrimaryKey => {
                            vacated.insert(format!("{}|#pk", at.name.key()));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        // An index on a relation the up dropped and built again, when nothing says which indexes
        // it had before: the down that rebuilds the relation may be restoring one of them.
        let on_replaced_unknown = matches!(&s.kind, StmtKind::CreateIndex(ci)
            if vacated.contains(&ci.table.key())
                && !before.tables.contains_key(&ci.table.key())
                && !before.views.contains(&ci.table.key()));
        for mut e in effects_of(&after_up, s) {
            match &e {
                Effect::IndexCreated(..) if on_replaced_unknown => continue,
                Effect::TableDropped(k, _) if made.contains(k) => {
                    vacated.insert(k.clone());
                    continue;
                }
                Effect::ColumnDropped(t, c, _) if made.contains(&format!("{t}|col|{c}")) => {
                    continue;
                }
                Effect::TableDropped(k, _)
                | Effect::Dropped(_, k, _)
                | Effect::IndexDropped(k, _) => {
                    vacated.insert(k.clone());
                }
                // Rebuild and rename into place (`CREATE t_new`, copy, `DROP t`, `RENAME t_new
                // TO t`): the net change is a new `t`, or `t` replaced when it was there.
                Effect::TableRenamed { from, to, .. } if built.contains(from) => {
                    built.insert(to.clone());
                    if vacated.contains(to) {
                        continue;
                    }
                    e = Effect::TableCreated(to.clone(), to.clone());
                }
                Effect::TableRenamed { from, to, .. } => {
                    vacated.insert(from.clone());
                    made.insert(to.clone());
                }
                // A column renamed aside leaves its name free: adding one under it replaces the
                // column (the rename reports itself if the down does not undo it).
                Effect::ColumnRenamed {
                    table, from, to, ..
                } => {
                    vacated.insert(format!("{table}|col|{from}"));
                    made.insert(format!("{table}|col|{to}"));
                }
                Effect::ColumnAdded(t, c, _) if vacated.contains(&format!("{t}|col|{c}")) => {
                    continue;
                }
                Effect::ColumnAdded(t, c, _) => {
                    made.insert(format!("{t}|col|{c}"));
                }
                Effect::TableCreated(k, _) if vacated.contains(k) => {
                    built.insert(k.clone());
                    continue;
                }
                Effect::TableCreated(k, _) => {
                    built.insert(k.clone());
                    made.insert(k.clone());
                }
                Effect::Created(_, k, _) | Effect::IndexCreated(k, _) if vacated.contains(k) => {
                    continue;
                }
                Effect::ConstraintAdded {
                    table,
                    name,
                    primary,
                    ..
                } if vacated.contains(&format!("{table}|{name}"))
                    || (*primary && vacated.contains(&format!("{table}|#pk"))) =>
                {
                    continue;
                }
                _ => {}
            }
            effects.push((e, s.span));
        }
        after_up.apply(s);
    }
    let mut after = after_up.clone();
    after.apply_all(down);
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (e, span) in effects {
        if let Some(message) = e.check(before, &after)
            && seen.insert(message.clone())
        {
            out.push(Difference {
                message,
                up_span: span,
            });
        }
    }
    out
}

/// A type as the database stores it: canonical name and arguments (`character varying` and
/// `varchar` are one type; so are `text` and `varchar` without a length on PostgreSQL).
fn canonical_type(t: &SqlType) -> String {
    let name = if t.name == "varchar" && t.args.is_empty() {
        "text"
    } else {
        t.name.as_str()
    };
    let mut s = name.to_string();
    if !t.args.is_empty() {
        s.push('(');
        s.push_str(&t.args.join(","));
        s.push(')');
    }
    if t.array {
        s.push_str("[]");
    }
    s
}

#[derive(Clone, Debug)]
enum Effect {
    TableCreated(String, String),
    TableDropped(String, String),
    TableRenamed {
        from: String,
        to: String,
        display: String,
    },
    ColumnAdded(String, String, String),
    ColumnDropped(String, String, String),
    ColumnRenamed {
        table: String,
        from: String,
        to: String,
        display: String,
    },
    TypeChanged {
        table: String,
        column: String,
        display: String,
        old: Option<String>,
        new: String,
    },
    NotNull {
        table: String,
        column: String,
        display: String,
        set: bool,
    },
    IndexCreated(String, String),
    IndexDropped(String, String),
    ConstraintAdded {
        table: String,
        name: String,
        display: String,
        primary: bool,
    },
    ConstraintDropped {
        table: String,
        name: String,
        display: String,
    },
    Created(&'static str, String, String),
    Dropped(&'static str, String, String),
}

fn effects_of(cat: &Catalog, s: &Statement) -> Vec<Effect> {
    let mut out = Vec::new();
    match &s.kind {
        StmtKind::CreateTable(ct) if !ct.temporary => {
            let key = ct.name.key();
            if !(ct.if_not_exists && cat.tables.contains_key(&key)) {
                out.push(Effect::TableCreated(key, ct.name.to_string()));
            }
        }
        StmtKind::Drop { kind, names, .. } => {
            for n in names {
                let (key, d) = (n.key(), n.to_string());
                match kind {
                    ObjectKind::Table => out.push(Effect::TableDropped(key, d)),
                    ObjectKind::View | ObjectKind::MaterializedView => {
                        out.push(Effect::Dropped("view", key, d))
                    }
                    ObjectKind::Sequence => out.push(Effect::Dropped("sequence", key, d)),
                    ObjectKind::Type | ObjectKind::Domain => {
                        out.push(Effect::Dropped("type", key, d))
                    }
                    ObjectKind::Index => out.push(Effect::IndexDropped(n.base().norm(), d)),
                    _ => {}
                }
            }
        }
        StmtKind::DropIndex { names, .. } => {
            for n in names {
                out.push(Effect::IndexDropped(n.base().norm(), n.to_string()));
            }
        }
        StmtKind::CreateIndex(ci) => {
            if let Some(n) = &ci.name
                && !(ci.if_not_exists && cat.indexes.contains_key(&n.norm()))
            {
                out.push(Effect::IndexCreated(n.norm(), n.value.clone()));
            }
        }
        StmtKind::CreateType { name, .. } if !cat.types.contains_key(&name.key()) => {
            out.push(Effect::Created("type", name.key(), name.to_string()));
        }
        StmtKind::Create {
            kind,
            name: Some(name),
            or_replace,
            ..
        } => {
            let key = name.key();
            let (noun, exists) = match kind {
                ObjectKind::View | ObjectKind::MaterializedView => {
                    ("view", cat.views.contains(&key))
                }
                ObjectKind::Sequence => ("sequence", cat.sequences.contains(&key)),
                _ => return out,
            };
            if !exists && !or_replace {
                out.push(Effect::Created(noun, key, name.to_string()));
            }
        }
        StmtKind::RenameTables { renames } => {
            for (f, t) in renames {
                out.push(Effect::TableRenamed {
                    from: f.key(),
                    to: t.key(),
                    display: format!("{f}` to `{t}"),
                });
            }
        }
        StmtKind::AlterTable(at) => {
            let tkey = at.name.key();
            let table = cat.tables.get(&tkey);
            for item in &at.actions {
                let col = |c: &str| format!("{}.{}", at.name, c);
                match &item.action {
                    AlterAction::AddColumn {
                        column,
                        if_not_exists,
                    } => {
                        let n = column.name.norm();
                        if !(*if_not_exists && table.is_some_and(|t| t.column(&n).is_some())) {
                            out.push(Effect::ColumnAdded(
                                tkey.clone(),
                                n,
                                col(&column.name.value),
                            ));
                        }
                    }
                    AlterAction::DropColumn { name, .. } => out.push(Effect::ColumnDropped(
                        tkey.clone(),
                        name.norm(),
                        col(&name.value),
                    )),
                    AlterAction::RenameColumn { from, to } => out.push(Effect::ColumnRenamed {
                        table: tkey.clone(),
                        from: from.norm(),
                        to: to.norm(),
                        display: format!("{}` to `{}", col(&from.value), to.value),
                    }),
                    AlterAction::RenameTable { to } => out.push(Effect::TableRenamed {
                        from: tkey.clone(),
                        to: to.key(),
                        display: format!("{}` to `{}", at.name, to),
                    }),
                    AlterAction::AlterColumnType {
                        column, new_type, ..
                    } => {
                        let old = table
                            .and_then(|t| t.column(&column.norm()))
                            .and_then(|c| c.data_type.as_ref())
                            .map(canonical_type);
                        out.push(Effect::TypeChanged {
                            table: tkey.clone(),
                            column: column.norm(),
                            display: col(&column.value),
                            old,
                            new: canonical_type(new_type),
                        });
                    }
                    AlterAction::SetNotNull { column } | AlterAction::DropNotNull { column } => out
                        .push(Effect::NotNull {
                            table: tkey.clone(),
                            column: column.norm(),
                            display: col(&column.value),
                            set: matches!(item.action, AlterAction::SetNotNull { .. }),
                        }),
                    AlterAction::AddConstraint { constraint } => {
                        if let Some(n) = &constraint.name {
                            out.push(Effect::ConstraintAdded {
                                table: tkey.clone(),
                                name: n.norm(),
                                display: format!("{}` on `{}", n.value, at.name),
                                primary: matches!(
                                    constraint.kind,
                                    ConstraintKind::PrimaryKey { .. }
                                ),
                            });
                        }
                    }
                    AlterAction::DropConstraint { name, .. }
                        if table.is_some_and(|t| t.constraints.contains(&name.norm())) =>
                    {
                        out.push(Effect::ConstraintDropped {
                            table: tkey.clone(),
                            name: name.norm(),
                            display: format!("{}` on `{}", name.value, at.name),
                        });
                    }
                    // `dropPrimaryKey` (Liquibase), `DROP PRIMARY KEY` (MySQL): the key by name.
                    AlterAction::DropPrimaryKey => {
                        if let Some(pk) = table.and_then(|t| t.primary_key.clone()) {
                            out.push(Effect::ConstraintDropped {
                                table: tkey.clone(),
                                display: format!("{pk}` on `{}", at.name),
                                name: pk,
                            });
                        }
                    }
                    AlterAction::AddIndex { name: Some(n), .. } => {
                        out.push(Effect::IndexCreated(n.norm(), n.value.clone()))
                    }
                    AlterAction::DropIndex { name } => {
                        out.push(Effect::IndexDropped(name.norm(), name.value.clone()))
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

impl Effect {
    /// What is wrong after the down, if anything.
    fn check(&self, before: &Catalog, after: &Catalog) -> Option<String> {
        match self {
            Effect::TableCreated(k, d) => after
                .tables
                .contains_key(k)
                .then(|| format!("table `{d}` created by the up is left behind by the down")),
            Effect::TableDropped(k, d) => (!after.tables.contains_key(k))
                .then(|| format!("table `{d}` dropped by the up is not recreated by the down")),
            Effect::TableRenamed { from, to, display } => {
                (after.tables.contains_key(to) && !after.tables.contains_key(from)).then(|| {
                    format!("table `{display}` renamed by the up is not renamed back by the down")
                })
            }
            Effect::ColumnAdded(t, c, d) => after
                .tables
                .get(t)
                .is_some_and(|tb| tb.column(c).is_some())
                .then(|| format!("column `{d}` added by the up is left behind by the down")),
            Effect::ColumnDropped(t, c, d) => after
                .tables
                .get(t)
                .is_some_and(|tb| tb.column(c).is_none())
                .then(|| format!("column `{d}` dropped by the up is not restored by the down")),
            Effect::ColumnRenamed {
                table,
                from,
                to,
                display,
            } => after
                .tables
                .get(table)
                .is_some_and(|tb| tb.column(to).is_some() && tb.column(from).is_none())
                .then(|| {
                    format!("column `{display}` renamed by the up is not renamed back by the down")
                }),
            Effect::TypeChanged {
                table,
                column,
                display,
                old,
                new,
            } => {
                let now = after
                    .tables
                    .get(table)?
                    .column(column)?
                    .data_type
                    .as_ref()
                    .map(canonical_type)?;
                match old {
                    Some(old) if &now != old => Some(format!(
                        "column `{display}` is `{now}` after the down; it was `{old}` before the up"
                    )),
                    None if &now == new => Some(format!(
                        "column `{display}` keeps the type `{new}` the up gave it; the down does not change it back"
                    )),
                    _ => None,
                }
            }
            Effect::NotNull {
                table,
                column,
                display,
                set,
            } => {
                let was = before
                    .tables
                    .get(table)
                    .and_then(|t| t.column(column))
                    .map(|c| c.not_null);
                let now = after.tables.get(table)?.column(column)?.not_null;
                // The up changed it, so it was the opposite before (unless we know otherwise).
                let was = was.unwrap_or(!set);
                (was != *set && now == *set).then(|| {
                    if *set {
                        format!("column `{display}` is still NOT NULL after the down")
                    } else {
                        format!("column `{display}` is still nullable after the down; the up dropped its NOT NULL")
                    }
                })
            }
            Effect::IndexCreated(k, d) => after
                .indexes
                .contains_key(k)
                .then(|| format!("index `{d}` created by the up is left behind by the down")),
            Effect::IndexDropped(k, d) => (before.indexes.contains_key(k)
                && !after.indexes.contains_key(k))
            .then(|| format!("index `{d}` dropped by the up is not recreated by the down")),
            Effect::ConstraintAdded {
                table,
                name,
                display,
                ..
            } => after
                .tables
                .get(table)
                .is_some_and(|t| t.constraints.contains(name))
                .then(|| {
                    format!("constraint `{display}` added by the up is left behind by the down")
                }),
            Effect::ConstraintDropped {
                table,
                name,
                display,
            } => after
                .tables
                .get(table)
                .is_some_and(|t| !t.constraints.contains(name))
                .then(|| {
                    format!("constraint `{display}` dropped by the up is not recreated by the down")
                }),
            Effect::Created(noun, k, d) => {
                let there = match *noun {
                    "view" => after.views.contains(k),
                    "sequence" => after.sequences.contains(k),
                    _ => after.types.contains_key(k),
                };
                there.then(|| format!("{noun} `{d}` created by the up is left behind by the down"))
            }
            Effect::Dropped(noun, k, d) => {
                let (was, now) = match *noun {
                    "view" => (before.views.contains(k), after.views.contains(k)),
                    "sequence" => (before.sequences.contains(k), after.sequences.contains(k)),
                    _ => (before.types.contains_key(k), after.types.contains_key(k)),
                };
                (was && !now)
                    .then(|| format!("{noun} `{d}` dropped by the up is not recreated by the down"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::sql::Dialect;

    fn stmts(sql: &str) -> Vec<Statement> {
        crate::parse::sql::parse(&SourceFile::from_text("t.sql", sql), Dialect::Postgres).statements
    }

    #[test]
    fn replays_tables_and_columns() {
        let mut c = Catalog::default();
        c.apply_all(&stmts(
            "CREATE TABLE users (id int PRIMARY KEY, email varchar(100) NOT NULL);
             ALTER TABLE users ADD COLUMN nick text;
             ALTER TABLE users RENAME COLUMN nick TO nickname;
             ALTER TABLE orders ADD COLUMN total numeric;",
        ));
        let users = &c.tables["users"];
        assert!(users.complete);
        assert_eq!(
            users
                .column("email")
                .unwrap()
                .data_type
                .as_ref()
                .unwrap()
                .raw,
            "varchar(100)"
        );
        assert!(users.column("nickname").is_some());
        assert!(!c.tables["orders"].complete);
    }

    /// Each table's indexes follow it through drops, re-creations, renames and column drops
    /// (kept per table, so a table's change touches its own indexes only).
    #[test]
    fn indexes_follow_their_table() {
        let mut c = Catalog::default();
        c.apply_all(&stmts(
            "CREATE TABLE a (id int, x int); CREATE TABLE b (id int, y int);
             CREATE INDEX a_x ON a (x); CREATE INDEX a_id_x ON a (id, x); CREATE INDEX b_y ON b (y);
             ALTER TABLE b RENAME TO c;
             ALTER TABLE a DROP COLUMN x;",
        ));
        let keys = |c: &Catalog| c.indexes.keys().cloned().collect::<Vec<_>>();
        // The one-column index went with its column; the two-column one stays.
        assert_eq!(keys(&c), ["a_id_x", "b_y"]);
        assert_eq!(c.indexes["b_y"].table, "c");
        c.apply_all(&stmts(
            "ALTER INDEX a_id_x RENAME TO a_pair; DROP TABLE c; CREATE TABLE a (id int);",
        ));
        assert!(keys(&c).is_empty(), "{:?}", keys(&c));
        assert!(c.indexes_of.is_empty());
    }

    #[test]
    fn down_that_leaves_a_column_is_named() {
        let before = Catalog::default();
        let up = stmts(
            "ALTER TABLE users ADD COLUMN nickname text; CREATE INDEX users_nick ON users (nickname);",
        );
        let d = reverse_differences(&before, &up, &stmts("DROP INDEX users_nick;"));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("users.nickname"), "{d:?}");
        let ok = reverse_differences(
            &before,
            &up,
            &stmts("DROP INDEX users_nick; ALTER TABLE users DROP COLUMN nickname;"),
        );
        assert!(ok.is_empty(), "{ok:?}");
    }
}
