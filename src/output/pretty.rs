//! Code frames for people, rendered by miette.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{RenderContext, summary_line};
use crate::diagnostic::{Diagnostic, Severity};

struct Pretty<'a> {
    d: &'a Diagnostic,
    source: Option<&'a NamedSource<Arc<str>>>,
    prefix: String,
}

impl fmt::Debug for Pretty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Pretty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.prefix, self.d.message)
    }
}

impl std::error::Error for Pretty<'_> {}

impl miette::Diagnostic for Pretty<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} {}",
            self.d.rule.code, self.d.rule.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut help = self.d.help.clone()?;
        if let Some(fix) = &self.d.fix {
            if fix.safe {
                help.push_str(&format!(" (fix available: {})", fix.description));
            } else {
                help.push_str(&format!(
                    " (unsafe fix available with --unsafe-fixes: {})",
                    fix.description
                ));
            }
        }
        Some(Box::new(help))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.rule.url()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let primary = LabeledSpan::new_primary_with_span(
            self.d.label.clone(),
            (self.d.span.start, self.d.span.len()),
        );
        let secondary = self.d.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(l.message.clone()), (l.span.start, l.span.len()))
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// Lines longer than this get no code frame: a frame prints the whole line (a minified dump can
/// hold megabytes on one), and miette cannot draw labels past column 65,535 (it panics).
const MAX_FRAMED_LINE: usize = 4096;

/// Whether any span of the finding sits on a line too long to show in a frame, or covers too
/// many lines to show.
fn on_long_line(report: &crate::lint::FileReport, d: &Diagnostic) -> bool {
    let src = &report.source;
    std::iter::once(d.span)
        .chain(d.labels.iter().map(|l| l.span))
        .any(|span| {
            let first = src.lines().line_of(span.start);
            let last = src.lines().line_of(span.end);
            // A span over thousands of lines is no frame either (and costs no scan of them).
            last - first > 100
                || (first..=last)
                    .any(|line| src.lines().line_span(&src.text, line).len() > MAX_FRAMED_LINE)
        })
}

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    let theme = if cx.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
        .with_width(100);
    for report in cx.reports {
        let mut active = report.active().peekable();
        if active.peek().is_none() {
            continue;
        }
        let has_text = !report.source.text.is_empty();
        let named = NamedSource::new(report.source.display.clone(), report.display_text.clone())
            .with_language("sql");
        for d in active {
            let framed = has_text && !on_long_line(report, d);
            let prefix = if framed {
                String::new()
            } else if has_text {
                let lc = report.source.line_col(d.span.start);
                format!("{}:{}:{}: ", report.source.display, lc.line, lc.column)
            } else {
                format!("{}: ", report.source.display)
            };
            let view = Pretty {
                d,
                source: framed.then_some(&named),
                prefix,
            };
            let mut s = String::new();
            handler
                .render_report(&mut s, &view)
                .map_err(std::io::Error::other)?;
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
        }
    }
    writeln!(out, "{}", summary_line(&cx.summary))
}
