use crate::declarative::tree::Value;
use crate::registry::{Cx, Rule};
use crate::secrets::Weakness;
use crate::yaml::YamlFile;

use super::file_checked;

crate::declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes `Secret` committed with literal values in `data` (base64 is an
    /// encoding, not encryption) or `stringData`. It reports once per `Secret`, at the key that
    /// holds the values, and masks every value in every output. Empty values, references
    /// (`${DB_PASSWORD}`, `<password>`) and placeholders substituted at deploy time are not
    /// values.
    ///
    /// ## Why is this bad?
    /// Everyone who can read the repository, its forks and its history can read the secret,
    /// and it stays in the history after it is deleted. Database credentials in a `Secret`
    /// manifest are usually the production ones.
    ///
    /// ## Example
    /// ```yaml file=k8s/db-credentials.yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db-credentials
    /// type: Opaque
    /// stringData:
    ///   username: app
    ///   password: Xq7Lm2Vz9Rk4Tn
    /// ```
    ///
    /// ## Use instead
    /// Keep the value in a secret store and let the cluster fetch it (External Secrets
    /// Operator), or commit it encrypted (Sealed Secrets, SOPS):
    /// ```yaml file=k8s/db-credentials.yaml
    /// apiVersion: external-secrets.io/v1beta1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db-credentials
    /// spec:
    ///   secretStoreRef:
    ///     name: vault
    ///     kind: ClusterSecretStore
    ///   target:
    ///     name: db-credentials
    ///   data:
    ///     - secretKey: password
    ///       remoteRef:
    ///         key: prod/db/app
    ///         property: password
    /// ```
    pub struct KubernetesSecretCommitted {
        code: "SD011",
        name: "kubernetes-secret-committed",
        category: SensitiveData,
        severity: Warning,
        security_severity: 6.0,
    }
}

impl Rule for KubernetesSecretCommitted {
    crate::rule_meta!();

    fn check_yaml(&self, file: &YamlFile, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        for obj in file.objects() {
            if obj.kind != crate::yaml::ObjectKind::Kubernetes
                || !obj.types.iter().any(|t| t == "Secret")
            {
                continue;
            }
            let node = file.node_of(obj);
            for field in ["stringData", "data"] {
                let Some(e) = node.get(field) else { continue };
                let Value::Map(m) = &e.node.value else {
                    continue;
                };
                let placeholders = cx.settings.secrets.report_placeholders;
                let values: Vec<_> = m
                    .entries
                    .iter()
                    .filter(|v| {
                        v.node.origin.is_none() && committed(&v.key, &v.node, field, placeholders)
                    })
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let keys: Vec<String> = values
                    .iter()
                    .take(3)
                    .map(|v| format!("`{}`", v.key))
                    .collect();
                let more = if values.len() > 3 {
                    format!(" and {} more", values.len() - 3)
                } else {
                    String::new()
                };
                let d = cx
                    .report(
                        e.span,
                        format!(
                            "{} commits its values in `{field}` ({}{more}): anyone who can read the repository can read them",
                            obj.name,
                            keys.join(", ")
                        ),
                    )
                    .label(if field == "data" {
                        "base64 is an encoding, not encryption"
                    } else {
                        "plain-text secret values"
                    })
                    .help("keep the values out of the repository: fetch them from a secret store (External Secrets Operator, the Secrets Store CSI driver), or commit them encrypted (Sealed Secrets, SOPS); rotate the ones committed here");
                // Every value is masked, also those judged placeholders.
                for v in &m.entries {
                    if matches!(v.node.value, Value::String(_) | Value::Number(_)) {
                        d.secret(v.node.span);
                    }
                }
                break;
            }
        }
    }
}

/// Whether a value of a `Secret` is a committed secret: not empty, not a reference, not a
/// placeholder (`some-access-key`, `changeme`) unless `placeholders` says to report those,
/// also once decoded from base64 (`data`). A well-known default (`root`) is a committed
/// password. User and account names are not secrets on their own.
fn committed(
    key: &str,
    node: &crate::declarative::tree::Node,
    field: &str,
    placeholders: bool,
) -> bool {
    let raw = match &node.value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => crate::declarative::tree::format_number(*n),
        _ => return false,
    };
    let name = crate::yaml::setting_name(key);
    let last = name.rsplit(['_', '.']).next().unwrap_or(&name);
    if matches!(
        last,
        "user" | "username" | "name" | "login" | "in" | "host" | "address" | "url"
    ) && crate::secrets::credential_key(key).is_none()
    {
        return false;
    }
    let value = if field == "data" {
        decode_base64(raw.trim()).unwrap_or(raw)
    } else {
        raw
    };
    let v = value.trim();
    if (v.starts_with("some-") || v.starts_with("some_")) && !placeholders {
        return false;
    }
    let wanted = |w: Weakness| w != Weakness::Placeholder || placeholders;
    if crate::secrets::credential_key(key).is_some() {
        return crate::secrets::check_assignment(key, v, node.span).is_some_and(|m| wanted(m.weak))
            || !crate::secrets::scan_text(v, 0).is_empty();
    }
    Weakness::of(crate::secrets::classify_value(v)).is_some_and(wanted)
}

/// Standard base64 (padding optional) of UTF-8 text.
fn decode_base64(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}
