//! schemaguard: a linter for database change.
//!
//! Data flow: [`discover`] finds and classifies files; [`parse`] turns each into a typed model
//! with byte spans ([`sql`] for SQL, [`terraform`] for Terraform files and plans, [`yaml`]
//! for config YAML); [`lint`] runs
//! the enabled [`rules`] from the [`registry`] (native ones, and [`declarative`] ones from
//! `rules/*.yaml`), applies [`suppress`]ions and the [`settings`], and masks secrets; [`output`]
//! renders one [`diagnostic`] model in every format.

pub mod assemble;
pub mod baseline;
pub mod catalog;
pub mod changed;
pub mod cli;
pub mod config;
pub mod conventions;
pub mod declarative;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod frameworks;
pub mod git;
pub mod lint;
pub mod output;
pub mod parse;
pub mod redact;
pub mod registry;
pub mod roles;
pub mod rules;
pub mod secrets;
pub mod server;
pub mod settings;
pub mod source;
pub mod sql;
pub mod suppress;
pub mod terraform;
pub mod yaml;
