//! LN: findings about the tool's own view of the input: what it could not parse or read, and
//! suppressions and baseline entries that do nothing.

mod baseline_entry_unmatched;
mod file_too_large;
mod forbidden_suppression;
mod parse_error;
mod suppression_without_reason;
mod template_skipped;
mod unknown_rule_in_suppression;
mod unreadable_file;
mod unused_suppression;

pub use baseline_entry_unmatched::BaselineEntryUnmatched;
pub use file_too_large::FileTooLarge;
pub use forbidden_suppression::ForbiddenSuppression;
pub use parse_error::ParseError;
pub use suppression_without_reason::SuppressionWithoutReason;
pub use template_skipped::TemplateSkipped;
pub use unknown_rule_in_suppression::UnknownRuleInSuppression;
pub use unreadable_file::UnreadableFile;
pub use unused_suppression::UnusedSuppression;

use crate::registry::Rule;

pub static RULES: &[&dyn Rule] = &[
    &ParseError,
    &UnreadableFile,
    &FileTooLarge,
    &UnusedSuppression,
    &UnknownRuleInSuppression,
    &SuppressionWithoutReason,
    &BaselineEntryUnmatched,
    &TemplateSkipped,
    &ForbiddenSuppression,
];
