//! Parsers: text -> typed models with byte spans. Rules never see a parser crate's types.

pub mod hcl;
pub mod hcl_json;
pub mod json;
pub mod kv;
pub mod liquibase;
pub mod python;
pub mod script;
pub mod sql;
pub mod xml;
pub mod yaml;
