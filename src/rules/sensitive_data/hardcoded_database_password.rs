use crate::registry::{Cx, Rule};
use crate::rules::terraform::{is_credential_name, is_literal_secret};
use crate::source::Span;
use crate::terraform::hcl::{Body, Expr, ExprKind};
use crate::terraform::{TfFileKind, TfUnit, is_database_provider, is_database_resource};

crate::declare_rule! {
    /// ## What it does
    /// Flags a literal password on a credential attribute, whatever its strength: `password`,
    /// `master_password`, `administrator_login_password`, `admin_password`, `auth_token` and
    /// the like on a database resource (`aws_db_instance`, `google_sql_user`,
    /// `azurerm_mssql_server`, `postgresql_role`...) or a database provider block, a module
    /// input ending in `password`, and the literal default, local or `.tfvars` value of a
    /// variable that feeds one.
    ///
    /// Placeholders (`""`, `"<password>"`, `"changeme"`, `"****"`) and references to a secret
    /// store are not secrets and are not flagged. The value is masked in every output format.
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
    pub struct HardcodedDatabasePassword {
        code: "SD008",
        name: "hardcoded-database-password",
        category: SensitiveData,
        severity: Error,
        security_severity: 8.5,
    }
}

/// The secret part of a literal string: inside its quotes.
fn secret_span(e: &Expr) -> Span {
    if e.span.len() >= 2 {
        Span::new(e.span.start + 1, e.span.end - 1)
    } else {
        e.span
    }
}

fn literal_secret(e: &Expr, key: &str) -> bool {
    matches!(&e.kind, ExprKind::String(s) if is_literal_secret(s, key))
}

fn report(cx: &mut Cx, value: &Expr, message: String) {
    let secret = secret_span(value);
    cx.report(value.span, message)
        .label("a literal password")
        .secret(secret)
        .help("never commit a password: use `manage_master_user_password = true` (RDS), a secret store (`aws_secretsmanager_secret_version`, `google_secret_manager_secret_version`, Key Vault), or a `sensitive` variable without a default set from the environment (`TF_VAR_...`)");
}

fn walk(body: &Body, owner: &str, loose: bool, cx: &mut Cx) {
    for a in &body.attributes {
        if is_credential_name(&a.key, loose) && literal_secret(&a.value, &a.key) {
            report(
                cx,
                &a.value,
                format!("`{owner}` has a hard-coded password in `{}`", a.key),
            );
        }
    }
    for b in &body.blocks {
        walk(&b.body, owner, loose, cx);
    }
}

impl Rule for HardcodedDatabasePassword {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
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
                if credential && literal_secret(&a.value, &a.key) {
                    let what = match feeds.and_then(|u| u.first()) {
                        Some(u) => format!("`var.{}`, which sets `{}`", a.key, u.target),
                        None => format!("`var.{}`", a.key),
                    };
                    report(
                        cx,
                        &a.value,
                        format!("a hard-coded password is assigned to {what}"),
                    );
                }
            }
            return;
        }
        for b in &body.blocks {
            match (b.ident.as_str(), b.label(0), b.label(1)) {
                ("resource" | "data", Some(t), Some(n)) if is_database_resource(t) => {
                    let owner = if b.ident == "data" {
                        format!("data.{t}.{n}")
                    } else {
                        format!("{t}.{n}")
                    };
                    walk(&b.body, &owner, false, cx);
                }
                ("module", Some(n), _) => walk(&b.body, &format!("module.{n}"), true, cx),
                ("provider", Some(n), _) if is_database_provider(n) => {
                    walk(&b.body, &format!("provider `{n}`"), false, cx)
                }
                ("variable", Some(name), _) => {
                    let Some(u) = refs.vars.get(name).and_then(|u| u.first()) else {
                        continue;
                    };
                    if let Some(d) = b.body.attribute("default")
                        && literal_secret(&d.value, name)
                    {
                        let what = format!(", which sets `{}`,", u.target);
                        report(
                            cx,
                            &d.value,
                            format!(
                                "variable `{name}`{what} has a hard-coded password as its default"
                            ),
                        );
                    }
                }
                ("locals", _, _) => {
                    for a in &b.body.attributes {
                        if let Some(u) = refs.locals.get(&a.key).and_then(|u| u.first())
                            && literal_secret(&a.value, &a.key)
                        {
                            report(
                                cx,
                                &a.value,
                                format!(
                                    "`local.{}`, which sets `{}`, is a hard-coded password",
                                    a.key, u.target
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
