//! LK: changes that take long or strong locks, or rewrite tables.

mod add_column_with_volatile_default;
mod add_constraint_without_using_index;
mod cluster;
mod concurrently_in_transaction;
mod constraint_without_not_valid;
mod create_index_without_concurrently;
mod detach_partition_without_concurrently;
mod drop_index_without_concurrently;
mod missing_lock_timeout;
mod mixed_schema_and_data_change;
mod multiple_alters_same_table;
mod mysql_alter_without_algorithm;
mod primary_key_on_nullable_column;
mod reindex_without_concurrently;
mod vacuum_full;

pub use add_column_with_volatile_default::AddColumnWithVolatileDefault;
pub use add_constraint_without_using_index::AddConstraintWithoutUsingIndex;
pub use cluster::Cluster;
pub use concurrently_in_transaction::ConcurrentlyInTransaction;
pub use constraint_without_not_valid::ConstraintWithoutNotValid;
pub use create_index_without_concurrently::CreateIndexWithoutConcurrently;
pub use detach_partition_without_concurrently::DetachPartitionWithoutConcurrently;
pub use drop_index_without_concurrently::DropIndexWithoutConcurrently;
pub use missing_lock_timeout::MissingLockTimeout;
pub use mixed_schema_and_data_change::MixedSchemaAndDataChange;
pub use multiple_alters_same_table::MultipleAltersSameTable;
pub use mysql_alter_without_algorithm::MysqlAlterWithoutAlgorithm;
pub use primary_key_on_nullable_column::PrimaryKeyOnNullableColumn;
pub use reindex_without_concurrently::ReindexWithoutConcurrently;
pub use vacuum_full::VacuumFull;

use crate::diagnostic::Edit;
use crate::parse::sql::lexer::{Tok, TokKind};
use crate::registry::Rule;
use crate::source::Span;
use crate::sql::{Direction, SqlUnit, Statement, StmtKind};

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
    &DetachPartitionWithoutConcurrently,
    &PrimaryKeyOnNullableColumn,
];

/// The first code token of `stmt` that is keyword `kw`.
fn keyword_token<'a>(unit: &'a SqlUnit, stmt: &Statement, kw: &str) -> Option<&'a Tok> {
    unit.code_tokens(stmt)
        .find(|t| t.is_kw(&unit.source.text, kw))
}

/// The fix of an index built or dropped without `CONCURRENTLY`: the keyword, and when the
/// migration tool runs the script in its transaction, the tool's switch to run it without one
/// (goose `-- +goose NO TRANSACTION`, dbmate `transaction:false` on a section holding only this
/// statement). Safe when every statement of the script is index work (the switch takes nothing
/// else out of a transaction); unsafe otherwise. None inside an explicit `BEGIN`: moving the
/// statement out is the author's call. A tool without such a switch is left to `check --fix`'s
/// re-lint, which refuses a fix that leaves the statement in a transaction.
fn attach_concurrently_fix(d: &mut crate::diagnostic::Diagnostic, unit: &SqlUnit, i: usize) {
    let Some(index) = keyword_token(unit, &unit.statements[i], "INDEX") else {
        return;
    };
    attach_concurrently_fix_at(d, unit, i, index.span().end);
}

/// [`attach_concurrently_fix`] with ` CONCURRENTLY` inserted at `at` (after `DETACH PARTITION
/// name`, say).
fn attach_concurrently_fix_at(
    d: &mut crate::diagnostic::Diagnostic,
    unit: &SqlUnit,
    i: usize,
    at: usize,
) {
    if unit.statements[i].in_transaction {
        return;
    }
    let mut edits = vec![Edit {
        span: Span::at(at),
        content: " CONCURRENTLY".into(),
    }];
    if unit.in_transaction(i)
        && let Some(switch) = no_transaction_switch(unit)
    {
        edits.push(switch);
    }
    let index_work_only = unit.statements.iter().all(|s| match &s.kind {
        StmtKind::CreateIndex(_) | StmtKind::DropIndex { .. } | StmtKind::Set { .. } => true,
        StmtKind::AlterTable(at) => at
            .actions
            .iter()
            .all(|a| matches!(a.action, crate::sql::AlterAction::DetachPartition { .. })),
        _ => false,
    });
    if index_work_only {
        d.fix("add CONCURRENTLY", edits);
    } else {
        d.unsafe_fix(
            "add CONCURRENTLY (the migration's other statements then run without a transaction)",
            edits,
        );
    }
}

/// The edit that tells the script's tool to run it without a transaction, when the tool has a
/// per-file switch: goose's `-- +goose NO TRANSACTION` (every statement runs alone), dbmate's
/// `transaction:false` on the section's marker when the section holds one statement (dbmate
/// sends a section as one multi-statement query, itself a transaction).
fn no_transaction_switch(unit: &SqlUnit) -> Option<Edit> {
    let text: &str = &unit.source.text;
    let newline = crate::source::line_ending(text);
    let marker = |t: &&Tok| {
        let c = t.span().text(text).trim_start_matches('-').trim();
        (t.kind == TokKind::LineComment).then_some(c)
    };
    for t in unit.tokens {
        let Some(c) = marker(&t) else { continue };
        let lower = c.to_ascii_lowercase();
        if lower.starts_with("+goose up") {
            // Before the Up marker's line.
            return Some(Edit {
                span: Span::at(t.span().start),
                content: format!("-- +goose NO TRANSACTION{newline}"),
            });
        }
        let section = match unit.direction {
            Direction::Down => "migrate:down",
            _ => "migrate:up",
        };
        if lower.split_whitespace().next() == Some(section)
            && !lower.contains("transaction:")
            && unit.statements.len() == 1
        {
            let end = t.span().start + t.span().text(text).trim_end().len();
            return Some(Edit {
                span: Span::at(end),
                content: " transaction:false".into(),
            });
        }
    }
    None
}
