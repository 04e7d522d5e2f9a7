//! `check --fix` and `check --diff`: the rules' fixes, applied to the files of the run.
//!
//! A fix is applied only when it is safe to: every round applies the fixes of the findings still
//! reported, re-reads and re-lints the whole run with the changed texts (every rule the project
//! has not switched off, whatever the selection), and keeps a file's changes only if no finding
//! appears that was not there before (a parse error, a statement now inside a transaction it
//! cannot run in...). A file whose changes are refused is retried one fix at a time, and a fix
//! that still brings a finding is reported and left out. Rounds go on until nothing changes, so a
//! second run finds nothing to do. With a diff base only the files changed since it are linted,
//! so a migration already applied is never touched.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Edit};
use crate::lint::FileReport;

/// The most rounds a run makes: each applies the fixes that do not overlap an earlier one.
const MAX_ROUNDS: usize = 8;

/// One file's fixed text.
#[derive(Debug)]
pub struct Fixed {
    pub path: PathBuf,
    pub display: String,
    pub before: String,
    pub after: String,
    pub had_bom: bool,
    /// Fixes applied, by rule code.
    pub applied: Vec<&'static str>,
}

/// A fix that was not applied, and why.
#[derive(Debug)]
pub struct Refused {
    pub display: String,
    pub line: usize,
    pub code: &'static str,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub fixed: Vec<Fixed>,
    pub refused: Vec<Refused>,
    /// Findings whose fix changes behaviour and `--unsafe-fixes` was not given.
    pub unsafe_skipped: usize,
}

impl Outcome {
    pub fn applied(&self) -> usize {
        self.fixed.iter().map(|f| f.applied.len()).sum()
    }
}

/// The texts changed so far, by path: what a re-lint reads instead of the disk.
pub type Overrides = HashMap<PathBuf, String>;

/// Runs the fix rounds. `lint` lints the run with the given texts in place of the files on
/// disk, with the user's rule selection (`every_rule: false`) or with every rule (`true`).
pub fn run(
    unsafe_fixes: bool,
    mut lint: impl FnMut(&Overrides, bool) -> Vec<FileReport>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut texts: Overrides = HashMap::new();
    let mut originals: HashMap<PathBuf, (String, String, bool)> = HashMap::new();
    let mut applied: HashMap<PathBuf, Vec<&'static str>> = HashMap::new();
    // Findings (file, code, message) whose fix was refused: not offered again.
    let mut refused: HashSet<(String, &'static str, String)> = HashSet::new();
    // Files whose fixes together were refused: their fixes are tried one at a time.
    let mut one_at_a_time: HashSet<PathBuf> = HashSet::new();
    let mut unsafe_skipped = HashSet::new();
    // Every rule's findings on `texts` as they stand: the last round's trial when all of it was
    // kept (the same texts), so a round lints the run twice, not three times.
    let mut settled: Option<Findings> = None;
    for _ in 0..MAX_ROUNDS {
        let reports = lint(&texts, false);
        let mut candidates: Overrides = HashMap::new();
        let mut offered: HashMap<PathBuf, Vec<&Diagnostic>> = HashMap::new();
        for report in &reports {
            let src = &report.source;
            let fixes: Vec<&Diagnostic> = report
                .active()
                .filter(|d| d.fix.is_some())
                .filter(|d| {
                    let key = (src.display.clone(), d.rule.code, d.message.clone());
                    if refused.contains(&key) {
                        return false;
                    }
                    let fix = d.fix.as_ref().expect("filtered on fixes");
                    if !fix.safe && !unsafe_fixes {
                        unsafe_skipped.insert(key);
                        return false;
                    }
                    true
                })
                .collect();
            if fixes.is_empty() {
                continue;
            }
            let limit = if one_at_a_time.contains(&src.path) {
                1
            } else {
                usize::MAX
            };
            let (text, used) = apply(&src.text, &fixes, limit);
            if used.is_empty() || text == *src.text {
                continue;
            }
            originals
                .entry(src.path.clone())
                .or_insert_with(|| (src.display.clone(), src.text.to_string(), src.had_bom));
            candidates.insert(src.path.clone(), text);
            offered.insert(src.path.clone(), used);
        }
        if candidates.is_empty() {
            break;
        }
        let before = match settled.take() {
            Some(before) => before,
            None => findings(&lint(&texts, true)),
        };
        let mut trial = texts.clone();
        trial.extend(candidates.iter().map(|(p, t)| (p.clone(), t.clone())));
        let after_reports = lint(&trial, true);
        let after = findings(&after_reports);
        // The rules whose fixes this round applies: more findings of them elsewhere are the
        // hazard being fixed, shown where the project's practice no longer collapses it (a
        // set that now builds indexes CONCURRENTLY is held to it everywhere), not a new one.
        let fixing: HashSet<&str> = offered.values().flatten().map(|d| d.rule.code).collect();
        let set_of: HashMap<&PathBuf, Option<&str>> = after_reports
            .iter()
            .map(|r| {
                let set = r.migration_set.as_ref().map(|s| s.root.as_str());
                (&r.source.path, set)
            })
            .collect();
        // What each changed file is blamed for: what it gained itself, and what a file of its
        // migration set gained (the catalog and the practice are the set's); a gain in a file
        // of no changed set is laid at every change of the round.
        let mut blamed: HashMap<PathBuf, Vec<String>> = HashMap::new();
        for r in &after_reports {
            let display = &r.source.display;
            let old = before.get(display);
            for (code, (n, message)) in &after[display] {
                let had = old.and_then(|o| o.get(code)).map_or(0, |h| h.0);
                if *n <= had || fixing.contains(code) {
                    continue;
                }
                let path = &r.source.path;
                let set = set_of.get(path).copied().flatten();
                let mut culprits: Vec<&PathBuf> = if candidates.contains_key(path) {
                    vec![path]
                } else {
                    candidates
                        .keys()
                        .filter(|c| set.is_some() && set_of.get(c).copied().flatten() == set)
                        .collect()
                };
                if culprits.is_empty() {
                    culprits = candidates.keys().collect();
                }
                for c in culprits {
                    blamed.entry(c.clone()).or_default().push(message.clone());
                }
            }
        }
        let all_kept = blamed.is_empty();
        for (path, text) in candidates {
            let used = &offered[&path];
            match blamed.remove(&path) {
                None => {
                    applied
                        .entry(path.clone())
                        .or_default()
                        .extend(used.iter().map(|d| d.rule.code));
                    texts.insert(path, text);
                }
                // Several fixes at once: retried one at a time, to find the one to leave out.
                Some(_) if !one_at_a_time.contains(&path) => {
                    one_at_a_time.insert(path);
                }
                Some(new) => {
                    let display = originals[&path].0.clone();
                    let report = reports
                        .iter()
                        .find(|r| r.source.path == path)
                        .expect("the file of the fix");
                    for d in used {
                        refused.insert((display.clone(), d.rule.code, d.message.clone()));
                        outcome.refused.push(Refused {
                            display: display.clone(),
                            line: report.source.line_col(d.span.start).line,
                            code: d.rule.code,
                            why: format!("it would bring {}", describe(&new)),
                        });
                    }
                }
            }
        }
        if all_kept {
            settled = Some(after);
        }
    }
    let mut fixed: Vec<Fixed> = texts
        .into_iter()
        .map(|(path, after)| {
            let (display, before, had_bom) = originals.remove(&path).expect("an original");
            Fixed {
                applied: applied.remove(&path).unwrap_or_default(),
                path,
                display,
                before,
                after,
                had_bom,
            }
        })
        .filter(|f| f.before != f.after)
        .collect();
    fixed.sort_by(|a, b| a.display.cmp(&b.display));
    outcome.fixed = fixed;
    outcome.unsafe_skipped = unsafe_skipped.len();
    outcome
}

/// Applies the edits of up to `limit` fixes, in the order of the text; a fix whose edits overlap
/// an earlier one waits for the next round. Identical edits of several fixes (a directive at the
/// top of the file that each of them needs) are made once.
fn apply<'d>(text: &str, fixes: &[&'d Diagnostic], limit: usize) -> (String, Vec<&'d Diagnostic>) {
    let mut order: Vec<&Diagnostic> = fixes.to_vec();
    order.sort_by_key(|d| {
        d.fix
            .as_ref()
            .and_then(|f| f.edits.iter().map(|e| e.span.start).min())
            .unwrap_or(usize::MAX)
    });
    let mut taken: Vec<&Edit> = Vec::new();
    let mut used = Vec::new();
    for d in order {
        if used.len() >= limit {
            break;
        }
        let edits = &d.fix.as_ref().expect("a fix").edits;
        let fresh: Vec<&Edit> = edits.iter().filter(|e| !taken.contains(e)).collect();
        let clash = fresh.iter().any(|e| {
            e.span.end > text.len()
                || taken.iter().any(|t| {
                    (e.span.start < t.span.end && t.span.start < e.span.end)
                        || (e.span.start == t.span.start
                            && (e.span.is_empty() || t.span.is_empty()))
                })
        });
        if clash {
            continue;
        }
        taken.extend(fresh);
        used.push(d);
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in taken {
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.content);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    (out, used)
}

/// Per file (by display name), per rule: how many active findings, and the last one's message.
type Findings = HashMap<String, HashMap<&'static str, (usize, String)>>;

/// Every active finding of a run, by file, counted by rule, with the message of the last one.
/// Counted by rule, not by message: a message that counts its places ("and 1 more place in
/// this file") changes when the fix removes one of them.
fn findings(reports: &[FileReport]) -> Findings {
    let mut out: Findings = HashMap::new();
    for r in reports {
        let file = out.entry(r.source.display.clone()).or_default();
        for d in r.active() {
            let e = file.entry(d.rule.code).or_default();
            e.0 += 1;
            e.1 = format!("{} {}", d.rule.code, d.message);
        }
    }
    out
}

fn describe(new: &[String]) -> String {
    let mut new: Vec<&String> = new.iter().collect();
    new.sort();
    new.dedup();
    let shown: Vec<String> = new.iter().take(2).map(|s| format!("`{s}`")).collect();
    let more = new.len().saturating_sub(2);
    if more > 0 {
        format!("{} and {more} more finding(s)", shown.join(", "))
    } else {
        shown.join(" and ")
    }
}

/// The unified diff of a fixed file, as `--diff` prints it.
pub fn unified_diff(f: &Fixed) -> String {
    similar::TextDiff::from_lines(&f.before, &f.after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", f.display), &format!("b/{}", f.display))
        .to_string()
}
