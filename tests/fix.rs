//! `check --fix`, `--diff` and `--unsafe-fixes` end to end, on a migration folder per framework:
//! the files as written, the second run that changes nothing, the fixes refused and why, and the
//! diff base that keeps applied migrations untouched.

mod common;

use common::{git, schemaguard, write};
use std::path::Path;

/// `schemaguard check --isolated ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let all: Vec<&str> = ["check", "--isolated"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    schemaguard(dir, &all)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

/// A project with one migration folder per framework: an initial table, then an index built
/// (and dropped in the down) without CONCURRENTLY.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // goose: one file, Up and Down sections, in a transaction unless told not to.
    write(
        d,
        "goose/20240101000000_init.sql",
        "-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n\n-- +goose Down\nDROP TABLE orders;\n",
    );
    write(
        d,
        "goose/20240102000000_idx.sql",
        "-- +goose Up\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n\n-- +goose Down\nDROP INDEX orders_customer_idx;\n",
    );
    // dbmate: sections in a transaction unless `transaction:false`.
    write(
        d,
        "dbmate/db/migrations/20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n\n-- migrate:down\nDROP TABLE users;\n",
    );
    write(
        d,
        "dbmate/db/migrations/20240102000000_idx.sql",
        "-- migrate:up\nCREATE INDEX users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n",
    );
    // Flyway: runs a migration holding a non-transactional statement without a transaction;
    // V3 has another statement that would then lose its transaction (an unsafe fix).
    write(
        d,
        "flyway/db/migration/V1__init.sql",
        "CREATE TABLE items (id bigint PRIMARY KEY, sku text, name text);\n",
    );
    write(
        d,
        "flyway/db/migration/V2__idx.sql",
        "CREATE INDEX items_sku_idx ON items (sku);\n",
    );
    write(
        d,
        "flyway/db/migration/V3__mixed.sql",
        "CREATE INDEX items_name_idx ON items (name);\nALTER TABLE items ADD COLUMN note text;\n",
    );
    // An explicit transaction: moving the statement out of it is the author's call.
    write(
        d,
        "flyway/db/migration/V4__explicit.sql",
        "BEGIN;\nCREATE INDEX items_note_idx ON items (note);\nCOMMIT;\n",
    );
    // golang-migrate: one statement per file, no transaction of its own.
    write(
        d,
        "gm/migrations/000001_init.up.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, a text);\n",
    );
    write(d, "gm/migrations/000001_init.down.sql", "DROP TABLE t;\n");
    write(
        d,
        "gm/migrations/000002_idx.up.sql",
        "CREATE INDEX t_a_idx ON t (a);\n",
    );
    write(
        d,
        "gm/migrations/000002_idx.down.sql",
        "DROP INDEX t_a_idx;\n",
    );
    // diesel: runs each file in a transaction; its switch lives in metadata.toml.
    write(
        d,
        "diesel/migrations/2024-01-01-000000_init/up.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, a text);\n",
    );
    write(
        d,
        "diesel/migrations/2024-01-01-000000_init/down.sql",
        "DROP TABLE t;\n",
    );
    write(
        d,
        "diesel/migrations/2024-01-02-000000_idx/up.sql",
        "CREATE INDEX t_a_idx ON t (a);\n",
    );
    write(
        d,
        "diesel/migrations/2024-01-02-000000_idx/down.sql",
        "DROP INDEX t_a_idx;\n",
    );
    dir
}

const RULES: [&str; 2] = ["--select", "LK001,LK002"];

#[test]
fn fix_applies_each_frameworks_fix_and_a_second_run_changes_nothing() {
    let dir = project();
    let d = dir.path();
    let (code, out, err) = check(d, &[RULES[0], RULES[1], "--fix", "--format", "concise"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("Fixed 7 findings in 5 files."), "{err}");

    // goose: the switch before the Up marker; both sections then run without a transaction.
    assert_eq!(
        read(d, "goose/20240102000000_idx.sql"),
        "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY orders_customer_idx;\n"
    );
    // dbmate: each section's marker says it.
    assert_eq!(
        read(d, "dbmate/db/migrations/20240102000000_idx.sql"),
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_email_idx;\n"
    );
    assert_eq!(
        read(d, "flyway/db/migration/V2__idx.sql"),
        "CREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n"
    );
    assert_eq!(
        read(d, "gm/migrations/000002_idx.up.sql"),
        "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
    );
    assert_eq!(
        read(d, "gm/migrations/000002_idx.down.sql"),
        "DROP INDEX CONCURRENTLY t_a_idx;\n"
    );

    // Not applied, and said so: the unsafe fix, the explicit transaction, diesel's transaction.
    assert_eq!(
        read(d, "flyway/db/migration/V3__mixed.sql"),
        "CREATE INDEX items_name_idx ON items (name);\nALTER TABLE items ADD COLUMN note text;\n"
    );
    assert!(
        err.contains("1 more fix is available with --unsafe-fixes."),
        "{err}"
    );
    assert_eq!(
        read(d, "flyway/db/migration/V4__explicit.sql"),
        "BEGIN;\nCREATE INDEX items_note_idx ON items (note);\nCOMMIT;\n"
    );
    assert_eq!(
        read(d, "diesel/migrations/2024-01-02-000000_idx/up.sql"),
        "CREATE INDEX t_a_idx ON t (a);\n"
    );
    assert!(
        err.contains("diesel/migrations/2024-01-02-000000_idx/up.sql:1: LK001 fix not applied: it would bring `LK004 CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
        "{err}"
    );
    // The report that follows lists what is left.
    let left: Vec<&str> = out.lines().filter(|l| l.contains(" LK00")).collect();
    assert_eq!(left.len(), 4, "{out}");
    assert!(
        left.iter().all(|l| l.starts_with("flyway/db/migration/V3")
            || l.starts_with("flyway/db/migration/V4")
            || l.starts_with("diesel/")),
        "{out}"
    );

    // Idempotent: nothing more to do, nothing written.
    let snapshot: Vec<String> = [
        "goose/20240102000000_idx.sql",
        "dbmate/db/migrations/20240102000000_idx.sql",
        "flyway/db/migration/V2__idx.sql",
    ]
    .iter()
    .map(|f| read(d, f))
    .collect();
    let (code, _, err) = check(d, &[RULES[0], RULES[1], "--fix", "--format", "concise"]);
    assert_eq!(code, 0);
    assert!(err.contains("No fixes to apply."), "{err}");
    let again: Vec<String> = [
        "goose/20240102000000_idx.sql",
        "dbmate/db/migrations/20240102000000_idx.sql",
        "flyway/db/migration/V2__idx.sql",
    ]
    .iter()
    .map(|f| read(d, f))
    .collect();
    assert_eq!(snapshot, again);
}

#[test]
fn unsafe_fixes_apply_the_fixes_that_change_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "db/migrations/20240101000000_init.sql",
        "-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n",
    );
    // The ALTER would lose goose's transaction with the switch: unsafe.
    let mixed = "-- +goose Up\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN note text;\n";
    write(d, "db/migrations/20240102000000_mixed.sql", mixed);
    let (_, _, err) = check(d, &["--select", "LK001", "--fix"]);
    assert!(
        err.contains("No fixes to apply.")
            && err.contains("1 more fix is available with --unsafe-fixes."),
        "{err}"
    );
    assert_eq!(read(d, "db/migrations/20240102000000_mixed.sql"), mixed);
    let (_, _, err) = check(d, &["--select", "LK001", "--fix", "--unsafe-fixes"]);
    assert!(err.contains("Fixed 1 finding in 1 file."), "{err}");
    assert_eq!(
        read(d, "db/migrations/20240102000000_mixed.sql"),
        "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD COLUMN note text;\n"
    );
}

#[test]
fn diff_prints_the_fixes_writes_nothing_and_exits_1() {
    let dir = project();
    let d = dir.path();
    let before = read(d, "goose/20240102000000_idx.sql");
    let (code, out, err) = check(d, &[RULES[0], RULES[1], "--diff", "goose"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(read(d, "goose/20240102000000_idx.sql"), before);
    assert!(
        out.starts_with("--- a/goose/20240102000000_idx.sql\n+++ b/goose/20240102000000_idx.sql\n"),
        "{out}"
    );
    assert!(out.contains("\n+-- +goose NO TRANSACTION\n"), "{out}");
    assert!(out.contains("\n-CREATE INDEX orders_customer_idx ON orders (customer_id);\n+CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n"), "{out}");
    assert!(err.contains("Would fix 2 findings in 1 file."), "{err}");
    // Nothing to fix: exit 0, no diff.
    let (code, out, _) = check(d, &["--select", "BC001", "--diff", "goose"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn fix_with_a_diff_base_never_touches_an_applied_migration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "db/migrations/000001_init.up.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, a text, b text);\n",
    );
    write(
        d,
        "db/migrations/000002_a.up.sql",
        "CREATE INDEX t_a_idx ON t (a);\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "applied"]);
    git(d, &["checkout", "-qb", "feature"]);
    write(
        d,
        "db/migrations/000003_b.up.sql",
        "CREATE INDEX t_b_idx ON t (b);\n",
    );
    let (code, out, err) = check(
        d,
        &[
            "--select",
            "LK001",
            "--fix",
            "--diff-base",
            "main",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("Fixed 1 finding in 1 file."), "{err}");
    assert_eq!(
        read(d, "db/migrations/000002_a.up.sql"),
        "CREATE INDEX t_a_idx ON t (a);\n"
    );
    assert_eq!(
        read(d, "db/migrations/000003_b.up.sql"),
        "CREATE INDEX CONCURRENTLY t_b_idx ON t (b);\n"
    );
}

#[test]
fn fix_keeps_a_byte_order_mark_and_crlf_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "db/migrations/20240101000000_init.sql",
        "-- +goose Up\r\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\r\n",
    );
    write(
        d,
        "db/migrations/20240102000000_idx.sql",
        "\u{feff}-- +goose Up\r\nCREATE INDEX orders_customer_idx ON orders (customer_id);\r\n",
    );
    let (_, _, err) = check(d, &["--select", "LK001", "--fix"]);
    assert!(err.contains("Fixed 1 finding in 1 file."), "{err}");
    assert_eq!(
        read(d, "db/migrations/20240102000000_idx.sql"),
        "\u{feff}-- +goose NO TRANSACTION\r\n-- +goose Up\r\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\r\n"
    );
}

#[test]
fn fix_is_a_usage_error_with_stdin_and_with_diff() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = schemaguard(dir.path(), &["check", "--fix", "--stdin-filename", "x.sql"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = schemaguard(dir.path(), &["check", "--fix", "--diff"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_lock_timeout_prologue_is_an_unsafe_fix_at_the_statements_indentation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "db/migrations/000001_init.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    );
    write(
        d,
        "db/migrations/000002_note.up.sql",
        "-- Adds a note.\n    ALTER TABLE orders ADD COLUMN note text;\n",
    );
    let (_, out, err) = check(d, &["--select", "LK010", "--fix", "--format", "concise"]);
    assert!(
        err.contains("1 more fix is available with --unsafe-fixes."),
        "{out}{err}"
    );
    let (_, out, err) = check(
        d,
        &[
            "--select",
            "LK010",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
        ],
    );
    assert!(err.contains("Fixed 1 finding in 1 file."), "{out}{err}");
    assert!(!out.contains("LK010"), "{out}");
    assert_eq!(
        read(d, "db/migrations/000002_note.up.sql"),
        "-- Adds a note.\n    SET lock_timeout = '2s';\n    ALTER TABLE orders ADD COLUMN note text;\n"
    );
}

#[test]
fn a_note_about_the_projects_practice_carries_no_fix() {
    // Six migrations, none setting lock_timeout: LK010 becomes one info note about the
    // project's practice, and --fix does not rewrite old migrations one per run.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "db/migrations/000001_init.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    );
    for n in 2..=7 {
        write(
            d,
            &format!("db/migrations/00000{n}_c{n}.up.sql"),
            &format!("ALTER TABLE orders ADD COLUMN c{n} text;\n"),
        );
    }
    let (_, out, err) = check(
        d,
        &[
            "--select",
            "LK010",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
        ],
    );
    assert!(
        out.contains("LK010 [info]") && out.contains("The project's practice"),
        "{out}"
    );
    assert!(err.contains("No fixes to apply."), "{err}");
}

#[test]
fn fix_on_prisma_sqitch_and_liquibase_folders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Prisma: a migration of one statement runs without a transaction.
    write(
        d,
        "app/prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    write(
        d,
        "app/prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"T\" (id bigint PRIMARY KEY, a text);\n",
    );
    write(
        d,
        "app/prisma/migrations/20240102000000_idx/migration.sql",
        "-- CreateIndex\nCREATE INDEX \"T_a_idx\" ON \"T\"(\"a\");\n",
    );
    // sqitch: deploy scripts hold their own BEGIN (no fix), a revert without one is fixed.
    write(
        d,
        "db/sqitch.plan",
        "%syntax-version=1.0.0\n%project=x\n\ninit 2024-01-01T00:00:00Z a <a@b> # init\nidx 2024-01-02T00:00:00Z a <a@b> # idx\n",
    );
    write(
        d,
        "db/deploy/init.sql",
        "BEGIN;\nCREATE TABLE t (id bigint PRIMARY KEY, a text);\nCOMMIT;\n",
    );
    write(
        d,
        "db/deploy/idx.sql",
        "BEGIN;\nCREATE INDEX t_a_idx ON t (a);\nCOMMIT;\n",
    );
    write(d, "db/revert/init.sql", "DROP TABLE t;\n");
    write(d, "db/revert/idx.sql", "DROP INDEX t_a_idx;\n");
    // Liquibase: a changeSet runs in a transaction; the fix would leave CONCURRENTLY in it.
    let changelog = "--liquibase formatted sql\n\n--changeset dev:1\nALTER TABLE accounts ADD COLUMN a text;\n\n--changeset dev:2\nCREATE INDEX accounts_a_idx ON accounts (a);\n";
    write(d, "lb/changelog.sql", changelog);
    let (code, out, err) = check(
        d,
        &["--select", "LK001,LK002", "--fix", "--format", "concise"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("Fixed 2 findings in 2 files."), "{err}");
    assert_eq!(
        read(d, "app/prisma/migrations/20240102000000_idx/migration.sql"),
        "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"T_a_idx\" ON \"T\"(\"a\");\n"
    );
    assert_eq!(
        read(d, "db/revert/idx.sql"),
        "DROP INDEX CONCURRENTLY t_a_idx;\n"
    );
    assert_eq!(
        read(d, "db/deploy/idx.sql"),
        "BEGIN;\nCREATE INDEX t_a_idx ON t (a);\nCOMMIT;\n"
    );
    assert_eq!(read(d, "lb/changelog.sql"), changelog);
    assert!(
        err.contains("lb/changelog.sql:7: LK001 fix not applied: it would bring `LK004"),
        "{err}"
    );
}
