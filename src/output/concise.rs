use std::io::Write;

use super::{RenderContext, range, summary_line};

pub fn render(cx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    for report in cx.reports {
        for d in report.active() {
            let (start, _) = range(report, d);
            writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                report.source.display,
                start.line,
                start.column,
                d.rule.code,
                d.severity,
                d.message.replace(['\n', '\r'], " ")
            )?;
        }
    }
    writeln!(out, "{}", summary_line(&cx.summary))
}
