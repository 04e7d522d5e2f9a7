use std::collections::BTreeMap;

use crate::parse::script::FileModel;
use crate::registry::{Cx, Rule};
use crate::secrets::pii::{PiiKind, PiiMatch, column_hint, scan_pii};
use crate::source::Span;
use crate::sql::{SqlUnit, StmtKind};

use super::sql_scan::{content, for_each_row};
use super::{file_checked, host_scan};

crate::declare_rule! {
    /// ## What it does
    /// Flags a migration whose `INSERT`, `COPY … FROM stdin` or `UPDATE` data holds personal
    /// data: email addresses, phone numbers, national id numbers (US SSNs), payment card
    /// numbers and IBANs. It reports once per migration, at the first value, with the counts
    /// per kind and the tables ("12 email addresses, 3 payment card numbers into `customers`");
    /// every matched value is masked in every output. Liquibase `<insert>`/`<update>` column
    /// values are read too (one finding per changelog, column names as hints).
    ///
    /// Values are checked strictly: card numbers need an issuer prefix and a valid Luhn digit,
    /// IBANs the country's length and a valid checksum, SSNs the `123-45-6789` layout and valid
    /// ranges, phone numbers a leading `+` unless the column is a phone column. Column names
    /// (`email`, `phone`, `ssn`, `card_number`, `iban`) allow looser forms. Not personal data:
    /// addresses at `example.com`/`.org`/`.net` and the `.test`, `.example`, `.invalid`,
    /// `.localhost` domains, role addresses (`admin@`, `noreply@`, `support@`), fictional
    /// phone numbers (`555` exchanges, UK `07700 900…`), published test card numbers
    /// (`4242 4242 4242 4242`) and example IBANs.
    ///
    /// ## Why is this bad?
    /// Data in a migration is copied into every environment and into the repository's history:
    /// real customers' data then lives on developer laptops, in CI and in every fork, outside
    /// the controls (access, retention, erasure requests) that privacy law requires for it.
    ///
    /// ## Example
    /// ```sql
    /// INSERT INTO customers (name, email, phone) VALUES
    ///     ('Dana Whitfield', 'dana.whitfield@northmail.io', '+44 7911 204816');
    /// ```
    ///
    /// ## Use instead
    /// Seed synthetic data at reserved domains and fictional numbers, or load real data
    /// through a controlled import outside the repository:
    /// ```sql
    /// INSERT INTO customers (name, email, phone) VALUES
    ///     ('Test Customer', 'customer1@example.com', '+1 312 555 0142');
    /// ```
    ///
    /// ## Options
    /// `[secrets] allow-patterns` accepts values (your company's own contact addresses),
    /// `allow-paths` accepts files (a fixture folder of synthetic data).
    pub struct PersonalDataInSeed {
        code: "SD006",
        name: "personal-data-in-seed",
        category: SensitiveData,
        severity: Warning,
        security_severity: 6.5,
    }
}

impl Rule for PersonalDataInSeed {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        let text: &str = &unit.source.text;
        let mut found: Vec<PiiMatch> = Vec::new();
        let mut tables: Vec<String> = Vec::new();
        for (i, stmt) in unit.statements.iter().enumerate() {
            let table = match &stmt.kind {
                StmtKind::Insert { table, .. } | StmtKind::Update { table, .. } => {
                    table.to_string()
                }
                StmtKind::Copy {
                    table: Some(table),
                    from: true,
                } => table.to_string(),
                _ => continue,
            };
            let before = found.len();
            let rows = for_each_row(unit, i, &mut |row| {
                for v in row {
                    let hint = v.column.and_then(column_hint);
                    for s in &v.strings {
                        found.extend(scan_pii(s.text(text), s.start, hint));
                    }
                }
            });
            if rows == 0 {
                // `INSERT … SELECT`, `UPDATE … SET`: every string, strict forms only.
                for t in unit.code_tokens(stmt) {
                    if let Some(span) = content(text, t)
                        && t.kind == crate::parse::sql::lexer::TokKind::String
                    {
                        found.extend(scan_pii(span.text(text), span.start, None));
                    }
                }
            }
            found.retain(|m| !cx.settings.secrets.value_allowed(m.span.text(text)));
            if found.len() > before && !tables.contains(&table) {
                tables.push(table);
            }
        }
        report(cx, found, &tables);
    }

    fn check_embedding(&self, model: &FileModel, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        let source = cx.source;
        let text: &str = &source.text;
        let mut found: Vec<PiiMatch> = Vec::new();
        let mut tables: Vec<String> = Vec::new();
        for (table, values) in host_scan::changelog_rows(source, model) {
            let before = found.len();
            for (column, span) in values {
                found.extend(scan_pii(span.text(text), span.start, column_hint(&column)));
            }
            found.retain(|m| !cx.settings.secrets.value_allowed(m.span.text(text)));
            if found.len() > before && !tables.contains(&table) {
                tables.push(table);
            }
        }
        report(cx, found, &tables);
    }
}

/// One finding per script or changelog: what kinds of personal data, how many, into which
/// tables; every value is masked.
fn report(cx: &mut Cx, found: Vec<PiiMatch>, tables: &[String]) {
    let Some(first) = found.first().copied() else {
        return;
    };
    let mut counts: BTreeMap<PiiKind, usize> = BTreeMap::new();
    for m in &found {
        *counts.entry(m.kind).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| k.count(*n)).collect();
    let into: Vec<String> = tables.iter().map(|t| format!("`{t}`")).collect();
    let message = format!(
        "this migration seeds personal data: {} into {}",
        summary.join(", "),
        into.join(", ")
    );
    let d = cx.report(first.span, message).label("personal data").help(
        "seed synthetic data (addresses at example.com, 555 phone numbers, test card \
             numbers) and load real records through a controlled import outside the repository",
    );
    // Every value it counts is shown where it is (masked), the first as the finding itself.
    // A seed of thousands of rows is labelled at its first values only.
    const LABELS: usize = 50;
    for m in &found {
        d.secret(m.span);
    }
    for m in found.iter().skip(1).take(LABELS) {
        d.secondary(m.span, m.kind.count(1).trim_start_matches("1 ").to_string());
    }
    if found.len() > LABELS + 1 {
        let last = found[LABELS];
        d.secondary(
            Span::at(last.span.end),
            format!("and {} more values", found.len() - LABELS - 1),
        );
    }
}
