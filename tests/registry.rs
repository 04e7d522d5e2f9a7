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
