use crate::declarative::tree::Node;
use crate::registry::{Cx, Rule};
use crate::rules::terraform::{Lookup, Object, file_objects, lookup, plan_objects, ports_in};
use crate::source::Span;
use crate::terraform::TfUnit;
use crate::terraform::plan::Plan;

crate::declare_rule! {
    /// ## What it does
    /// Flags a security group rule that lets the whole internet (`0.0.0.0/0` or `::/0`) reach a
    /// database port: 5432 (PostgreSQL), 3306 (MySQL), 1433 (SQL Server), 1521 (Oracle), 6379
    /// (Redis), 27017 (MongoDB), 9042 (Cassandra), 5439 (Redshift), 9200 (Elasticsearch) and
    /// other well-known ones, or a port range or protocol `-1` that covers one.
    ///
    /// Each rule is judged on its own: inline `ingress` blocks of `aws_security_group` and
    /// `aws_default_security_group`, `aws_security_group_rule` with `type = "ingress"`, and
    /// `aws_vpc_security_group_ingress_rule`. A group with 5432 open to `10.0.0.0/8` and 443
    /// open to the world is not flagged. The finding points at the open CIDR.
    ///
    /// ## Why is this bad?
    /// A database port open to the internet is scanned within minutes of going up; from then on
    /// the password (and the engine's latest vulnerability) is all that stands between an
    /// attacker and the data.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port   = 5432
    ///     to_port     = 5432
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Allow only the networks, or better the security groups, that need the database:
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port       = 5432
    ///     to_port         = 5432
    ///     protocol        = "tcp"
    ///     security_groups = [aws_security_group.app.id]
    ///   }
    /// }
    /// ```
    pub struct SecurityGroupOpenDatabasePort {
        code: "IS011",
        name: "security-group-open-database-port",
        category: InsecureSettings,
        severity: Error,
        security_severity: 9.0,
    }
}

/// The port range a rule opens: `None` when it cannot be known or is not TCP.
fn port_range(el: &Node, protocol_key: &str) -> Option<(f64, f64, bool)> {
    let protocol = lookup(el, &[protocol_key]);
    let p = match protocol {
        Lookup::Set(n, _) => n.scalar_text()?.to_ascii_lowercase(),
        // The protocol is required everywhere but in a plan it is always present.
        _ => return None,
    };
    match p.as_str() {
        "-1" | "all" => Some((0.0, 65535.0, true)),
        "tcp" | "6" => {
            let from = lookup(el, &["from_port"]).number_or(None)?;
            let to = lookup(el, &["to_port"]).number_or(None)?;
            if from < 0.0 || to < 0.0 {
                // -1 with TCP means every port (the VPC rule API's "all").
                Some((0.0, 65535.0, false))
            } else {
                Some((from, to, false))
            }
        }
        _ => None,
    }
}

/// The world-open CIDRs of a rule: (cidr, span) of each `0.0.0.0/0` or `::/0`.
fn open_cidrs(el: &Node, keys: &[&str]) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for key in keys {
        let Lookup::Set(n, attr_span) = lookup(el, &[key]) else {
            continue;
        };
        let single = std::slice::from_ref(n);
        let items = n.as_list().unwrap_or(single);
        for it in items {
            if let Some(s) = it.as_str()
                && (s.trim() == "0.0.0.0/0" || s.trim() == "::/0")
            {
                // A list written in place points at the element; a scalar at the attribute.
                let span = if n.as_list().is_some() {
                    it.span
                } else {
                    attr_span
                };
                out.push((s.trim().to_string(), span));
            }
        }
    }
    out
}

fn check_rule(object: &Object, el: &Node, vpc_rule: bool, cx: &mut Cx) {
    let (cidr_keys, protocol_key): (&[&str], &str) = if vpc_rule {
        (&["cidr_ipv4", "cidr_ipv6"], "ip_protocol")
    } else {
        (&["cidr_blocks", "ipv6_cidr_blocks"], "protocol")
    };
    let cidrs = open_cidrs(el, cidr_keys);
    if cidrs.is_empty() {
        return;
    }
    let Some((from, to, all_protocols)) = port_range(el, protocol_key) else {
        return;
    };
    let ports = ports_in(from, to);
    if ports.is_empty() {
        return;
    }
    let named: Vec<String> = ports
        .iter()
        .take(3)
        .map(|(p, what)| format!("{p} ({what})"))
        .collect();
    let more = if ports.len() > 3 {
        format!(" and {} more database ports", ports.len() - 3)
    } else {
        String::new()
    };
    let reach = if all_protocols {
        format!(
            "every port (protocol -1), including {}{more}",
            named.join(", ")
        )
    } else if from == to {
        format!("port {}", named[0])
    } else {
        format!(
            "ports {}-{}, which include {}{more}",
            from as i64,
            to as i64,
            named.join(", ")
        )
    };
    let ports_span = lookup(el, &["from_port"]).span();
    for (cidr, span) in cidrs {
        let d = cx.report(
            span,
            format!(
                "`{}` lets {cidr} (the whole internet) reach {reach}",
                object.address
            ),
        );
        d.label("open to the whole internet").help(
            "allow only the networks that need the database, or better their security groups (`security_groups`, `source_security_group_id`, `referenced_security_group_id`)",
        );
        if let Some(ps) = ports_span.filter(|s| *s != span && !all_protocols) {
            d.secondary(ps, "the database port");
        }
    }
}

impl SecurityGroupOpenDatabasePort {
    fn check(objects: &[Object], cx: &mut Cx) {
        for o in objects {
            match o.type_name {
                "aws_security_group" | "aws_default_security_group" => {
                    if let Some(list) = o.node.get("ingress").and_then(|e| e.node.as_list()) {
                        for el in list.iter().filter(|el| el.as_map().is_some()) {
                            check_rule(o, el, false, cx);
                        }
                    }
                }
                "aws_security_group_rule"
                    if lookup(o.node, &["type"]).str_or(None) == Some("ingress") =>
                {
                    check_rule(o, o.node, false, cx);
                }
                "aws_vpc_security_group_ingress_rule" => check_rule(o, o.node, true, cx),
                _ => {}
            }
        }
    }
}

impl Rule for SecurityGroupOpenDatabasePort {
    crate::rule_meta!();

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        Self::check(&file_objects(unit), cx);
    }

    fn check_plan(&self, plan: &Plan, cx: &mut Cx) {
        Self::check(&plan_objects(plan), cx);
    }
}
