//! Inline suppressions: `schemaguard: ignore[CODE, name] reason` and
//! `schemaguard: ignore-file[CODE] reason`.
//!
//! A trailing comment (code before it on its line) covers that line. A comment on its own line
//! covers the next statement, block or key: each parser says what "next" is through the `scope`
//! callback. The reason is required: a suppression without one does not suppress. A suppression
//! that suppresses nothing, or names a rule that does not exist, is itself reported.

use crate::diagnostic::{Diagnostic, Suppression};
use crate::registry::selector_is_known;
use crate::rules::tool::{
    ForbiddenSuppression, SuppressionWithoutReason, UnknownRuleInSuppression, UnusedSuppression,
};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

/// A comment the parser found, with its full span (leader included).
#[derive(Clone, Copy, Debug)]
pub struct CommentRef {
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub file_level: bool,
    pub selectors: Vec<(String, Span)>,
    pub reason: String,
    /// The comment's span.
    pub span: Span,
    /// The span of `ignore[...]`.
    pub directive_span: Span,
}

const MARKER: &str = "schemaguard:";

/// Reads a directive from a comment's text; `offset` is where the comment starts in the file.
pub fn parse_directive(comment: &str, offset: usize) -> Option<Directive> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find(MARKER)?;
    let rest_start = at + MARKER.len();
    let rest = &comment[rest_start..];
    let trimmed = rest.trim_start();
    let ws = rest.len() - trimmed.len();
    let (file_level, kw_len) = if trimmed.to_ascii_lowercase().starts_with("ignore-file[") {
        (true, "ignore-file".len())
    } else if trimmed.to_ascii_lowercase().starts_with("ignore[") {
        (false, "ignore".len())
    } else {
        return None;
    };
    let open = rest_start + ws + kw_len; // index of '['
    let close = comment[open..].find(']').map(|i| open + i)?;
    let mut selectors = Vec::new();
    let inner_start = open + 1;
    let mut pos = inner_start;
    for part in comment[inner_start..close].split(',') {
        let t = part.trim();
        if !t.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let s = offset + pos + lead;
            selectors.push((t.to_string(), Span::new(s, s + t.len())));
        }
        pos += part.len() + 1;
    }
    let mut reason = comment[close + 1..].trim();
    for closer in ["*/", "-->"] {
        reason = reason.strip_suffix(closer).unwrap_or(reason).trim_end();
    }
    let reason = reason.trim_start_matches([':', '-', '—']).trim();
    // A placeholder (the editor's `<reason>`, `TODO`) says nothing: it counts as no reason.
    let reason = if is_placeholder_reason(reason) {
        String::new()
    } else {
        reason.to_string()
    };
    Some(Directive {
        file_level,
        selectors,
        reason,
        span: Span::new(offset, offset + comment.len()),
        directive_span: Span::new(offset + at, offset + close + 1),
    })
}

/// A reason that only holds the place of one: `<reason>`, `<why>`, `TODO`, `reason`, `...`.
fn is_placeholder_reason(reason: &str) -> bool {
    let r = reason.trim().to_ascii_lowercase();
    let bracketed = r.len() >= 2
        && ((r.starts_with('<') && r.ends_with('>')) || (r.starts_with('[') && r.ends_with(']')));
    bracketed
        || r.chars()
            .all(|c| matches!(c, '.' | '…' | '?' | '-' | '_' | '*'))
        || matches!(
            r.trim_end_matches(['.', ':', '!']),
            "reason" | "why" | "todo" | "tbd" | "fixme" | "xxx" | "placeholder" | "n/a" | "na"
        )
}

/// Applies the directives found in `comments` to `diags`, and appends the LN findings about the
/// directives themselves. `scope` maps the end of an own-line comment to the span it covers.
pub fn apply(
    source: &SourceFile,
    comments: &[CommentRef],
    scope: &dyn Fn(usize) -> Option<Span>,
    diags: &mut Vec<Diagnostic>,
    settings: &Settings,
) {
    let text: &str = &source.text;
    let mut directives = Vec::new();
    for c in comments {
        let body = c.span.text(text);
        if !body.to_ascii_lowercase().contains(MARKER) {
            continue;
        }
        if let Some(d) = parse_directive(body, c.span.start) {
            directives.push(d);
        }
    }
    if directives.is_empty() {
        return;
    }
    // The findings by where they start, so each directive visits only those in its range
    // (not every finding of the file: thousands of suppressions would be quadratic).
    let mut by_start: Vec<usize> = (0..diags.len()).collect();
    by_start.sort_by_key(|&i| diags[i].span.start);
    let mut extra = Vec::new();
    for d in &directives {
        let valid = !d.reason.is_empty();
        if d.reason.is_empty() && settings.is_enabled(SuppressionWithoutReason::META.code) {
            let mut diag = Diagnostic::new(
                &SuppressionWithoutReason::META,
                d.directive_span,
                "this suppression gives no reason, so it does not suppress anything",
            );
            diag.help("write why after the bracket, e.g. `schemaguard: ignore[BC001] the column has been unused since v2.3`");
            extra.push(diag);
        }
        for (sel, span) in &d.selectors {
            // An unknown selector is reported; the known ones next to it still apply.
            if !selector_is_known(sel) && settings.is_enabled(UnknownRuleInSuppression::META.code) {
                let mut diag = Diagnostic::new(
                    &UnknownRuleInSuppression::META,
                    *span,
                    format!("`{sel}` is not a rule code, name or category"),
                );
                diag.help("see `schemaguard rule --all` for the codes and names");
                extra.push(diag);
            }
        }
        if !valid {
            continue;
        }
        // What the directive covers.
        let covered: Option<Span> = if d.file_level {
            Some(Span::new(0, text.len()))
        } else if is_trailing(text, d.span.start) {
            let line = source.lines().line_of(d.span.start);
            Some(source.lines().line_span(text, line))
        } else {
            scope(d.span.end)
        };
        let mut used = vec![false; d.selectors.len()];
        let mut forbidden = vec![false; d.selectors.len()];
        if let Some(covered) = covered {
            // Findings starting in `covered`, or at its start when it is empty.
            let lo = by_start.partition_point(|&i| diags[i].span.start < covered.start);
            let hi = by_start
                .partition_point(|&i| diags[i].span.start < covered.end.max(covered.start + 1));
            for &i in &by_start[lo..hi] {
                let diag = &mut diags[i];
                if diag.suppression.is_some()
                    || diag.rule.category == crate::registry::Category::Tool
                        && diag.rule.code != "LN001"
                {
                    continue;
                }
                let starts_inside = covered.contains(diag.span.start)
                    || (covered.is_empty() && covered.start == diag.span.start);
                if !starts_inside {
                    continue;
                }
                if let Some(i) = d.selectors.iter().position(|(s, _)| diag.rule.matches(s)) {
                    used[i] = true;
                    // The configuration does not let the file silence this rule: the finding
                    // stands, and the suppression is reported (once per selector).
                    if settings.suppression_forbidden(diag.rule) {
                        if !forbidden[i] && settings.is_enabled(ForbiddenSuppression::META.code) {
                            let (sel, span) = &d.selectors[i];
                            let mut f = Diagnostic::new(
                                &ForbiddenSuppression::META,
                                *span,
                                format!(
                                    "`{sel}` may not be suppressed in this repository (`forbid-suppressions`): the finding stands"
                                ),
                            );
                            f.help("fix the finding, or ask whoever owns the configuration to accept it (a baseline, `[secrets] allow-fingerprints`)");
                            extra.push(f);
                        }
                        forbidden[i] = true;
                        continue;
                    }
                    diag.suppression = Some(Suppression {
                        kind: if d.file_level { "file" } else { "inline" },
                        reason: d.reason.clone(),
                    });
                }
            }
        }
        if settings.is_enabled(UnusedSuppression::META.code) {
            for (i, (sel, span)) in d.selectors.iter().enumerate() {
                // Only a rule that ran can be known to have found nothing.
                if !used[i] && settings.selector_enabled(sel) {
                    let mut diag = Diagnostic::new(
                        &UnusedSuppression::META,
                        *span,
                        format!("this suppression of `{sel}` matches no finding"),
                    );
                    diag.help("remove it, or move it onto the line (or before the statement) it is meant for");
                    extra.push(diag);
                }
            }
        }
    }
    diags.extend(extra);
}

/// Whether code precedes `offset` on its line (scanning back only over blanks).
fn is_trailing(text: &str, offset: usize) -> bool {
    !text[..offset]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let d = parse_directive(
            "-- schemaguard: ignore[BC001, drop-column] the column is unused",
            10,
        )
        .unwrap();
        assert!(!d.file_level);
        assert_eq!(
            d.selectors.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
            vec!["BC001", "drop-column"]
        );
        assert_eq!(d.reason, "the column is unused");
        let d = parse_directive("/* schemaguard: ignore-file[LK] legacy file */", 0).unwrap();
        assert!(d.file_level);
        assert_eq!(d.reason, "legacy file");
        let d = parse_directive("# schemaguard: ignore[BC001]", 0).unwrap();
        assert_eq!(d.reason, "");
        assert!(parse_directive("-- nothing to see", 0).is_none());
        // The editor's quick fix writes `<reason>`: a placeholder is no reason.
        for placeholder in [
            "<reason>", "<why>", "TODO", "reason", "...", "[reason]", "tbd.",
        ] {
            let d = parse_directive(&format!("-- schemaguard: ignore[BC001] {placeholder}"), 0);
            assert_eq!(d.unwrap().reason, "", "{placeholder}");
        }
        let d = parse_directive("-- schemaguard: ignore[BC001] reason: unused since v2", 0);
        assert_eq!(d.unwrap().reason, "reason: unused since v2");
    }

    #[test]
    fn selector_spans_point_at_codes() {
        let text = "-- schemaguard: ignore[ BC001 ,LK002] why";
        let d = parse_directive(text, 0).unwrap();
        assert_eq!(d.selectors[0].1.text(text), "BC001");
        assert_eq!(d.selectors[1].1.text(text), "LK002");
    }
}
