use std::collections::BTreeSet;

use crate::declarative::tree::{Node, Value};
use crate::registry::{Cx, Rule};
use crate::source::Span;
use crate::yaml::{DocKind, YamlFile};

use super::file_checked;

crate::declare_rule! {
    /// ## What it does
    /// Flags a GitHub Actions `run:` line that prints a secret to the job log: `echo` or
    /// `printf` of `${{ secrets.X }}`, or of an environment variable the workflow, job or step
    /// sets from a secret (`env: {DB_PASSWORD: ${{ secrets.DB_PASSWORD }}}` then
    /// `echo $DB_PASSWORD`). Output that goes to a file or a pipe (`>> $GITHUB_ENV`,
    /// `| docker login --password-stdin`) and `::add-mask::` are not printing.
    ///
    /// ## Why is this bad?
    /// GitHub masks a secret's exact value in logs, but not its transformations: a secret
    /// that is part of a connection string, base64-encoded, split across lines or printed
    /// character by character leaks in clear text to everyone who can read the workflow's
    /// logs, for as long as they are kept (public repositories: everyone).
    ///
    /// ## Example
    /// ```yaml file=.github/workflows/deploy.yml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     env:
    ///       DB_PASSWORD: ${{ secrets.DB_PASSWORD }}
    ///     steps:
    ///       - run: echo "connecting with $DB_PASSWORD"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml file=.github/workflows/deploy.yml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     env:
    ///       PGPASSWORD: ${{ secrets.DB_PASSWORD }}
    ///     steps:
    ///       - run: psql -h db.internal -U deploy -c 'select 1'
    /// ```
    pub struct WorkflowSecretEchoed {
        code: "SD012",
        name: "workflow-secret-echoed",
        category: SensitiveData,
        severity: Warning,
        security_severity: 5.0,
    }
}

/// Names of the `env` entries of `n` set from a secret.
fn secret_env(n: &Node, into: &mut BTreeSet<String>) {
    if let Some(env) = n.get("env").and_then(|e| e.node.as_map()) {
        for e in &env.entries {
            if let Value::Unknown(Some(s)) = &e.node.value
                && s.contains("secrets.")
            {
                into.insert(e.key.to_string());
            }
        }
    }
}

/// The secret a shell line prints, if it prints one.
fn printed_secret(line: &str, vars: &BTreeSet<String>) -> Option<String> {
    // Each command of the line, split on the shell's separators.
    for cmd in line.split([';', '&']).map(str::trim) {
        let cmd = cmd.trim_start_matches('|').trim();
        let Some(rest) = cmd
            .strip_prefix("echo ")
            .or_else(|| cmd.strip_prefix("printf "))
        else {
            continue;
        };
        if rest.contains("::add-mask::") {
            continue;
        }
        // Redirected or piped: not the log.
        let args = match rest.find(['>', '|']) {
            Some(_) => continue,
            None => rest,
        };
        if let Some(at) = args.find("secrets.") {
            let name: String = args[at + 8..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if args[..at].contains("${{") {
                return Some(format!("secrets.{name}"));
            }
        }
        for v in vars {
            if args.contains(&format!("${v}")) || args.contains(&format!("${{{v}}}")) {
                return Some(v.clone());
            }
        }
    }
    None
}

impl Rule for WorkflowSecretEchoed {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        let text = cx.source.text.clone();
        for doc in &file.docs {
            if doc.kind != DocKind::Workflow {
                continue;
            }
            let mut top = BTreeSet::new();
            secret_env(&doc.root, &mut top);
            let Some(jobs) = doc.root.get("jobs").and_then(|e| e.node.as_map()) else {
                continue;
            };
            for job in &jobs.entries {
                let mut job_vars = top.clone();
                secret_env(&job.node, &mut job_vars);
                let Some(steps) = job.node.get("steps").and_then(|e| e.node.as_list()) else {
                    continue;
                };
                for step in steps {
                    let mut vars = job_vars.clone();
                    secret_env(step, &mut vars);
                    let Some(run) = step.get("run").map(|e| &e.node) else {
                        continue;
                    };
                    if run.origin.is_some()
                        || !matches!(run.value, Value::String(_) | Value::Unknown(Some(_)))
                    {
                        continue;
                    }
                    let raw = run.span.text(&text);
                    let mut offset = 0;
                    for line in raw.split_inclusive('\n') {
                        let at = run.span.start + offset;
                        offset += line.len();
                        let trimmed = line.trim_end();
                        if let Some(secret) = printed_secret(trimmed.trim_start(), &vars) {
                            let lead = trimmed.len() - trimmed.trim_start().len();
                            cx.report(
                                Span::new(at + lead, at + trimmed.len()),
                                format!("this `run:` line prints the secret `{secret}` to the job log"),
                            )
                            .label("printed to the log")
                            .help("do not print secrets: pass them to the command through the environment or stdin (`--password-stdin`); GitHub's log masking misses transformed values");
                        }
                    }
                }
            }
        }
    }
}
