use std::sync::OnceLock;

use regex::Regex;

use crate::registry::{Cx, Rule};
use crate::source::Span;
use crate::yaml::YamlFile;

crate::declare_rule! {
    /// ## What it does
    /// Flags a connection string in YAML that turns TLS off: `sslmode=disable` (libpq URLs and
    /// conninfo strings, JDBC), `ssl-mode=DISABLED` (MySQL), `useSSL=false` and
    /// `requireSSL=false` (MySQL Connector/J), `ssl=false` and `tls=false` in a URL query,
    /// `encrypt=false` (SQL Server). Any YAML is read: an application's settings, a Compose
    /// service's `environment`, a workflow's `run:` script, a Kubernetes `ConfigMap`.
    ///
    /// Connections that never leave the machine are not flagged: to `localhost`, `127.0.0.1`
    /// or `::1` (a workflow's service containers), and, in a Compose file, to another service
    /// by its name (`postgres://app@db/app`: the Compose network of one host).
    ///
    /// ## Why is this bad?
    /// The connection then carries the password and every query result in clear text across
    /// the network, readable and alterable by anyone on the path.
    ///
    /// ## Example
    /// ```yaml file=config/application.yaml
    /// database:
    ///   url: postgres://app@db.internal:5432/app?sslmode=disable
    /// ```
    ///
    /// ## Use instead
    /// ```yaml file=config/application.yaml
    /// database:
    ///   url: postgres://app@db.internal:5432/app?sslmode=verify-full
    /// ```
    pub struct ConnectionStringTlsDisabled {
        code: "IS036",
        name: "connection-string-tls-disabled",
        category: InsecureSettings,
        severity: Warning,
        security_severity: 6.5,
    }
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:^|[?&;\s])((?:sslmode|ssl-mode|ssl_mode)\s*=\s*disabled?|(?:usessl|requiressl|ssl|tls|encrypt)=false)(?:$|[&;\s'\x22])",
        )
        .expect("static regex")
    })
}

/// Whether a string reads as a connection string: a URL, a JDBC URL, a libpq conninfo, an
/// ADO.NET string.
fn is_connection_string(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("://")
        || l.contains("jdbc:")
        || (l.contains("host=") && (l.contains("dbname=") || l.contains("user=")))
        || (l.contains("server=") && l.contains(';'))
}

impl Rule for ConnectionStringTlsDisabled {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        let text = cx.source.text.clone();
        for (n, _, di) in file.strings() {
            let compose = file.docs[di].kind == crate::yaml::DocKind::Compose;
            let raw = n.span.text(&text);
            // One string may hold several lines (a `run:` script): judge each.
            let mut offset = 0;
            for line in raw.split_inclusive('\n') {
                let at = offset;
                offset += line.len();
                if !is_connection_string(line) {
                    continue;
                }
                if let Some(h) = host_of(line)
                    && (is_loopback(&h) || compose && !h.contains('.') && !h.contains(':'))
                {
                    continue;
                }
                for c in pattern().captures_iter(line) {
                    let m = c.get(1).expect("group 1");
                    let span =
                        Span::new(n.span.start + at + m.start(), n.span.start + at + m.end());
                    cx.report(
                        span,
                        format!("a connection string turns TLS off (`{}`)", m.as_str()),
                    )
                    .label("TLS disabled")
                    .help("require TLS: `sslmode=verify-full` (or at least `require`), `sslMode=VERIFY_IDENTITY` for MySQL, `encrypt=true` for SQL Server");
                }
            }
        }
    }
}

/// The host a connection string names: a URL's (`scheme://user:pw@host:port/db`), a JDBC URL's,
/// or a conninfo's `host=`.
fn host_of(s: &str) -> Option<String> {
    if let Some(at) = s.find("://") {
        let rest = &s[at + 3..];
        let authority = rest
            .split(['/', '?', '"', '\'', ' '])
            .next()
            .unwrap_or(rest);
        let hostport = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(v6) = hostport.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6)
        } else {
            hostport.split([':', ',']).next().unwrap_or(hostport)
        };
        return (!host.is_empty()).then(|| host.to_ascii_lowercase());
    }
    let lower = s.to_ascii_lowercase();
    let at = lower.find("host=")?;
    let host: String = lower[at + 5..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '\'' | '"' | '&'))
        .collect();
    (!host.is_empty()).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0")
        || host.starts_with("127.")
        || host.ends_with(".localhost")
}
