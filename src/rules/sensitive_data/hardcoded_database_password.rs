use crate::diagnostic::Severity;
use crate::registry::{Cx, Rule};
use crate::rules::terraform::{is_credential_name, secret_verdict};
use crate::source::Span;
use crate::terraform::hcl::{Body, Expr, ExprKind};
use crate::terraform::{TfFileKind, TfUnit, is_database_provider, is_database_resource};

use super::{file_checked, reportable_span};

crate::declare_rule! {
    /// ## What it does
    /// Flags a literal password on a credential attribute, whatever its strength: `password`,
    /// `master_password`, `administrator_login_password`, `admin_password`, `auth_token` and
    /// the like on a database resource (`aws_db_instance`, `google_sql_user`,
    /// `azurerm_mssql_server`, `postgresql_role`...) or a database provider block, a module
    /// input ending in `password`, and the literal default, local or `.tfvars` value of a
    /// variable that feeds one. Write-only forms (`password_wo`, `master_password_wo`) are the
    /// same credentials: they keep the value out of the state, not out of the code.
    ///
    /// The secrets engine judges the value, as for every input kind: empty values, references
    /// (`"<password>"`, `"${...}"`, a Secrets Manager ARN) and hashes are not secrets; obvious
    /// dummies and well-known defaults (`"changeme"`, `"postgres"`, `"****"`, fewer than 4
    /// characters) are reported, as warnings, only with `[secrets] report-placeholders = true`.
    /// A value this rule reports is not reported again by SD001-SD004. The value is masked in
    /// every output format.
    ///
    /// ## Why is this bad?
    /// A password in the repository is readable by everyone who can read the code, stays in the
    /// Git history after it is removed, and ends up in the Terraform state and every CI log that
    /// prints the plan. Rotating it means changing the code.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   username = "app"
    ///   password = "correct-horse-battery-staple"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let RDS keep the password in Secrets Manager, or pass it in as a sensitive variable
    /// without a default:
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   username                    = "app"
    ///   manage_master_user_password = true
    /// }
    /// ```
    ///
    /// ## Options
    /// Under `[secrets]` in `schemaguard.toml`: `report-placeholders`, `allow-patterns`,
    /// `allow-paths` and `allow-fingerprints`, as for SD004.
    pub struct HardcodedDatabasePassword {
        code: "SD008",
        name: "hardcoded-database-password",
        category: SensitiveData,
        severity: Error,
        security_severity: 8.5,
    }
}

/// A literal string in a database credential slot that the secrets engine calls a committed
/// secret: what SD008 reports.
pub struct DbCredential<'a> {
    /// The literal (with its quotes).
    pub value: &'a Expr,
    pub message: String,
    /// A well-known default (`password`, `root`), reported as a warning, or a placeholder that
    /// says so (`changeme`), reported only with `[secrets] report-placeholders`.
    pub weak: crate::secrets::Weakness,
}

/// The secret part of a literal string: inside its quotes.
fn secret_span(e: &Expr) -> Span {
    if e.span.len() >= 2 {
        Span::new(e.span.start + 1, e.span.end - 1)
    } else {
        e.span
    }
}

/// The engine's verdict on a literal in a credential slot: `None` for anything but a literal
/// string that is a committed secret, else whether it is weak.
fn verdict(e: &Expr, key: &str) -> Option<crate::secrets::Weakness> {
    match &e.kind {
        ExprKind::String(s) => secret_verdict(s, key),
        _ => None,
    }
}

struct Collect<'a> {
    out: Vec<DbCredential<'a>>,
}

impl<'a> Collect<'a> {
    fn check(&mut self, value: &'a Expr, key: &str, message: impl FnOnce() -> String) {
        if let Some(weak) = verdict(value, key) {
            self.out.push(DbCredential {
                value,
                message: message(),
                weak,
            });
        }
    }

    fn walk(&mut self, body: &'a Body, owner: &str, loose: bool) {
        for a in &body.attributes {
            if is_credential_name(&a.key, loose) {
                self.check(&a.value, &a.key, || {
                    format!("`{owner}` has a hard-coded password in `{}`", a.key)
                });
            }
        }
        for b in &body.blocks {
            self.walk(&b.body, owner, loose);
        }
    }
}

/// Every literal in a database credential slot of this file that is a committed secret (weak
/// ones included): credential attributes of database resources, database providers and module
/// calls, and the default, local or `.tfvars` value of a variable or local that feeds one.
///
/// What this returns is SD008's: `provider-token`, `private-key`, `connection-string-password`
/// and `hardcoded-credential` (SD001-SD004) leave these values alone, so a database password is
/// reported once.
pub fn database_credentials<'a>(unit: &TfUnit<'a>) -> Vec<DbCredential<'a>> {
    let mut c = Collect { out: Vec::new() };
    let module = unit.module;
    let refs = module.credential_refs();
    let body = unit.body();
    if unit.file().kind == TfFileKind::Vars {
        for a in &body.attributes {
            let feeds = refs.vars.get(&a.key);
            // A value for a variable of this module counts when the variable feeds a
            // credential; for one declared elsewhere, its name has to say so.
            let credential = match module.variable(&a.key) {
                Some(_) => feeds.is_some(),
                None => is_credential_name(&a.key, true),
            };
            if credential {
                c.check(&a.value, &a.key, || {
                    let what = match feeds.and_then(|u| u.first()) {
                        Some(u) => format!("`var.{}`, which sets `{}`", a.key, u.target),
                        None => format!("`var.{}`", a.key),
                    };
                    format!("a hard-coded password is assigned to {what}")
                });
            }
        }
        return c.out;
    }
    for b in &body.blocks {
        match (b.ident.as_str(), b.label(0), b.label(1)) {
            ("resource" | "data", Some(t), Some(n)) if is_database_resource(t) => {
                let owner = if b.ident == "data" {
                    format!("data.{t}.{n}")
                } else {
                    format!("{t}.{n}")
                };
                c.walk(&b.body, &owner, false);
            }
            ("module", Some(n), _) => c.walk(&b.body, &format!("module.{n}"), true),
            ("provider", Some(n), _) if is_database_provider(n) => {
                c.walk(&b.body, &format!("provider `{n}`"), false)
            }
            ("variable", Some(name), _) => {
                let Some(u) = refs.vars.get(name).and_then(|u| u.first()) else {
                    continue;
                };
                if let Some(d) = b.body.attribute("default") {
                    c.check(&d.value, name, || {
                        format!(
                            "variable `{name}`, which sets `{}`, has a hard-coded password as its default",
                            u.target
                        )
                    });
                }
            }
            ("locals", _, _) => {
                for a in &b.body.attributes {
                    if let Some(u) = refs.locals.get(&a.key).and_then(|u| u.first()) {
                        c.check(&a.value, &a.key, || {
                            format!(
                                "`local.{}`, which sets `{}`, is a hard-coded password",
                                a.key, u.target
                            )
                        });
                    }
                }
            }
            _ => {}
        }
    }
    c.out
}

impl Rule for HardcodedDatabasePassword {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        for f in database_credentials(unit) {
            let secret = secret_span(f.value);
            if !reportable_span(cx, secret, f.weak) {
                continue;
            }
            let (label, message) = if f.weak.is_weak() {
                let words = super::weak_words(f.weak);
                (
                    if f.weak == crate::secrets::Weakness::Placeholder {
                        "a placeholder password"
                    } else {
                        "a well-known default password"
                    },
                    f.message
                        .replace("a hard-coded password", &format!("{words} password")),
                )
            } else {
                ("a literal password", f.message)
            };
            let d = cx.report(f.value.span, message)
                .label(label)
                .secret(secret)
                .help("never commit a password: use `manage_master_user_password = true` (RDS), a secret store (`aws_secretsmanager_secret_version`, `google_secret_manager_secret_version`, Key Vault), or a `sensitive` variable without a default set from the environment (`TF_VAR_...`)");
            if f.weak.is_weak() {
                d.severity(Severity::Warning);
            }
        }
    }
}
