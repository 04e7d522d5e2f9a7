//! JUnit XML, the test report format Jenkins, GitLab and most CI dashboards read: one test suite
//! per linted file, one failed test case per finding, and one passing case for a clean file (so
//! the report shows what was checked). No timestamps or durations, so the output is reproducible.

use std::fmt::Write as _;
use std::io::Write;

use super::{RenderContext, range};

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0usize, 0usize);
    for report in cx.reports {
        let file = &report.source.display;
        let mut cases = String::new();
        let mut failures = 0usize;
        for d in report.active() {
            let (start, _) = range(report, d);
            failures += 1;
            let mut body = format!(
                "{file}:{}:{}: {} [{}] {}",
                start.line, start.column, d.rule.code, d.severity, d.message
            );
            if let Some(help) = &d.help {
                let _ = write!(body, "\nhelp: {help}");
            }
            let _ = write!(body, "\ndocs: {}", d.rule.url());
            let _ = write!(
                cases,
                "    <testcase name=\"{code} {name} at line {line}, column {col}\" classname=\"{class}\" file=\"{file}\" line=\"{line}\">\n      <failure type=\"{sev}\" message=\"{msg}\">{body}</failure>\n    </testcase>\n",
                code = d.rule.code,
                name = d.rule.name,
                line = start.line,
                col = start.column,
                class = escape(file),
                file = escape(file),
                sev = d.severity,
                msg = escape(&d.message),
                body = escape_text(&body),
            );
        }
        let tests = failures.max(1);
        if failures == 0 {
            let _ = writeln!(
                cases,
                "    <testcase name=\"no findings\" classname=\"{f}\" file=\"{f}\"/>",
                f = escape(file)
            );
        }
        total_tests += tests;
        total_failures += failures;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            escape(file)
        );
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"schemaguard\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

/// Escapes an attribute value (line breaks as character references, so they survive attribute
/// normalisation); drops characters XML 1.0 cannot hold.
fn escape(s: &str) -> String {
    xml_escape(s, true)
}

/// Escapes element content; line breaks stay as they are.
fn escape_text(s: &str) -> String {
    xml_escape(s, false)
}

fn xml_escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if !attribute => out.push('\n'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            super::escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;"
        );
        assert_eq!(super::escape_text("a\n<b>"), "a\n&lt;b&gt;");
    }
}
