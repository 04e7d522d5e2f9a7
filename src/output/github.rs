//! GitHub Actions workflow commands: each finding becomes an inline annotation on the pull
//! request.

use std::io::Write;

use super::{RenderContext, range};
use crate::diagnostic::Severity;

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    for report in cx.reports {
        for d in report.active() {
            let (start, end) = range(report, d);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = format!("{} {}", d.rule.code, d.rule.name);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&report.source.display),
                start.line,
                start.column,
                end.line,
                end.column,
                property(&title),
                data(&message)
            )?;
        }
    }
    Ok(())
}

/// Escapes a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
