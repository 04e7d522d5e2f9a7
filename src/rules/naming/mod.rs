//! NM: file, version and identifier conventions, and the integrity of migration folders.

mod alembic_multiple_heads;
mod applied_migration_edited;
mod duplicate_migration_version;
mod identifier_too_long;
mod migration_added_out_of_order;
mod migration_file_name;
mod migration_version_gap;

pub use alembic_multiple_heads::AlembicMultipleHeads;
pub use applied_migration_edited::AppliedMigrationEdited;
pub use duplicate_migration_version::DuplicateMigrationVersion;
pub use identifier_too_long::IdentifierTooLong;
pub use migration_added_out_of_order::MigrationAddedOutOfOrder;
pub use migration_file_name::MigrationFileName;
pub use migration_version_gap::MigrationVersionGap;
mod database_identifier_pattern;
mod terraform_name_not_snake_case;

pub use database_identifier_pattern::{DatabaseIdentifierPattern, identifier_attribute};
pub use terraform_name_not_snake_case::TerraformNameNotSnakeCase;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &IdentifierTooLong,
    &MigrationFileName,
    &DuplicateMigrationVersion,
    &MigrationVersionGap,
    &AlembicMultipleHeads,
    &MigrationAddedOutOfOrder,
    &AppliedMigrationEdited,
    &TerraformNameNotSnakeCase,
    &DatabaseIdentifierPattern,
];
