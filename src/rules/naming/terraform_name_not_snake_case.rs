use crate::registry::{Cx, Rule};
use crate::terraform::{TfFileKind, TfUnit};

crate::declare_rule! {
    /// ## What it does
    /// Flags Terraform resource, data source, module, variable and output names that are not
    /// snake_case (lowercase letters, digits and underscores).
    ///
    /// ## Why is this bad?
    /// Terraform's style guide and the registry's modules use snake_case; mixed styles make
    /// addresses hard to guess (`aws_db_instance.mainDb` or `aws_db_instance.main-db`?) and
    /// dashes read like subtraction in expressions.
    ///
    /// ## Example
    /// ```hcl
    /// variable "dbPassword" {
    ///   type      = string
    ///   sensitive = true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// variable "db_password" {
    ///   type      = string
    ///   sensitive = true
    /// }
    /// ```
    /// Renaming a resource or module changes its address: add a `moved` block so Terraform
    /// does not destroy and recreate it (for a database, that would delete its data).
    pub struct TerraformNameNotSnakeCase {
        code: "NM008",
        name: "terraform-name-not-snake-case",
        category: Naming,
        severity: Info,
    }
}

fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

impl Rule for TerraformNameNotSnakeCase {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if unit.file().kind != TfFileKind::Config {
            return;
        }
        for b in &unit.body().blocks {
            let (what, label) = match b.ident.as_str() {
                "resource" => ("resource", b.labels.get(1)),
                "data" => ("data source", b.labels.get(1)),
                "module" => ("module", b.labels.first()),
                "variable" => ("variable", b.labels.first()),
                "output" => ("output", b.labels.first()),
                _ => continue,
            };
            let Some(label) = label else { continue };
            if is_snake_case(&label.value) {
                continue;
            }
            let renamed = snake(&label.value);
            let moved = if matches!(what, "resource" | "module") {
                " and add a `moved` block so Terraform does not recreate it"
            } else {
                ""
            };
            cx.report(
                label.span,
                format!("{what} name `{}` is not snake_case", label.value),
            )
            .label("not snake_case")
            .help(format!("rename it `{renamed}`{moved}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert!(is_snake_case("db_password2"));
        assert!(!is_snake_case("dbPassword"));
        assert_eq!(snake("dbPassword"), "db_password");
        assert_eq!(snake("main-db"), "main_db");
    }
}
