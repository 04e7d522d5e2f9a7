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
    /// Flags credentials of a known provider written anywhere in a migration or config file:
    /// AWS access key ids and secret access keys, GitHub and GitLab tokens, Slack tokens and
    /// webhook URLs, Stripe live keys and webhook secrets, Google API keys, SendGrid, Mailgun
    /// and Twilio API keys, Square access tokens and OAuth secrets, Braintree production access
    /// tokens, and signed JSON Web Tokens.
    ///
    /// Each is recognised by its exact format (prefix, alphabet, length; a JWT must decode to a
    /// header with `alg` and carry a signature), in string literals, dollar-quoted bodies,
    /// comments, `COPY` data, the values of `.env`/properties/conf files, and Terraform
    /// strings, heredocs and comments. Test values marked
    /// as such are not reported: AWS's documented `…EXAMPLE` keys, Stripe `sk_test_` keys,
    /// publishable keys, Braintree sandbox tokens, Supabase `anon` and demo JWTs, and
    /// `xxxx`-style dummies.
    ///
    /// ## Why is this bad?
    /// A token in a migration is in every clone, fork, CI log and backup of the repository,
    /// forever: deleting it in a later commit does not remove it from the history. Automated
    /// scanners find such tokens within minutes of a push to a public repository.
    ///
    /// ## Example
    /// ```sql
    /// INSERT INTO integrations (name, config)
    /// VALUES ('s3-export', '{"access_key_id": "AKIAQ3EGRTXZ7LMNP4VB"}');
    /// ```
    ///
    /// ## Use instead
    /// Store a reference and let the application read the token from its environment or a
    /// secret manager; rotate the token that was committed.
    /// ```sql
    /// INSERT INTO integrations (name, config)
    /// VALUES ('s3-export', '{"access_key_id_env": "EXPORT_AWS_ACCESS_KEY_ID"}');
    /// ```
    ///
    /// ## Options
    /// Under `[secrets]` in `schemaguard.toml`: `allow-patterns` (regular expressions of values
    /// that are not secrets, e.g. a vendor's documented test key), `allow-paths` (globs of files
    /// whose secrets are not reported) and `allow-fingerprints` (single findings accepted on
    /// purpose, by the `fingerprint` of the JSON output).
    pub struct ProviderToken {
        code: "SD001",
        name: "provider-token",
        category: SensitiveData,
        severity: Error,
        security_severity: 9.0,
    }
}

impl Rule for ProviderToken {
    crate::rule_meta!();

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        if file_checked(cx) {
            let found = super::yaml_scan::secrets(file, &cx.source.text);
            report_family(cx, Family::ProviderToken, found);
        }
    }

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        check_sql_family(unit, cx, Family::ProviderToken);
    }

    fn check_embedding(&self, model: &FileModel, cx: &mut Cx) {
        check_embedding_family(model, cx, Family::ProviderToken);
    }

    fn check_key_values(&self, file: &KvFile, cx: &mut Cx) {
        check_key_value_family(file, cx, Family::ProviderToken);
    }

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if file_checked(cx) {
            report_family(cx, Family::ProviderToken, tf_scan::secrets(unit).iter());
        }
    }
}
