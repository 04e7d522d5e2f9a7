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
    /// Flags a key that names a credential (`password`, `passwd`, `pwd`, `secret`, `token`,
    /// `api_key`, `client_secret`, `private_key`…, in any case style: `DB_PASSWORD`,
    /// `spring.datasource.password`, `clientSecret`) set to a literal value, whatever the
    /// value's entropy: a memorable, low-entropy password is a finding too.
    ///
    /// It reads `.env`, `*.properties`, `*.conf`, `*.cnf` and `*.ini` files beside migrations
    /// (`flyway.conf`, `liquibase.properties`), JSON and `key=value` text inside SQL strings and
    /// comments, credential-named columns of `INSERT` and `COPY` rows, key/value rows such as
    /// `('mail.smtp.password', '…')`, and `UPDATE … SET password = '…'`. In Terraform: every
    /// credential-named attribute or object key (`environment = { SMTP_PASSWORD = "…" }`), the
    /// default of a credential-named variable, `.tfvars` values and `{ name = "SMTP_PASSWORD",
    /// value = "…" }` environment entries; a database password in a Terraform credential slot
    /// is `hardcoded-database-password`'s (SD008) and is not reported twice. In Liquibase
    /// changelogs (XML, YAML, JSON): properties (`<property name="db.password" value="…"/>`),
    /// column values by column name, and key/value rows. In Alembic revisions: Python
    /// assignments (`SMTP_PASSWORD = "…"`), keyword arguments and dict entries; `alembic.ini`
    /// is read like any `.ini` file.
    ///
    /// In config YAML it reads the documents it knows: Compose `environment` (mapping and
    /// `- KEY=value` list forms: `POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`,
    /// `MONGO_INITDB_ROOT_PASSWORD`...), Kubernetes container `env` (`name`/`value` pairs), GitHub
    /// Actions `env`, `services.*.env`, `with:` and `run:` scripts, database settings and chart
    /// values. `_FILE` keys, `${VAR}` and `${{ secrets.X }}` are not findings.
    ///
    /// A well-known default (`root`, `postgres`, `admin`, `password`, `123456`, a password equal
    /// to the user or database name next to it) is a real password, and the first one an
    /// attacker tries: it is reported as a warning. In files that set up a local or throwaway
    /// environment (Compose files, CI workflows, `.env` and other key-value files, settings
    /// written inside free text or comments) and in connection strings to `localhost`, it is
    /// that setup's placeholder. A placeholder, a value that says it is one (`changeme`,
    /// `your-password-here`, `xxxx`, `<password>`, fewer than 4 characters), is reported only
    /// with `[secrets] report-placeholders = true`. A value about a password is not a
    /// placeholder for containing the word: `orders-db-password` is a password.
    ///
    /// Not findings: empty values, references and templates (`${VAR}`, `$VAR`, `{{ secret }}`,
    /// `${{ secrets.X }}`, `<password>`, `%(pw)s`, `var.x`, `ENV_VAR_NAME`, file paths),
    /// encrypted values (`ENC(…)`, `{cipher}…`), password hashes (bcrypt, Argon2, scrypt,
    /// PBKDF2, crypt, `{SSHA}`, hex strings of 16+ digits under a password key) and keys whose last word is
    /// not the credential (`password_file`, `password_hash`, `token_ttl`).
    ///
    /// ## Why is this bad?
    /// A literal credential in the repository is readable by everyone with access to it, now
    /// and in every past and future clone. Entropy-based scanners miss memorable passwords
    /// (a word, a season, a year and a symbol); this rule goes by the key's name instead.
    ///
    /// ## Example
    /// ```sql
    /// INSERT INTO app_settings (name, value) VALUES ('mail.smtp.password', 'Winter2024!Mail');
    /// ```
    ///
    /// ## Use instead
    /// Keep a reference in the repository and the value in the environment or a secret manager:
    /// ```sql
    /// INSERT INTO app_settings (name, value) VALUES ('mail.smtp.password', '${SMTP_PASSWORD}');
    /// ```
    ///
    /// ## Options
    /// Under `[secrets]` in `schemaguard.toml`: `report-placeholders = true` also reports obvious
    /// placeholders and well-known defaults (`changeme`, `password`, `postgres`, values shorter
    /// than 4 characters) as weak credentials; `allow-patterns`, `allow-paths` and
    /// `allow-fingerprints` accept values, files and single findings.
    pub struct HardcodedCredential {
        code: "SD004",
        name: "hardcoded-credential",
        category: SensitiveData,
        severity: Error,
        security_severity: 7.5,
    }
}

impl Rule for HardcodedCredential {
    crate::rule_meta!();

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        if file_checked(cx) {
            let found = super::yaml_scan::secrets(file, &cx.source.text);
            report_family(cx, Family::Credential, found);
        }
    }

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        check_sql_family(unit, cx, Family::Credential);
    }

    fn check_embedding(&self, model: &FileModel, cx: &mut Cx) {
        check_embedding_family(model, cx, Family::Credential);
    }

    fn check_key_values(&self, file: &KvFile, cx: &mut Cx) {
        check_key_value_family(file, cx, Family::Credential);
    }

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if file_checked(cx) {
            report_family(cx, Family::Credential, tf_scan::secrets(unit).iter());
        }
    }
}
