//! The one diagnostic model every rule produces and every renderer consumes.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::registry::RuleMeta;
use crate::source::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice.
    Info,
    /// Risky under load, or likely a mistake.
    Warning,
    /// Breaks deploys, loses data, or exposes data.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or info)"
            )),
        }
    }
}

/// A secondary span with its own short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One text replacement of a fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub span: Span,
    pub content: String,
}

/// A suggested change that resolves the finding. Never applied without the user asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
    /// Whether applying it keeps what the migration does (`check --fix` applies it); an
    /// unsafe fix changes behaviour beyond the finding (statements that lose their transaction)
    /// and needs `--unsafe-fixes`.
    pub safe: bool,
}

/// How a finding was suppressed, when it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline` (a comment on the line or before the statement), `file` (an ignore-file comment),
    /// `baseline`, or `config` (accepted in the config, e.g. `[secrets] allow-fingerprints`).
    pub kind: &'static str,
    pub reason: String,
}

/// A finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    /// The effective severity (rule default, then config override).
    pub severity: Severity,
    /// The smallest span that shows the problem.
    pub span: Span,
    /// What is wrong, with concrete names.
    pub message: String,
    /// Text for the primary span (short); defaults to a shortened message.
    pub label: Option<String>,
    pub labels: Vec<Label>,
    /// What to do instead.
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Spans holding secret values: every renderer masks them.
    pub secrets: Vec<Span>,
    pub suppression: Option<Suppression>,
    /// The finding is about a file, a migration set or a history as a whole (a file name, an
    /// edited applied migration, a version gap), not about a place in the file: filters by
    /// changed lines keep it wherever the change is.
    pub whole_file: bool,
    /// How many findings this one stands for: more than one when the engine collapsed a rule's
    /// findings into one (a set that never follows the practice the rule asks for).
    pub stands_for: usize,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            span,
            message: message.into(),
            label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
            secrets: Vec::new(),
            suppression: None,
            whole_file: false,
            stands_for: 1,
        }
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    pub fn secondary(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn fix(&mut self, description: impl Into<String>, edits: Vec<Edit>) -> &mut Self {
        self.fix = Some(Fix {
            description: description.into(),
            edits,
            safe: true,
        });
        self
    }

    /// A fix that changes behaviour beyond the finding: applied only with `--unsafe-fixes`.
    pub fn unsafe_fix(&mut self, description: impl Into<String>, edits: Vec<Edit>) -> &mut Self {
        self.fix = Some(Fix {
            description: description.into(),
            edits,
            safe: false,
        });
        self
    }

    /// Marks `span` as holding a secret value; it is masked in every output.
    pub fn secret(&mut self, span: Span) -> &mut Self {
        self.secrets.push(span);
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}
