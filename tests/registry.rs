//! The registry's invariants: unique codes and names, codes that match their category, names
//! in kebab-case, and selectors that resolve.

use std::collections::HashSet;

use schemaguard::registry::{builtin_rules, find_rule, selector_is_known};

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    let mut problems = Vec::new();
    for r in builtin_rules() {
        let m = r.meta();
        if !codes.insert(m.code) {
            problems.push(format!("duplicate code {}", m.code));
        }
        if !names.insert(m.name) {
            problems.push(format!("duplicate name {}", m.name));
        }
        for alias in m.aliases {
            if !names.insert(alias) {
                problems.push(format!(
                    "alias {alias} of {} clashes with another name",
                    m.code
                ));
            }
        }
        let (prefix, digits) = m.code.split_at(2);
        if prefix != m.category.prefix()
            || digits.len() != 3
            || !digits.chars().all(|c| c.is_ascii_digit())
        {
            problems.push(format!(
                "{}: a code is the category prefix {} and three digits",
                m.code,
                m.category.prefix()
            ));
        }
        if m.name.is_empty()
            || !m
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || m.name.starts_with('-')
        {
            problems.push(format!("{}: name `{}` is not kebab-case", m.code, m.name));
        }
        if m.category.is_security() && m.security_severity.is_none() {
            problems.push(format!(
                "{}: security rules carry a security_severity",
                m.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rules_are_found_by_code_name_and_selectors() {
    assert_eq!(find_rule("BC001").unwrap().meta().name, "drop-column");
    assert_eq!(find_rule("drop-column").unwrap().meta().code, "BC001");
    assert_eq!(find_rule("bc001").unwrap().meta().code, "BC001");
    assert!(selector_is_known("LK"));
    assert!(selector_is_known("locking"));
    assert!(selector_is_known("ALL"));
    assert!(!selector_is_known("XX999"));
    assert!(!selector_is_known("B"));
}

/// The default rule set is decided by the precision record, and the record by the verdicts: every
/// rule has one row of precision/defaults.tsv, and its counts are the verdicts of the deciding
/// sample in precision/verdicts.tsv (so a verdict added or changed without `scripts/precision.py
/// defaults` fails here, and so does a rule added without being measured or marked unmeasured).
#[test]
fn the_default_rule_set_follows_the_precision_record() {
    use schemaguard::registry::{Category, DEFAULTS_TSV, Precision};
    use std::collections::HashMap;

    let sample = DEFAULTS_TSV
        .lines()
        .find_map(|l| l.strip_prefix("# Sample "))
        .and_then(|l| l.split(':').next())
        .expect("defaults.tsv names its deciding sample");
    let verdicts = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("precision/verdicts.tsv"),
    )
    .unwrap();
    let mut counted: HashMap<String, [u32; 3]> = HashMap::new();
    for line in verdicts.lines().filter(|l| !l.starts_with('#')) {
        let row: Vec<&str> = line.split('\t').collect();
        if row.len() < 9 || row[0] != sample {
            continue;
        }
        let c = counted.entry(row[2].to_string()).or_default();
        match row[8] {
            "worth" => c[0] += 1,
            "noise" => c[1] += 1,
            "false" => c[2] += 1,
            other => panic!("verdict {other:?} in {line}"),
        }
    }
    assert!(!counted.is_empty(), "no verdicts of sample {sample}");

    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for p in Precision::all() {
        if !seen.insert(p.code) {
            problems.push(format!("{} has two rows", p.code));
        }
        if find_rule(p.code).is_none() {
            problems.push(format!("{} is no rule", p.code));
        }
        let c = counted.get(p.code).copied().unwrap_or_default();
        if [p.worth, p.noise, p.false_] != c || p.judged != c.iter().sum::<u32>() {
            problems.push(format!("{}: record {p:?}, verdicts {c:?}", p.code));
        }
    }
    for r in builtin_rules() {
        let m = r.meta();
        match m.precision() {
            None => problems.push(format!("{} has no row in precision/defaults.tsv", m.code)),
            Some(p) if m.category != Category::Tool => assert_eq!(
                m.on_by_default(),
                p.findings == 0 || (p.judged >= p.findings.min(10) && p.worth * 10 >= p.judged * 9),
                "{}",
                m.code
            ),
            Some(_) => assert!(m.on_by_default(), "{}: tool diagnostics always run", m.code),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
