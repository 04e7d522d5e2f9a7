//! NM: file, version and identifier conventions.

mod identifier_too_long;

pub use identifier_too_long::IdentifierTooLong;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[&IdentifierTooLong];
