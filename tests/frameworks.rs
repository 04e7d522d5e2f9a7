//! Migration folders end to end: `--diff-base` against a real git repository (only changed
//! migrations are reported, the folder is still replayed, integrity is checked against the base),
//! and migration files named alone bringing their folder along.

use schemaguard::assemble::BaseLookup;
use schemaguard::discover::{self, Candidate};
use schemaguard::git::{GitBase, resolve};
use schemaguard::lint;
use schemaguard::settings::Settings;

mod common;
use common::{git, write};

/// (file name, code) of every active finding.
fn findings(reports: &[lint::FileReport]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = reports
        .iter()
        .flat_map(|r| {
            r.active()
                .map(move |d| (r.source.file_name().to_string(), d.rule.code.to_string()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn diff_base_reports_changed_migrations_and_checks_integrity() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let m = "db/migration";
    write(
        d,
        &format!("{m}/V1__create_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    );
    write(
        d,
        &format!("{m}/V5__add_orders.sql"),
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feature"]);
    // Edited after it was applied.
    write(
        d,
        &format!("{m}/V1__create_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50));\n",
    );
    // Added below the newest applied version.
    write(
        d,
        &format!("{m}/V4__add_nickname.sql"),
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    // A table created by a new migration, then indexed by the next one: exempt.
    write(
        d,
        &format!("{m}/V6__create_events.sql"),
        "CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n",
    );
    write(
        d,
        &format!("{m}/V7__index_events.sql"),
        "CREATE INDEX events_kind_idx ON events (kind);\nCREATE INDEX orders_id_idx ON orders (id);\n",
    );

    let settings = Settings::only("ALL");
    let base = GitBase::new(resolve("main", d).unwrap()).unwrap();
    let found = discover::discover(&[d.to_path_buf()], &settings);
    let files: Vec<Candidate> = found
        .files
        .into_iter()
        .filter(|c| base.is_changed(&c.path))
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    let context = discover::context_for(&files, &settings);
    assert!(
        context
            .iter()
            .any(|c| c.path.ends_with("V5__add_orders.sql"))
    );
    let request = lint::Request {
        base: Some(&base as &dyn BaseLookup),
        ..lint::Request::paths_with_context(files, context)
    };
    let reports = lint::lint(request, &settings);
    let got = findings(&reports);
    let has = |file: &str, code: &str| got.iter().any(|(f, c)| f == file && c == code);
    assert!(has("V1__create_users.sql", "NM007"), "{got:?}");
    assert!(has("V4__add_nickname.sql", "NM006"), "{got:?}");
    assert!(!has("V6__create_events.sql", "NM006"), "{got:?}");
    // The index on the new table is exempt; the one on the applied table is not.
    let lk001: Vec<_> = reports
        .iter()
        .filter(|r| r.source.file_name() == "V7__index_events.sql")
        .flat_map(|r| {
            r.active()
                .filter(|d| d.rule.code == "LK001")
                .map(|d| r.source.line_col(d.span.start).line)
        })
        .collect();
    assert_eq!(lk001, vec![2], "{got:?}");
    // Unchanged migrations are replayed, never reported.
    assert!(
        reports
            .iter()
            .all(|r| r.source.file_name() != "V5__add_orders.sql")
    );
}

#[test]
fn a_file_named_alone_brings_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "migrations/001_create_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    write(
        d,
        "migrations/001_create_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(
        d,
        "migrations/002_add_nickname.up.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    write(d, "migrations/002_add_nickname.down.sql", "SELECT 1;\n");
    let settings = Settings::only("RB");
    let path = d.join("migrations/002_add_nickname.down.sql");
    let files = vec![Candidate {
        display: "002_add_nickname.down.sql".into(),
        path: path.clone(),
        kind: discover::classify(&path).unwrap(),
    }];
    let context = discover::context_for(&files, &settings);
    let request = lint::Request::paths_with_context(files, context);
    let reports = lint::lint(request, &settings);
    assert_eq!(reports.len(), 1);
    let got = findings(&reports);
    assert_eq!(
        got,
        vec![("002_add_nickname.down.sql".to_string(), "RB005".to_string())]
    );
    let msg = &reports[0].diagnostics[0].message;
    assert!(msg.contains("users.nickname"), "{msg}");
}

#[test]
fn a_named_file_that_shares_a_version_is_reported_whichever_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "migrations/001_users.up.sql",
        "CREATE TABLE users (id bigint);\n",
    );
    write(
        d,
        "migrations/002_add_name.up.sql",
        "ALTER TABLE users ADD COLUMN name text;\n",
    );
    write(
        d,
        "migrations/002_add_nick.up.sql",
        "ALTER TABLE users ADD COLUMN nick text;\n",
    );
    let settings = Settings::only("NM003");
    // Either file named alone (a pre-commit run): the other is context, and the duplicate is
    // reported on the named one.
    for name in ["002_add_name.up.sql", "002_add_nick.up.sql"] {
        let path = d.join("migrations").join(name);
        let files = vec![Candidate {
            display: name.into(),
            path: path.clone(),
            kind: discover::classify(&path).unwrap(),
        }];
        let context = discover::context_for(&files, &settings);
        let request = lint::Request::paths_with_context(files, context);
        let got = findings(&lint::lint(request, &settings));
        assert_eq!(got, vec![(name.to_string(), "NM003".to_string())], "{name}");
    }
}

#[test]
fn config_forces_frameworks_and_requires_downs() {
    use schemaguard::config;
    use schemaguard::settings::Overrides;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "schemaguard.toml",
        "[migrations]\nrequire-down = \"always\"\n\n[migrations.frameworks]\n\"db\" = \"dbmate\"\n",
    );
    write(
        d,
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    write(d, "db/001_init.sql", "CREATE TABLE t (id int);\n");
    let loaded = config::load(&d.join("schemaguard.toml")).unwrap();
    let settings = Settings::resolve(
        Some(&loaded),
        &Overrides {
            select: Some(vec!["RB001".into(), "NM002".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    let found = discover::discover(&[d.to_path_buf()], &settings);
    let reports = lint::lint(lint::Request::paths(&found.files), &settings);
    let got = findings(&reports);
    assert!(
        got.contains(&("migration.sql".into(), "RB001".into())),
        "{got:?}"
    );
    // Forced to dbmate, a file without `-- migrate:up` is not a dbmate migration.
    assert!(
        got.contains(&("001_init.sql".into(), "NM002".into())),
        "{got:?}"
    );

    // Unknown frameworks are configuration errors pointing into the file.
    write(d, "bad.toml", "[migrations]\nframework = \"rails\"\n");
    let bad = config::load(&d.join("bad.toml")).unwrap();
    let err = Settings::resolve(Some(&bad), &Overrides::default()).unwrap_err();
    assert!(
        err.message.contains("unknown framework `rails`"),
        "{}",
        err.message
    );
}

/// A golang-migrate folder whose `n` index builds on an existing table never use CONCURRENTLY.
fn never_concurrent(d: &std::path::Path, n: usize) {
    write(
        d,
        "db/001_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n",
    );
    for i in 2..n + 2 {
        write(
            d,
            &format!("db/{i:03}_index{i}.up.sql"),
            &format!("CREATE INDEX orders_status{i}_idx ON orders (status);\n"),
        );
    }
}

/// (file name, severity, message) of each finding of `--format json`.
fn json_findings(d: &std::path::Path, args: &[&str]) -> Vec<(String, String, String)> {
    let (code, out, err) = common::schemaguard(d, args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let file = x["file"].as_str().unwrap();
            (
                file.rsplit('/').next().unwrap().to_string(),
                x["severity"].as_str().unwrap().to_string(),
                x["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_set_that_never_follows_a_locking_practice_gets_one_note_at_its_newest_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    never_concurrent(d, 10);
    let args = [
        "check",
        "--isolated",
        "--format",
        "json",
        "--select",
        "LK001",
        "db",
    ];
    let got = json_findings(d, &args);
    assert_eq!(got.len(), 1, "{got:?}");
    let (file, severity, message) = &got[0];
    assert_eq!(file, "011_index11.up.sql");
    assert_eq!(severity, "info");
    assert!(
        message.contains(
            "none of the 10 index builds of this migration set uses CONCURRENTLY; reported once, here, for its 10 places in 10 files"
        ),
        "{message}"
    );

    // The JSON report says what was learned about the set.
    let (_, out, _) = common::schemaguard(d, &args);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let set = &v["files"][0]["migration_set"];
    assert_eq!(set["framework"], "golang-migrate", "{set}");
    assert_eq!(
        set["conventions"]["practices"]["concurrent-index-build"],
        serde_json::json!({ "cases": 10, "followed": 0, "practised": false }),
        "{set}"
    );

    // One concurrent build in eleven is an exception, not the practice; two in twelve (one in
    // ten or more) are, and every plain build is reported again.
    write(
        d,
        "db/012_index12.up.sql",
        "CREATE INDEX CONCURRENTLY orders_status12_idx ON orders (status);\n",
    );
    let got = json_findings(d, &args);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].2.contains("only 1 of the 11 index builds"),
        "{got:?}"
    );
    write(
        d,
        "db/013_index13.up.sql",
        "CREATE INDEX CONCURRENTLY orders_status13_idx ON orders (status);\n",
    );
    let got = json_findings(d, &args);
    assert_eq!(got.len(), 10, "{got:?}");
    assert!(got.iter().all(|(_, s, _)| s == "warning"), "{got:?}");
}

#[test]
fn online_pins_the_locking_practice_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    never_concurrent(d, 6);
    let args = ["check", "--format", "json", "--select", "LK001,LK010", "db"];
    write(d, "schemaguard.toml", "[migrations]\nonline = \"always\"\n");
    let got = json_findings(d, &args);
    // Six LK001 warnings; LK010 says nothing more at the places LK001 marks.
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(
        got.iter()
            .all(|(_, s, m)| s == "warning" && m.contains("without CONCURRENTLY")),
        "{got:?}"
    );
    write(d, "schemaguard.toml", "[migrations]\nonline = \"never\"\n");
    assert_eq!(json_findings(d, &args), vec![]);
    write(
        d,
        "schemaguard.toml",
        "[migrations]\nonline = \"sometimes\"\n",
    );
    let (code, out, err) = common::schemaguard(d, &args);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("unknown online `sometimes`") && err.contains("schemaguard.toml:2"),
        "{err}"
    );
}

#[test]
fn sql_files_with_an_engine_suffix_are_linted_as_that_engine() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let change = "ALTER TABLE orders ADD COLUMN placed_at timestamptz;\nCREATE INDEX orders_placed_idx ON orders (placed_at);\n";
    write(d, "schema/002_orders.sql.postgres", change);
    write(d, "schema/002_orders.sql.mysql", change);
    write(d, "schema/notes.postgres", "not SQL\n");
    let (code, out, err) = common::schemaguard(
        d,
        &[
            "check",
            "--isolated",
            "--extend-select",
            "ALL",
            "--format",
            "json",
            "schema",
        ],
    );
    assert_eq!(code, 0, "warnings only: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "schema/002_orders.sql.mysql",
            "schema/002_orders.sql.postgres"
        ]
    );
    let lk001: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["code"] == "LK001")
        .map(|x| x["file"].as_str().unwrap())
        .collect();
    // CONCURRENTLY is PostgreSQL advice: the MySQL copy does not get it.
    assert_eq!(lk001, ["schema/002_orders.sql.postgres"]);
}

#[test]
fn folders_in_a_partly_supported_dialect_get_one_parse_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // One cause (ClickHouse is read partially), one note, also across the sibling folders
    // of clustered and unclustered histories.
    for folder in ["clustered", "unclustered"] {
        for i in 1..=3 {
            write(
                d,
                &format!("clickhouse/{folder}/{i:04}_events.up.sql"),
                "ALTER TABLE events ON CLUSTER default ADD COLUMN c String CODEC(ZSTD(3));\n",
            );
        }
    }
    let args = [
        "check",
        "--isolated",
        "--format",
        "json",
        "--select",
        "LN001",
        ".",
    ];
    let got = json_findings(d, &args);
    assert_eq!(got.len(), 1, "{got:?}");
    let (file, severity, message) = &got[0];
    assert_eq!(file, "0001_events.up.sql");
    assert_eq!(severity, "info");
    assert!(
        message.contains("schemaguard reads ClickHouse only in part")
            && message.contains("nor were those of the 5 other files of this dialect"),
        "{message}"
    );
}

#[test]
fn release_window_hours_decides_what_ships_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "db/20240101090000_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    );
    write(
        d,
        "db/20240108100000_add_note.up.sql",
        "ALTER TABLE orders ADD COLUMN note text;\n",
    );
    write(
        d,
        "db/20240108153000_drop_note.up.sql",
        "ALTER TABLE orders DROP COLUMN note;\n",
    );
    let args = ["check", "--format", "json", "--select", "BC001", "db"];
    // Five and a half hours apart: one release by default.
    assert_eq!(json_findings(d, &args), vec![]);
    write(
        d,
        "schemaguard.toml",
        "[migrations]\nrelease-window-hours = 4\n",
    );
    assert_eq!(json_findings(d, &args).len(), 1);
    write(
        d,
        "schemaguard.toml",
        "[migrations]\nrelease-window-hours = 0\n",
    );
    assert_eq!(json_findings(d, &args).len(), 1);
}

/// A validated CHECK spares SET NOT NULL its scan only from PostgreSQL 12 on.
#[test]
fn a_validated_check_spares_the_scan_only_from_postgres_12() {
    let text = "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n\
                ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n\
                ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";
    let run = |version: u32| {
        let mut settings = Settings::only("BC007");
        settings.postgres_version = version;
        let source = schemaguard::source::SourceFile::from_text("V2__email.sql", text);
        let reports = lint::lint(
            lint::Request::texts(vec![(source, discover::FileKind::Sql)]),
            &settings,
        );
        reports[0]
            .active()
            .map(|d| {
                (
                    reports[0].source.line_col(d.span.start).line,
                    d.message.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(run(12).is_empty(), "{:?}", run(12));
    let old = run(11);
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0].0, 3);
    assert!(old[0].1.contains("before 12"), "{}", old[0].1);
}
