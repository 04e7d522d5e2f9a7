use crate::registry::{Cx, Rule};
use crate::secrets::pii::{PiiKind, column_hint};
use crate::secrets::{KeyKind, credential_key};
use crate::sql::{AlterAction, ColumnDef, ObjectName, SqlUnit, StmtKind};

use super::file_checked;

crate::declare_rule! {
    /// ## What it does
    /// Flags a column created to hold a secret or sensitive personal data as plain text:
    /// a text-typed column named for a password, secret, token or API key (`password`,
    /// `api_key`, `access_token`, `client_secret`), or a text or number column named for a
    /// national id or a payment card (`ssn`, `national_id`, `card_number`, `cvv`). This is
    /// advice: the rule cannot see what the application writes into the column.
    ///
    /// Names that say the value is protected are fine: `password_hash`, `hashed_password`,
    /// `token_digest`, `encrypted_ssn`, `card_number_enc`, `card_last4`; so are binary columns,
    /// password columns of a hash's fixed width (`char(60)`, `varchar(60)` for bcrypt,
    /// `char(32)`/`char(64)` for hex digests) and CSRF tokens.
    ///
    /// ## Why is this bad?
    /// A database dump, a replica, a backup or one SQL injection then exposes every user's
    /// password or card number in clear. Passwords must be stored as slow salted hashes;
    /// tokens as hashes; card numbers and national ids encrypted (PCI DSS forbids storing card
    /// verification codes at all).
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE accounts (id bigint PRIMARY KEY, email text, password varchar(100));
    /// ```
    ///
    /// ## Use instead
    /// Name the column for what it holds, and store a hash or ciphertext:
    /// ```sql
    /// CREATE TABLE accounts (id bigint PRIMARY KEY, email text, password_hash varchar(100));
    /// ```
    pub struct PlaintextSensitiveColumn {
        code: "SD007",
        name: "plaintext-sensitive-column",
        category: SensitiveData,
        severity: Info,
        security_severity: 3.0,
    }
}

/// Words that say a column holds a protected form of the value.
const PROTECTED: &[&str] = &[
    "hash",
    "hashed",
    "digest",
    "encrypted",
    "enc",
    "crypt",
    "crypted",
    "cipher",
    "ciphertext",
    "salted",
    "salt",
    "bcrypt",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "hmac",
    "verifier",
    "kms",
    "vault",
    "masked",
    "mask",
    "last4",
    "last",
    "first6",
    "prefix",
    "suffix",
    "hint",
    "fingerprint",
    "obfuscated",
    // CSRF tokens guard a form, not an account.
    "csrf",
    "xsrf",
    "ref",
    "reference",
    "id",
    "type",
    "expiry",
    "expires",
    "length",
];

const TEXT_TYPES: &[&str] = &[
    "varchar",
    "char",
    "text",
    "tinytext",
    "mediumtext",
    "longtext",
    "clob",
    "nclob",
    "ntext",
    "citext",
    "string",
    "character large object",
    "national character large object",
];

const NUMBER_TYPES: &[&str] = &["bigint", "integer", "numeric", "decimal"];

fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && i > 0 && chars[i - 1].is_lowercase() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What the column would hold in clear, and what to do instead.
fn sensitive(column: &ColumnDef) -> Option<(&'static str, &'static str)> {
    let name = &column.name.value;
    let ty = column.data_type.as_ref()?;
    let w = words(name);
    if w.iter().any(|w| PROTECTED.contains(&w.as_str())) {
        return None;
    }
    let text = TEXT_TYPES.contains(&ty.name.as_str()) && !ty.array;
    let number = NUMBER_TYPES.contains(&ty.name.as_str());
    let lower = name.to_ascii_lowercase();
    if (text || number)
        && matches!(
            lower.as_str(),
            "cvv"
                | "cvc"
                | "cvv2"
                | "cvc2"
                | "card_cvv"
                | "card_cvc"
                | "security_code"
                | "card_security_code"
        )
    {
        return Some((
            "a card verification code",
            "do not store card verification codes at all (PCI DSS forbids it after authorisation); \
             let the payment provider keep card data and store its token",
        ));
    }
    if text || number {
        match column_hint(name) {
            Some(PiiKind::CardNumber) => {
                return Some((
                    "a payment card number",
                    "store the payment provider's token, or encrypt the number with a key kept \
                     outside the database and keep only the last four digits in clear",
                ));
            }
            Some(PiiKind::NationalId) => {
                return Some((
                    "a national id number",
                    "encrypt it (application-level or pgcrypto with a key kept outside the \
                     database) and restrict who can read the column",
                ));
            }
            _ => {}
        }
    }
    if !text {
        return None;
    }
    let kind = credential_key(name)?;
    // `char(60)` is a bcrypt hash, `char(32)`/`char(64)` a hex digest: fixed widths of hashes.
    let width: Option<u32> = ty.args.first().and_then(|a| a.trim().parse().ok());
    let hash_width = matches!(
        (ty.name.as_str(), width),
        ("char", Some(32 | 40 | 60 | 64 | 128)) | ("varchar", Some(60))
    );
    if kind == KeyKind::Password && hash_width {
        return None;
    }
    match kind {
        KeyKind::Password => Some((
            "a password",
            "store a slow salted hash (bcrypt, scrypt or Argon2) and name the column for it, \
             e.g. `password_hash`",
        )),
        KeyKind::PrivateKey => Some((
            "a private key",
            "encrypt it with a key kept outside the database (a KMS), or keep it in a secret store",
        )),
        _ => Some((
            "a secret or token",
            "store a hash of the token (SHA-256 is enough for random tokens) and compare hashes, \
             or encrypt it with a key kept outside the database; name the column for what it holds",
        )),
    }
}

fn report(cx: &mut Cx, table: &ObjectName, column: &ColumnDef) {
    let Some((what, help)) = sensitive(column) else {
        return;
    };
    let ty = column
        .data_type
        .as_ref()
        .map(|t| t.raw.clone())
        .unwrap_or_default();
    cx.report(
        column.name.span,
        format!(
            "column `{}.{}` looks made to hold {what} as plain `{ty}`",
            table.base(),
            column.name
        ),
    )
    .label(format!("{what} in clear?"))
    .help(help);
}

impl Rule for PlaintextSensitiveColumn {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !file_checked(cx) || unit.is_down() {
            return;
        }
        for stmt in unit.statements {
            match &stmt.kind {
                StmtKind::CreateTable(ct) => {
                    for c in &ct.columns {
                        report(cx, &ct.name, c);
                    }
                }
                StmtKind::AlterTable(at) => {
                    for item in &at.actions {
                        if let AlterAction::AddColumn { column, .. } = &item.action {
                            report(cx, &at.name, column);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
