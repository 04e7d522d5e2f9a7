//! End-to-end behaviour of the config YAML support through the binary: hostile inputs give a
//! diagnostic and never a crash (10,000 levels of nesting, alias bombs, thousands of
//! documents, broken syntax), Helm charts are skipped with one notice for all templates, Liquibase
//! YAML changelogs still go to the changelog reader, suppressions work in YAML comments, and
//! `[database-settings]` is strict.

mod common;
use common::{schemaguard, write};

#[test]
fn hostile_yaml_gives_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // 10,000 levels of flow collections, 3,000 of block mappings and sequences (deeper block
    // nesting needs more indentation than the 10 MiB file size limit allows); each mentions a
    // database so that it is parsed, not skipped by the prefilter.
    write(
        dir.path(),
        "flow.yaml",
        &format!(
            "database:\n  x: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    let block: String = std::iter::once("database:\n".to_string())
        .chain((1..3_000).map(|i| format!("{}k:\n", " ".repeat(i))))
        .collect();
    write(dir.path(), "block.yaml", &block);
    let seq: String = std::iter::once("postgres:\n".to_string())
        .chain((1..3_000).map(|i| format!("{}- \n", " ".repeat(i))))
        .collect();
    write(dir.path(), "seq.yaml", &seq);
    // An alias bomb: 10^10 nodes if expanded.
    let mut bomb = String::from("database:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        bomb.push_str(&format!(
            "  {c}: &{c} [{p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}]\n",
            p = format!("*{prev}")
        ));
        prev = c;
    }
    write(dir.path(), "bomb.yaml", &bomb);
    // Thousands of documents, one with a finding at the end.
    let mut many: String = (0..5_000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"))
        .collect();
    many.push_str("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 5432\n");
    write(dir.path(), "many.yaml", &many);
    write(
        dir.path(),
        "broken.yaml",
        "services:\n  db:\n    image: postgres:16\n    environment: [a\n",
    );
    write(dir.path(), "tabs.yaml", "database:\n\tssl: false\n");
    write(dir.path(), "empty.yaml", "");
    let (code, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "concise",
            ".",
        ],
    );
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(!err.contains("panicked"), "{err}");
    for f in ["flow.yaml", "block.yaml", "broken.yaml"] {
        assert!(
            out.lines().any(|l| l.starts_with(f) && l.contains("LN001")),
            "{f}: {out}"
        );
    }
    assert!(out.contains("many.yaml:25009:7: IS030"), "{out}");
}

#[test]
fn helm_templates_are_skipped_with_one_notice_and_values_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "chart/templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\nstringData:\n  password: {{ .Values.password | quote }}\n{{- end }}\n",
    );
    write(
        dir.path(),
        "chart/values.yaml",
        "postgresql:\n  auth:\n    username: app\n    password: Vr8Kd3Tq6Nw2Zm\n",
    );
    let (_, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "concise",
            ".",
        ],
    );
    let notices: Vec<&str> = out.lines().filter(|l| l.contains("LN008")).collect();
    assert_eq!(notices.len(), 1, "{out}{err}");
    assert!(
        notices[0].starts_with("chart/templates/secret.yaml:4:9"),
        "{out}"
    );
    assert!(out.contains("chart/values.yaml:4:15: SD004"), "{out}");
    assert!(!out.contains("Vr8Kd3Tq6Nw2Zm"), "a secret was printed");
}

#[test]
fn liquibase_yaml_changelogs_are_still_changelogs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "db/changelog/db.changelog-master.yaml",
        "databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - dropTable:\n            tableName: users\n",
    );
    let (_, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "concise",
            ".",
        ],
    );
    assert!(out.contains("BC002"), "{out}{err}");
}

#[test]
fn yaml_suppressions_and_strict_database_settings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "database/postgres.yaml",
        "database:\n  parameters:\n    # schemaguard: ignore[IS034] sized for 64 GB of RAM, pooled by PgBouncer\n    max_connections: 1000\n    log_statement: none # schemaguard: ignore[ddl-logging-disabled] audited by pgaudit\n",
    );
    let (code, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    write(
        dir.path(),
        "schemaguard.toml",
        "[database-settings]\nmax-conections = 100\n",
    );
    let (code, _, err) = schemaguard(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("max-conections"), "{err}");
}

#[test]
fn templates_get_one_notice_not_one_per_template_or_chart() {
    let dir = tempfile::tempdir().unwrap();
    // One cause (templates are not YAML), one notice: for the templates in subfolders
    // (`templates/primary/`) and for those of another chart alike (a repository of 17 charts got
    // 17 notices, judged noise).
    for name in ["a", "b", "primary/c"] {
        write(
            dir.path(),
            &format!("chart/templates/{name}.yaml"),
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        );
    }
    write(
        dir.path(),
        "other/templates/x.yaml",
        "kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    let (_, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "concise",
            ".",
        ],
    );
    let notices: Vec<&str> = out.lines().filter(|l| l.contains("LN008")).collect();
    assert_eq!(notices.len(), 1, "{out}{err}");
    assert!(
        notices[0].starts_with("chart/templates/a.yaml:")
            && notices[0].contains("nor were the 3 other template files found"),
        "{out}"
    );
}
