//! Credential assignments: a key that names a credential set to a literal value, whatever the
//! value's entropy (`password = "SuperSecret123!"` is a finding).
//!
//! Structured inputs (a `.env` line, a YAML mapping, an HCL attribute, an INSERT column) call
//! [`super::check_assignment`] with the key and value they parsed. Inside free text (a SQL
//! string literal holding JSON, a comment, a YAML scalar holding a properties file)
//! [`embedded`] finds `"password": "…"`, `password="…"`, `password=…` and, at the start of a
//! line, `password: …`.

use super::keys::{KeyKind, credential_key};
use super::providers::aws_secret_shape;
use super::value::{HashKind, ValueClass, classify_value};
use super::{Confidence, Detector, Found, Weakness};

/// The verdict on a value assigned to a key of `kind`: `None` when it is not a committed
/// secret, else the detector and how weak the value is.
/// A value that only restates the key's words (`encrypt_blob_storage_secrets` =
/// `encryptBlobStorageSecrets`) is a name, not a secret.
pub fn judge(kind: KeyKind, key: Option<&str>, value: &str) -> Option<(Detector, Weakness)> {
    // A config file held in a string keeps its quotes escaped: `accessToken: \'\'`.
    let unescaped;
    let v = if value.contains("\\'") || value.contains("\\\"") {
        unescaped = value.replace("\\'", "'").replace("\\\"", "\"");
        unescaped.trim()
    } else {
        value.trim()
    };
    let detector = if kind == KeyKind::AwsSecretKey && aws_secret_shape(v) {
        Detector::AwsSecretAccessKey
    } else {
        Detector::CredentialAssignment
    };
    if let Some(key) = key
        && restates(key, v)
    {
        return None;
    }
    // Other keys often hold the name of a secret kept elsewhere; a password key holds a
    // password, however it reads (`boardsuser-password`), unless the value is a path to one
    // (`admin/db_password`, `prod.db.password`).
    if names_a_secret(v) && (kind != KeyKind::Password || v.contains(['/', '.', ':'])) {
        return None;
    }
    // Under a password key, a long hex string is a digest or ciphertext of the password.
    // (A SHA-1 printed without its leading zero has 39 digits: odd lengths from 32 up count.)
    if kind == KeyKind::Password
        && v.len() >= 16
        && (v.len() % 2 == 0 || v.len() >= 32)
        && v.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return None;
    }
    let mut class = classify_value(v);
    // Base64 of a printable value (Kubernetes `Secret` data): judge what it encodes.
    if class == ValueClass::Literal
        && let Some(decoded) = decode_base64_text(v)
    {
        let inner = classify_value(&decoded);
        if inner != ValueClass::Literal {
            class = inner;
        }
    }
    // Short numbers are settings (`token_ttl`-like keys that slipped through), not secrets,
    // unless the key says password.
    if kind != KeyKind::Password && v.len() <= 8 && v.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match class {
        // A hex string under a token or API-key name is the token, not a digest of one.
        ValueClass::Hash(HashKind::HexDigest) if kind != KeyKind::Password => {
            Some((detector, Weakness::Strong))
        }
        c => Weakness::of(c).map(|w| (detector, w)),
    }
}

/// The text a standard base64 value encodes, when it is padded base64 of printable ASCII.
pub(crate) fn decode_base64_text(v: &str) -> Option<String> {
    if v.len() < 8 || !v.len().is_multiple_of(4) || !v.ends_with('=') {
        return None;
    }
    let bytes = super::providers::b64url_decode(v)?;
    let text = String::from_utf8(bytes).ok()?;
    (!text.is_empty() && text.bytes().all(|c| (0x20..0x7f).contains(&c))).then_some(text)
}

/// Whether every word of `value` is a word of `key` (case and separators ignored).
fn restates(key: &str, value: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in s.chars() {
            if !c.is_ascii_alphanumeric() {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = false;
                continue;
            }
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    };
    let kw = words(key);
    let vw = words(value);
    // One word of the key that is no well-known password (`consent_webhook_token` =
    // `webhook`, `OPERATOR_SECRET` = `operator`) names the thing; `mysql_password` = `mysql`
    // stays a weak password.
    if vw.len() == 1 {
        return kw.len() >= 2
            && kw.contains(&vw[0])
            && super::value::classify_value(value) == ValueClass::Literal;
    }
    vw.len() >= 2 && vw.iter().all(|w| kw.contains(w))
}

/// Whether the value is the name of a secret rather than one: separated words, one of which
/// is a credential noun (`ps-cluster1-s3-credentials`, `user.authorization.password`,
/// `SECRET-NAME`). `SuperSecret123!` is one word and stays a value.
fn names_a_secret(value: &str) -> bool {
    let words: Vec<String> = value
        .split(['-', '_', '.', '/', ':'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.len() >= 2
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "password"
                    | "passwd"
                    | "secret"
                    | "secrets"
                    | "token"
                    | "credentials"
                    | "credential"
                    | "creds"
                    | "apikey"
                    | "key"
                    | "keys"
                    | "cert"
                    | "certs"
                    | "tls"
                    | "ssl"
            )
        })
}

fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// `hit` is inside a credential word; finds the key around it and the value after it.
pub fn embedded(text: &str, hit: usize) -> Option<Found> {
    let b = text.as_bytes();
    let mut ks = hit;
    while ks > 0 && key_char(b[ks - 1]) {
        ks -= 1;
    }
    let mut ke = hit;
    while ke < b.len() && key_char(b[ke]) {
        ke += 1;
    }
    if ks == ke {
        return None;
    }
    let key = &text[ks..ke];
    let kind = credential_key(key)?;
    let quote = if ks > 0 && matches!(b[ks - 1], b'"' | b'\'') {
        Some(b[ks - 1])
    } else {
        None
    };
    // JSON held in a string keeps its quotes escaped: `{\"api_key\": \"…\"}`.
    let escaped = quote.is_some() && ks >= 2 && b[ks - 2] == b'\\';
    let mut i = ke;
    if let Some(q) = quote {
        if escaped {
            if b.get(i) != Some(&b'\\') {
                return None;
            }
            i += 1;
        }
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
        // A quoted key opens an entry of an object or list (`{"k": …`, `, 'k': …`), not the
        // second operand of `cond ? "a" : "b"`.
        let open = if escaped { ks - 2 } else { ks - 1 };
        let before = text[..open].trim_end_matches([' ', '\t']);
        if !(before.is_empty()
            || before.ends_with(['{', ',', '[', '(', '\n'])
            || before.ends_with("\\n"))
        {
            return None;
        }
    }
    let spaces = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let sep_at = spaces(i);
    let spaced = sep_at > i;
    let (sep, mut v) = match b.get(sep_at..) {
        Some([b'=', b'=', ..]) => return None,
        Some([b'=', b'>', ..]) => ("=>", sep_at + 2),
        Some([b':', b'=', ..]) => (":=", sep_at + 2),
        Some([b'=', ..]) => ("=", sep_at + 1),
        Some([b':', ..]) => (":", sep_at + 1),
        _ => return None,
    };
    let after_sep = v;
    v = spaces(v);
    let spaced = spaced || v > after_sep;
    // Lines end at a newline, or at a `\n` escape when a config file is held in a string.
    let line_start = b[..ks]
        .iter()
        .rposition(|c| *c == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0)
        .max(text[..ks].rfind("\\n").map(|p| p + 2).unwrap_or(0));
    let at_line_start = text[line_start..ks]
        .trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '#')
        .is_empty();
    let (vs, ve) = match b.get(v) {
        Some(b'\\') if escaped && b.get(v + 1) == quote.as_ref() => {
            let q = quote?;
            let close = (v + 2..b.len().saturating_sub(1))
                .find(|&i| b[i] == b'\n' || (b[i] == b'\\' && b[i + 1] == q))?;
            if b[close] == b'\n' {
                return None;
            }
            (v + 2, close)
        }
        Some(q @ (b'"' | b'\'' | b'`')) => {
            let close = b[v + 1..]
                .iter()
                .position(|c| c == q || *c == b'\n')
                .map(|p| v + 1 + p)?;
            if b[close] != *q {
                return None;
            }
            (v + 1, close)
        }
        // YAML needs a blank after the colon: `consent_token:create` is a scope name.
        Some(_) if sep == ":" && quote.is_none() && at_line_start && v > after_sep => {
            // `password: value` on its own line (YAML, properties inside a string).
            let end = (v..b.len())
                .find(|&i| {
                    matches!(b[i], b'\n' | b'\r')
                        || (b[i] == b'\\' && matches!(b.get(i + 1), Some(b'n' | b'r')))
                })
                .unwrap_or(b.len());
            let raw = text[v..end].trim_end();
            (v, v + raw.len())
        }
        Some(_) if sep == "=" && !spaced && quote.is_none() => {
            // Up to a blank, `;`, `&` or a quote; closing brackets and commas at the end belong
            // to the code around (`f(password=abc)`). A value with `(` in it is code.
            let end = b[v..]
                .iter()
                .position(|c| {
                    matches!(
                        c,
                        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'"' | b'\'' | b'`'
                    )
                })
                .map(|p| v + p)
                .unwrap_or(b.len());
            let raw = &text[v..end];
            let mut trimmed = raw.trim_end_matches([',', ')', ']']);
            // A closing brace ends the value unless the value opened it (`${token}`).
            while trimmed.ends_with('}')
                && trimmed.matches('{').count() < trimmed.matches('}').count()
            {
                trimmed = &trimmed[..trimmed.len() - 1];
            }
            if trimmed.contains('(') {
                return None;
            }
            (v, v + trimmed.len())
        }
        _ => return None,
    };
    if ve <= vs {
        return None;
    }
    let value = &text[vs..ve];
    // Code, not a value: `password = crypt(...)`, `token: ${{ … }}` handled by the classifier.
    if b.get(ve) == Some(&b'(') {
        return None;
    }
    let (detector, weak) = judge(kind, Some(key), value)?;
    let mut f = Found::new(detector, vs, ve, Confidence::Medium);
    f.weak = weak;
    f.detail = Some(key.to_string());
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::assert_span;

    fn emb(t: &str, word: &str) -> Option<(usize, usize)> {
        let p = t.find(word)?;
        embedded(t, p).map(|f| (f.start, f.end))
    }

    #[test]
    fn embedded_assignments() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                r#"{"smtp_password": "SuperSecret123!"}"#,
                "password",
                Some("SuperSecret123!"),
            ),
            (
                "password=SuperSecret123!",
                "password",
                Some("SuperSecret123!"),
            ),
            ("x password: SuperSecret123!", "password", None),
            (
                "  password: SuperSecret123!\n",
                "password",
                Some("SuperSecret123!"),
            ),
            (
                "password = crypt(password, gen_salt('bf'))",
                "password",
                None,
            ),
            ("password == 'x1x2x3x4'", "password", None),
            (r#"{"password": "${DB_PASSWORD}"}"#, "password", None),
            (r#"{"passwordPolicy": {"minLength": 6}}"#, "password", None),
            ("v_password := 'Wq8vLm2pZ'", "password", Some("Wq8vLm2pZ")),
            ("list?token=${token}&tenantId=${tenantId}", "token", None),
            (
                "- ADMIN_PASSWORD=P4zzW)rd>>123_",
                "PASSWORD",
                Some("P4zzW)rd>>123_"),
            ),
            ("f(password=Wq8vLm2pZ)", "password", Some("Wq8vLm2pZ")),
            ("secure_auth_token=_decrypted(x),", "token", None),
            (r#"x ? "a.private_key" : "a.token""#, "private_key", None),
            (
                "credentialsSecret: ps-cluster1-s3-credentials",
                "Secret",
                None,
            ),
            (r"job:\n  accessToken: \'\'\n", "accessToken", None),
            (
                r"mq:\n  password: Wq8vLm2pZ\n  port: 5672",
                "password",
                Some("Wq8vLm2pZ"),
            ),
            ("password: cGFzc3dvcmQ=", "password", None),
            // JSON in a string, quotes escaped: both keys of the object.
            (
                r#"{\"api_key\": \"9f3c2a7b1e4d6f8a\", \"secret\": \"4b7e1d9c3a5f8e2b\"}"#,
                "api_key",
                Some("9f3c2a7b1e4d6f8a"),
            ),
            (
                r#"{\"api_key\": \"9f3c2a7b1e4d6f8a\", \"secret\": \"4b7e1d9c3a5f8e2b\"}"#,
                "secret",
                Some("4b7e1d9c3a5f8e2b"),
            ),
            (r#"{\"password\": \"${PW}\"}"#, "password", None),
        ];
        for (i, (text, word, want)) in cases.iter().enumerate() {
            let got = emb(text, word);
            // Base64 of a placeholder is a weak match, not a literal one.
            let got = got.filter(|_| {
                !embedded(text, text.find(word).unwrap())
                    .unwrap()
                    .weak
                    .is_weak()
            });
            assert_span(text, got, *want, i);
        }
    }
}
