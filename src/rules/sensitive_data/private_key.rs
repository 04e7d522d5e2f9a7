use crate::parse::kv::KvFile;
use crate::parse::script::FileModel;
use crate::registry::{Cx, Rule};
use crate::secrets::Family;
use crate::sql::SqlUnit;
use crate::terraform::TfUnit;

use super::{
    check_embedding_family, check_key_value_family, check_sql_family, file_checked, report_family,
    tf_scan,
};

crate::declare_rule! {
    /// ## What it does
    /// Flags private keys committed in a migration or config file: PEM blocks
    /// (`-----BEGIN RSA PRIVATE KEY-----`, `EC`, `OPENSSH`, `ENCRYPTED`, PKCS#8, PGP), also
    /// when written inside a JSON string with `\n` escapes, such as the `private_key` of a GCP
    /// service-account key file, and PuTTY key files (`PuTTY-User-Key-File-2`/`-3`, their
    /// `Private-Lines`). It reads SQL, changelogs, revisions, `.env`/properties/conf files,
    /// Terraform strings, heredocs and comments, and key files themselves (`*.pem`, `*.key`,
    /// `*.ppk`, `id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa`).
    ///
    /// The key body (between the BEGIN and END lines) is masked in every output. A block whose
    /// body is a placeholder (`...`, fewer than 64 base64 characters) is not reported.
    ///
    /// ## Why is this bad?
    /// Whoever holds a private key can impersonate its owner: sign tokens as the service
    /// account, decrypt the traffic of the TLS certificate, log in over SSH. Once committed, the
    /// key is in the repository's history for good and must be replaced.
    ///
    /// ## Example
    /// ```sql
    /// INSERT INTO signing_keys (kid, pem) VALUES ('2024-01', '-----BEGIN EC PRIVATE KEY-----
    /// MHcCAQEEIBkg7Xq9Hc3vLmN0pRtS5uW8yZ1aB4cD7eF0gH3iJ6kLoAoGCCqGSM49
    /// AwEHoUQDQgAEq2Wc9Rt5Yx8Zb1Nm4Kp7Lv0Js3Hd6Gf9Ae2Cw5Qx8Ty1Ur4Io7Pa0
    /// -----END EC PRIVATE KEY-----');
    /// ```
    ///
    /// ## Use instead
    /// Store the public half, or a reference to where the key lives:
    /// ```sql
    /// INSERT INTO signing_keys (kid, key_ref) VALUES ('2024-01', 'vault:transit/keys/jwt-2024-01');
    /// ```
    ///
    /// ## Options
    /// `[secrets] allow-paths` accepts files holding throwaway test keys; `allow-fingerprints`
    /// accepts single findings.
    pub struct PrivateKey {
        code: "SD002",
        name: "private-key",
        category: SensitiveData,
        severity: Error,
        security_severity: 9.0,
    }
}

impl Rule for PrivateKey {
    crate::rule_meta!();

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        if file_checked(cx) {
            let found = super::yaml_scan::secrets(file, &cx.source.text);
            report_family(cx, Family::PrivateKey, found);
        }
    }

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        check_sql_family(unit, cx, Family::PrivateKey);
    }

    fn check_embedding(&self, model: &FileModel, cx: &mut Cx) {
        check_embedding_family(model, cx, Family::PrivateKey);
    }

    fn check_key_values(&self, file: &KvFile, cx: &mut Cx) {
        check_key_value_family(file, cx, Family::PrivateKey);
    }

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if file_checked(cx) {
            report_family(cx, Family::PrivateKey, tf_scan::secrets(unit).iter());
        }
    }
}
