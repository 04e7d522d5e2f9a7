//! Which key names name a credential: `password`, `DB_PASSWORD`, `spring.datasource.password`,
//! `clientSecret`, `x-api-key`, `aws_secret_access_key`… but not `password_file`,
//! `password_hash`, `token_ttl`, `secretKeyRef` or `public_key`.
//!
//! A key names a credential when its last word (or last two, for `…_key`) is a credential noun;
//! a qualifier after the noun (`_file`, `_hash`, `_length`, `_env`…) makes it name something else.

/// What kind of credential a key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `password`, `passwd`, `pwd`, `pass`, `passphrase`.
    Password,
    /// `secret`, `client_secret`, `jwt_secret`.
    Secret,
    /// `token`, `access_token`, `auth_token`.
    Token,
    /// `api_key`, `secret_key`, `signing_key`, `access_key`…
    Key,
    /// `private_key`.
    PrivateKey,
    /// `aws_secret_access_key`, `secret_access_key`.
    AwsSecretKey,
    /// `credentials`, `creds`.
    Credentials,
}

impl KeyKind {
    /// The noun used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            KeyKind::Password => "password",
            KeyKind::Secret => "secret",
            KeyKind::Token => "token",
            KeyKind::Key => "key",
            KeyKind::PrivateKey => "private key",
            KeyKind::AwsSecretKey => "AWS secret access key",
            KeyKind::Credentials => "credential",
        }
    }
}

/// Words that keep a key a credential when they follow the noun (`password_value`).
const TRAILING_OK: &[&str] = &[
    "value",
    "plain",
    "plaintext",
    "text",
    "string",
    "str",
    "raw",
    "clear",
    "cleartext",
    "literal",
];

/// Words before `key` that make it a secret key (`api_key`, `signing_key`).
const SECRET_KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "access",
    "signing",
    "encryption",
    "encrypt",
    "master",
    "auth",
    "client",
    "app",
    "application",
    "license",
    "account",
    "shared",
    "hmac",
    "jwt",
    "consumer",
    "webhook",
    "subscription",
    "storage",
    "service",
    "admin",
    "crypto",
    "cipher",
    "aes",
];

/// Single-word keys (no separators) ending in one of these name a credential: `pgpassword`,
/// `dbpassword`, `apikey`, `clientsecret`.
const FUSED_SUFFIXES: &[(&str, KeyKind)] = &[
    ("password", KeyKind::Password),
    ("passwd", KeyKind::Password),
    ("passphrase", KeyKind::Password),
    ("secretaccesskey", KeyKind::AwsSecretKey),
    ("privatekey", KeyKind::PrivateKey),
    ("apikey", KeyKind::Key),
    ("secretkey", KeyKind::Key),
    ("accesstoken", KeyKind::Token),
    ("authtoken", KeyKind::Token),
    ("apitoken", KeyKind::Token),
    ("refreshtoken", KeyKind::Token),
    ("clientsecret", KeyKind::Secret),
    ("secret", KeyKind::Secret),
];

/// The credential a key names, if it names one.
pub fn credential_key(key: &str) -> Option<KeyKind> {
    let key = key
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '`' | '$' | '@'));
    // The last segment of a dotted, slashed or indexed path: `spring.datasource.password`.
    let last = key
        .rsplit(['.', '/', ':', '[', ']'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or(key)
        .trim()
        .trim_start_matches('-');
    if last.is_empty() || last.len() > 80 || !may_name_credential(last) {
        return None;
    }
    let words = split_words(last);
    let mut words: Vec<&str> = words.iter().map(String::as_str).collect();
    while words.len() > 1 && TRAILING_OK.contains(words.last()?) {
        words.pop();
    }
    let n = words.len();
    let lastw = *words.last()?;
    let prev = if n >= 2 { Some(words[n - 2]) } else { None };
    let has = |w: &str| words.contains(&w);
    let kind = match lastw {
        "password" | "passwd" | "pwd" | "passphrase" | "passcode" => KeyKind::Password,
        // `db_pass`, `SMTP_PASS`; a bare `pass` is too often something else (`pass = "oobeSystem"`).
        "pass" if n >= 2 => KeyKind::Password,
        // Plurals name collections (`secrets:` lists, `encrypt_secrets` tasks), not one value.
        "secret" => KeyKind::Secret,
        "token" => KeyKind::Token,
        "credentials" | "credential" | "creds" => KeyKind::Credentials,
        "key" => match prev {
            Some("private") => KeyKind::PrivateKey,
            Some("access") if has("secret") => KeyKind::AwsSecretKey,
            Some(p) if SECRET_KEY_QUALIFIERS.contains(&p) => KeyKind::Key,
            _ => return None,
        },
        "apikey" | "secretkey" | "accesskey" => KeyKind::Key,
        "privatekey" => KeyKind::PrivateKey,
        "accesstoken" | "authtoken" | "apitoken" | "refreshtoken" | "bearertoken" => KeyKind::Token,
        "clientsecret" => KeyKind::Secret,
        w if n == 1 => {
            return FUSED_SUFFIXES
                .iter()
                .find(|(suffix, _)| w.ends_with(suffix) && w.len() > suffix.len())
                .map(|(_, k)| *k);
        }
        _ => return None,
    };
    // `public_key`-like words before the noun make it public; `no_password`-like flags are not
    // credentials (their values are booleans anyway).
    if words
        .iter()
        .any(|w| matches!(*w, "public" | "publishable" | "pub" | "pk" | "display"))
    {
        return None;
    }
    Some(kind)
}

/// Every credential word and suffix above holds one of these: a key without any of them is
/// rejected before it is split into words (most keys a run sees: column names, attributes).
const CREDENTIAL_STEMS: &[&[u8]] = &[b"pass", b"pwd", b"secret", b"token", b"cred", b"key"];

fn may_name_credential(key: &str) -> bool {
    // Non-ASCII keys take the full path: their lower case is not byte-wise.
    !key.is_ascii()
        || CREDENTIAL_STEMS.iter().any(|stem| {
            key.as_bytes()
                .windows(stem.len())
                .any(|w| w.eq_ignore_ascii_case(stem))
        })
}

/// Lower-cased words of an identifier: snake, kebab, space and camel case.
fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `dbPassword` -> db|password; `APIKey` -> api|key.
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys() {
        for (k, kind) in [
            ("password", KeyKind::Password),
            ("DB_PASSWORD", KeyKind::Password),
            ("spring.datasource.password", KeyKind::Password),
            ("liquibase.command.password", KeyKind::Password),
            ("dbPassword", KeyKind::Password),
            ("PGPASSWORD", KeyKind::Password),
            ("smtp_pass", KeyKind::Password),
            ("pwd", KeyKind::Password),
            ("client_secret", KeyKind::Secret),
            ("clientSecret", KeyKind::Secret),
            ("JWT_SECRET", KeyKind::Secret),
            ("access_token", KeyKind::Token),
            ("api_key", KeyKind::Key),
            ("x-api-key", KeyKind::Key),
            ("APIKey", KeyKind::Key),
            ("apikey", KeyKind::Key),
            ("aws_secret_access_key", KeyKind::AwsSecretKey),
            ("SecretAccessKey", KeyKind::AwsSecretKey),
            ("private_key", KeyKind::PrivateKey),
            ("password_value", KeyKind::Password),
            ("--password", KeyKind::Password),
        ] {
            assert_eq!(credential_key(k), Some(kind), "{k}");
        }
        for k in [
            "password_file",
            "POSTGRES_PASSWORD_FILE",
            "password_hash",
            "password.length",
            "20260106_encrypt_blob_storage_secrets",
            "api_keys",
            "token_ttl",
            "secretKeyRef",
            "secret_name",
            "public_key",
            "key",
            "access_key_id",
            "aws_access_key_id",
            "password_changed_at",
            "monkey",
            "bypass",
            "pass",
            "username",
            "primary_key",
            "passwordPolicy",
        ] {
            assert_eq!(credential_key(k), None, "{k}");
        }
    }
}
