//! Helpers shared by the native Terraform rules: reading resolved attributes, the objects of a
//! file or plan, database ports, and what counts as a credential.

use crate::declarative::tree::{Node, Value};
use crate::source::Span;
use crate::terraform::TfUnit;
use crate::terraform::plan::Plan;

/// What a path in a resource leads to.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'a> {
    /// Set to this value; `span` is the attribute (`key = value`).
    Set(&'a Node, Span),
    /// Not set (or null): the provider default applies. `anchor` is where to point.
    Unset(Span),
    /// Not known statically.
    Unknown,
}

impl<'a> Lookup<'a> {
    pub fn node(&self) -> Option<&'a Node> {
        match self {
            Lookup::Set(n, _) => Some(n),
            _ => None,
        }
    }

    /// A known string (the provider default when unset and `default` is given).
    pub fn str_or(&self, default: Option<&'a str>) -> Option<&'a str> {
        match self {
            Lookup::Set(n, _) => n.as_str(),
            Lookup::Unset(_) => default,
            Lookup::Unknown => None,
        }
    }

    pub fn number_or(&self, default: Option<f64>) -> Option<f64> {
        match self {
            Lookup::Set(n, _) => n.as_number(),
            Lookup::Unset(_) => default,
            Lookup::Unknown => None,
        }
    }

    pub fn bool_or(&self, default: Option<bool>) -> Option<bool> {
        match self {
            Lookup::Set(n, _) => n.as_bool(),
            Lookup::Unset(_) => default,
            Lookup::Unknown => None,
        }
    }

    pub fn is_unset(&self) -> bool {
        matches!(self, Lookup::Unset(_))
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Lookup::Set(_, s) | Lookup::Unset(s) => Some(*s),
            Lookup::Unknown => None,
        }
    }
}

/// Follows a path of keys from a resource's node; a nested block written once is stepped into,
/// one written several times (or a dynamic one) makes the value unknown.
pub fn lookup<'a>(node: &'a Node, path: &[&str]) -> Lookup<'a> {
    let mut cur = node;
    let mut span = node.span;
    for key in path {
        let map = match &cur.value {
            Value::Map(m) => m,
            Value::List(l) if l.len() == 1 => match &l[0].value {
                Value::Map(m) => m,
                Value::Unknown(_) => return Lookup::Unknown,
                _ => return Lookup::Unknown,
            },
            Value::List(l) if l.is_empty() => return Lookup::Unset(cur.span),
            Value::Null => return Lookup::Unset(span),
            _ => return Lookup::Unknown,
        };
        match map.get(key) {
            Some(e) => {
                cur = &e.node;
                span = e.span;
            }
            None if map.open => return Lookup::Unknown,
            None => return Lookup::Unset(map.anchor),
        }
    }
    match &cur.value {
        Value::Null => Lookup::Unset(span),
        Value::Unknown(_) => Lookup::Unknown,
        _ => Lookup::Set(cur, span),
    }
}

/// A resource to check: from a `.tf` file or from a plan's planned values.
pub struct Object<'a> {
    pub type_name: &'a str,
    /// `aws_db_instance.main`, `module.db.aws_db_instance.this[0]`.
    pub address: String,
    pub node: &'a Node,
    /// Where a finding about an unset attribute points (the block header, the plan address).
    pub anchor: Span,
}

/// The managed resources of a Terraform file.
pub fn file_objects<'a>(unit: &TfUnit<'a>) -> Vec<Object<'a>> {
    unit.objects()
        .iter()
        .filter(|o| !o.data)
        .map(|o| Object {
            type_name: &o.type_name,
            address: o.address(),
            node: &o.node,
            anchor: o.header,
        })
        .collect()
}

/// The managed resources of a plan that still exist after it.
pub fn plan_objects(plan: &Plan) -> Vec<Object<'_>> {
    plan.changes
        .iter()
        .filter(|c| c.managed)
        .filter_map(|c| {
            Some(Object {
                type_name: &c.type_name,
                address: c.address.clone(),
                node: c.after.as_ref()?,
                anchor: c.address_span,
            })
        })
        .collect()
}

/// Well-known database ports and what listens on them by default.
pub const DATABASE_PORTS: &[(u16, &str)] = &[
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2483, "Oracle"),
    (2484, "Oracle (TLS)"),
    (3306, "MySQL/MariaDB"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (7000, "Cassandra"),
    (7001, "Cassandra (TLS)"),
    (8086, "InfluxDB"),
    (8182, "Neptune"),
    (9042, "Cassandra"),
    (9160, "Cassandra Thrift"),
    (9200, "Elasticsearch/OpenSearch"),
    (9300, "Elasticsearch transport"),
    (11211, "Memcached"),
    (26257, "CockroachDB"),
    (27017, "MongoDB/DocumentDB"),
    (27018, "MongoDB"),
    (27019, "MongoDB"),
    (33060, "MySQL X Protocol"),
    (50000, "Db2"),
];

pub use crate::terraform::{CREDENTIAL_ATTRIBUTES, is_credential_name};

/// Whether a literal string on a credential attribute `key` is a real secret rather than a
/// placeholder or a reference. The shared secrets engine decides
/// ([`crate::secrets::judge_credential`], the one definition of a placeholder for every input
/// kind); Terraform only knows which attributes hold credentials ([`is_credential_name`]).
/// Obvious dummies (`changeme`, `****`, values shorter than 4 characters) are placeholders, not
/// literal secrets.
pub fn is_literal_secret(value: &str, key: &str) -> bool {
    secret_verdict(value, key) == Some(crate::secrets::Weakness::Strong)
}

/// [`is_literal_secret`] with placeholders told apart: `None` when the value is no committed
/// secret at all (empty, a reference, encrypted, a hash, a value naming its own slot),
/// else how weak the value is (a well-known default, a placeholder that says so).
pub fn secret_verdict(value: &str, key: &str) -> Option<crate::secrets::Weakness> {
    crate::secrets::judge_credential(key, value)
}

/// A short list of the database ports a range covers: "5432 (PostgreSQL)".
pub fn ports_in(from: f64, to: f64) -> Vec<(u16, &'static str)> {
    DATABASE_PORTS
        .iter()
        .copied()
        .filter(|(p, _)| from <= *p as f64 && *p as f64 <= to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_secrets_and_placeholders() {
        assert!(is_literal_secret("hunter2", "password"));
        assert!(is_literal_secret("Sup3r-S3cret!", "password"));
        assert!(is_literal_secret(
            "0123456789abcdef0123456789abcdef",
            "auth_token"
        ));
        assert!(!is_literal_secret("admin_password", "admin_password"));
        // A well-known default is weak, not a strong literal secret.
        assert_eq!(
            secret_verdict("password", "master_password"),
            Some(crate::secrets::Weakness::Default)
        );
        assert_eq!(
            secret_verdict("changeme", "master_password"),
            Some(crate::secrets::Weakness::Placeholder)
        );
        for p in [
            "",
            "${var.x}",
            "<password>",
            "****",
            "changeme",
            "CHANGE_ME",
            "password",
            "arn:aws:secretsmanager:us-east-1:1:secret:x",
            "ssm:/prod/db/password",
            "https://kv-prod.vault.azure.net/secrets/db",
        ] {
            assert!(!is_literal_secret(p, "password"), "{p}");
        }
    }
}
