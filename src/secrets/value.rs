//! What a value assigned to a credential is: a literal secret, or something that only looks
//! like one (a reference to a secret kept elsewhere, a template placeholder, a stored hash...).
//!
//! This is the one place that decides it, for every input kind: `${VAR}` in a `.env` file,
//! `{{ .Values.password }}` in YAML, `var.db_password` in Terraform, `<password>` in a
//! Liquibase properties template and `md5…` in a `CREATE ROLE` are all read here.

/// A password hash or verifier format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// `$2a$10$…`, `$2b$`, `$2y$`.
    Bcrypt,
    /// `$argon2id$…`.
    Argon2,
    /// `$scrypt$…`, `$7$…`.
    Scrypt,
    /// `pbkdf2_sha256$…` (Django), `$pbkdf2-sha256$…` (passlib).
    Pbkdf2,
    /// `$1$`, `$5$`, `$6$`, `$y$` crypt(3) strings.
    Crypt,
    /// `{SSHA}…`, `{SHA}…`, `{bcrypt}…` (LDAP, Spring Security's `{id}` prefix).
    Prefixed,
    /// MySQL `mysql_native_password`: `*` and 40 hex digits.
    MysqlNative,
    /// PostgreSQL `md5` and 32 hex digits: under md5 authentication it is as good as the password.
    PostgresMd5,
    /// PostgreSQL `SCRAM-SHA-256$…` verifier: not the password, but open to offline guessing.
    Scram,
    /// 32, 40, 64 or 128 hex digits: an MD5/SHA digest, or a hex API key.
    HexDigest,
}

impl HashKind {
    pub fn describe(self) -> &'static str {
        match self {
            HashKind::Bcrypt => "bcrypt hash",
            HashKind::Argon2 => "Argon2 hash",
            HashKind::Scrypt => "scrypt hash",
            HashKind::Pbkdf2 => "PBKDF2 hash",
            HashKind::Crypt => "crypt(3) hash",
            HashKind::Prefixed => "prefixed password hash",
            HashKind::MysqlNative => "MySQL native password hash",
            HashKind::PostgresMd5 => "PostgreSQL md5 password hash",
            HashKind::Scram => "PostgreSQL SCRAM-SHA-256 verifier",
            HashKind::HexDigest => "hex digest",
        }
    }
}

/// What a value is, as far as secrets go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueClass {
    /// Empty or whitespace.
    Empty,
    /// Taken from elsewhere at run time: `${VAR}`, `$VAR`, `{{ secret }}`, `${{ secrets.X }}`,
    /// `<password>`, `%(pw)s`, `var.x`, `ENV_VAR_NAME`, a file path, a secret-manager URI.
    Reference,
    /// Encrypted at rest: `ENC(…)` (Jasypt), `{cipher}…` (Spring Cloud Config), Ansible Vault, SOPS.
    Encrypted,
    /// A password hash or verifier, not the password.
    Hash(HashKind),
    /// A value no credential has: `true`, `null`, a URL without credentials.
    NotSecret,
    /// Reads like text (several words, or non-ASCII letters): a label such as the translation
    /// of the word "password", not a password.
    Prose,
    /// A value that says it is to be replaced (`changeme`, `xxxx`, `your-password-here`,
    /// `<password>`-like words, shorter than 4 characters): reported only when
    /// `report-placeholders` is on.
    Placeholder,
    /// A well-known default or guessable password (`root`, `postgres`, `admin`, `password`,
    /// `123456`): a real password, and the first one an attacker tries. Reported, as weak.
    Default,
    /// A literal value: a secret, whatever its entropy (`SuperSecret123!` included).
    Literal,
}

impl ValueClass {
    /// Whether the value is not a committed secret at all (empty, reference, encrypted, hash,
    /// not a secret, prose). Placeholders, defaults and literals are all committed values.
    pub fn is_not_secret(self) -> bool {
        !matches!(
            self,
            ValueClass::Placeholder | ValueClass::Default | ValueClass::Literal
        )
    }
}

/// Classifies a value. Quotes around the whole value are ignored.
pub fn classify_value(value: &str) -> ValueClass {
    let v = unquote(value.trim());
    if v.is_empty() {
        return ValueClass::Empty;
    }
    if is_reference(v) {
        return ValueClass::Reference;
    }
    if is_encrypted(v) {
        return ValueClass::Encrypted;
    }
    if let Some(h) = hash_kind(v) {
        return ValueClass::Hash(h);
    }
    if is_not_secret(v) {
        return ValueClass::NotSecret;
    }
    if is_prose(v) {
        return ValueClass::Prose;
    }
    if says_placeholder(v) {
        return ValueClass::Placeholder;
    }
    if is_default(v) {
        return ValueClass::Default;
    }
    ValueClass::Literal
}

fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'' || b[0] == b'`') && b[b.len() - 1] == b[0] {
        v[1..v.len() - 1].trim()
    } else {
        v
    }
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// References to a value kept elsewhere.
fn is_reference(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    // Interpolations anywhere in the value: the secret is not written here.
    // `${VAR}`, `${{ secrets.X }}`, `{{ .Values.x }}`, `{% … %}`, `<%= … %>`, `#{…}` (Ruby, Spring),
    // `$(cmd)`, `%(name)s` (configparser), `@VAR@` (Maven filtering).
    if (v.contains("${") || v.contains("{{") || v.contains("{%") || v.contains("<%"))
        && (v.contains('}') || v.contains("%>"))
    {
        return true;
    }
    if (v.starts_with("#{") && v.ends_with('}')) || (v.starts_with("$(") && v.ends_with(')')) {
        return true;
    }
    if v.contains("%(") && v.contains(")s") {
        return true;
    }
    let b = v.as_bytes();
    // `$VAR`, `$var`, `%VAR%`, `@VAR@`, `:var` (psql), `{name}` (Python format).
    let inner_ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|c| is_ident_char(*c) || *c == b'.' || *c == b'-')
    };
    // `$VAR`, `$$VAR` (docker-compose's escape), `$slack-token`.
    let dollars = b.iter().take_while(|c| **c == b'$').count();
    if (1..=2).contains(&dollars) && inner_ident(&b[dollars..]) {
        return true;
    }
    // Shell expansions and command substitutions, even cut short by a nested quote:
    // `$(< "$FILE")`, `${PW:-$(cat "$FILE")}`, `` `cat pw` ``.
    if v.starts_with("$(") || v.starts_with("${") || v.starts_with('`') || v.contains("$(") {
        return true;
    }
    // printf- and format-style placeholders: `%s_upgrades`, `{}`, `{0}`.
    if ["%s", "%d", "%v", "{}", "{0}"]
        .iter()
        .any(|p| v.contains(p))
    {
        return true;
    }
    if b.len() > 2
        && ((b[0] == b'%' && b[b.len() - 1] == b'%')
            || (b[0] == b'@' && b[b.len() - 1] == b'@')
            || (b[0] == b'{' && b[b.len() - 1] == b'}'))
        && inner_ident(&b[1..b.len() - 1])
    {
        return true;
    }
    if b[0] == b':' && inner_ident(&b[1..]) {
        return true;
    }
    // `<password>`, `<your-db-password>`, `<SECRET>`.
    if b.len() > 2 && b[0] == b'<' && b[b.len() - 1] == b'>' && !v[1..v.len() - 1].contains('<') {
        return true;
    }
    // Azure Resource Manager expressions: `[parameters('adminPassword')]`.
    if b.len() > 2 && b[0] == b'[' && b[b.len() - 1] == b']' && v.contains('(') {
        return true;
    }
    // A dotted path of lower-case names (`user.authorization.password`): a name, not a value.
    let segments: Vec<&str> = v.split('.').collect();
    if segments.len() >= 3
        && segments
            .iter()
            .all(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c == b'_'))
    {
        return true;
    }
    // Terraform and CI expressions written without their braces.
    for prefix in [
        "var.",
        "local.",
        "data.",
        "module.",
        "secrets.",
        "env.",
        "vars.",
        "inputs.",
        "process.env.",
        "os.environ",
        "os.getenv(",
        "system.getenv(",
        "env(",
        "env[",
        "lookup(",
        "file(",
        "random_password.",
        "aws_secretsmanager_",
        "azurerm_key_vault_secret.",
        "google_secret_manager_",
        "vault_generic_secret.",
    ] {
        if lower.starts_with(prefix) && !v.contains(' ') {
            return true;
        }
    }
    // Secret managers and files.
    for prefix in [
        "arn:aws:secretsmanager:",
        "arn:aws:ssm:",
        "ssm:",
        "vault:",
        "ref+",
        "secretref:",
        "sm://",
        "gcp-secret://",
        "projects/",
        "keyvault:",
        "@microsoft.keyvault(",
        "file:",
        "env:",
        "/run/secrets/",
        "/var/run/secrets/",
        "/etc/",
    ] {
        if lower.starts_with(prefix) {
            return true;
        }
    }
    // A file path: `/path/to/secret`, `./secrets/db.txt`, `~/.pgpass`.
    if (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/"))
        && !v.contains(' ')
        && v[1..].contains(['/', '.'])
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"/._-~".contains(&c))
    {
        return true;
    }
    // The name of an environment variable: `DB_PASSWORD`, `POSTGRES_PASSWORD`.
    if b.len() >= 4
        && b[0].is_ascii_uppercase()
        && v.contains('_')
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        && !b.ends_with(b"_")
        && !says_placeholder(v)
    {
        return true;
    }
    false
}

fn is_encrypted(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    (lower.starts_with("enc(") && v.ends_with(')'))
        || lower.starts_with("enc[")
        || lower.starts_with("{cipher}")
        || lower.starts_with("$ansible_vault")
        || lower.starts_with("!vault")
        || lower.starts_with("vault:v1:")
        || lower.starts_with("agepubkey")
        || lower.starts_with("-----begin age encrypted")
        || lower.starts_with("-----begin pgp message")
}

fn all_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// The hash format of a value, if it is one.
pub fn hash_kind(v: &str) -> Option<HashKind> {
    let lower = v.to_ascii_lowercase();
    let b = v.as_bytes();
    if b.len() == 35 && lower.starts_with("md5") && all_hex(&v[3..]) {
        return Some(HashKind::PostgresMd5);
    }
    if v.starts_with("SCRAM-SHA-256$") {
        return Some(HashKind::Scram);
    }
    if b.len() == 41 && b[0] == b'*' && all_hex(&v[1..]) {
        return Some(HashKind::MysqlNative);
    }
    if let Some(rest) = v.strip_prefix('$') {
        let id = rest.split('$').next().unwrap_or("");
        let has_body = rest.len() > id.len() + 8;
        let kind = match id {
            "2" | "2a" | "2b" | "2x" | "2y" => Some(HashKind::Bcrypt),
            "argon2id" | "argon2i" | "argon2d" => Some(HashKind::Argon2),
            "scrypt" | "7" => Some(HashKind::Scrypt),
            "1" | "5" | "6" | "y" | "gy" | "sha1" | "md5" | "apr1" => Some(HashKind::Crypt),
            _ if id.starts_with("pbkdf2") => Some(HashKind::Pbkdf2),
            _ => None,
        };
        if has_body {
            return kind;
        }
    }
    // Django: `algorithm$iterations$salt$hash`.
    for algo in [
        "pbkdf2_sha256$",
        "pbkdf2_sha1$",
        "argon2$",
        "bcrypt_sha256$",
        "bcrypt$",
        "scrypt$",
    ] {
        if lower.starts_with(algo) && v.len() > algo.len() + 16 {
            return Some(if algo.starts_with("pbkdf2") {
                HashKind::Pbkdf2
            } else if algo.starts_with("argon") {
                HashKind::Argon2
            } else if algo.starts_with("scrypt") {
                HashKind::Scrypt
            } else {
                HashKind::Bcrypt
            });
        }
    }
    // `{SSHA}…` (LDAP), `{bcrypt}$2a$…` (Spring Security). `{noop}` means plain text.
    if let Some(rest) = v.strip_prefix('{')
        && let Some(close) = rest.find('}')
    {
        let id = rest[..close].to_ascii_lowercase();
        let body = &rest[close + 1..];
        let known = [
            "ssha", "sha", "sha256", "ssha256", "sha512", "ssha512", "md5", "smd5", "crypt",
            "bcrypt", "pbkdf2", "scrypt", "argon2", "sha-1", "sha-256", "md4", "ldap", "mysql",
        ];
        if (known.contains(&id.as_str()) || id.starts_with("pbkdf2")) && body.len() >= 16 {
            return Some(HashKind::Prefixed);
        }
    }
    if matches!(b.len(), 32 | 40 | 64 | 128) && all_hex(v) {
        return Some(HashKind::HexDigest);
    }
    None
}

fn is_not_secret(v: &str) -> bool {
    const WORDS: [&str; 14] = [
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "null",
        "nil",
        "none",
        "undefined",
        "~",
        "required",
        "optional",
        "enabled",
    ];
    let lower = v.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) || lower == "disabled" {
        return true;
    }
    // Units of a validity setting (`access_token = "minutes"` in token-validity blocks).
    if matches!(
        lower.as_str(),
        "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years"
    ) {
        return true;
    }
    // A URL with no password in it (those are the connection-string detector's).
    if let Some(p) = v.find("://") {
        let scheme = &v[..p];
        if !scheme.is_empty()
            && scheme
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"+.-:".contains(&c))
            && !v.contains(' ')
        {
            return true;
        }
    }
    false
}

fn is_prose(v: &str) -> bool {
    if v.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
        return true;
    }
    let words = v
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
        .count();
    words >= 3
}

/// Well-known default and guessable passwords, compared case-insensitively: the first values
/// an attacker tries, and what products ship with.
const DEFAULTS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "passw0rd",
    "password1",
    "password123",
    "secret",
    "s3cret",
    "s3cr3t",
    "secret123",
    "mysecret",
    "mypassword",
    "mypass",
    "admin",
    "administrator",
    "root",
    "toor",
    "test",
    "tests",
    "testing",
    "test123",
    "dev",
    "development",
    "local",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "guest",
    "user",
    "username",
    "default",
    "demo",
    "foo",
    "bar",
    "foobar",
    "abc123",
    "qwerty",
    "sa",
    "tiger",
    "localstack",
    "minioadmin",
    "minio123",
];

/// Whole values that stand for "put the real one here".
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "changeit",
    "changethis",
    "replaceme",
    "yourpassword",
    "sample",
    "example",
    "dummy",
    "placeholder",
    "token",
    "apikey",
    "api_key",
    "key",
    "value",
    "string",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    "hidden",
    "masked",
    "n/a",
];

/// Substrings that mark a value as a template to fill in.
const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "change_this",
    "change-this",
    "changethis",
    "replaceme",
    "replace_me",
    "replace-me",
    "replace_with",
    "replace-with",
    "placeholder",
    "your_",
    "your-",
    "yourpassword",
    "yoursecret",
    "yourtoken",
    "insert_",
    "insert-",
    "redacted",
    "dummy",
    "example",
    "xxxx",
    "****",
    "....",
    "notasecret",
    "not_a_secret",
    "not-a-secret",
    "notreal",
    "not_real",
    "not-real",
    "_here",
    "-here",
];

/// A value that says it is a placeholder: a word or mark for "fill this in", a run of one
/// character (`xxxxxx`, `******`), or fewer than 4 characters.
fn says_placeholder(v: &str) -> bool {
    if v.chars().count() < 4 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDERS.contains(&lower.as_str()) || PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p))
    {
        return true;
    }
    let first = v.chars().next().unwrap_or(' ');
    v.chars().all(|c| c == first)
}

/// Whether `v` is one of the well-known default passwords, as written in the list: an ordinary
/// word (`root`, `secret`, `admin`) that tells nothing a finding's label does not say.
pub fn is_default_word(v: &str) -> bool {
    DEFAULTS.contains(&v)
}

/// A well-known default or guessable password: one of [`DEFAULTS`], a user name repeated as
/// its password (`user:user`), or a run of consecutive characters (`abcdefg`, `123456789`).
fn is_default(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if DEFAULTS.contains(&lower.as_str()) {
        return true;
    }
    if let Some((a, b)) = v.split_once(':')
        && a == b
    {
        return true;
    }
    v.as_bytes()
        .windows(2)
        .all(|w| w[1] == w[0].wrapping_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        for (i, v) in [
            "${DB_PASSWORD}",
            "${{ secrets.DB_PASSWORD }}",
            "{{ .Values.auth.password }}",
            "{{ secret }}",
            "$DB_PASSWORD",
            "<password>",
            "<your-db-password>",
            "%(db_password)s",
            "var.db_password",
            "random_password.db.result",
            "DB_PASSWORD",
            "/run/secrets/db_password",
            "./secrets/db.txt",
            "{db_url}",
            "@DB_PASSWORD@",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
            "\"${PW}\"",
            "$$MYSQL_ROOT_PASSWORD",
            "$slack-token",
            "$(< \"$FILE\")",
            "${PW:-$(cat ",
            "%s_upgrades",
            "[parameters('adminPassword')]",
            "user.authorization.password",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(classify_value(v), ValueClass::Reference, "case {i}");
        }
    }

    #[test]
    fn placeholders_and_literals() {
        for (i, v) in [
            "changeme",
            "CHANGE_ME",
            "your-password-here",
            "xxxxxxxx",
            "********",
            "abc",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(classify_value(v), ValueClass::Placeholder, "case {i}");
        }
        // Real passwords, and the first ones an attacker tries.
        for (i, v) in [
            "password",
            "postgres",
            "root",
            "Admin",
            "123456789",
            "app:app",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(classify_value(v), ValueClass::Default, "case {i}");
        }
        for (i, v) in [
            "SuperSecret123!",
            "letmein",
            "P@ssw0rd",
            "Password123!",
            "hunter2hunter2",
            // A word about a password is no placeholder: only a value that says so is.
            "boardsuser-password",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(classify_value(v), ValueClass::Literal, "case {i}");
        }
        assert_eq!(classify_value(""), ValueClass::Empty);
        assert_eq!(classify_value("''"), ValueClass::Empty);
        assert_eq!(classify_value("true"), ValueClass::NotSecret);
        assert_eq!(
            classify_value("https://vault.internal/v1"),
            ValueClass::NotSecret
        );
        assert_eq!(classify_value("Enter your password"), ValueClass::Prose);
        assert_eq!(classify_value("ENC(b4s3bGFicw==)"), ValueClass::Encrypted);
    }

    #[test]
    fn hashes() {
        assert_eq!(
            hash_kind("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"),
            Some(HashKind::Bcrypt)
        );
        assert_eq!(
            hash_kind("md5a3556571e93b0d20722ba62be61e8c2d"),
            Some(HashKind::PostgresMd5)
        );
        assert_eq!(
            hash_kind("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"),
            Some(HashKind::Scram)
        );
        assert_eq!(
            hash_kind("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"),
            Some(HashKind::MysqlNative)
        );
        assert_eq!(
            hash_kind("5f4dcc3b5aa765d61d8327deb882cf99"),
            Some(HashKind::HexDigest)
        );
        assert_eq!(
            hash_kind("{bcrypt}$2a$10$N9qo8uLOickgx2ZMRZoMye"),
            Some(HashKind::Prefixed)
        );
        assert_eq!(hash_kind("{noop}SuperSecret123!"), None);
        assert_eq!(hash_kind("SuperSecret123!"), None);
    }
}
