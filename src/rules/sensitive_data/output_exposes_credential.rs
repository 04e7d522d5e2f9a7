use crate::registry::{Cx, Rule};
use crate::rules::terraform::is_credential_name;
use crate::source::Span;
use crate::terraform::TfUnit;
use crate::terraform::hcl::{BinaryOp, Expr, ExprKind};

crate::declare_rule! {
    /// ## What it does
    /// Flags an `output` that exposes a credential or a connection string without
    /// `sensitive = true`: a resource's password, auth token, connection string or access key,
    /// a `random_password`'s result, a secret's `secret_string`, a variable or local that sets a
    /// credential, a module output named like one, or any value unmasked with `nonsensitive()`.
    ///
    /// Values only derived from a secret (`length(...)`, a hash, a `!= null` test) are fine.
    ///
    /// ## Why is this bad?
    /// Terraform prints outputs that are not sensitive after every `apply` and on
    /// `terraform output`, so the credential ends up in CI logs; a parent module can pass it on
    /// further without knowing it is a secret.
    ///
    /// ## Example
    /// ```hcl
    /// output "db_password" {
    ///   value = nonsensitive(aws_db_instance.main.password)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// output "db_password" {
    ///   value     = aws_db_instance.main.password
    ///   sensitive = true
    /// }
    /// ```
    pub struct OutputExposesCredential {
        code: "SD010",
        name: "output-exposes-credential",
        category: SensitiveData,
        severity: Error,
        security_severity: 7.0,
    }
}

/// Resource attributes that hold secrets besides the credential attributes.
const SECRET_ATTRIBUTES: &[&str] = &[
    "connection_string",
    "connection_strings",
    "primary_connection_string",
    "secondary_connection_string",
    "primary_sql_connection_string",
    "secondary_sql_connection_string",
    "primary_key",
    "secondary_key",
    "primary_access_key",
    "secondary_access_key",
    "primary_master_key",
    "secondary_master_key",
    "primary_readonly_key",
    "secondary_readonly_key",
    "secret_string",
    "secret_binary",
    "private_key",
    "private_key_pem",
    "client_secret",
];

/// Functions whose result does not reveal their argument.
const OPAQUE_FUNCTIONS: &[&str] = &[
    "length",
    "can",
    "type",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "bcrypt",
    "base64sha256",
    "base64sha512",
    "filesha256",
];

/// Whether a module output's name says it holds a secret value (`db_instance_password`,
/// `primary_connection_string`), not something about one (`minimum_password_length`,
/// `admin_password_ssm_parameter_name`, `master_user_secret` which is an ARN).
fn module_output_is_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with("password")
        || n.ends_with("passwd")
        || n.ends_with("connection_string")
        || n.ends_with("connection_strings")
        || n.ends_with("auth_token")
        || n.ends_with("private_key")
        || n.ends_with("secret_key")
        || n.ends_with("secret_string")
}

/// The first credential the expression reveals: (what, span).
fn exposed(unit: &TfUnit, e: &Expr, unmasked: &mut bool) -> Option<(String, Span)> {
    let refs = unit.module.credential_refs();
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_some() {
            return false;
        }
        match &x.kind {
            ExprKind::Call { name, .. } if OPAQUE_FUNCTIONS.contains(&name.as_str()) => {
                return false;
            }
            ExprKind::Call { name, .. } if name == "nonsensitive" => *unmasked = true,
            ExprKind::Binary {
                op:
                    BinaryOp::Eq
                    | BinaryOp::NotEq
                    | BinaryOp::Less
                    | BinaryOp::LessEq
                    | BinaryOp::Greater
                    | BinaryOp::GreaterEq,
                ..
            } => {
                return false;
            }
            ExprKind::Traversal { .. } => {
                let Some(r) = x.reference() else { return false };
                let attrs: Vec<&str> = r
                    .iter()
                    .map(String::as_str)
                    .filter(|s| !s.starts_with('['))
                    .collect();
                let hit = match attrs.as_slice() {
                    ["var", name, ..] => {
                        let sensitive_var = unit.module.variable(name).is_some_and(|v| {
                            matches!(
                                v.sensitive().map(|a| &a.value.kind),
                                Some(ExprKind::Bool(true))
                            )
                        });
                        (refs.vars.contains_key(*name) || sensitive_var)
                            .then(|| format!("var.{name}"))
                    }
                    ["local", name, ..] => refs
                        .locals
                        .contains_key(*name)
                        .then(|| format!("local.{name}")),
                    ["module", m, out, ..] => {
                        module_output_is_secret(out).then(|| format!("module.{m}.{out}"))
                    }
                    ["data", t, n, attr, ..] => (is_credential_name(attr, false)
                        || SECRET_ATTRIBUTES.contains(attr))
                    .then(|| format!("data.{t}.{n}.{attr}")),
                    ["random_password", n, attr, ..] => (*attr == "result"
                        || *attr == "bcrypt_hash")
                        .then(|| format!("random_password.{n}.{attr}")),
                    [t, n, attr, ..] if t.contains('_') => (is_credential_name(attr, false)
                        || SECRET_ATTRIBUTES.contains(attr))
                    .then(|| format!("{t}.{n}.{attr}")),
                    _ => None,
                };
                if let Some(h) = hit {
                    found = Some((h, x.span));
                }
                return false;
            }
            _ => {}
        }
        true
    });
    found
}

impl Rule for OutputExposesCredential {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        for b in unit.blocks("output") {
            let Some(name) = b.label(0) else { continue };
            match b.body.attribute("sensitive").map(|a| &a.value.kind) {
                Some(ExprKind::Bool(true)) => continue,
                Some(ExprKind::Bool(false)) | None => {}
                Some(_) => continue,
            }
            let Some(value) = b.body.attribute("value") else {
                continue;
            };
            let mut unmasked = false;
            let Some((what, span)) = exposed(unit, &value.value, &mut unmasked) else {
                continue;
            };
            let how = if unmasked {
                " and unmasks it with `nonsensitive()`"
            } else {
                ""
            };
            cx.report(
                span,
                format!("output `{name}` exposes `{what}` without `sensitive = true`{how}"),
            )
            .label("a credential")
            .help("mark the output `sensitive = true` (and drop any `nonsensitive()`), or do not output the credential: let consumers read it from the secret store");
        }
    }
}
