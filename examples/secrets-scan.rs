//! Runs the secrets engine's `scan_text` over whole files of any kind (YAML, Terraform, SQL,
//! properties…) and prints one line per match: detector, position, weak or not, and the line
//! with every match masked. Used by `scripts/secrets-per-detector.sh` to review the engine on
//! inputs the linter does not read yet. Never prints a secret.
//!
//!   cargo run --example secrets-scan -- PATH...

use std::path::PathBuf;

use schemaguard::redact::mask;
use schemaguard::secrets::scan_text;
use schemaguard::source::LineIndex;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    for root in paths {
        let walk = ignore::WalkBuilder::new(&root)
            .hidden(false)
            .git_ignore(false)
            .ignore(false)
            .build();
        let mut files: Vec<PathBuf> = walk
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let matches = scan_text(&text, 0);
            if matches.is_empty() {
                continue;
            }
            let lines = LineIndex::new(&text);
            for m in &matches {
                let lc = lines.line_col(&text, m.span.start);
                let line = lines.line_span(&text, lines.line_of(m.span.start));
                // The line with every match on it masked.
                let mut shown = String::new();
                let mut pos = line.start;
                for other in matches
                    .iter()
                    .filter(|o| o.span.end > line.start && o.span.start < line.end)
                {
                    let s = other.span.start.max(line.start).max(pos);
                    let e = other.span.end.min(line.end);
                    if s >= e {
                        continue;
                    }
                    shown.push_str(&text[pos..s]);
                    shown.push_str(&mask(&text[s..e]));
                    pos = e;
                }
                shown.push_str(&text[pos..line.end]);
                let shown: String = shown.trim().chars().take(160).collect();
                println!(
                    "{}\t{}:{}:{}\t{}\t{}",
                    m.detector.id(),
                    path.display(),
                    lc.line,
                    lc.column,
                    match m.weak {
                        schemaguard::secrets::Weakness::Strong => "-",
                        schemaguard::secrets::Weakness::Default => "default",
                        schemaguard::secrets::Weakness::Placeholder => "placeholder",
                    },
                    shown
                );
            }
        }
    }
}
