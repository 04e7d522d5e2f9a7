//! Parsers: text -> typed models with byte spans. Rules never see a parser crate's types.

pub mod kv;
pub mod sql;
