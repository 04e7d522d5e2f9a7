//! End-to-end behaviour of the Terraform support through the binary: module context across
//! files, suppressions, secrets never printed, plans recognised by content, and user rule
//! folders (`extend-rules`) with their errors and docs.

mod common;
use common::{schemaguard, write};

#[test]
fn a_module_is_linted_with_its_sibling_files_even_when_one_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  publicly_accessible = var.public\n}\n",
    );
    write(
        dir.path(),
        "variables.tf",
        "variable \"public\" {\n  default = true\n}\n",
    );
    let (code, out, _) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IS001",
            "--format",
            "concise",
            "main.tf",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("main.tf:2:3: IS001"), "{out}");
    assert!(
        !out.contains("variables.tf"),
        "only the named file is reported: {out}"
    );
}

#[test]
fn suppressions_cover_the_next_attribute_or_block_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"resource "aws_db_instance" "a" {
  # schemaguard: ignore[IS001] demo database, torn down nightly
  publicly_accessible = true
}

// schemaguard: ignore[db-publicly-accessible] the whole block
resource "aws_db_instance" "b" {
  publicly_accessible = true
}

resource "aws_db_instance" "c" {
  publicly_accessible = true # schemaguard: ignore[IS001] trailing
}

resource "aws_db_instance" "d" {
  # schemaguard: ignore[IS001] nothing to suppress here
  engine = "postgres"
  publicly_accessible = true
}
"#,
    );
    let (_, out, _) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IS001,LN",
            "--format",
            "concise",
            ".",
        ],
    );
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(": IS001") || l.contains(": LN"))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(out.contains("main.tf:16:25: LN004"), "{out}");
    assert!(out.contains("main.tf:18:3: IS001"), "{out}");
}

#[test]
fn secret_values_are_never_printed_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Zq8-uNiQue-s3cret-77";
    write(
        dir.path(),
        "main.tf",
        &format!(
            "resource \"aws_db_instance\" \"main\" {{\n  password = \"{secret}\"\n}}\nvariable \"pw\" {{\n  default = \"{secret}\"\n}}\nresource \"aws_rds_cluster\" \"c\" {{\n  master_password = var.pw\n}}\n"
        ),
    );
    for format in ["pretty", "concise", "json", "sarif", "github"] {
        let (code, out, err) = schemaguard(
            dir.path(),
            &["check", "--isolated", "--format", format, "main.tf"],
        );
        assert_eq!(code, 1, "{format}: {out}{err}");
        assert!(out.contains("SD008"), "{format}: {out}");
        assert!(!out.contains(secret), "{format} leaks the secret:\n{out}");
        assert!(
            !out.contains("s3cret-77"),
            "{format} leaks part of it:\n{out}"
        );
    }
}

#[test]
fn a_plan_is_recognised_by_its_content_and_attribute_rules_run_on_planned_values() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tfplan.json",
        r#"{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[
{"address":"module.db.aws_db_instance.this[0]","mode":"managed","type":"aws_db_instance","name":"this",
 "change":{"actions":["create"],"before":null,
   "after":{"publicly_accessible":true,"storage_encrypted":true,"deletion_protection":true},
   "after_unknown":{"kms_key_id":true}}},
{"address":"aws_rds_cluster.main","mode":"managed","type":"aws_rds_cluster","name":"main",
 "change":{"actions":["delete","create"],"before":{},"after":{"storage_encrypted":true,"deletion_protection":true},
   "replace_paths":[["kms_key_id"]]}}]}
"#,
    );
    write(dir.path(), "package.json", "{\"name\": \"not-a-plan\"}\n");
    let (code, out, err) = schemaguard(
        dir.path(),
        &["check", "--isolated", "--format", "concise", "."],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("tfplan.json:4:13: IS001"), "{out}");
    assert!(out.contains("BC019"), "{out}");
    assert!(out.contains("`kms_key_id` forces the replacement"), "{out}");
    assert!(!out.contains("package.json"), "{out}");
    // Named explicitly, a JSON file that is not a plan is skipped with a reason.
    let (_, _, err) = schemaguard(dir.path(), &["check", "--isolated", "package.json"]);
    assert!(err.contains("not a Terraform plan"), "{err}");
}

const USER_RULE: &str = r#"code: IS901
name: org-db-instance-class-too-small
severity: warning
security-severity: 2
match:
  terraform-resource: [aws_db_instance]
forbid:
  path: instance_class
  matches: '^db\.t[234]\.(micro|small)$'
message: "`{object}` uses {value}, which our production standard does not allow"
help: "use at least db.t4g.medium"
docs: |
  ## What it does
  Flags burstable micro and small RDS instance classes.

  ## Why is this bad?
  They run out of CPU credits under load.

  ## Example
  ```hcl
  resource "aws_db_instance" "main" {
    instance_class = "db.t3.micro"
  }
  ```

  ## Use instead
  ```hcl
  resource "aws_db_instance" "main" {
    instance_class = "db.t4g.medium"
  }
  ```
"#;

#[test]
fn extend_rules_loads_a_user_folder_and_its_rules_behave_like_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schemaguard.toml",
        "extend-rules = [\"policies\"]\n",
    );
    write(
        dir.path(),
        "policies/IS901-org-db-instance-class-too-small.yaml",
        USER_RULE,
    );
    write(
        dir.path(),
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  instance_class = \"db.t3.micro\"\n}\n",
    );
    let (code, out, err) = schemaguard(
        dir.path(),
        &["check", "--select", "IS901", "--format", "concise", "."],
    );
    assert_eq!(code, 0, "warnings do not fail by default: {out}{err}");
    assert!(
        out.contains("main.tf:2:3: IS901 [warning] `aws_db_instance.main` uses db.t3.micro"),
        "{out}{err}"
    );
    // Selected and documented like any rule.
    let (code, out, _) = schemaguard(dir.path(), &["rule", "org-db-instance-class-too-small"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# IS901 org-db-instance-class-too-small"),
        "{out}"
    );
    assert!(out.contains("## Why is this bad?"), "{out}");
    let (_, out, _) = schemaguard(dir.path(), &["rule", "--all"]);
    assert!(out.contains("IS901"), "{out}");
}

#[test]
fn a_module_mapping_in_a_user_folder_reads_an_internal_module_like_a_shipped_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schemaguard.toml",
        "extend-rules = [\"policies\"]\n",
    );
    write(
        dir.path(),
        "policies/modules/acme-postgres.yaml",
        "module: acme/postgres/aws\ncreates:\n  - resource: aws_db_instance\n    inputs:\n      - public: publicly_accessible\n      - encrypted: storage_encrypted\n    defaults:\n      encrypted: false\n",
    );
    write(
        dir.path(),
        "main.tf",
        "module \"orders\" {\n  source  = \"app.terraform.io/acme/postgres/aws\"\n  version = \"~> 2.0\"\n  public  = true\n}\n",
    );
    let (code, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--select",
            "IS001,IS002",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("main.tf:4:3: IS001 [error] `module.orders` is publicly accessible"),
        "{out}{err}"
    );
    // The module's own default, from the mapping, at the call.
    assert!(out.contains("main.tf:1:1: IS002"), "{out}{err}");
    // A broken mapping is a config error that points into it.
    write(
        dir.path(),
        "policies/modules/acme-postgres.yaml",
        "module: acme/postgres/aws\ncreates:\n  - resource: aws_db_instance\n    inputs: [public]\n    defaults:\n      encrypted: false\n",
    );
    let (code, out, err) = schemaguard(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("`encrypted` is not one of the `inputs`")
            && err.contains("acme-postgres.yaml"),
        "{err}"
    );
}

#[test]
fn a_broken_user_rule_is_a_config_error_pointing_into_the_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schemaguard.toml",
        "extend-rules = [\"policies\"]\n",
    );
    write(
        dir.path(),
        "policies/bad.yaml",
        &USER_RULE.replace("  matches:", "  matchez:"),
    );
    write(dir.path(), "main.tf", "");
    let (code, _, err) = schemaguard(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.yaml"), "{err}");
    assert!(err.contains("unknown key `matchez`"), "{err}");
    // A rule that takes a built-in code is refused too.
    write(
        dir.path(),
        "policies/bad.yaml",
        &USER_RULE.replace("IS901", "IS001"),
    );
    let (code, _, err) = schemaguard(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("IS001 is already taken"), "{err}");
}

#[test]
fn terraform_options_are_read_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schemaguard.toml",
        "[terraform]\nmin-backup-retention-days = 7\n\n[terraform.identifier-patterns]\naws_db_instance = \"^prd-\"\n",
    );
    write(
        dir.path(),
        "main.tf",
        "resource \"aws_db_instance\" \"main\" {\n  identifier = \"orders\"\n  backup_retention_period = 3\n}\n",
    );
    let (_, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--select",
            "IS003,NM009",
            "--format",
            "concise",
            ".",
        ],
    );
    assert!(out.contains("main.tf:2:3: NM009"), "{out}{err}");
    assert!(out.contains("configured pattern `^prd-`"), "{out}");
    assert!(out.contains("main.tf:3:3: IS003"), "{out}");
    assert!(out.contains("only 3 days (the minimum is 7"), "{out}");
    write(
        dir.path(),
        "schemaguard.toml",
        "[terraform]\nmin-backup-retention-dayz = 7\n",
    );
    let (code, _, err) = schemaguard(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("min-backup-retention-dayz"), "{err}");
}

#[test]
fn hostile_inputs_give_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deep.tf",
        &format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000)),
    );
    write(dir.path(), "heredoc.tf", "x = <<EOF\nnever closed\n");
    write(
        dir.path(),
        "plan.json",
        &format!(
            "{{\"format_version\":\"1\",\"terraform_version\":\"1\",\"x\":{}}}",
            "[".repeat(100_000)
        ),
    );
    write(dir.path(), "empty.tf", "");
    let (code, out, err) = schemaguard(
        dir.path(),
        &["check", "--isolated", "--format", "concise", "."],
    );
    assert_eq!(code, 0, "parse errors are warnings: {out}{err}");
    assert!(out.contains("deep.tf:1:") && out.contains("LN001"), "{out}");
    assert!(
        out.contains("heredoc.tf:") && out.contains("plan.json:"),
        "{out}"
    );
}

#[test]
fn a_module_fetched_by_terraform_init_is_read_from_disk_with_the_callers_arguments() {
    // `.terraform/modules/modules.json` maps the call to the folder `terraform init` fetched:
    // its code wins over the built-in table (this copy defaults `storage_encrypted` to false,
    // the published module to true), and what it decides by itself points at the call.
    let dir = tempfile::tempdir().unwrap();
    let secret = "Vx7-fetched-m0dule-pw";
    write(
        dir.path(),
        "main.tf",
        &format!(
            "module \"db\" {{\n  source  = \"terraform-aws-modules/rds/aws\"\n  version = \"6.9.0\"\n  identifier = \"orders\"\n  publicly_accessible = true\n  password = \"{secret}\"\n}}\n"
        ),
    );
    write(
        dir.path(),
        ".terraform/modules/modules.json",
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"db","Source":"registry.terraform.io/terraform-aws-modules/rds/aws","Version":"6.9.0","Dir":".terraform/modules/db"}]}"#,
    );
    write(
        dir.path(),
        ".terraform/modules/db/main.tf",
        "variable \"identifier\" {}\nvariable \"publicly_accessible\" { default = false }\nvariable \"storage_encrypted\" { default = false }\nvariable \"password\" { default = null }\nresource \"aws_db_instance\" \"this\" {\n  identifier          = var.identifier\n  engine              = \"postgres\"\n  publicly_accessible = var.publicly_accessible\n  storage_encrypted   = var.storage_encrypted\n  password            = var.password\n}\n",
    );
    let (code, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IS001,IS002,SD008",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("main.tf:5:25: IS001"),
        "at the argument: {out}"
    );
    assert!(
        out.contains("module.db.aws_db_instance.this"),
        "names the resource in the module: {out}"
    );
    assert!(out.contains("main.tf:1:1: IS002"), "at the call: {out}");
    assert!(
        !out.contains(".terraform"),
        "the fetched module is not linted on its own: {out}"
    );
    for format in ["pretty", "json", "sarif"] {
        let (_, out, _) = schemaguard(
            dir.path(),
            &["check", "--isolated", "--format", format, "."],
        );
        assert!(!out.contains(secret), "{format} leaks the secret:\n{out}");
    }
}

#[test]
fn module_calls_that_loop_or_nest_deeply_end() {
    // a -> b -> a, a module calling its own folder, and a chain deeper than the limit: each is
    // evaluated as far as it goes, and the run ends with the findings it can make.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "module \"a\" {\n  source = \"./a\"\n  public = true\n}\nmodule \"self\" {\n  source = \"./\"\n}\n",
    );
    write(
        dir.path(),
        "a/main.tf",
        "variable \"public\" {}\nmodule \"b\" {\n  source = \"../b\"\n  public = var.public\n}\n",
    );
    write(
        dir.path(),
        "b/main.tf",
        "variable \"public\" {}\nmodule \"a\" {\n  source = \"../a\"\n  public = var.public\n}\nresource \"aws_db_instance\" \"x\" {\n  publicly_accessible = var.public\n}\n",
    );
    let mut chain = String::new();
    for i in 0..12 {
        write(
            dir.path(),
            &format!("deep/m{i}/main.tf"),
            &format!(
                "variable \"public\" {{}}\nmodule \"next\" {{\n  source = \"../m{}\"\n  public = var.public\n}}\n",
                i + 1
            ),
        );
        chain.push_str(&format!("m{i} "));
    }
    write(
        dir.path(),
        "deep/m12/main.tf",
        "variable \"public\" {}\nresource \"aws_db_instance\" \"x\" {\n  publicly_accessible = var.public\n}\n",
    );
    write(
        dir.path(),
        "deep/main.tf",
        "module \"m0\" {\n  source = \"./m0\"\n  public = true\n}\n",
    );
    let (code, out, err) = schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IS001",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code, 1, "{chain}: {out}{err}");
    // a -> b creates b's instance from the root's `public = true`; the loop back to a stops.
    assert!(
        out.contains("main.tf:3:12: IS001") && out.contains("module.a.module.b.aws_db_instance.x"),
        "{out}"
    );
    // Twelve calls deep is past the limit: the chain is not followed to its end.
    assert!(!out.contains("deep/main.tf"), "{out}");
}

#[test]
fn a_local_module_outside_the_linted_folders_has_its_own_findings_reported_at_the_call() {
    // `check envs/prod` does not report on `modules/db`: what the module decides by itself
    // (a literal `storage_encrypted = false`) is reported at the call. `check .` reports it once,
    // in the module, and not again at the call.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "envs/prod/main.tf",
        "module \"db\" {\n  source = \"../../modules/db\"\n  public = true\n}\n",
    );
    write(
        dir.path(),
        "modules/db/main.tf",
        "variable \"public\" {}\nresource \"aws_db_instance\" \"this\" {\n  engine              = \"postgres\"\n  publicly_accessible = var.public\n  storage_encrypted   = false\n}\n",
    );
    let args = |path: &'static str| {
        [
            "check",
            "--isolated",
            "--select",
            "IS001,IS002",
            "--format",
            "concise",
            path,
        ]
    };
    let (code, out, err) = schemaguard(dir.path(), &args("envs/prod"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("envs/prod/main.tf:3:12: IS001"), "{out}");
    assert!(
        out.contains("envs/prod/main.tf:1:1: IS002 [error] `module.db.aws_db_instance.this`"),
        "{out}"
    );
    let (code, out, err) = schemaguard(dir.path(), &args("."));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("modules/db/main.tf:5:3: IS002"), "{out}");
    assert!(!out.contains("envs/prod/main.tf:1:1: IS002"), "{out}");
    assert!(out.contains("envs/prod/main.tf:3:12: IS001"), "{out}");
}
