//! sqlparser's AST -> our statement model.
//!
//! Names take their spans from sqlparser's identifiers (mapped from its line/column, relative to
//! the statement, to file bytes); clause spans (each ALTER TABLE action, column definitions) come
//! from our own tokens, which are exact.

use sqlparser::ast as sp;
use sqlparser::ast::Spanned;

use super::cursor::{Cursor, code_text, span_of, split_top_level};
use super::lexer::{Tok, TokKind};
use super::recognize::{self, password_span, volatility};
use crate::source::{SourceFile, Span};
use crate::sql::*;

/// Maps sqlparser locations (1-based line and character column inside the statement text) to
/// byte offsets in the file.
pub struct PosMap<'a> {
    pub file: &'a SourceFile,
    /// Byte offset where the statement text starts.
    pub base: usize,
    base_line: usize,
    base_col: usize,
}

impl<'a> PosMap<'a> {
    pub fn new(file: &'a SourceFile, base: usize) -> Self {
        let lc = file.line_col(base);
        PosMap {
            file,
            base,
            base_line: lc.line,
            base_col: lc.column,
        }
    }

    pub fn offset(&self, loc: sqlparser::tokenizer::Location) -> Option<usize> {
        if loc.line == 0 {
            return None;
        }
        let line = self.base_line + loc.line as usize - 1;
        let col = if loc.line == 1 {
            self.base_col + loc.column as usize - 1
        } else {
            loc.column as usize
        };
        Some(self.file.lines().offset_of(&self.file.text, line, col))
    }

    pub fn span(&self, span: sqlparser::tokenizer::Span) -> Option<Span> {
        let start = self.offset(span.start)?;
        let end = self.offset(span.end).unwrap_or(start).max(start);
        Some(Span::new(start, end))
    }
}

pub struct Converter<'a> {
    pub map: PosMap<'a>,
    pub text: &'a str,
    /// The statement's code tokens.
    pub toks: &'a [Tok],
    pub dialect: Dialect,
    /// The statement's span (fallback for nodes without positions).
    pub stmt_span: Span,
}

impl<'a> Converter<'a> {
    fn ident(&self, id: &sp::Ident) -> Ident {
        let span = self
            .map
            .span(id.span)
            .filter(|s| !s.is_empty())
            .unwrap_or(Span::at(self.stmt_span.start));
        // A template placeholder (`${table}`) was read as a run of `x` of its length: the name
        // is the placeholder as written.
        let placeholder = id.quote_style.is_none()
            && !span.is_empty()
            && id.value.bytes().all(|b| b == b'x')
            && self
                .toks
                .iter()
                .any(|t| t.kind == super::lexer::TokKind::Template && t.span() == span);
        Ident {
            value: if placeholder {
                span.text(self.text).to_string()
            } else {
                id.value.clone()
            },
            // Backticks (MySQL) do not make a name case-sensitive.
            quoted: id.quote_style.is_some_and(|q| q != '`'),
            span,
        }
    }

    fn name(&self, n: &sp::ObjectName) -> ObjectName {
        let parts: Vec<Ident> =
            n.0.iter()
                .map(|p| match p.as_ident() {
                    Some(id) => self.ident(id),
                    None => Ident::new(p.to_string(), Span::at(self.stmt_span.start)),
                })
                .collect();
        if parts.is_empty() {
            return ObjectName::single(Ident::new("?", Span::at(self.stmt_span.start)));
        }
        ObjectName { parts }
    }

    fn node_span(&self, node: &impl Spanned) -> Option<Span> {
        self.map.span(node.span()).filter(|s| !s.is_empty())
    }

    fn sql_type(&self, dt: &sp::DataType, near: Span) -> Option<SqlType> {
        if matches!(dt, sp::DataType::Unspecified) {
            return None;
        }
        // The type follows the column name: take its exact span (and spelling) from the tokens
        // when we can, sqlparser's rendering otherwise.
        match self.type_span_after(near.end) {
            Some(span) => {
                let mut t = SqlType::parse(&dt.to_string(), span);
                let toks: Vec<Tok> = self
                    .toks
                    .iter()
                    .filter(|t| span.encloses(t.span()))
                    .copied()
                    .collect();
                t.raw = code_text(self.text, &toks);
                // A MySQL character set right after the type (`varchar(255) CHARACTER SET
                // utf8mb4`) decides how many bytes its length takes: keep it with the type.
                let mut words = self
                    .toks
                    .iter()
                    .filter(|t| t.span().start >= span.end && !t.is_trivia())
                    .take(3)
                    .map(|t| t.text(self.text));
                let charset = match (words.next(), words.next(), words.next()) {
                    (Some(a), Some(b), Some(c))
                        if a.eq_ignore_ascii_case("CHARACTER") && b.eq_ignore_ascii_case("SET") =>
                    {
                        Some(c)
                    }
                    (Some(a), Some(b), _) if a.eq_ignore_ascii_case("CHARSET") => Some(b),
                    _ => None,
                };
                if let Some(cs) = charset {
                    t.raw = format!("{} CHARACTER SET {cs}", t.raw);
                }
                Some(t)
            }
            None => Some(SqlType::parse(&dt.to_string(), near)),
        }
    }

    /// Span of the type words that follow offset `after` (a column name), up to the first option.
    fn type_span_after(&self, after: usize) -> Option<Span> {
        let start = self.toks.iter().position(|t| t.span().start >= after)?;
        let mut c = Cursor::new(self.text, self.toks);
        c.pos = start;
        // Skip `TYPE`/`SET DATA TYPE` keywords of ALTER COLUMN.
        c.eat_seq(&["SET", "DATA", "TYPE"]);
        c.eat("TYPE");
        let from = c.pos;
        let mut depth = 0i32;
        while let Some(t) = c.peek() {
            match t.kind {
                TokKind::LParen => depth += 1,
                TokKind::RParen if depth == 0 => break,
                TokKind::RParen => depth -= 1,
                TokKind::Comma if depth == 0 => break,
                TokKind::Word if depth == 0 => {
                    let w = c.tok_text(t).to_ascii_uppercase();
                    let stop = [
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
                        "COMMENT",
                        "USING",
                        "FIRST",
                        "AFTER",
                        "CHARACTER",
                        "CHARSET",
                        "ON",
                        "AS",
                        "IDENTITY",
                        "AUTOINCREMENT",
                    ];
                    if stop.contains(&w.as_str()) && c.pos > from {
                        break;
                    }
                }
                _ => {}
            }
            c.pos += 1;
        }
        (c.pos > from).then(|| span_of(self.toks, from..c.pos))
    }

    /// A default expression inside `within` (a column definition or a `SET DEFAULT` action).
    /// Its span and text come from our tokens: sqlparser's expression spans often stop short
    /// (`now` of `now()`), and its rendering changes the spelling (`::TEXT`).
    fn default_expr(&self, e: &sp::Expr, within: Span) -> DefaultExpr {
        let (text, span) = match self.default_span(within) {
            Some(span) => (span.text(self.text).to_string(), span),
            None => (e.to_string(), self.node_span(e).unwrap_or(within)),
        };
        let is_null = matches!(e, sp::Expr::Value(v) if matches!(v.value, sp::Value::Null));
        DefaultExpr {
            volatility: volatility(&text, self.dialect),
            text,
            span,
            is_null,
        }
    }

    /// From the token after the first `DEFAULT` in `within` to the next column option.
    fn default_span(&self, within: Span) -> Option<Span> {
        let toks: Vec<Tok> = self
            .toks
            .iter()
            .filter(|t| within.encloses(t.span()))
            .copied()
            .collect();
        let at = toks.iter().position(|t| t.is_kw(self.text, "DEFAULT"))?;
        let mut c = Cursor::new(self.text, &toks);
        c.pos = at + 1;
        recognize::skip_expr(&mut c);
        (c.pos > at + 1).then(|| span_of(&toks, at + 1..c.pos))
    }

    fn column(&self, c: &sp::ColumnDef, extent: Option<Span>) -> ColumnDef {
        let name = self.ident(&c.name);
        let span = extent.unwrap_or(name.span);
        let data_type = self.sql_type(&c.data_type, name.span);
        let mut col = ColumnDef::new(name, data_type, span);
        for opt in &c.options {
            match &opt.option {
                sp::ColumnOption::NotNull => col.not_null = true,
                sp::ColumnOption::Null => col.not_null = false,
                sp::ColumnOption::Default(e) => col.default = Some(self.default_expr(e, span)),
                sp::ColumnOption::PrimaryKey(_) => col.primary_key = true,
                sp::ColumnOption::Unique(_) => col.unique = true,
                sp::ColumnOption::ForeignKey(fk) => {
                    col.references = Some(self.name(&fk.foreign_table))
                }
                sp::ColumnOption::Check(_) => col.check = true,
                sp::ColumnOption::Generated {
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => {
                    if generation_expr.is_some() {
                        col.generated_stored = matches!(
                            generation_expr_mode,
                            Some(sp::GeneratedExpressionMode::Stored)
                        );
                    } else {
                        col.identity = true;
                    }
                }
                sp::ColumnOption::Identity(_) => col.identity = true,
                sp::ColumnOption::DialectSpecific(tokens)
                    if tokens.iter().any(|t| {
                        let s = t.to_string();
                        s.eq_ignore_ascii_case("AUTO_INCREMENT")
                            || s.eq_ignore_ascii_case("AUTOINCREMENT")
                    }) =>
                {
                    col.identity = true;
                }
                _ => {}
            }
        }
        col
    }

    fn index_columns(&self, cols: &[sp::IndexColumn]) -> Vec<Ident> {
        cols.iter()
            .filter_map(|c| match &c.column.expr {
                sp::Expr::Identifier(id) => Some(self.ident(id)),
                sp::Expr::CompoundIdentifier(ids) => ids.last().map(|id| self.ident(id)),
                _ => None,
            })
            .collect()
    }

    fn constraint(&self, tc: &sp::TableConstraint, not_valid: bool, span: Span) -> TableConstraint {
        use sp::TableConstraint as T;
        let opt_ident = |i: &Option<sp::Ident>| i.as_ref().map(|i| self.ident(i));
        let (name, kind) = match tc {
            T::PrimaryKey(pk) => (
                opt_ident(&pk.name),
                ConstraintKind::PrimaryKey {
                    columns: self.index_columns(&pk.columns),
                    using_index: None,
                },
            ),
            T::Unique(u) => (
                opt_ident(&u.name),
                ConstraintKind::Unique {
                    columns: self.index_columns(&u.columns),
                    using_index: None,
                },
            ),
            T::ForeignKey(fk) => (
                opt_ident(&fk.name),
                ConstraintKind::ForeignKey {
                    columns: fk.columns.iter().map(|i| self.ident(i)).collect(),
                    references: self.name(&fk.foreign_table),
                    ref_columns: fk.referred_columns.iter().map(|i| self.ident(i)).collect(),
                },
            ),
            T::Check(ch) => (
                opt_ident(&ch.name),
                ConstraintKind::Check {
                    expr: ch.expr.to_string(),
                },
            ),
            T::Index(ix) => (
                opt_ident(&ix.name),
                ConstraintKind::Index {
                    columns: self.index_columns(&ix.columns),
                },
            ),
            T::FulltextOrSpatial(fs) => (
                fs.opt_index_name.as_ref().map(|i| self.ident(i)),
                ConstraintKind::Index {
                    columns: self.index_columns(&fs.columns),
                },
            ),
            T::PrimaryKeyUsingIndex(u) => (
                opt_ident(&u.name),
                ConstraintKind::PrimaryKey {
                    columns: Vec::new(),
                    using_index: Some(self.ident(&u.index_name)),
                },
            ),
            T::UniqueUsingIndex(u) => (
                opt_ident(&u.name),
                ConstraintKind::Unique {
                    columns: Vec::new(),
                    using_index: Some(self.ident(&u.index_name)),
                },
            ),
            T::Exclude(_) => (None, ConstraintKind::Exclude),
        };
        TableConstraint {
            name,
            kind,
            not_valid,
            span,
        }
    }

    /// The token ranges of a CREATE TABLE's column and constraint elements.
    fn create_table_elements(&self) -> Vec<Span> {
        let Some(open) = self.toks.iter().position(|t| t.kind == TokKind::LParen) else {
            return Vec::new();
        };
        let mut depth = 0i32;
        let mut close = self.toks.len();
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                TokKind::LParen => depth += 1,
                TokKind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        close = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        split_top_level(self.toks, open + 1, close)
            .into_iter()
            .map(|r| span_of(self.toks, r))
            .collect()
    }

    fn create_table(&self, ct: &sp::CreateTable) -> CreateTable {
        let elements = self.create_table_elements();
        let element_for = |start: usize| elements.iter().copied().find(|e| e.contains(start));
        let columns = ct
            .columns
            .iter()
            .map(|c| {
                let start = self.map.span(c.name.span).map(|s| s.start).unwrap_or(0);
                self.column(c, element_for(start))
            })
            .collect();
        let constraints = ct
            .constraints
            .iter()
            .map(|tc| {
                let span = self
                    .node_span(tc)
                    .and_then(|s| element_for(s.start))
                    .unwrap_or(self.stmt_span);
                self.constraint(tc, false, span)
            })
            .collect();
        CreateTable {
            name: self.name(&ct.name),
            columns,
            constraints,
            if_not_exists: ct.if_not_exists,
            temporary: ct.temporary,
            derived: ct.query.is_some()
                || ct.like.is_some()
                || ct.partition_of.is_some()
                || ct.clone.is_some(),
            or_replace: ct.or_replace,
        }
    }

    /// Spans of each top-level comma-separated action after `ALTER TABLE [IF EXISTS] [ONLY] name`.
    fn alter_action_spans(&self) -> Vec<Span> {
        let mut c = Cursor::new(self.text, self.toks);
        c.eat("ALTER");
        c.eat("ONLINE");
        c.eat("IGNORE");
        c.eat("TABLE");
        c.eat_seq(&["IF", "EXISTS"]);
        c.eat("ONLY");
        if c.object_name().is_none() {
            return Vec::new();
        }
        if c.peek().is_some_and(|t| c.tok_text(t) == "*") {
            c.next();
        }
        c.split_top_level()
            .into_iter()
            .map(|r| span_of(self.toks, r))
            .collect()
    }

    fn alter_table(&self, at: &sp::AlterTable) -> AlterTable {
        let spans = self.alter_action_spans();
        let mut table = AlterTable {
            name: self.name(&at.name),
            actions: Vec::new(),
            if_exists: at.if_exists,
            only: at.only,
            algorithm: None,
            lock: None,
        };
        let same_count = spans.len() == at.operations.len();
        for (i, op) in at.operations.iter().enumerate() {
            let span = if same_count {
                spans[i]
            } else {
                self.node_span(op).unwrap_or(self.stmt_span)
            };
            self.alter_op(op, span, &mut table);
        }
        table
    }

    fn alter_op(&self, op: &sp::AlterTableOperation, span: Span, table: &mut AlterTable) {
        use sp::AlterTableOperation as O;
        let mut push = |action: AlterAction| table.actions.push(AlterItem { action, span });
        match op {
            O::AddConstraint {
                constraint,
                not_valid,
            } => match constraint {
                sp::TableConstraint::Index(ix) => push(AlterAction::AddIndex {
                    name: ix.name.as_ref().map(|n| self.ident(n)),
                    columns: self.index_columns(&ix.columns),
                    unique: false,
                }),
                sp::TableConstraint::FulltextOrSpatial(fs) => push(AlterAction::AddIndex {
                    name: fs.opt_index_name.as_ref().map(|n| self.ident(n)),
                    columns: self.index_columns(&fs.columns),
                    unique: false,
                }),
                _ => push(AlterAction::AddConstraint {
                    constraint: self.constraint(constraint, *not_valid, span),
                }),
            },
            O::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => push(AlterAction::AddColumn {
                column: self.column(column_def, Some(self.column_extent(span, &column_def.name))),
                if_not_exists: *if_not_exists,
            }),
            O::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => {
                for name in column_names {
                    push(AlterAction::DropColumn {
                        name: self.ident(name),
                        if_exists: *if_exists,
                        cascade: matches!(drop_behavior, Some(sp::DropBehavior::Cascade)),
                    });
                }
            }
            O::RenameColumn {
                old_column_name,
                new_column_name,
            } => push(AlterAction::RenameColumn {
                from: self.ident(old_column_name),
                to: self.ident(new_column_name),
            }),
            O::RenameTable { table_name } => {
                let to = match table_name {
                    sp::RenameTableNameKind::As(n) | sp::RenameTableNameKind::To(n) => self.name(n),
                };
                push(AlterAction::RenameTable { to })
            }
            O::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => {
                let def = sp::ColumnDef {
                    name: new_name.clone(),
                    data_type: data_type.clone(),
                    options: options
                        .iter()
                        .map(|o| sp::ColumnOptionDef {
                            name: None,
                            option: o.clone(),
                        })
                        .collect(),
                };
                push(AlterAction::ModifyColumn {
                    old_name: self.ident(old_name),
                    column: self.column(&def, Some(self.column_extent(span, new_name))),
                })
            }
            O::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => {
                let def = sp::ColumnDef {
                    name: col_name.clone(),
                    data_type: data_type.clone(),
                    options: options
                        .iter()
                        .map(|o| sp::ColumnOptionDef {
                            name: None,
                            option: o.clone(),
                        })
                        .collect(),
                };
                push(AlterAction::ModifyColumn {
                    old_name: self.ident(col_name),
                    column: self.column(&def, Some(self.column_extent(span, col_name))),
                })
            }
            O::RenameConstraint { old_name, new_name } => push(AlterAction::RenameConstraint {
                from: self.ident(old_name),
                to: self.ident(new_name),
            }),
            O::AlterColumn { column_name, op } => {
                let column = self.ident(column_name);
                let action = match op {
                    sp::AlterColumnOperation::SetNotNull => AlterAction::SetNotNull { column },
                    sp::AlterColumnOperation::DropNotNull => AlterAction::DropNotNull { column },
                    sp::AlterColumnOperation::SetDefault { value } => AlterAction::SetDefault {
                        default: self.default_expr(value, span),
                        column,
                    },
                    sp::AlterColumnOperation::DropDefault => AlterAction::DropDefault { column },
                    sp::AlterColumnOperation::SetDataType {
                        data_type, using, ..
                    } => {
                        let new_type = self
                            .sql_type(data_type, column.span)
                            .unwrap_or_else(|| SqlType::parse(&data_type.to_string(), span));
                        AlterAction::AlterColumnType {
                            column,
                            new_type,
                            using: using.as_ref().map(|u| u.to_string()),
                        }
                    }
                    sp::AlterColumnOperation::AddGenerated { .. } => {
                        AlterAction::AddIdentity { column }
                    }
                };
                push(action)
            }
            O::DropConstraint {
                if_exists, name, ..
            } => push(AlterAction::DropConstraint {
                name: self.ident(name),
                if_exists: *if_exists,
            }),
            O::DropForeignKey { name, .. } => push(AlterAction::DropConstraint {
                name: self.ident(name),
                if_exists: false,
            }),
            O::DropPrimaryKey { .. } => push(AlterAction::DropPrimaryKey),
            O::DropIndex { name } => push(AlterAction::DropIndex {
                name: self.ident(name),
            }),
            O::ValidateConstraint { name } => push(AlterAction::ValidateConstraint {
                name: self.ident(name),
            }),
            O::Algorithm { algorithm, .. } => {
                table.algorithm = Some((algorithm.to_string().to_ascii_uppercase(), span))
            }
            O::Lock { lock, .. } => {
                table.lock = Some((lock.to_string().to_ascii_uppercase(), span))
            }
            other => {
                let text = other.to_string();
                let what: Vec<String> = text
                    .split_whitespace()
                    .take(2)
                    .map(|w| w.to_ascii_uppercase())
                    .collect();
                push(AlterAction::Other {
                    what: what.join(" "),
                })
            }
        }
    }

    /// A column definition's extent inside an action span: from the column name to the action end.
    fn column_extent(&self, action: Span, name: &sp::Ident) -> Span {
        match self.map.span(name.span) {
            Some(s) if action.encloses(s) => Span::new(s.start, action.end),
            _ => action,
        }
    }

    /// The code token right after the first occurrence of the keyword sequence `kws`.
    fn after_keywords(&self, kws: &[&str]) -> Option<&'a Tok> {
        let text = self.text;
        let toks = self.toks;
        (0..toks.len())
            .find(|&i| {
                kws.iter()
                    .enumerate()
                    .all(|(k, kw)| toks.get(i + k).is_some_and(|t| t.is_kw(text, kw)))
            })
            .and_then(|i| toks.get(i + kws.len()))
    }

    fn txn(&self, kind: TxnKind) -> StmtKind {
        StmtKind::Transaction(kind)
    }

    fn head(&self) -> String {
        self.toks
            .iter()
            .take_while(|t| t.kind == TokKind::Word)
            .take(2)
            .map(|t| t.span().text(self.text).to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn statement(&self, s: &sp::Statement) -> StmtKind {
        use sp::Statement as S;
        match s {
            S::CreateTable(ct) => StmtKind::CreateTable(self.create_table(ct)),
            S::AlterTable(at) => StmtKind::AlterTable(Box::new(self.alter_table(at))),
            S::CreateIndex(ci) => {
                let (mut algorithm, mut lock) = (None, None);
                for op in &ci.alter_options {
                    let span = self.node_span(op).unwrap_or(self.stmt_span);
                    match op {
                        sp::AlterTableOperation::Algorithm { algorithm: a, .. } => {
                            algorithm = Some((a.to_string().to_ascii_uppercase(), span))
                        }
                        sp::AlterTableOperation::Lock { lock: l, .. } => {
                            lock = Some((l.to_string().to_ascii_uppercase(), span))
                        }
                        _ => {}
                    }
                }
                StmtKind::CreateIndex(Box::new(CreateIndex {
                    name: ci.name.as_ref().map(|n| self.name(n).base().clone()),
                    table: self.name(&ci.table_name),
                    columns: ci
                        .columns
                        .iter()
                        .map(|c| c.column.expr.to_string())
                        .collect(),
                    unique: ci.unique,
                    concurrently: ci.concurrently,
                    if_not_exists: ci.if_not_exists,
                    partial: ci.predicate.is_some(),
                    algorithm,
                    lock,
                }))
            }
            S::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                table,
                ..
            } => {
                let names: Vec<ObjectName> = names.iter().map(|n| self.name(n)).collect();
                let kind = match object_type {
                    sp::ObjectType::Table => ObjectKind::Table,
                    sp::ObjectType::View => ObjectKind::View,
                    sp::ObjectType::MaterializedView => ObjectKind::MaterializedView,
                    sp::ObjectType::Index => {
                        return StmtKind::DropIndex {
                            names,
                            concurrently: false,
                            if_exists: *if_exists,
                            table: table.as_ref().map(|t| self.name(t)),
                        };
                    }
                    sp::ObjectType::Schema => ObjectKind::Schema,
                    sp::ObjectType::Database => ObjectKind::Database,
                    sp::ObjectType::Role | sp::ObjectType::User => ObjectKind::Role,
                    sp::ObjectType::Sequence => ObjectKind::Sequence,
                    sp::ObjectType::Type => ObjectKind::Type,
                    _ => ObjectKind::Other,
                };
                StmtKind::Drop {
                    kind,
                    names,
                    if_exists: *if_exists,
                    cascade: *cascade,
                }
            }
            S::DropFunction(df) => StmtKind::Drop {
                kind: ObjectKind::Function,
                names: df.func_desc.iter().map(|f| self.name(&f.name)).collect(),
                if_exists: df.if_exists,
                cascade: matches!(df.drop_behavior, Some(sp::DropBehavior::Cascade)),
            },
            S::DropProcedure {
                if_exists,
                proc_desc,
                drop_behavior,
            } => StmtKind::Drop {
                kind: ObjectKind::Procedure,
                names: proc_desc.iter().map(|f| self.name(&f.name)).collect(),
                if_exists: *if_exists,
                cascade: matches!(drop_behavior, Some(sp::DropBehavior::Cascade)),
            },
            S::DropTrigger(dt) => StmtKind::Drop {
                kind: ObjectKind::Trigger,
                names: vec![self.name(&dt.trigger_name)],
                if_exists: dt.if_exists,
                cascade: false,
            },
            S::DropExtension(de) => StmtKind::Drop {
                kind: ObjectKind::Extension,
                names: de
                    .names
                    .iter()
                    .map(|n| ObjectName::single(self.ident(n)))
                    .collect(),
                if_exists: de.if_exists,
                cascade: false,
            },
            S::DropDomain(dd) => StmtKind::Drop {
                kind: ObjectKind::Domain,
                names: vec![self.name(&dd.name)],
                if_exists: dd.if_exists,
                cascade: false,
            },
            S::DropPolicy(dp) => StmtKind::Drop {
                kind: ObjectKind::Policy,
                names: vec![ObjectName::single(self.ident(&dp.name))],
                if_exists: dp.if_exists,
                cascade: false,
            },
            S::RenameTable(renames) => StmtKind::RenameTables {
                renames: renames
                    .iter()
                    .map(|r| (self.name(&r.old_name), self.name(&r.new_name)))
                    .collect(),
            },
            S::Truncate(t) => StmtKind::Truncate {
                tables: t.table_names.iter().map(|t| self.name(&t.name)).collect(),
            },
            S::CreateType {
                name,
                representation,
            } => StmtKind::CreateType {
                name: self.name(name),
                enum_values: match representation {
                    Some(sp::UserDefinedTypeRepresentation::Enum { labels }) => {
                        Some(labels.iter().map(|l| l.value.clone()).collect())
                    }
                    _ => None,
                },
            },
            S::AlterType(at) => {
                let action = match &at.operation {
                    sp::AlterTypeOperation::AddValue(v) => AlterTypeAction::AddValue {
                        value: v.value.value.clone(),
                    },
                    sp::AlterTypeOperation::RenameValue(v) => {
                        // The old label is a string literal: sqlparser gives it no position.
                        let span = self
                            .after_keywords(&["RENAME", "VALUE"])
                            .map(|t| t.span())
                            .unwrap_or_else(|| self.ident(&v.from).span);
                        AlterTypeAction::RenameValue {
                            from: v.from.value.clone(),
                            to: v.to.value.clone(),
                            span,
                        }
                    }
                    sp::AlterTypeOperation::Rename(r) => AlterTypeAction::Rename {
                        to: self.ident(&r.new_name),
                    },
                };
                StmtKind::AlterType {
                    name: self.name(&at.name),
                    action,
                }
            }
            S::CreateView(cv) => StmtKind::Create {
                kind: if cv.materialized {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                },
                name: Some(self.name(&cv.name)),
                or_replace: cv.or_replace,
                if_not_exists: cv.if_not_exists,
                trigger_function: false,
            },
            S::CreateSequence {
                name,
                if_not_exists,
                ..
            } => StmtKind::Create {
                kind: ObjectKind::Sequence,
                name: Some(self.name(name)),
                or_replace: false,
                if_not_exists: *if_not_exists,
                trigger_function: false,
            },
            S::CreateFunction(f) => StmtKind::Create {
                kind: ObjectKind::Function,
                name: Some(self.name(&f.name)),
                or_replace: f.or_replace,
                if_not_exists: f.if_not_exists,
                trigger_function: f
                    .return_type
                    .as_ref()
                    .is_some_and(|r| crate::sql::returns_trigger(&r.to_string())),
            },
            S::CreateProcedure { name, or_alter, .. } => StmtKind::Create {
                kind: ObjectKind::Procedure,
                name: Some(self.name(name)),
                or_replace: *or_alter,
                if_not_exists: false,
                trigger_function: false,
            },
            S::CreateTrigger(t) => StmtKind::Create {
                kind: ObjectKind::Trigger,
                name: Some(self.name(&t.name)),
                or_replace: t.or_replace,
                if_not_exists: false,
                trigger_function: false,
            },
            S::CreateSchema {
                schema_name,
                if_not_exists,
                or_replace,
                ..
            } => StmtKind::Create {
                kind: ObjectKind::Schema,
                // `CREATE SCHEMA AUTHORIZATION joe` names the schema after the role.
                name: Some(match schema_name {
                    sp::SchemaName::Simple(n) | sp::SchemaName::NamedAuthorization(n, _) => {
                        self.name(n)
                    }
                    sp::SchemaName::UnnamedAuthorization(role) => {
                        ObjectName::single(self.ident(role))
                    }
                }),
                or_replace: *or_replace,
                if_not_exists: *if_not_exists,
                trigger_function: false,
            },
            S::CreateDatabase {
                db_name,
                if_not_exists,
                ..
            } => StmtKind::Create {
                kind: ObjectKind::Database,
                name: Some(self.name(db_name)),
                or_replace: false,
                if_not_exists: *if_not_exists,
                trigger_function: false,
            },
            S::CreateExtension(e) => StmtKind::Create {
                kind: ObjectKind::Extension,
                name: Some(ObjectName::single(self.ident(&e.name))),
                or_replace: false,
                if_not_exists: e.if_not_exists,
                trigger_function: false,
            },
            S::CreatePolicy(p) => StmtKind::Create {
                kind: ObjectKind::Policy,
                name: Some(ObjectName::single(self.ident(&p.name))),
                or_replace: false,
                if_not_exists: false,
                trigger_function: false,
            },
            S::CreateDomain(d) => StmtKind::Create {
                kind: ObjectKind::Domain,
                name: Some(self.name(&d.name)),
                or_replace: false,
                if_not_exists: false,
                trigger_function: false,
            },
            S::CreateRole(r) => StmtKind::Role {
                name: r.names.first().map(|n| self.name(n).base().clone()),
                create: true,
                password: password_span(self.text, self.toks),
            },
            S::CreateUser(_) => StmtKind::Role {
                name: None,
                create: true,
                password: password_span(self.text, self.toks),
            },
            S::AlterRole { name, .. } => StmtKind::Role {
                name: Some(self.ident(name)),
                create: false,
                password: password_span(self.text, self.toks),
            },
            S::AlterUser(_) => StmtKind::Role {
                name: None,
                create: false,
                password: password_span(self.text, self.toks),
            },
            S::AlterIndex { name, .. } => StmtKind::AlterOther {
                kind: ObjectKind::Index,
                name: Some(self.name(name)),
            },
            S::AlterView { name, .. } => StmtKind::AlterOther {
                kind: ObjectKind::View,
                name: Some(self.name(name)),
            },
            S::AlterSchema(a) => StmtKind::AlterOther {
                kind: ObjectKind::Schema,
                name: Some(self.name(&a.name)),
            },
            S::AlterPolicy(_) => StmtKind::AlterOther {
                kind: ObjectKind::Policy,
                name: None,
            },
            S::Vacuum(v) => StmtKind::Vacuum {
                full: v.full,
                tables: v.table_name.iter().map(|n| self.name(n)).collect(),
            },
            S::Set(set) => match set {
                sp::Set::SingleAssignment {
                    scope,
                    variable,
                    values,
                    ..
                } => StmtKind::Set {
                    // `SET "lock_timeout" = ...` names the same setting.
                    name: variable.to_string().to_ascii_lowercase().replace('"', ""),
                    value: values
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    local: matches!(scope, Some(sp::ContextModifier::Local)),
                },
                _ => StmtKind::Other { head: "SET".into() },
            },
            S::StartTransaction { .. } => self.txn(TxnKind::Begin),
            S::Commit { .. } => self.txn(TxnKind::Commit),
            S::Rollback {
                savepoint: None, ..
            } => self.txn(TxnKind::Rollback),
            S::Insert(ins) => match &ins.table {
                sp::TableObject::TableName(n) => StmtKind::Insert {
                    table: self.name(n),
                    columns: ins
                        .columns
                        .iter()
                        .filter_map(|c| {
                            c.0.last().and_then(|p| p.as_ident()).map(|i| self.ident(i))
                        })
                        .collect(),
                },
                _ => StmtKind::Query,
            },
            S::Update(u) => match &u.table.relation {
                sp::TableFactor::Table { name, .. } => StmtKind::Update {
                    table: self.name(name),
                    has_where: u.selection.is_some(),
                },
                _ => StmtKind::Query,
            },
            S::Delete(d) => {
                let from = match &d.from {
                    sp::FromTable::WithFromKeyword(f) | sp::FromTable::WithoutKeyword(f) => f,
                };
                let table = d.tables.first().cloned().or_else(|| {
                    from.first().and_then(|t| match &t.relation {
                        sp::TableFactor::Table { name, .. } => Some(name.clone()),
                        _ => None,
                    })
                });
                match table {
                    Some(n) => StmtKind::Delete {
                        table: self.name(&n),
                        has_where: d.selection.is_some(),
                    },
                    None => StmtKind::Query,
                }
            }
            S::Copy { source, to, .. } => StmtKind::Copy {
                table: match source {
                    sp::CopySource::Table { table_name, .. } => Some(self.name(table_name)),
                    _ => None,
                },
                from: !*to,
            },
            S::Grant(_) => StmtKind::Grant,
            S::Revoke(_) => StmtKind::Revoke,
            S::Comment { .. } => StmtKind::Comment,
            S::Query(_) | S::Explain { .. } | S::Call(_) => StmtKind::Query,
            _ => {
                // Statements we have no rules for keep their head so token-level rules and the
                // recogniser's view agree.
                match recognize::recognize(self.text, self.toks, self.dialect) {
                    Some(kind) => kind,
                    None => StmtKind::Other { head: self.head() },
                }
            }
        }
    }
}
