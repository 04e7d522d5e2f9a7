//! SD: secrets and personal data committed with the code.

mod credential_variable_not_sensitive;
mod hardcoded_database_password;
mod output_exposes_credential;

pub use credential_variable_not_sensitive::CredentialVariableNotSensitive;
pub use hardcoded_database_password::HardcodedDatabasePassword;
pub use output_exposes_credential::OutputExposesCredential;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &HardcodedDatabasePassword,
    &CredentialVariableNotSensitive,
    &OutputExposesCredential,
];
