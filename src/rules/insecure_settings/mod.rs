//! IS: settings that expose a database or weaken its protection (public access, no encryption,
//! no TLS, open ports, no backups). Data-shaped checks are declarative
//! (`rules/insecure-settings/`); the ones here need several resources, port arithmetic or a
//! configurable threshold.

mod db_backup_retention_too_short;
mod rds_tls_not_enforced;
mod security_group_open_database_port;

pub use db_backup_retention_too_short::DbBackupRetentionTooShort;
pub use rds_tls_not_enforced::RdsTlsNotEnforced;
pub use security_group_open_database_port::SecurityGroupOpenDatabasePort;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &DbBackupRetentionTooShort,
    &RdsTlsNotEnforced,
    &SecurityGroupOpenDatabasePort,
];
