//! SD: secrets and personal data committed with database changes.
//!
//! The detection itself lives in [`crate::secrets`] (input-kind independent). The rules here map
//! its findings to codes, one rule per detector family, so users can select and ignore them:
//! SD001 provider tokens, SD002 private keys, SD003 connection-string passwords, SD004 credential
//! assignments (every input kind); SD005 role passwords, SD006 personal data in seed data and
//! SD007 plain-text secret columns (SQL); SD011 Kubernetes `Secret`s with values and SD012
//! secrets printed by workflows (config YAML).
//!
//! Every finding marks the secret's span with [`crate::diagnostic::Diagnostic::secret`], and
//! messages name the kind of secret and where it is, never the value.
//!
//! Every input kind goes through the same engine ([`crate::secrets::scan_text`] on each string,
//! [`crate::secrets::check_assignment`] on each key/value) and reports through
//! [`report_family`]: SQL (also the SQL of changelogs and revisions) in [`sql_scan`], Terraform
//! in [`tf_scan`], what a changelog or revision holds besides SQL in `host_scan`, key-value
//! files in [`check_key_value_family`].

mod connection_string_password;
mod credential_variable_not_sensitive;
mod hardcoded_credential;
mod hardcoded_database_password;
pub mod host_scan;
mod kubernetes_secret_committed;
mod literal_role_password;
mod output_exposes_credential;
mod personal_data_in_seed;
mod plaintext_sensitive_column;
mod private_key;
mod provider_token;
pub mod sql_scan;
pub mod tf_scan;
mod workflow_secret_echoed;
pub mod yaml_scan;

pub use connection_string_password::ConnectionStringPassword;
pub use credential_variable_not_sensitive::CredentialVariableNotSensitive;
pub use hardcoded_credential::HardcodedCredential;
pub use hardcoded_database_password::HardcodedDatabasePassword;
pub use kubernetes_secret_committed::KubernetesSecretCommitted;
pub use literal_role_password::LiteralRolePassword;
pub use output_exposes_credential::OutputExposesCredential;
pub use personal_data_in_seed::PersonalDataInSeed;
pub use plaintext_sensitive_column::PlaintextSensitiveColumn;
pub use private_key::PrivateKey;
pub use provider_token::ProviderToken;
pub use workflow_secret_echoed::WorkflowSecretEchoed;

use crate::diagnostic::Severity;
use crate::parse::kv::KvFile;
use crate::parse::script::FileModel;
use crate::registry::{Cx, Rule};
use crate::secrets::{self, Detector, Family, SecretMatch, Weakness};
use crate::source::Span;
use crate::sql::SqlUnit;

pub static RULES: &[&dyn Rule] = &[
    &ProviderToken,
    &PrivateKey,
    &ConnectionStringPassword,
    &HardcodedCredential,
    &LiteralRolePassword,
    &PersonalDataInSeed,
    &PlaintextSensitiveColumn,
    &HardcodedDatabasePassword,
    &CredentialVariableNotSensitive,
    &OutputExposesCredential,
    &KubernetesSecretCommitted,
    &WorkflowSecretEchoed,
];

/// Whether the sensitive-data rules look at this file at all (`[secrets] allow-paths`).
pub fn file_checked(cx: &Cx) -> bool {
    !cx.settings.secrets_allowed_in(&cx.source.path)
}

/// Whether a match should be reported: placeholders only with `report-placeholders`, and never
/// a value `allow-patterns` accepts.
pub fn reportable(cx: &Cx, m: &SecretMatch) -> bool {
    reportable_span(cx, m.span, m.weak)
}

/// [`reportable`] for a secret found by a rule itself (`span` is the secret alone).
pub fn reportable_span(cx: &Cx, span: Span, weak: Weakness) -> bool {
    (weak != Weakness::Placeholder || cx.settings.secrets.report_placeholders)
        && !cx.settings.secrets.value_allowed(cx.text(span))
}

/// The words a message uses for a weak value: "a well-known default", "a placeholder".
pub fn weak_words(weak: Weakness) -> &'static str {
    match weak {
        Weakness::Placeholder => "a placeholder",
        _ => "a well-known default",
    }
}

/// Whether a secret found in SQL embedded in a changelog or a revision sits on a template
/// hole. That SQL is read from a shadow text whose parameters are filled in place
/// (`'${app.password}'` becomes `'_app_password_'`, `f"'{pw}'"` becomes `'_pw_'`), so a
/// detector may judge the filler: what the file holds decides.
pub fn filled_in(cx: &Cx, unit: &SqlUnit, span: Span) -> bool {
    let original = cx.text(span);
    unit.source.slice(span) != original
        && ["{", "%(", "%s", "$"].iter().any(|h| original.contains(h))
}

/// The SQL matches of a unit that are not template holes (see [`filled_in`]).
pub fn sql_secrets(cx: &Cx, unit: &SqlUnit) -> Vec<(SecretMatch, String)> {
    sql_scan::secrets(unit)
        .iter()
        .filter(|(m, _)| !filled_in(cx, unit, m.span))
        .cloned()
        .collect()
}

/// The `check_sql` of a credential family rule.
pub fn check_sql_family(unit: &SqlUnit, cx: &mut Cx, family: Family) {
    if file_checked(cx) {
        let found = sql_secrets(cx, unit);
        report_family(cx, family, &found);
    }
}

/// The `check_embedding` of a credential family rule: a changelog's or revision's values
/// outside its SQL.
pub fn check_embedding_family(model: &FileModel, cx: &mut Cx, family: Family) {
    if file_checked(cx) {
        let found = host_scan::secrets(cx.source, model);
        report_family(cx, family, found.iter());
    }
}

/// The label of a finding: constant per detector (scripts group findings by it).
pub fn label_of(m: &SecretMatch) -> String {
    let base = m.detector.description();
    let base = base
        .strip_prefix("an ")
        .or_else(|| base.strip_prefix("a "))
        .unwrap_or(base);
    match m.weak {
        Weakness::Strong => base.to_string(),
        Weakness::Default => format!("{base} (well-known default)"),
        Weakness::Placeholder => format!("{base} (placeholder)"),
    }
}

/// What to do about a finding of a family.
fn help_of(family: Family) -> &'static str {
    match family {
        Family::ProviderToken => {
            "revoke and rotate this token now (it stays in the repository's history), then load it \
             from the environment or a secret manager"
        }
        Family::PrivateKey => {
            "treat the key as compromised and replace it; load keys from a secret store or a file \
             mounted at deploy time"
        }
        Family::ConnectionString => {
            "keep the password out of the connection string: take it from the environment \
             (`${DB_PASSWORD}`) or a secret manager, and rotate the one committed here"
        }
        Family::Credential => {
            "read the value from the environment (a `${VARIABLE}` reference) or a secret manager, \
             and rotate the one committed here"
        }
    }
}

/// The message of a finding: what kind of secret, and where. Never the value.
pub fn message_of(m: &SecretMatch, place: &str) -> String {
    let what = match (m.detector, &m.detail) {
        (Detector::StripeKey, Some(kind)) => format!("a Stripe {kind}"),
        (Detector::SquareToken, Some(kind)) => format!("a Square {kind}"),
        (Detector::PrivateKey, Some(kind)) => format!("a private key ({kind})"),
        (Detector::ConnectionStringPassword, Some(kind)) => format!("a password in {kind}"),
        (Detector::CredentialAssignment, Some(key)) => {
            let noun = secrets::credential_key(key)
                .map(|k| k.noun())
                .unwrap_or("credential");
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            if m.weak.is_weak() {
                let words = weak_words(m.weak);
                return format!("`{key}` is set to {words} {noun} {place}");
            }
            return format!("`{key}` is set to {article} literal {noun} {place}");
        }
        _ => m.detector.description().to_string(),
    };
    if m.weak.is_weak() {
        format!("{what} is {} {place}", weak_words(m.weak))
    } else {
        format!("{what} is committed {place}")
    }
}

/// Reports one match with the current rule (the caller has checked its family). `place` says
/// where, for the message ("in a string literal", "in `DATABASE_URL`"); it may be empty.
pub fn report_match(cx: &mut Cx, m: &SecretMatch, place: &str) {
    if !reportable(cx, m) {
        return;
    }
    let message = message_of(m, place).trim_end().to_string();
    let label = label_of(m);
    let d = cx
        .report(m.span, message)
        .secret(m.span)
        .label(label)
        .help(help_of(m.detector.family()));
    if m.weak.is_weak() {
        d.severity(Severity::Warning);
    }
}

/// Reports the matches of `family` among `matches`.
pub fn report_family<'m>(
    cx: &mut Cx,
    family: Family,
    matches: impl IntoIterator<Item = &'m (SecretMatch, String)>,
) {
    for (m, place) in matches {
        if m.detector.family() == family {
            report_match(cx, m, place);
        }
    }
}

/// The secrets of key/value pairs `(key, value, value_span)`: a `.env` or properties file, a
/// YAML mapping, HCL attributes. Every value is scanned with [`secrets::scan_text`] (place
/// "in `KEY`"), and every pair whose value holds nothing else is checked with
/// [`secrets::check_assignment`] (the message names the key; its place is empty). These files
/// configure a local setup: a well-known default in them is a placeholder
/// ([`Weakness::locally`]).
pub fn pair_secrets<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str, Span)>,
) -> Vec<(SecretMatch, String)> {
    let mut out = Vec::new();
    for (key, value, span) in pairs {
        let scanned = secrets::scan_text(value, span.start);
        if scanned.is_empty() {
            if let Some(m) = secrets::check_assignment(key, value, span) {
                out.push((m, String::new()));
            }
        } else {
            let place = format!("in `{key}`");
            out.extend(scanned.into_iter().map(|m| (m, place.clone())));
        }
    }
    for (m, _) in &mut out {
        m.weak = m.weak.locally();
    }
    out
}

/// The family check every credential rule does on a key-value file.
pub fn check_key_value_family(file: &KvFile, cx: &mut Cx, family: Family) {
    if !file_checked(cx) {
        return;
    }
    let found = pair_secrets(
        file.entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.value_span)),
    );
    report_family(cx, family, &found);
    // A key file is read whole.
    if let Some(body) = file.body {
        let found: Vec<(SecretMatch, String)> = secrets::scan_text(cx.text(body), body.start)
            .into_iter()
            .map(|m| (m, "in this key file".to_string()))
            .collect();
        report_family(cx, family, &found);
    }
    // Commented-out entries still commit their values: scan comments for formats alone.
    let comments: Vec<(SecretMatch, String)> = file
        .comments
        .iter()
        .flat_map(|c| {
            secrets::scan_text(cx.text(*c), c.start)
                .into_iter()
                .map(|mut m| {
                    m.weak = m.weak.locally();
                    (m, "in a comment".to_string())
                })
        })
        .collect();
    report_family(cx, family, &comments);
}
