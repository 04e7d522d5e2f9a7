//! IS: settings that expose a database or weaken its protection (public access, no encryption,
//! no TLS, open ports, no backups). Data-shaped checks are declarative
//! (`rules/insecure-settings/`); the ones here need several resources, port arithmetic or a
//! configurable threshold (config YAML: trust auth with an open listener, `max_connections`,
//! DDL logging).

mod connection_string_tls_disabled;
mod db_backup_retention_too_short;
mod ddl_logging_disabled;
mod max_connections_too_high;
mod rds_tls_not_enforced;
mod security_group_open_database_port;
mod trust_auth_on_all_interfaces;

pub use connection_string_tls_disabled::ConnectionStringTlsDisabled;
pub use db_backup_retention_too_short::DbBackupRetentionTooShort;
pub use ddl_logging_disabled::DdlLoggingDisabled;
pub use max_connections_too_high::MaxConnectionsTooHigh;
pub use rds_tls_not_enforced::RdsTlsNotEnforced;
pub use security_group_open_database_port::SecurityGroupOpenDatabasePort;
pub use trust_auth_on_all_interfaces::TrustAuthOnAllInterfaces;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &DbBackupRetentionTooShort,
    &RdsTlsNotEnforced,
    &SecurityGroupOpenDatabasePort,
    &TrustAuthOnAllInterfaces,
    &MaxConnectionsTooHigh,
    &DdlLoggingDisabled,
    &ConnectionStringTlsDisabled,
];
