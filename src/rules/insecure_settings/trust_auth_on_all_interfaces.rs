use crate::declarative::tree::{Entry, Node, Value};
use crate::registry::{Cx, Rule};
use crate::yaml::{DocKind, YamlFile};

crate::declare_rule! {
    /// ## What it does
    /// Flags PostgreSQL settings that listen on every interface and trust connections from
    /// other hosts without a password: `listen_addresses: '*'` (or `0.0.0.0`, `::`) together
    /// with a `pg_hba` line of type `host` whose method is `trust` for an address other than
    /// the loopback, or an authentication method set to `trust` (`host_auth_method`,
    /// `auth_method`).
    ///
    /// A database in a container or a Kubernetes operator's cluster listens on every interface
    /// of its pod or container even when `listen_addresses` is not written, so there a `trust`
    /// line alone is enough.
    ///
    /// ## Why is this bad?
    /// `trust` skips authentication: any client that can reach the port logs in as any role,
    /// the superuser included, with no password at all.
    ///
    /// ## Example
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     listen_addresses: '*'
    ///   pg_hba:
    ///     - host all all 0.0.0.0/0 trust
    /// ```
    ///
    /// ## Use instead
    /// ```yaml file=infrastructure/database/config/postgres-config.yaml
    /// database:
    ///   parameters:
    ///     listen_addresses: '*'
    ///   pg_hba:
    ///     - hostssl all all 10.0.0.0/8 scram-sha-256
    /// ```
    pub struct TrustAuthOnAllInterfaces {
        code: "IS033",
        name: "trust-auth-on-all-interfaces",
        category: InsecureSettings,
        severity: Error,
        security_severity: 9.0,
    }
}

impl Rule for TrustAuthOnAllInterfaces {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        for (obj, n, kind) in file.database_settings() {
            let listen = n.get("listen_addresses");
            let everywhere = match listen.and_then(|e| e.node.as_str()) {
                Some(l) => l
                    .split(',')
                    .any(|a| matches!(a.trim().trim_matches('\''), "*" | "0.0.0.0" | "::")),
                // Containers and operator-managed pods listen on all their interfaces.
                None => {
                    listen.is_none()
                        && matches!(kind, DocKind::Compose | DocKind::Kubernetes { .. })
                }
            };
            if !everywhere {
                continue;
            }
            let Some((span, what)) = trust_entry(n) else {
                continue;
            };
            let d = cx
                .report(
                    span,
                    format!(
                        "{} accepts connections from other hosts without a password: {what}",
                        obj.name
                    ),
                )
                .label("`trust` skips authentication")
                .help("use `scram-sha-256` (over `hostssl`) for remote connections, and keep `trust` to `local` sockets if at all");
            if let Some(l) = listen {
                d.secondary(l.span, "listens on every interface");
            }
        }
    }
}

/// The first setting that trusts remote clients: a `pg_hba` line or an auth method.
fn trust_entry(n: &Node) -> Option<(crate::source::Span, String)> {
    for key in ["host_auth_method", "auth_method"] {
        if let Some(e) = n.get(key)
            && e.node
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("trust"))
        {
            return Some((e.span, format!("`{key}` is `trust`")));
        }
    }
    let hba: &Entry = n.get("pg_hba").or_else(|| n.get("hba"))?;
    let lines: Vec<&Node> = match &hba.node.value {
        Value::List(items) => items.iter().collect(),
        Value::String(_) => vec![&hba.node],
        _ => Vec::new(),
    };
    for item in lines {
        let Some(text) = item.as_str() else { continue };
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first().is_none_or(|w| w.starts_with('#')) {
                continue;
            }
            // host DATABASE USER ADDRESS [MASK] METHOD [OPTIONS]
            if !matches!(
                words[0],
                "host" | "hostssl" | "hostnossl" | "hostgssenc" | "hostnogssenc"
            ) || words.len() < 5
            {
                continue;
            }
            let address = words[3];
            let loopback = matches!(
                address,
                "127.0.0.1/32" | "::1/128" | "localhost" | "127.0.0.1" | "::1" | "samehost"
            );
            let method = if words[3].contains('/') || !address.contains('.') {
                words.get(4)
            } else {
                // An address followed by a separate mask.
                words.get(5)
            };
            if !loopback && method.is_some_and(|m| m.eq_ignore_ascii_case("trust")) {
                return Some((item.span, format!("`pg_hba` trusts `{}`", line.trim())));
            }
        }
    }
    None
}
