//! The GitHub Action (action.yml) run locally: its `run:` steps are executed as the runner
//! executes a composite action (`bash --noprofile --norc -eo pipefail`, inputs and expressions
//! substituted in `env:`), in a simulated GitHub environment: a shallow pull request checkout
//! with its base branch on a local "origin", GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH,
//! GITHUB_WORKSPACE and an event payload. `uses:` steps (the cache) are skipped and named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use saphyr::{LoadableYamlNode, Yaml};

mod common;
use common::{git, repo};

#[derive(Debug)]
struct Step {
    id: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    condition: Option<String>,
    env: Vec<(String, String)>,
}

#[derive(Debug)]
struct Action {
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, String>,
    steps: Vec<Step>,
}

/// A scalar as the runner sees it: a string.
fn text(y: &Yaml) -> String {
    y.as_str()
        .map(str::to_string)
        .or_else(|| y.as_bool().map(|b| b.to_string()))
        .or_else(|| y.as_integer().map(|i| i.to_string()))
        .unwrap_or_default()
}

fn map_of<'a>(y: Option<&'a Yaml<'a>>) -> Vec<(String, Yaml<'a>)> {
    y.and_then(|m| m.as_mapping())
        .map(|m| m.iter().map(|(k, v)| (text(k), v.clone())).collect())
        .unwrap_or_default()
}

fn load_action() -> Action {
    let src = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let docs = Yaml::load_from_str(&src).unwrap();
    let doc = &docs[0];
    let inputs = map_of(doc.as_mapping_get("inputs"))
        .into_iter()
        .map(|(k, v)| (k, v.as_mapping_get("default").map(text).unwrap_or_default()))
        .collect();
    let outputs = map_of(doc.as_mapping_get("outputs"))
        .into_iter()
        .map(|(k, v)| (k, text(v.as_mapping_get("value").unwrap())))
        .collect();
    let runs = doc.as_mapping_get("runs").unwrap();
    assert_eq!(
        runs.as_mapping_get("using").map(text).as_deref(),
        Some("composite")
    );
    let steps = runs
        .as_mapping_get("steps")
        .and_then(|s| s.as_sequence())
        .unwrap()
        .iter()
        .map(|s| {
            let get = |k: &str| s.as_mapping_get(k).map(text);
            if get("run").is_some() {
                assert_eq!(get("shell").as_deref(), Some("bash"), "run steps use bash");
            }
            Step {
                id: get("id"),
                uses: get("uses"),
                run: get("run"),
                condition: get("if"),
                env: map_of(s.as_mapping_get("env"))
                    .into_iter()
                    .map(|(k, v)| (k, text(&v)))
                    .collect(),
            }
        })
        .collect();
    Action {
        inputs,
        outputs,
        steps,
    }
}

/// A simulated runner: the job's environment and the files GitHub gives a step.
struct Runner {
    dir: tempfile::TempDir,
    workspace: PathBuf,
    env: BTreeMap<String, String>,
    /// Directories prepended to PATH by earlier steps (GITHUB_PATH), most recent first.
    path_additions: Vec<String>,
    base_path: String,
    inputs: BTreeMap<String, String>,
    step_outputs: BTreeMap<String, BTreeMap<String, String>>,
}

struct StepResult {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Runner {
    fn new(workspace: PathBuf, base_path: String, event: &str) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["home", "temp", "tool-cache"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        std::fs::write(d.join("event.json"), event).unwrap();
        std::fs::write(d.join("summary.md"), "").unwrap();
        let s = |p: PathBuf| p.to_string_lossy().into_owned();
        let mut env = BTreeMap::new();
        for (k, v) in [
            ("CI", "true".to_string()),
            ("GITHUB_ACTIONS", "true".to_string()),
            ("HOME", s(d.join("home"))),
            ("RUNNER_OS", "Linux".to_string()),
            ("RUNNER_ARCH", "X64".to_string()),
            ("RUNNER_TEMP", s(d.join("temp"))),
            ("RUNNER_TOOL_CACHE", s(d.join("tool-cache"))),
            ("GITHUB_WORKSPACE", s(workspace.clone())),
            ("GITHUB_ACTION_PATH", s(repo())),
            ("GITHUB_EVENT_PATH", s(d.join("event.json"))),
            ("GITHUB_STEP_SUMMARY", s(d.join("summary.md"))),
            ("GITHUB_PATH", s(d.join("path.txt"))),
            ("GITHUB_ENV", s(d.join("env.txt"))),
            ("GITHUB_SERVER_URL", "https://github.com".to_string()),
            ("GITHUB_REPOSITORY", "acme/shop".to_string()),
            ("GIT_CONFIG_GLOBAL", "/dev/null".to_string()),
            ("GIT_CONFIG_NOSYSTEM", "1".to_string()),
        ] {
            env.insert(k.to_string(), v);
        }
        Runner {
            dir,
            workspace,
            env,
            path_additions: Vec::new(),
            base_path,
            inputs: BTreeMap::new(),
            step_outputs: BTreeMap::new(),
        }
    }

    fn set(&mut self, key: &str, value: impl Into<String>) {
        self.env.insert(key.to_string(), value.into());
    }

    /// Evaluates the `${{ ... }}` expressions the action uses; any other is a test failure,
    /// so the action stays within what this test can check.
    fn expand(&self, s: &str, action: &Action) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let expr = rest[start + 3..end].trim();
            out.push_str(&self.eval(expr, action));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn eval(&self, expr: &str, action: &Action) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self
                .inputs
                .get(*name)
                .or_else(|| action.inputs.get(*name))
                .unwrap_or_else(|| panic!("unknown input `{name}`"))
                .clone(),
            ["github", "action_path"] => self.env["GITHUB_ACTION_PATH"].clone(),
            ["github", "workspace"] => self.env["GITHUB_WORKSPACE"].clone(),
            ["runner", "os"] => self.env["RUNNER_OS"].clone(),
            ["runner", "arch"] => self.env["RUNNER_ARCH"].clone(),
            ["steps", id, "outputs", name] => self
                .step_outputs
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("the action uses an expression this test does not know: {expr}"),
        }
    }

    /// Runs the action's steps (stopping after `stop_after` if given, or at the first failing
    /// step, like the runner); returns each run step's id and result.
    fn run_action(
        &mut self,
        action: &Action,
        stop_after: Option<&str>,
    ) -> Vec<(String, StepResult)> {
        let mut results = Vec::new();
        for (i, step) in action.steps.iter().enumerate() {
            let id = step.id.clone().unwrap_or_else(|| format!("step{i}"));
            if let Some(uses) = &step.uses {
                eprintln!("(skipping `uses: {uses}` step: not run locally)");
                continue;
            }
            assert!(
                step.condition.is_none(),
                "run steps have no `if:` (this test does not evaluate them)"
            );
            let result = self.run_step(step, action);
            let failed = result.status != 0;
            results.push((id.clone(), result));
            if failed || stop_after == Some(id.as_str()) {
                break;
            }
        }
        results
    }

    fn run_step(&mut self, step: &Step, action: &Action) -> StepResult {
        let d = self.dir.path().to_path_buf();
        let script = d.join("step.sh");
        std::fs::write(&script, step.run.as_ref().unwrap()).unwrap();
        let output_file = d.join("output.txt");
        std::fs::write(&output_file, "").unwrap();
        let mut path: Vec<String> = self.path_additions.clone();
        path.push(self.base_path.clone());
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(&self.workspace)
            .env_clear()
            .envs(&self.env)
            .env("PATH", path.join(":"))
            .env("GITHUB_OUTPUT", &output_file);
        for (k, v) in &step.env {
            cmd.env(k, self.expand(v, action));
        }
        let out = cmd.output().unwrap();
        let result = StepResult {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let outputs = parse_outputs(&std::fs::read_to_string(&output_file).unwrap());
        if let Some(id) = &step.id {
            self.step_outputs.insert(id.clone(), outputs);
        }
        let added = std::fs::read_to_string(d.join("path.txt")).unwrap_or_default();
        std::fs::write(d.join("path.txt"), "").unwrap();
        for line in added.lines().filter(|l| !l.is_empty()) {
            self.path_additions.insert(0, line.to_string());
        }
        result
    }

    fn action_outputs(&self, action: &Action) -> BTreeMap<String, String> {
        action
            .outputs
            .iter()
            .map(|(k, v)| (k.clone(), self.expand(v, action)))
            .collect()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary.md")).unwrap()
    }
}

/// `name=value` lines and `name<<DELIM` blocks, as the runner reads GITHUB_OUTPUT.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

/// An "origin" whose main holds history with a historical finding, and a pull request branch
/// that adds a migration with an error and a warning; the workspace is a depth-1 clone of the
/// branch, as actions/checkout makes by default.
fn pull_request_checkout(root: &Path) -> (PathBuf, String) {
    let origin = root.join("origin");
    std::fs::create_dir_all(origin.join("db")).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    std::fs::write(
        origin.join("db/001_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .unwrap();
    // The shop opts in to the migration hazards (off by default for their measured precision).
    std::fs::write(
        origin.join("schemaguard.toml"),
        "extend-select = [\"BC\", \"LK\"]\n",
    )
    .unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "init"]);
    std::fs::write(
        origin.join("db/002_legacy.sql"),
        "DROP TABLE legacy_orders;\n",
    )
    .unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "legacy"]);
    git(&origin, &["checkout", "-qb", "feature"]);
    std::fs::write(
        origin.join("db/003_drop_email.sql"),
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\nCREATE INDEX idx_users_id ON users (id);\n",
    )
    .unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "drop email"]);
    // main moves on after the branch point.
    git(&origin, &["checkout", "-q", "main"]);
    std::fs::write(origin.join("README.md"), "shop\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "readme"]);
    let workspace = root.join("workspace");
    let url = format!("file://{}", origin.display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(&workspace)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head = git(&workspace, &["rev-parse", "HEAD"]);
    (workspace, head)
}

/// The system PATH without any schemaguard on it, behind `first`.
fn path_with(first: &Path) -> String {
    let system = std::env::var("PATH").unwrap_or_default();
    let mut dirs = vec![first.to_string_lossy().into_owned()];
    dirs.extend(
        system
            .split(':')
            .filter(|d| !Path::new(d).join("schemaguard").exists())
            .map(str::to_string),
    );
    dirs.join(":")
}

fn binary_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_schemaguard"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn pull_request_run_annotates_summarises_and_sets_outputs() {
    let root = tempfile::tempdir().unwrap();
    let (workspace, head) = pull_request_checkout(root.path());
    let event = serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "head": { "ref": "feature", "sha": head },
            "base": { "ref": "main" },
        },
    })
    .to_string();
    let action = load_action();
    // The binary under test is on PATH, as after an earlier install or a cache hit.
    let mut runner = Runner::new(workspace.clone(), path_with(&binary_dir()), &event);
    runner.set("GITHUB_EVENT_NAME", "pull_request");
    runner.set("GITHUB_BASE_REF", "main");
    runner.set("GITHUB_HEAD_REF", "feature");
    runner.set("GITHUB_REF", "refs/pull/7/merge");
    runner.set("GITHUB_SHA", head.clone());
    runner
        .inputs
        .insert("sarif-file".into(), "schemaguard.sarif".into());

    let results = runner.run_action(&action, None);
    let ids: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    let last = &results.last().unwrap().1;
    assert_eq!(
        ids,
        ["plan", "install", "run"],
        "{}{}",
        last.stdout,
        last.stderr
    );
    let (_, install) = &results[1];
    assert_eq!(install.status, 0, "{}", install.stderr);
    assert!(install.stdout.contains("using "), "{}", install.stdout);
    let (_, run) = &results[2];
    // An error finding fails the step (fail-on: error), after the reports are written.
    assert_eq!(
        run.status, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );

    // Only the pull request's migration is linted: the base was fetched into the shallow clone.
    assert!(
        run.stdout
            .contains("::error file=db/003_drop_email.sql,line=2,col=19,"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::warning file=db/003_drop_email.sql,line=3,col=1,"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("002_legacy"), "{}", run.stdout);
    assert!(
        run.stdout.contains("--diff-base origin/main"),
        "{}",
        run.stdout
    );

    let summary = runner.summary();
    assert!(summary.contains("### schemaguard"), "{summary}");
    assert!(
        summary.contains("Found 1 error, 1 warning (1 file checked)."),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "(https://github.com/acme/shop/blob/{head}/db/003_drop_email.sql#L2)"
        )),
        "links to the pull request's head: {summary}"
    );

    let outputs = runner.action_outputs(&action);
    assert_eq!(outputs["errors"], "1", "{outputs:?}");
    assert_eq!(outputs["warnings"], "1");
    assert_eq!(outputs["findings"], "2");
    assert_eq!(outputs["files"], "1");
    assert_eq!(outputs["sarif-file"], "schemaguard.sarif");
    let sarif = std::fs::read_to_string(workspace.join("schemaguard.sarif")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn push_run_lints_everything_and_passes_below_fail_on() {
    let root = tempfile::tempdir().unwrap();
    let (workspace, head) = pull_request_checkout(root.path());
    let action = load_action();
    let mut runner = Runner::new(workspace, path_with(&binary_dir()), "{}");
    runner.set("GITHUB_EVENT_NAME", "push");
    runner.set("GITHUB_SHA", head);
    runner.inputs.insert("fail-on".into(), "never".into());
    runner.inputs.insert("paths".into(), "db".into());
    let results = runner.run_action(&action, None);
    let (_, run) = results.last().unwrap();
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("--diff-base"), "{}", run.stdout);
    assert!(
        run.stdout.contains("file=db/002_legacy.sql"),
        "{}",
        run.stdout
    );
    let outputs = runner.action_outputs(&action);
    assert_eq!(outputs["errors"], "2", "{outputs:?}");
    assert_eq!(outputs["sarif-file"], "");
}

/// A `cargo` that records how it was called and "installs" the binary under test.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("cargo.log");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{log}'\nroot=\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\nmkdir -p \"$root/bin\"\nln -sf '{exe}' \"$root/bin/schemaguard\"\n",
        log = log.display(),
        exe = env!("CARGO_BIN_EXE_schemaguard"),
    );
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn install_builds_from_the_action_source_or_crates_io_and_reuses_the_cache() {
    let root = tempfile::tempdir().unwrap();
    let (workspace, _) = pull_request_checkout(root.path());
    let bin = fake_cargo(root.path());
    let log = root.path().join("cargo.log");
    let action = load_action();

    // No schemaguard anywhere: build this checkout with cargo, into a cacheable folder.
    let mut runner = Runner::new(workspace.clone(), path_with(&bin), "{}");
    let results = runner.run_action(&action, Some("install"));
    let (_, install) = results.last().unwrap();
    assert_eq!(install.status, 0, "{}{}", install.stdout, install.stderr);
    let dir = runner.step_outputs["plan"]["dir"].clone();
    assert!(
        dir.contains("/.cache/schemaguard-action/schemaguard-Linux-X64-"),
        "{dir}"
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.trim(),
        format!("install --path {} --locked --root {dir}", repo().display())
    );
    assert_eq!(runner.path_additions, [format!("{dir}/bin")]);

    // The next job finds it in the (restored) cache folder and builds nothing.
    let mut again = Runner::new(workspace.clone(), path_with(&bin), "{}");
    again.set("HOME", runner.env["HOME"].clone());
    let results = again.run_action(&action, Some("install"));
    let (_, install) = results.last().unwrap();
    assert!(
        install.stdout.contains("restored from the cache"),
        "{}",
        install.stdout
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);

    // A release from crates.io.
    let mut release = Runner::new(workspace, path_with(&bin), "{}");
    release
        .inputs
        .insert("version".into(), env!("CARGO_PKG_VERSION").into());
    let results = release.run_action(&action, Some("install"));
    assert_eq!(results.last().unwrap().1.status, 0);
    let calls = std::fs::read_to_string(&log).unwrap();
    let last = calls.lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "install schemaguard --version ={} --locked --root ",
            env!("CARGO_PKG_VERSION")
        )),
        "{last}"
    );
}

#[test]
fn the_cache_is_restored_before_the_build_and_saved_right_after_it() {
    // `actions/cache` saves in its post step, on success only: a run with findings would
    // rebuild every time. Restore and save are separate steps around the install.
    let action = load_action();
    let shape: Vec<String> = action
        .steps
        .iter()
        .map(|s| match (&s.uses, &s.id) {
            (Some(u), _) => u.split('@').next().unwrap().to_string(),
            (None, Some(id)) => id.clone(),
            (None, None) => "?".into(),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "plan",
            "actions/cache/restore",
            "install",
            "actions/cache/save",
            "run"
        ]
    );
    let save = &action.steps[3];
    assert!(
        save.condition
            .as_deref()
            .is_some_and(|c| c.contains("steps.install.outputs.built == 'true'")),
        "{:?}",
        save.condition
    );

    // The install step says when it built (and so when there is something to save).
    let root = tempfile::tempdir().unwrap();
    let (workspace, _) = pull_request_checkout(root.path());
    let bin = fake_cargo(root.path());
    let mut runner = Runner::new(workspace.clone(), path_with(&bin), "{}");
    runner.run_action(&action, Some("install"));
    assert_eq!(
        runner.step_outputs["install"]
            .get("built")
            .map(String::as_str),
        Some("true")
    );
    let mut again = Runner::new(workspace, path_with(&bin), "{}");
    again.set("HOME", runner.env["HOME"].clone());
    again.run_action(&action, Some("install"));
    assert_eq!(again.step_outputs["install"].get("built"), None);
}

#[test]
fn the_cache_key_is_the_same_where_only_shasum_exists() {
    // macOS runners have `shasum`, not `sha256sum`.
    let root = tempfile::tempdir().unwrap();
    let (workspace, _) = pull_request_checkout(root.path());
    let action = load_action();
    let mut linux = Runner::new(workspace.clone(), path_with(&binary_dir()), "{}");
    linux.run_action(&action, Some("plan"));
    let tools = root.path().join("mac-bin");
    std::fs::create_dir_all(&tools).unwrap();
    let which = |t: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {t}"))
            .output()
            .unwrap();
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    };
    for t in [
        "bash", "sed", "head", "find", "sort", "xargs", "cut", "shasum", "perl", "env",
    ] {
        let p = which(t);
        assert!(p.is_file(), "`{t}` is needed to simulate a macOS runner");
        std::os::unix::fs::symlink(p, tools.join(t)).unwrap();
    }
    let mut mac = Runner::new(workspace, tools.to_string_lossy().into_owned(), "{}");
    let results = mac.run_action(&action, Some("plan"));
    let (_, plan) = results.last().unwrap();
    assert_eq!(plan.status, 0, "{}", plan.stderr);
    assert_eq!(
        mac.step_outputs["plan"]["key"],
        linux.step_outputs["plan"]["key"]
    );
}

#[test]
fn paths_one_per_line_may_contain_spaces() {
    let root = tempfile::tempdir().unwrap();
    let (workspace, head) = pull_request_checkout(root.path());
    std::fs::create_dir_all(workspace.join("db/old migrations")).unwrap();
    std::fs::write(
        workspace.join("db/old migrations/001_x.sql"),
        "DROP TABLE archived_orders;\n",
    )
    .unwrap();
    let action = load_action();
    let mut runner = Runner::new(workspace, path_with(&binary_dir()), "{}");
    runner.set("GITHUB_EVENT_NAME", "push");
    runner.set("GITHUB_SHA", head);
    runner.inputs.insert("fail-on".into(), "never".into());
    runner.inputs.insert(
        "paths".into(),
        "db/old migrations\n  db/002_legacy.sql\n".into(),
    );
    let results = runner.run_action(&action, None);
    let (_, run) = results.last().unwrap();
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("file=db/old migrations/001_x.sql"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("file=db/002_legacy.sql"),
        "{}",
        run.stdout
    );
}
