//! LK: changes that take long or strong locks, or rewrite tables.

mod add_column_with_volatile_default;
mod add_constraint_without_using_index;
mod cluster;
mod concurrently_in_transaction;
mod constraint_without_not_valid;
mod create_index_without_concurrently;
mod drop_index_without_concurrently;
mod missing_lock_timeout;
mod mixed_schema_and_data_change;
mod multiple_alters_same_table;
mod mysql_alter_without_algorithm;
mod reindex_without_concurrently;
mod vacuum_full;

pub use add_column_with_volatile_default::AddColumnWithVolatileDefault;
pub use add_constraint_without_using_index::AddConstraintWithoutUsingIndex;
pub use cluster::Cluster;
pub use concurrently_in_transaction::ConcurrentlyInTransaction;
pub use constraint_without_not_valid::ConstraintWithoutNotValid;
pub use create_index_without_concurrently::CreateIndexWithoutConcurrently;
pub use drop_index_without_concurrently::DropIndexWithoutConcurrently;
pub use missing_lock_timeout::MissingLockTimeout;
pub use mixed_schema_and_data_change::MixedSchemaAndDataChange;
pub use multiple_alters_same_table::MultipleAltersSameTable;
pub use mysql_alter_without_algorithm::MysqlAlterWithoutAlgorithm;
pub use reindex_without_concurrently::ReindexWithoutConcurrently;
pub use vacuum_full::VacuumFull;

use crate::parse::sql::lexer::Tok;
use crate::registry::Rule;
use crate::source::Span;
use crate::sql::{SqlUnit, Statement};

pub static RULES: &[&dyn Rule] = &[
    &CreateIndexWithoutConcurrently,
    &DropIndexWithoutConcurrently,
    &ReindexWithoutConcurrently,
    &ConcurrentlyInTransaction,
    &ConstraintWithoutNotValid,
    &AddColumnWithVolatileDefault,
    &AddConstraintWithoutUsingIndex,
    &VacuumFull,
    &Cluster,
    &MissingLockTimeout,
    &MultipleAltersSameTable,
    &MysqlAlterWithoutAlgorithm,
    &MixedSchemaAndDataChange,
];

/// The first code token of `stmt` that is keyword `kw`.
fn keyword_token<'a>(unit: &'a SqlUnit, stmt: &Statement, kw: &str) -> Option<&'a Tok> {
    unit.code_tokens(stmt)
        .find(|t| t.is_kw(&unit.source.text, kw))
}

/// An edit that inserts ` CONCURRENTLY` after the statement's `INDEX` keyword.
fn concurrently_fix(unit: &SqlUnit, stmt: &Statement) -> Option<crate::diagnostic::Edit> {
    let index = keyword_token(unit, stmt, "INDEX")?;
    Some(crate::diagnostic::Edit {
        span: Span::at(index.span().end),
        content: " CONCURRENTLY".into(),
    })
}
