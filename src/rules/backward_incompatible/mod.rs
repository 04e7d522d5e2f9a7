//! BC: changes that break code still running against the old schema, or destroy data.

mod add_required_column;
mod add_unique_constraint;
mod change_column_type;
mod drop_column;
mod drop_database;
mod drop_function;
mod drop_schema;
mod drop_sequence;
mod drop_table;
mod drop_type;
mod drop_view;
mod plan_destroys_database;
mod rename_column;
mod rename_enum_value;
mod rename_schema;
mod rename_table;
mod rename_type;
mod rename_unknown_column;
pub(crate) mod set_not_null;
mod truncate_table;

pub use add_required_column::AddRequiredColumn;
pub use add_unique_constraint::AddUniqueConstraint;
pub use change_column_type::ChangeColumnType;
pub use drop_column::DropColumn;
pub use drop_database::DropDatabase;
pub use drop_function::DropFunction;
pub use drop_schema::DropSchema;
pub use drop_sequence::DropSequence;
pub use drop_table::DropTable;
pub use drop_type::DropType;
pub use drop_view::DropView;
pub use plan_destroys_database::PlanDestroysDatabase;
pub use rename_column::RenameColumn;
pub use rename_enum_value::RenameEnumValue;
pub use rename_schema::RenameSchema;
pub use rename_table::RenameTable;
pub use rename_type::RenameType;
pub use rename_unknown_column::RenameUnknownColumn;
pub use set_not_null::SetNotNull;
pub use truncate_table::TruncateTable;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &DropColumn,
    &DropTable,
    &RenameColumn,
    &RenameTable,
    &ChangeColumnType,
    &AddRequiredColumn,
    &SetNotNull,
    &AddUniqueConstraint,
    &DropSchema,
    &DropDatabase,
    &TruncateTable,
    &DropType,
    &RenameEnumValue,
    &RenameType,
    &DropView,
    &DropFunction,
    &DropSequence,
    &RenameUnknownColumn,
    &PlanDestroysDatabase,
    &RenameSchema,
];
