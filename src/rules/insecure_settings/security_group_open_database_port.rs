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
    /// open to the world is not flagged. The finding points at the open CIDR. The same holds for
    /// Azure inbound allow rules (`azurerm_network_security_rule`, a `security_rule` block of
    /// `azurerm_network_security_group`) whose source is `*`, `0.0.0.0/0` or the `Internet` tag,
    /// for enabled ingress `google_compute_firewall` rules whose `source_ranges` hold
    /// `0.0.0.0/0` (an `allow` without `ports` opens every port of its protocol), and for the
    /// legacy `aws_db_security_group` with an `ingress` `cidr` of `0.0.0.0/0`.
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

/// The values of `keys` (each a scalar or a list) that `open` says admit the whole internet,
/// trimmed, each with where to point: a list written in place points at the element, a scalar
/// at the attribute.
fn open_sources(el: &Node, keys: &[&str], open: fn(&str) -> bool) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for key in keys {
        let Lookup::Set(n, attr_span) = lookup(el, &[key]) else {
            continue;
        };
        let single = std::slice::from_ref(n);
        for it in n.as_list().unwrap_or(single) {
            if let Some(s) = it.as_str().map(str::trim)
                && open(s)
            {
                let span = if n.as_list().is_some() {
                    it.span
                } else {
                    attr_span
                };
                out.push((s.to_string(), span));
            }
        }
    }
    out
}

/// The world-open CIDRs of a rule: (cidr, span) of each `0.0.0.0/0` or `::/0`.
fn open_cidrs(el: &Node, keys: &[&str]) -> Vec<(String, Span)> {
    open_sources(el, keys, |s| s == "0.0.0.0/0" || s == "::/0")
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
    let ports_span = lookup(el, &["from_port"]).span();
    let all = all_protocols.then_some("protocol -1");
    let help = "allow only the networks that need the database, or better their security groups (`security_groups`, `source_security_group_id`, `referenced_security_group_id`)";
    report_open(object, &cidrs, &[(from, to)], all, ports_span, help, cx);
}

/// A port or range as Azure and GCP write it: `"5432"`, `"5000-6000"`, `"*"` (every port).
fn port_spec(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    if t == "*" {
        return Some((0.0, 65535.0));
    }
    let (from, to) = t.split_once('-').unwrap_or((t, t));
    Some((from.trim().parse().ok()?, to.trim().parse().ok()?))
}

/// Port ranges, `(from, to)` inclusive.
type Ranges = Vec<(f64, f64)>;

/// The port ranges of attributes holding one spec or a list of them, with the first such
/// attribute; `None` when one of them cannot be known.
fn port_specs(el: &Node, keys: &[&str]) -> Option<(Ranges, Option<Span>)> {
    let mut ranges = Vec::new();
    let mut span = None;
    for key in keys {
        match lookup(el, &[key]) {
            Lookup::Set(n, s) => {
                span = span.or(Some(s));
                let single = std::slice::from_ref(n);
                for it in n.as_list().unwrap_or(single) {
                    ranges.push(port_spec(&it.scalar_text()?)?);
                }
            }
            Lookup::Unset(_) => {}
            Lookup::Unknown => return None,
        }
    }
    Some((ranges, span))
}

/// Azure: an inbound allow rule (`azurerm_network_security_rule`, or a `security_rule` block of
/// `azurerm_network_security_group`) whose source is any address or the `Internet` tag.
fn check_azure_rule(object: &Object, el: &Node, cx: &mut Cx) {
    let is = |key: &str, want: &[&str]| {
        lookup(el, &[key])
            .str_or(None)
            .is_some_and(|v| want.iter().any(|w| v.eq_ignore_ascii_case(w)))
    };
    if !is("direction", &["Inbound"]) || !is("access", &["Allow"]) {
        return;
    }
    if !is("protocol", &["Tcp", "*"]) {
        return;
    }
    let cidrs: Vec<(String, Span)> = open_sources(
        el,
        &["source_address_prefix", "source_address_prefixes"],
        |s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "*" | "0.0.0.0/0" | "::/0" | "internet" | "any"
            )
        },
    )
    .into_iter()
    .map(|(v, span)| (format!("source `{v}`"), span))
    .collect();
    if cidrs.is_empty() {
        return;
    }
    let Some((ranges, ports_span)) =
        port_specs(el, &["destination_port_range", "destination_port_ranges"])
    else {
        return;
    };

    let help = "allow only the networks that need the database, or better its clients' application security group (`source_application_security_group_ids`)";
    report_open(object, &cidrs, &ranges, None, ports_span, help, cx);
}

/// GCP: an enabled ingress `google_compute_firewall` whose `source_ranges` hold `0.0.0.0/0` or
/// `::/0`, judged by its `allow` blocks (no `ports`: every port of the protocol).
fn check_gcp_firewall(object: &Object, cx: &mut Cx) {
    let el = object.node;
    let direction = lookup(el, &["direction"]).str_or(Some("INGRESS"));
    if !direction.is_some_and(|d| d.eq_ignore_ascii_case("INGRESS"))
        || lookup(el, &["disabled"]).bool_or(Some(false)) != Some(false)
    {
        return;
    }
    let cidrs = open_cidrs(el, &["source_ranges"]);
    if cidrs.is_empty() {
        return;
    }
    let Some(allows) = el.get("allow").and_then(|e| e.node.as_list()) else {
        return;
    };
    for allow in allows.iter().filter(|a| a.as_map().is_some()) {
        let Some(protocol) = lookup(allow, &["protocol"]).str_or(None) else {
            continue;
        };
        if !matches!(protocol.to_ascii_lowercase().as_str(), "tcp" | "6" | "all") {
            continue;
        }
        let Some((mut ranges, ports_span)) = port_specs(allow, &["ports"]) else {
            continue;
        };
        if ranges.is_empty() {
            ranges.push((0.0, 65535.0));
        }

        let help = "allow only the networks that need the database, or better its clients' service accounts or network tags (`source_service_accounts`, `source_tags`)";
        report_open(object, &cidrs, &ranges, None, ports_span, help, cx);
    }
}

/// Reports each open source of a rule (as the message names it: `0.0.0.0/0`, ``source `*` ``)
/// that reaches a database port in one of `ranges`.
fn report_open(
    object: &Object,
    cidrs: &[(String, Span)],
    ranges: &[(f64, f64)],
    all_protocols: Option<&str>,
    ports_span: Option<Span>,
    help: &str,
    cx: &mut Cx,
) {
    let mut ports: Vec<(u16, &str)> = ranges
        .iter()
        .flat_map(|&(from, to)| ports_in(from, to))
        .collect();
    ports.sort_unstable();
    ports.dedup();
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
    let reach = match ranges {
        _ if let Some(all) = all_protocols => {
            format!("every port ({all}), including {}{more}", named.join(", "))
        }
        [(from, to)] if from == to => format!("port {}", named[0]),
        [(from, to)] if *from == 0.0 && *to == 65535.0 => {
            format!("every port, including {}{more}", named.join(", "))
        }
        [(from, to)] => format!(
            "ports {}-{}, which include {}{more}",
            *from as i64,
            *to as i64,
            named.join(", ")
        ),
        _ if ports.len() == 1 => format!("port {}", named[0]),
        _ => format!("ports {}{more}", named.join(", ")),
    };
    for (cidr, span) in cidrs {
        let d = cx.report(
            *span,
            format!(
                "`{}` lets {cidr} (the whole internet) reach {reach}",
                object.address
            ),
        );
        d.label("open to the whole internet").help(help.to_string());
        if let Some(ps) = ports_span.filter(|s| s != span && all_protocols.is_none()) {
            d.secondary(ps, "the database port");
        }
    }
}

/// The legacy `aws_db_security_group` (EC2-Classic): an `ingress` with `cidr = "0.0.0.0/0"`
/// lets the internet reach the port of every database instance in the group.
fn check_db_security_group(object: &Object, cx: &mut Cx) {
    let Some(list) = object.node.get("ingress").and_then(|e| e.node.as_list()) else {
        return;
    };
    for el in list.iter().filter(|el| el.as_map().is_some()) {
        for (cidr, span) in open_cidrs(el, &["cidr"]) {
            cx.report(
                span,
                format!(
                    "`{}` lets {cidr} (the whole internet) reach the database port of every instance in the group",
                    object.address
                ),
            )
            .label("open to the whole internet")
            .help("allow only the networks that need the database, or better move the instances into a VPC security group that admits only their clients' groups");
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
                "aws_db_security_group" => check_db_security_group(o, cx),
                "azurerm_network_security_rule" => check_azure_rule(o, o.node, cx),
                "azurerm_network_security_group" => {
                    if let Some(list) = o.node.get("security_rule").and_then(|e| e.node.as_list()) {
                        for el in list.iter().filter(|el| el.as_map().is_some()) {
                            check_azure_rule(o, el, cx);
                        }
                    }
                }
                "google_compute_firewall" => check_gcp_firewall(o, cx),
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
