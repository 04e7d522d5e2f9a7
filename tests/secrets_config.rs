//! `[secrets]` in schemaguard.toml: report-placeholders, allow-patterns, allow-paths and
//! allow-fingerprints; and masking that keeps a file's line structure.

use std::path::Path;

use schemaguard::config;
use schemaguard::discover::{self, Candidate};
use schemaguard::lint::{self, FileReport};
use schemaguard::redact::mask;
use schemaguard::settings::{Overrides, Settings};

mod common;
use common::write;

fn settings(dir: &Path, toml: &str) -> Settings {
    let path = dir.join("schemaguard.toml");
    std::fs::write(&path, toml).unwrap();
    let loaded = config::load(&path).unwrap();
    Settings::resolve(
        Some(&loaded),
        &Overrides {
            select: Some(vec!["SD".into()]),
            ..Default::default()
        },
    )
    .unwrap()
}

fn lint(path: &Path, settings: &Settings) -> FileReport {
    let kind = discover::classify(path).unwrap();
    let file = Candidate {
        display: path.display().to_string(),
        path: path.to_path_buf(),
        kind,
    };
    lint::lint(lint::Request::alone(lint::Input::Path(file)), settings)
        .pop()
        .expect("one report")
}

#[test]
fn placeholders_are_reported_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let env = write(dir.path(), ".env", "ADMIN_PASSWORD=changeme\n");
    let off = lint(&env, &settings(dir.path(), ""));
    assert_eq!(off.active().count(), 0);
    let on = lint(
        &env,
        &settings(dir.path(), "[secrets]\nreport-placeholders = true\n"),
    );
    let found: Vec<_> = on.active().collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule.code, "SD004");
    assert_eq!(found[0].severity.as_str(), "warning");
    assert!(
        found[0].message.contains("placeholder"),
        "{}",
        found[0].message
    );
}

#[test]
fn terraform_placeholder_passwords_are_weak_and_reported_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let tf = write(
        dir.path(),
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  password = \"changeme\"\n}\n",
    );
    assert_eq!(lint(&tf, &settings(dir.path(), "")).active().count(), 0);
    let on = lint(
        &tf,
        &settings(dir.path(), "[secrets]\nreport-placeholders = true\n"),
    );
    let found: Vec<_> = on.active().collect();
    assert_eq!(found.len(), 1, "one finding, by SD008 alone");
    assert_eq!(found[0].rule.code, "SD008");
    assert_eq!(found[0].severity.as_str(), "warning");
    assert!(
        found[0].message.contains("placeholder"),
        "{}",
        found[0].message
    );
}

/// A well-known default is a real password (issue 13, item 15): reported by default, as a
/// warning that says what it is, where the file deploys something others reach; in a Compose
/// file it is the local setup's placeholder.
#[test]
fn well_known_default_passwords_are_reported_where_they_deploy() {
    let dir = tempfile::tempdir().unwrap();
    let tf = write(
        dir.path(),
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  password = \"postgres\"\n}\n",
    );
    let found: Vec<_> = lint(&tf, &settings(dir.path(), ""))
        .active()
        .map(|d| (d.rule.code, d.severity.as_str(), d.message.clone()))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), ("SD008", "warning"));
    assert!(found[0].2.contains("well-known default"), "{}", found[0].2);
    let secret = write(
        dir.path(),
        "k8s/mysql.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: mysql\nstringData:\n  password: root\n",
    );
    let codes: Vec<_> = lint(&secret, &settings(dir.path(), ""))
        .active()
        .map(|d| d.rule.code)
        .collect();
    assert_eq!(codes, ["SD011"]);
    let compose = write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n",
    );
    assert_eq!(
        lint(&compose, &settings(dir.path(), "")).active().count(),
        0
    );
    let on = lint(
        &compose,
        &settings(dir.path(), "[secrets]\nreport-placeholders = true\n"),
    );
    assert_eq!(on.active().count(), 1);
}

#[test]
fn allow_patterns_and_paths_accept_values_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = "DB_PASSWORD=Pl4ntP0t!Green\nAPI_TOKEN=Qz8Lm3Vn6Rt1Wx4K\n";
    let env = write(dir.path(), "app/.env", text);
    let local = write(dir.path(), "local/.env", text);
    let s = settings(
        dir.path(),
        "[secrets]\nallow-patterns = [\"^Pl4nt\"]\nallow-paths = [\"local/**\"]\n",
    );
    let codes: Vec<String> = lint(&env, &s).active().map(|d| d.message.clone()).collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(codes[0].contains("API_TOKEN"));
    assert_eq!(lint(&local, &s).active().count(), 0);
}

#[test]
fn allow_fingerprints_suppress_and_keep_masking() {
    let dir = tempfile::tempdir().unwrap();
    let env = write(dir.path(), ".env", "DB_PASSWORD=Pl4ntP0t!Green\n");
    let first = lint(&env, &settings(dir.path(), ""));
    let fp = schemaguard::output::fingerprints(&first)[0].clone();
    let s = settings(
        dir.path(),
        &format!("[secrets]\nallow-fingerprints = [\"{fp}\"]\n"),
    );
    let again = lint(&env, &s);
    assert_eq!(again.active().count(), 0);
    let d = &again.diagnostics[0];
    assert_eq!(d.suppression.as_ref().unwrap().kind, "config");
    assert!(!again.display_text.contains("Pl4ntP0t!Green"));
}

#[test]
fn bad_secrets_config_points_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schemaguard.toml");
    for (toml, bad) in [
        ("[secrets]\nallow-fingerprints = [\"nope\"]\n", "\"nope\""),
        (
            "[secrets]\nallow-patterns = [\"(unclosed\"]\n",
            "\"(unclosed\"",
        ),
    ] {
        std::fs::write(&path, toml).unwrap();
        let loaded = config::load(&path).unwrap();
        let err = Settings::resolve(Some(&loaded), &Overrides::default()).unwrap_err();
        assert_eq!(
            err.span.map(|s| s.text(&err.text).to_string()).as_deref(),
            Some(bad),
            "{}",
            err.message
        );
    }
}

#[test]
fn masking_keeps_length_and_line_breaks() {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n";
    let m = mask(body);
    assert_eq!(m.len(), body.len());
    assert_eq!(m.matches('\n').count(), 2);
    assert!(!m.contains("MIIEvQ"));
    assert_eq!(mask("short"), "*****");
    assert!(mask("a-long-secret-value-here").starts_with("a-"));
}

#[test]
fn a_repeated_secret_is_masked_everywhere_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sql = write(
        dir.path(),
        "V1__roles.sql",
        "-- the reporting password is Rq8#vLm2pZ7k (ask ops)\nCREATE ROLE reporting LOGIN PASSWORD 'Rq8#vLm2pZ7k';\n",
    );
    let r = lint(&sql, &settings(dir.path(), ""));
    assert_eq!(r.active().count(), 1);
    assert!(!r.display_text.contains("Rq8#vLm2pZ7k"));
}
