use crate::registry::{Cx, Rule};
use crate::terraform::TfUnit;
use crate::terraform::hcl::ExprKind;

crate::declare_rule! {
    /// ## What it does
    /// Flags a variable that sets a credential attribute (`password`, `master_password`,
    /// `administrator_login_password`, `auth_token`, a module input ending in `password`...)
    /// but is not declared `sensitive = true`.
    ///
    /// A literal default on such a variable is a hard-coded password: `hardcoded-database-password`
    /// (SD008) reports it.
    ///
    /// A module whose `required_version` admits no Terraform release from 0.14 on (`~> 0.12.0`)
    /// is left alone: `sensitive` on a variable came with 0.14.
    ///
    /// ## Why is this bad?
    /// Terraform prints the values of variables that are not sensitive in `plan` and `apply`
    /// output, so the password lands in CI logs and pull request comments. Marking the variable
    /// sensitive also makes Terraform refuse to output it by accident.
    ///
    /// ## Example
    /// ```hcl
    /// variable "db_password" {
    ///   type = string
    /// }
    ///
    /// resource "aws_db_instance" "main" {
    ///   password = var.db_password
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// variable "db_password" {
    ///   type      = string
    ///   sensitive = true
    /// }
    ///
    /// resource "aws_db_instance" "main" {
    ///   password = var.db_password
    /// }
    /// ```
    pub struct CredentialVariableNotSensitive {
        code: "SD009",
        name: "credential-variable-not-sensitive",
        category: SensitiveData,
        severity: Warning,
        security_severity: 5.0,
    }
}

impl Rule for CredentialVariableNotSensitive {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        // `sensitive` on a variable came with Terraform 0.14.
        if !unit.module.admits_terraform([0, 14, 0]) {
            return;
        }
        let refs = unit.module.credential_refs();
        for b in unit.blocks("variable") {
            let Some(name) = b.label(0) else { continue };
            let Some(uses) = refs.vars.get(name) else {
                continue;
            };
            // A flag or a number is no password.
            if let Some(t) = b.body.attribute("type")
                && matches!(&t.value.kind, ExprKind::Ident(ty) if ty == "bool" || ty == "number")
            {
                continue;
            }
            let sensitive = b.body.attribute("sensitive");
            match sensitive.map(|a| &a.value.kind) {
                Some(ExprKind::Bool(true)) => continue,
                // Anything but a literal false is not ours to judge.
                Some(ExprKind::Bool(false)) | None => {}
                Some(_) => continue,
            }
            let target = &uses[0].target;
            let others = if uses.len() > 1 {
                format!(" (and {} more)", uses.len() - 1)
            } else {
                String::new()
            };
            let span = sensitive.map(|a| a.span).unwrap_or(b.header_span());
            cx.report(
                span,
                format!("variable `{name}` sets `{target}`{others} but is not marked sensitive"),
            )
            .label(if sensitive.is_some() {
                "`sensitive = false`"
            } else {
                "no `sensitive = true`"
            })
            .help("add `sensitive = true` to the variable so Terraform hides its value in plan and apply output");
        }
    }
}
