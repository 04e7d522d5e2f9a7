//! Provider-format detectors: tokens whose shape alone says what they are.
//!
//! Each detector is called at a position where the prefilter found its literal prefix, checks
//! the exact shape (alphabet, length, boundaries), and rejects test values marked as such
//! (`EXAMPLE` in AWS's documented keys, Stripe `sk_test_` keys, Supabase demo JWTs) and
//! obvious dummies (`ghp_xxxxxxxx…`).
//!
//! | detector | shape |
//! |---|---|
//! | `aws-access-key-id` | `AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 of `A-Z2-7` |
//! | `aws-secret-access-key` | 40 of `A-Za-z0-9/+` within 100 bytes after an access key id (or under a key that names it, see `assign`) |
//! | `github-token` | `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 alphanumerics; `github_pat_` + 60+ of `A-Za-z0-9_` |
//! | `gitlab-token` | `glpat-`, `gldt-`, `glrt-`, `glptt-`, `glft-`, `glimt-`, `glagent-`, `gloas-`, `glcbt-`, `glsoat-` + 20+ of `A-Za-z0-9_.-` |
//! | `slack-token` | `xoxb-`/`xoxp-`/`xoxa-`/`xoxr-`/`xoxs-`/`xoxo-`/`xoxe-`/`xapp-` + 20+ of `A-Za-z0-9-` with digits |
//! | `slack-webhook` | `hooks.slack.com/services/T…/B…/…` (and `/workflows/`, `/triggers/`) |
//! | `stripe-key` | `sk_live_`/`rk_live_` + 20+ alphanumerics; `whsec_` + 32+ |
//! | `jwt` | `eyJ….eyJ….sig` whose header decodes to JSON with `"alg"` and a signature of 16+ characters |
//! | `google-api-key` | `AIza` + 35 of `A-Za-z0-9_-` |
//! | `sendgrid-key` | `SG.` + 22 of `A-Za-z0-9_-` + `.` + 43 of them |
//! | `mailgun-key` | `key-` + 32 lower-case letters and digits, both |
//! | `twilio-key` | `SK` + 32 hex digits, letters and digits both (an API key SID's secret pair) |
//! | `square-token` | `sq0atp-` + 22 (access token), `sq0csp-` + 43 (OAuth secret) of `A-Za-z0-9_-` |
//! | `braintree-token` | `access_token$production$` + 16 of `a-z0-9` + `$` + 32 hex digits |

use super::{Confidence, Detector, Found};

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Whether the byte before `pos` allows a token to start there.
fn starts_token(bytes: &[u8], pos: usize) -> bool {
    pos == 0 || !(bytes[pos - 1].is_ascii_alphanumeric() || bytes[pos - 1] == b'_')
}

/// The end of a run of bytes accepted by `ok`, from `pos`.
fn run_end(bytes: &[u8], pos: usize, ok: impl Fn(u8) -> bool) -> usize {
    let mut end = pos;
    while end < bytes.len() && ok(bytes[end]) {
        end += 1;
    }
    end
}

/// Test and documentation values marked as such, and obvious dummies.
pub fn looks_fake(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if lower.contains("example") || lower.contains("xxxxxxxx") || lower.contains("00000000") {
        return true;
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for b in token.bytes() {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    // A random token of 16+ characters uses many distinct characters.
    token.len() >= 16 && distinct < 8
}

pub fn aws_access_key_id(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    let prefix = b.get(pos..pos + 4)?;
    if !matches!(prefix, b"AKIA" | b"ASIA" | b"ABIA" | b"ACCA") || !starts_token(b, pos) {
        return None;
    }
    let end = run_end(b, pos + 4, |c| {
        c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)
    });
    if end - pos != 20 || b.get(end).is_some_and(|c| is_alnum(*c)) {
        return None;
    }
    if looks_fake(&text[pos..end]) {
        return None;
    }
    Some(Found::new(
        Detector::AwsAccessKeyId,
        pos,
        end,
        Confidence::High,
    ))
}

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'/' || c == b'+'
}

/// Whether a 40-character value has the mix of a generated AWS secret key.
pub fn aws_secret_shape(s: &str) -> bool {
    s.len() == 40
        && s.bytes().all(is_b64)
        && s.bytes().any(|c| c.is_ascii_digit())
        && s.bytes().any(|c| c.is_ascii_uppercase())
        && s.bytes().any(|c| c.is_ascii_lowercase())
        && !looks_fake(s)
}

/// A secret access key written near the access key id (CSV exports, `key:secret` pairs).
pub fn aws_secret_after_id(text: &str, id_end: usize) -> Option<Found> {
    let b = text.as_bytes();
    let limit = (id_end + 100).min(b.len());
    let mut i = id_end;
    while i < limit {
        if is_b64(b[i]) && (i == 0 || !(is_b64(b[i - 1]) || b[i - 1] == b'=')) {
            let end = run_end(b, i, is_b64);
            if end - i == 40
                && b.get(end).is_none_or(|c| *c != b'=')
                && aws_secret_shape(&text[i..end])
            {
                return Some(Found::new(
                    Detector::AwsSecretAccessKey,
                    i,
                    end,
                    Confidence::High,
                ));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

pub fn github_token(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !starts_token(b, pos) {
        return None;
    }
    let (body_start, end) = if b[pos..].starts_with(b"github_pat_") {
        let start = pos + "github_pat_".len();
        let end = run_end(b, start, |c| is_alnum(c) || c == b'_');
        if end - start < 60 {
            return None;
        }
        (start, end)
    } else {
        let p = b.get(pos..pos + 4)?;
        if !matches!(p, b"ghp_" | b"gho_" | b"ghu_" | b"ghs_" | b"ghr_") {
            return None;
        }
        let end = run_end(b, pos + 4, is_alnum);
        if end - (pos + 4) != 36 || b.get(end) == Some(&b'_') {
            return None;
        }
        (pos + 4, end)
    };
    if looks_fake(&text[body_start..end]) {
        return None;
    }
    Some(Found::new(
        Detector::GithubToken,
        pos,
        end,
        Confidence::High,
    ))
}

const GITLAB_PREFIXES: [&str; 10] = [
    "glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-", "glcbt-",
    "glsoat-",
];

pub fn gitlab_token(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !starts_token(b, pos) {
        return None;
    }
    let prefix = GITLAB_PREFIXES
        .iter()
        .find(|p| b[pos..].starts_with(p.as_bytes()))?;
    let start = pos + prefix.len();
    let end = run_end(b, start, |c| is_alnum(c) || matches!(c, b'_' | b'-' | b'.'));
    // A trailing dot ends a sentence, not the token.
    let end = if end > start && b[end - 1] == b'.' {
        end - 1
    } else {
        end
    };
    if end - start < 20 || looks_fake(&text[start..end]) {
        return None;
    }
    Some(Found::new(
        Detector::GitlabToken,
        pos,
        end,
        Confidence::High,
    ))
}

pub fn slack_token(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !starts_token(b, pos) {
        return None;
    }
    let mut start = pos;
    // Configuration tokens: `xoxe.xoxp-1-…`.
    if b[pos..].starts_with(b"xoxe.") {
        start = pos + 5;
    }
    let p = b.get(start..start + 5)?;
    let ok = matches!(
        p,
        b"xoxb-" | b"xoxp-" | b"xoxa-" | b"xoxr-" | b"xoxs-" | b"xoxo-" | b"xoxe-" | b"xapp-"
    );
    if !ok {
        return None;
    }
    let body = start + 5;
    let end = run_end(b, body, |c| is_alnum(c) || c == b'-');
    let token = &text[body..end];
    if end - body < 20
        || !token.bytes().any(|c| c.is_ascii_digit())
        || !token.contains('-')
        || looks_fake(token)
    {
        return None;
    }
    Some(Found::new(Detector::SlackToken, pos, end, Confidence::High))
}

/// `hooks.slack.com/services/T…/B…/secret`: the path after the kind is the secret.
pub fn slack_webhook(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    let host = "hooks.slack.com/";
    if !b[pos..].starts_with(host.as_bytes()) {
        return None;
    }
    let rest = pos + host.len();
    let kind_end = run_end(b, rest, |c| c.is_ascii_lowercase());
    if !matches!(&text[rest..kind_end], "services" | "workflows" | "triggers")
        || b.get(kind_end) != Some(&b'/')
    {
        return None;
    }
    let start = kind_end + 1;
    let end = run_end(b, start, |c| is_alnum(c) || c == b'/');
    let path = text[start..end].trim_end_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    let last = parts.last()?;
    let ids_ok = parts.len() >= 3
        && parts[0].len() >= 8
        && parts[0].starts_with('T')
        && parts[0]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !ids_ok || last.len() < 20 || looks_fake(last) {
        return None;
    }
    Some(Found::new(
        Detector::SlackWebhook,
        start,
        start + path.len(),
        Confidence::High,
    ))
}

pub fn stripe_key(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !starts_token(b, pos) {
        return None;
    }
    let (prefix_len, min, detail) = if b[pos..].starts_with(b"sk_live_") {
        (8, 20, "secret key")
    } else if b[pos..].starts_with(b"rk_live_") {
        (8, 20, "restricted key")
    } else if b[pos..].starts_with(b"whsec_") {
        (6, 32, "webhook signing secret")
    } else {
        return None;
    };
    let start = pos + prefix_len;
    let end = run_end(b, start, |c| {
        is_alnum(c) || (detail.starts_with("webhook") && matches!(c, b'+' | b'/' | b'='))
    });
    if end - start < min || looks_fake(&text[start..end]) {
        return None;
    }
    let mut f = Found::new(Detector::StripeKey, pos, end, Confidence::High);
    f.detail = Some(detail.to_string());
    Some(f)
}

/// A token of `prefix` and exactly `len` characters of `ok`, starting and ending at a token
/// boundary; its end.
fn fixed(
    text: &str,
    pos: usize,
    prefix: &str,
    len: usize,
    ok: impl Fn(u8) -> bool,
) -> Option<usize> {
    if !starts_token(text.as_bytes(), pos) {
        return None;
    }
    segment(text, pos, prefix, len, ok)
}

/// [`fixed`] for a later segment of a token (`.` + 43 characters after the first part).
fn segment(
    text: &str,
    pos: usize,
    prefix: &str,
    len: usize,
    ok: impl Fn(u8) -> bool,
) -> Option<usize> {
    let b = text.as_bytes();
    if !b[pos..].starts_with(prefix.as_bytes()) {
        return None;
    }
    let start = pos + prefix.len();
    let end = run_end(b, start, &ok);
    if end - start != len || looks_fake(&text[start..end]) {
        return None;
    }
    Some(end)
}

/// Letters and digits both: generated, not a word or a number.
fn mixed(s: &str) -> bool {
    s.bytes().any(|c| c.is_ascii_digit()) && s.bytes().any(|c| c.is_ascii_alphabetic())
}

pub fn google_api_key(text: &str, pos: usize) -> Option<Found> {
    let end = fixed(text, pos, "AIza", 35, is_b64url)?;
    Some(Found::new(
        Detector::GoogleApiKey,
        pos,
        end,
        Confidence::High,
    ))
}

pub fn sendgrid_key(text: &str, pos: usize) -> Option<Found> {
    let mid = fixed(text, pos, "SG.", 22, is_b64url)?;
    let end = segment(text, mid, ".", 43, is_b64url)?;
    Some(Found::new(
        Detector::SendgridKey,
        pos,
        end,
        Confidence::High,
    ))
}

pub fn mailgun_key(text: &str, pos: usize) -> Option<Found> {
    let end = fixed(text, pos, "key-", 32, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit()
    })?;
    mixed(&text[pos + 4..end]).then(|| Found::new(Detector::MailgunKey, pos, end, Confidence::High))
}

pub fn twilio_key(text: &str, pos: usize) -> Option<Found> {
    let end = fixed(text, pos, "SK", 32, |c| c.is_ascii_hexdigit())?;
    mixed(&text[pos + 2..end]).then(|| Found::new(Detector::TwilioKey, pos, end, Confidence::High))
}

pub fn square_token(text: &str, pos: usize) -> Option<Found> {
    let (end, detail) = if let Some(end) = fixed(text, pos, "sq0atp-", 22, is_b64url) {
        (end, "access token")
    } else {
        (fixed(text, pos, "sq0csp-", 43, is_b64url)?, "OAuth secret")
    };
    let mut f = Found::new(Detector::SquareToken, pos, end, Confidence::High);
    f.detail = Some(detail.to_string());
    Some(f)
}

/// Production access tokens only: sandbox tokens reach test accounts.
pub fn braintree_token(text: &str, pos: usize) -> Option<Found> {
    let prefix = "access_token$production$";
    let mid = fixed(text, pos, prefix, 16, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit()
    })?;
    let end = segment(text, mid, "$", 32, |c| c.is_ascii_hexdigit())?;
    Some(Found::new(
        Detector::BraintreeToken,
        pos,
        end,
        Confidence::High,
    ))
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// Decodes unpadded base64url (what JWT segments are); `None` on a bad character.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub fn jwt(text: &str, pos: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !b[pos..].starts_with(b"eyJ") || !starts_token(b, pos) {
        return None;
    }
    let h_end = run_end(b, pos, is_b64url);
    if h_end - pos < 10 || b.get(h_end) != Some(&b'.') {
        return None;
    }
    let p_start = h_end + 1;
    if !b[p_start..].starts_with(b"eyJ") {
        return None;
    }
    let p_end = run_end(b, p_start, is_b64url);
    if p_end - p_start < 10 || b.get(p_end) != Some(&b'.') {
        return None;
    }
    let s_start = p_end + 1;
    let s_end = run_end(b, s_start, is_b64url);
    // Unsigned tokens (`alg: none`) can be made by anyone: not a secret.
    if s_end - s_start < 16 {
        return None;
    }
    let header = b64url_decode(&text[pos..h_end])?;
    let header = String::from_utf8_lossy(&header);
    if !header.contains("\"alg\"") {
        return None;
    }
    let payload = b64url_decode(&text[p_start..p_end])?;
    let payload: String = String::from_utf8_lossy(&payload)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Public by design (Supabase anon keys) or published demo keys.
    if payload.contains("\"role\":\"anon\"") || payload.contains("\"iss\":\"supabase-demo\"") {
        return None;
    }
    Some(Found::new(Detector::Jwt, pos, s_end, Confidence::High))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64url(s: &str) -> String {
        const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
        let mut out = String::new();
        for chunk in b.chunks(3) {
            let n = chunk.len();
            let v = (chunk[0] as u32) << 16
                | (*chunk.get(1).unwrap_or(&0) as u32) << 8
                | *chunk.get(2).unwrap_or(&0) as u32;
            for i in 0..=n {
                out.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn base64url_round_trip() {
        let enc = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        assert_eq!(
            b64url_decode(&enc).unwrap(),
            b"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
        );
    }

    #[test]
    fn jwts() {
        let h = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        let p = b64url("{\"sub\":\"svc-backup\",\"role\":\"service_role\"}");
        let t = format!("{h}.{p}.Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0");
        assert!(jwt(&t, 0).is_some());
        let anon = b64url("{\"role\":\"anon\"}");
        assert!(jwt(&format!("{h}.{anon}.Zm9vYmFyYmF6cXV4cXV1eGNvcmdl"), 0).is_none());
        assert!(jwt(&format!("{h}.{p}."), 0).is_none());
    }

    #[test]
    fn token_formats() {
        let yes: &[(&str, Detector)] = &[
            (
                "AIzaSyD4kT9mQx2vL7pR3nW8bZ5cY1hJ6fG0aEu",
                Detector::GoogleApiKey,
            ),
            (
                "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",
                Detector::SendgridKey,
            ),
            ("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", Detector::MailgunKey),
            ("SK8f2d4c6a9b1e3f5d7c0a2b4e6f8d1c3a", Detector::TwilioKey),
            ("sq0atp-1a2B3c4D5e6F7g8H9i0J1k", Detector::SquareToken),
            (
                "sq0csp-1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R9s0T1u2",
                Detector::SquareToken,
            ),
            (
                "access_token$production$x7k2m9q4w8r3t5y1$3f8a2c7e1b9d4f6a0c5e8b2d7f1a3c9e",
                Detector::BraintreeToken,
            ),
        ];
        let detect = |t: &str| {
            google_api_key(t, 0)
                .or_else(|| sendgrid_key(t, 0))
                .or_else(|| mailgun_key(t, 0))
                .or_else(|| twilio_key(t, 0))
                .or_else(|| square_token(t, 0))
                .or_else(|| braintree_token(t, 0))
        };
        for (i, (t, d)) in yes.iter().enumerate() {
            let f = detect(t).unwrap_or_else(|| panic!("case {i} not found"));
            assert_eq!((f.detector, f.start, f.end), (*d, 0, t.len()), "case {i}");
        }
        for (i, t) in [
            // One character short, one too many, a dummy, a word, a sandbox token.
            "AIzaSyD4kT9mQx2vL7pR3nW8bZ5cY1hJ6fG0aE",
            "AIzaSyD4kT9mQx2vL7pR3nW8bZ5cY1hJ6fG0aEuX",
            "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "key-abcdefghijklmnopqrstuvwxyzabcdef",
            "SK00000000000000000000000000000000",
            "access_token$sandbox$x7k2m9q4w8r3t5y1$3f8a2c7e1b9d4f6a0c5e8b2d7f1a3c9e",
        ]
        .iter()
        .enumerate()
        {
            assert!(detect(t).is_none(), "not-a-token case {i}");
        }
        // Inside a word, not a token.
        assert!(twilio_key("TASK8f2d4c6a9b1e3f5d7c0a2b4e6f8d1c3a", 2).is_none());
    }

    #[test]
    fn fakes() {
        assert!(looks_fake("AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_fake("xxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!looks_fake("Q2hhbmdlZEJ5U2NoZW1hZ3VhcmQx"));
    }
}
