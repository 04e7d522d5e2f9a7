//! NM: file, version and identifier conventions.

mod database_identifier_pattern;
mod identifier_too_long;
mod terraform_name_not_snake_case;

pub use database_identifier_pattern::{DatabaseIdentifierPattern, identifier_attribute};
pub use identifier_too_long::IdentifierTooLong;
pub use terraform_name_not_snake_case::TerraformNameNotSnakeCase;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &IdentifierTooLong,
    &TerraformNameNotSnakeCase,
    &DatabaseIdentifierPattern,
];
