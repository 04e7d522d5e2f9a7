//! The secrets engine: credentials and personal data in text, for every input kind.
//!
//! It knows nothing of SQL, YAML or Terraform. An input kind hands it strings with their offsets
//! and gets back byte spans of the secrets in them:
//!
//! - [`scan_text`]`(text, base)`: provider-format tokens, private keys, connection-string
//!   passwords and credential assignments written *inside* a string (a SQL literal, a YAML
//!   scalar, an HCL string, a `.env` value, a comment).
//! - [`check_assignment`]`(key, value, value_span)`: a credential-named key set to a literal
//!   (a `.env` line, a YAML mapping entry, an HCL attribute, an INSERT column).
//! - [`classify_value`]: whether a value is a reference (`${VAR}`, `{{ secret }}`, `var.x`,
//!   `${{ secrets.X }}`, `<password>`), empty, encrypted, a hash, a placeholder that says so
//!   (`changeme`), a well-known default (`root`), or a literal.
//! - [`credential_key`]: whether a key names a credential.
//! - [`pii::scan_pii`]: personal data in a value (emails, phones, national ids, cards, IBANs).
//!
//! Spans cover the secret alone (the password inside a URL, the body of a PEM block), so
//! renderers mask exactly that. A match never carries the secret's text.
//!
//! Speed: one Aho-Corasick pass over the text finds every literal a detector starts from
//! (token prefixes, `://`, `PRIVATE KEY`, credential words); detectors only look at those
//! positions. Text without any of them costs one scan.

mod assign;
mod connstr;
mod keys;
mod pem;
pub mod pii;
mod providers;
mod value;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use keys::{KeyKind, credential_key};
pub use value::{HashKind, ValueClass, classify_value, hash_kind, is_default_word};

use crate::source::Span;

/// Which detector found a secret. Each belongs to one [`Family`], and each family is one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detector {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    GcpServiceAccountKey,
    PrivateKey,
    GithubToken,
    GitlabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    Jwt,
    GoogleApiKey,
    SendgridKey,
    MailgunKey,
    TwilioKey,
    SquareToken,
    BraintreeToken,
    ConnectionStringPassword,
    CredentialAssignment,
}

/// Groups of detectors that one rule reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Tokens of a known provider (SD001).
    ProviderToken,
    /// Private keys (SD002).
    PrivateKey,
    /// Passwords inside connection strings (SD003).
    ConnectionString,
    /// Credential-named keys set to literals (SD004).
    Credential,
}

impl Detector {
    pub const ALL: [Detector; 18] = [
        Detector::AwsAccessKeyId,
        Detector::AwsSecretAccessKey,
        Detector::GcpServiceAccountKey,
        Detector::PrivateKey,
        Detector::GithubToken,
        Detector::GitlabToken,
        Detector::SlackToken,
        Detector::SlackWebhook,
        Detector::StripeKey,
        Detector::Jwt,
        Detector::GoogleApiKey,
        Detector::SendgridKey,
        Detector::MailgunKey,
        Detector::TwilioKey,
        Detector::SquareToken,
        Detector::BraintreeToken,
        Detector::ConnectionStringPassword,
        Detector::CredentialAssignment,
    ];

    /// A stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            Detector::AwsAccessKeyId => "aws-access-key-id",
            Detector::AwsSecretAccessKey => "aws-secret-access-key",
            Detector::GcpServiceAccountKey => "gcp-service-account-key",
            Detector::PrivateKey => "private-key",
            Detector::GithubToken => "github-token",
            Detector::GitlabToken => "gitlab-token",
            Detector::SlackToken => "slack-token",
            Detector::SlackWebhook => "slack-webhook",
            Detector::StripeKey => "stripe-key",
            Detector::Jwt => "jwt",
            Detector::GoogleApiKey => "google-api-key",
            Detector::SendgridKey => "sendgrid-key",
            Detector::MailgunKey => "mailgun-key",
            Detector::TwilioKey => "twilio-key",
            Detector::SquareToken => "square-token",
            Detector::BraintreeToken => "braintree-token",
            Detector::ConnectionStringPassword => "connection-string-password",
            Detector::CredentialAssignment => "credential-assignment",
        }
    }

    /// What was found, for messages: "an AWS access key id".
    pub fn description(self) -> &'static str {
        match self {
            Detector::AwsAccessKeyId => "an AWS access key id",
            Detector::AwsSecretAccessKey => "an AWS secret access key",
            Detector::GcpServiceAccountKey => "a GCP service-account private key",
            Detector::PrivateKey => "a private key",
            Detector::GithubToken => "a GitHub token",
            Detector::GitlabToken => "a GitLab token",
            Detector::SlackToken => "a Slack token",
            Detector::SlackWebhook => "a Slack webhook URL",
            Detector::StripeKey => "a Stripe key",
            Detector::Jwt => "a JSON Web Token",
            Detector::GoogleApiKey => "a Google API key",
            Detector::SendgridKey => "a SendGrid API key",
            Detector::MailgunKey => "a Mailgun API key",
            Detector::TwilioKey => "a Twilio API key",
            Detector::SquareToken => "a Square token",
            Detector::BraintreeToken => "a Braintree access token",
            Detector::ConnectionStringPassword => "a password in a connection string",
            Detector::CredentialAssignment => "a literal credential",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Detector::GcpServiceAccountKey | Detector::PrivateKey => Family::PrivateKey,
            Detector::ConnectionStringPassword => Family::ConnectionString,
            Detector::CredentialAssignment => Family::Credential,
            _ => Family::ProviderToken,
        }
    }

    /// Which of two overlapping matches wins: the more specific detector.
    fn priority(self) -> u8 {
        match self.family() {
            Family::PrivateKey => 4,
            Family::ProviderToken => 3,
            Family::ConnectionString => 2,
            Family::Credential => 1,
        }
    }
}

/// How sure a detector is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Shape alone is suggestive.
    Low,
    /// A credential-named key or a connection-string context says so.
    Medium,
    /// A provider's exact format (prefix, alphabet, length, checksum).
    High,
}

/// A secret found in text. It holds where the secret is, never the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    pub detector: Detector,
    /// The secret alone, as absolute byte offsets (`base` added).
    pub span: Span,
    pub confidence: Confidence,
    /// A well-known default (`root`, a password equal to the user name), reported as weak, or
    /// a placeholder that says so (`changeme`), reported only when `[secrets]
    /// report-placeholders` is on.
    pub weak: Weakness,
    /// A non-secret qualifier for messages: the key of an assignment (`smtp_password`), the
    /// kind of connection string with its article (``a `postgres://` URL``), the Stripe key
    /// kind (`secret key`), the PEM key type (`RSA`).
    pub detail: Option<String>,
}

/// How weak a committed credential is: what decides whether and how it is reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weakness {
    /// A value meant as a secret.
    #[default]
    Strong,
    /// A well-known default or guessable password (`root`, `postgres`, `admin`, `123456`, the
    /// user name repeated): a real password, and the first an attacker tries.
    Default,
    /// A value that says it is to be replaced (`changeme`, `xxxx`, `your-password-here`).
    Placeholder,
}

impl Weakness {
    /// Whether the value is weak at all (a default or a placeholder).
    pub fn is_weak(self) -> bool {
        self != Weakness::Strong
    }

    /// The weakness of a value in a file that sets up a local or throwaway environment (a
    /// Compose file, a CI workflow, a `.env` file, a setting written inside free text): there a
    /// well-known default is the setup's placeholder, not a password anyone else can reach.
    pub fn locally(self) -> Weakness {
        match self {
            Weakness::Default => Weakness::Placeholder,
            w => w,
        }
    }

    /// The weakness a value's class gives it; `None` for a class that is not a committed value.
    pub fn of(class: ValueClass) -> Option<Weakness> {
        match class {
            ValueClass::Literal => Some(Weakness::Strong),
            ValueClass::Default => Some(Weakness::Default),
            ValueClass::Placeholder => Some(Weakness::Placeholder),
            _ => None,
        }
    }
}

/// What a detector returns, relative to the text it scanned.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    detector: Detector,
    start: usize,
    end: usize,
    confidence: Confidence,
    weak: Weakness,
    detail: Option<String>,
}

impl Found {
    fn new(detector: Detector, start: usize, end: usize, confidence: Confidence) -> Self {
        Found {
            detector,
            start,
            end,
            confidence,
            weak: Weakness::Strong,
            detail: None,
        }
    }

    fn into_match(self, base: usize) -> SecretMatch {
        SecretMatch {
            detector: self.detector,
            span: Span::new(base + self.start, base + self.end),
            confidence: self.confidence,
            weak: self.weak,
            detail: self.detail,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Trigger {
    Aws,
    Github,
    Gitlab,
    Slack,
    SlackWebhook,
    Stripe,
    Jwt,
    Google,
    Sendgrid,
    Mailgun,
    Twilio,
    Square,
    Braintree,
    PrivateKey,
    Url,
    /// A credential word: connection-string `password=` entries and embedded assignments.
    Word,
}

const NEEDLES: &[(&str, Trigger)] = &[
    ("AKIA", Trigger::Aws),
    ("ASIA", Trigger::Aws),
    ("ABIA", Trigger::Aws),
    ("ACCA", Trigger::Aws),
    ("ghp_", Trigger::Github),
    ("gho_", Trigger::Github),
    ("ghu_", Trigger::Github),
    ("ghs_", Trigger::Github),
    ("ghr_", Trigger::Github),
    ("github_pat_", Trigger::Github),
    ("glpat-", Trigger::Gitlab),
    ("gldt-", Trigger::Gitlab),
    ("glrt-", Trigger::Gitlab),
    ("glptt-", Trigger::Gitlab),
    ("glft-", Trigger::Gitlab),
    ("glimt-", Trigger::Gitlab),
    ("glagent-", Trigger::Gitlab),
    ("gloas-", Trigger::Gitlab),
    ("glcbt-", Trigger::Gitlab),
    ("glsoat-", Trigger::Gitlab),
    ("xox", Trigger::Slack),
    ("xapp-", Trigger::Slack),
    ("hooks.slack.com/", Trigger::SlackWebhook),
    ("sk_live_", Trigger::Stripe),
    ("rk_live_", Trigger::Stripe),
    ("whsec_", Trigger::Stripe),
    ("eyJ", Trigger::Jwt),
    ("AIza", Trigger::Google),
    ("SG.", Trigger::Sendgrid),
    ("key-", Trigger::Mailgun),
    ("SK", Trigger::Twilio),
    ("sq0atp-", Trigger::Square),
    ("sq0csp-", Trigger::Square),
    ("access_token$production$", Trigger::Braintree),
    ("PuTTY-User-Key-File-", Trigger::PrivateKey),
    ("PRIVATE KEY", Trigger::PrivateKey),
    ("://", Trigger::Url),
    ("password", Trigger::Word),
    ("passwd", Trigger::Word),
    ("pwd", Trigger::Word),
    ("pass", Trigger::Word),
    ("secret", Trigger::Word),
    ("token", Trigger::Word),
    ("apikey", Trigger::Word),
    ("api_key", Trigger::Word),
    ("api-key", Trigger::Word),
    ("_key", Trigger::Word),
    ("credential", Trigger::Word),
];

fn prefilter() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(NEEDLES.iter().map(|(n, _)| n))
            .expect("static needles")
    })
}

/// The text a Kubernetes `Secret`'s `data` value encodes, when it is padded base64 of printable
/// ASCII.
pub fn decode_base64_text(v: &str) -> Option<String> {
    assign::decode_base64_text(v)
}

/// Whether `text` holds anything a detector of [`scan_text`] starts from (one pass): text
/// without it cannot hold a secret, and callers may skip reading it closely.
pub fn may_hold_secret(text: &str) -> bool {
    prefilter().is_match(text)
}

/// Every secret written inside `text`; `base` is the offset of `text` in its file.
///
/// Finds provider-format tokens, private keys, passwords in connection strings and credential
/// assignments embedded in the text. Overlapping matches keep the most specific detector.
/// Weak matches (see [`SecretMatch::weak`]) are included; callers decide whether to report them.
pub fn scan_text(text: &str, base: usize) -> Vec<SecretMatch> {
    scan(text, base, None)
}

/// [`scan_text`], also collecting credential-shaped values (see [`scan_for_display`]) into
/// `shaped` when given.
fn scan(text: &str, base: usize, mut shaped: Option<&mut Vec<Span>>) -> Vec<SecretMatch> {
    let mut found: Vec<Found> = Vec::new();
    if text.len() < 8 && shaped.is_none() {
        return Vec::new();
    }
    let mut last_word_key_end = 0;
    let mut last_shaped_key_end = 0;
    for m in prefilter().find_overlapping_iter(text) {
        let pos = m.start();
        let trigger = NEEDLES[m.pattern().as_usize()].1;
        if let (Some(out), Trigger::Word) = (shaped.as_deref_mut(), trigger)
            && let Some(span) = shaped_at(text, pos, &mut last_shaped_key_end)
        {
            out.push(span.shift(base));
        }
        if text.len() < 8 {
            continue;
        }
        let hit = match trigger {
            Trigger::Aws => providers::aws_access_key_id(text, pos).inspect(|f| {
                if let Some(s) = providers::aws_secret_after_id(text, f.end) {
                    found.push(s);
                }
            }),
            Trigger::Github => providers::github_token(text, pos),
            Trigger::Gitlab => providers::gitlab_token(text, pos),
            Trigger::Slack => providers::slack_token(text, pos),
            Trigger::SlackWebhook => providers::slack_webhook(text, pos),
            Trigger::Stripe => providers::stripe_key(text, pos),
            Trigger::Jwt => providers::jwt(text, pos),
            Trigger::Google => providers::google_api_key(text, pos),
            Trigger::Sendgrid => providers::sendgrid_key(text, pos),
            Trigger::Mailgun => providers::mailgun_key(text, pos),
            Trigger::Twilio => providers::twilio_key(text, pos),
            Trigger::Square => providers::square_token(text, pos),
            Trigger::Braintree => providers::braintree_token(text, pos),
            Trigger::PrivateKey => {
                pem::private_key(text, pos).or_else(|| pem::putty_key(text, pos))
            }
            Trigger::Url => connstr::url_password(text, pos),
            Trigger::Word => {
                // Several needles hit the same key (`password`, `pass`): look at a key once.
                if pos < last_word_key_end {
                    continue;
                }
                // A setting written inside free text (a config file held in a string, a
                // comment) is judged as a local one.
                let f = connstr::kv_password(text, pos).or_else(|| {
                    assign::embedded(text, pos).map(|mut f| {
                        f.weak = f.weak.locally();
                        f
                    })
                });
                if let Some(f) = &f {
                    last_word_key_end = f.start;
                }
                f
            }
        };
        if let Some(f) = hit {
            found.push(f);
        }
    }
    resolve(found)
        .into_iter()
        .map(|f| f.into_match(base))
        .collect()
}

/// What a renderer must mask in `text`, a part of a file starting at `base`, in one pass over
/// it: the secrets [`scan_text`] finds, and the value of every *credential-shaped* assignment,
/// judged or not: a key that names a credential (`NEXTAUTH_SECRET`, `"db_password"`,
/// `CKAN_POSTGRES_PWD`, or `…_KEY` holding a token-like value), then `=`, `:`, `:=` or `=>`,
/// then a value up to the end of its quotes, or else up to a blank, `;`, `,`, `&` or the end of
/// the line. References (`${VAR}`, `{{ x }}`, `$VAR`, `<password>`) and calls
/// (`crypt(password, …)`) are left alone.
///
/// The second list is for display only: renderers mask it in the lines they show around a
/// finding, so a weak or unjudged credential next to it is never printed. Rules report through
/// [`scan_text`] and [`check_assignment`].
pub fn scan_for_display(text: &str, base: usize) -> (Vec<SecretMatch>, Vec<Span>) {
    let mut shaped = Vec::new();
    let secrets = scan(text, base, Some(&mut shaped));
    (secrets, shaped)
}

/// The credential-shaped value whose key holds the credential word found at `pos`; keys are
/// looked at once (`last_key_end`), whichever of their words the prefilter hit.
fn shaped_at(text: &str, pos: usize, last_key_end: &mut usize) -> Option<Span> {
    let b = text.as_bytes();
    if pos < *last_key_end {
        return None;
    }
    let key_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let (mut ks, mut ke) = (pos, pos);
    while ks > 0 && key_char(b[ks - 1]) {
        ks -= 1;
    }
    while ke < b.len() && key_char(b[ke]) {
        ke += 1;
    }
    *last_key_end = ke;
    let key = &text[ks..ke];
    // The separator first: most credential words in SQL are column names (`password_hash
    // text`), and looking at the key costs more.
    let mut i = ke;
    // `"key"`, and `\"key\"` in JSON held in a string.
    if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        i += 1;
    }
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    let skip_blanks = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    i = skip_blanks(i);
    i = match b.get(i..) {
        Some([b'=', b'=', ..]) => return None,
        Some([b'=' | b':', b'=' | b'>', ..]) => i + 2,
        Some([b'=' | b':', ..]) => i + 1,
        // SQL's `PASSWORD 'x'` (and `PASSWORD "x"`, which PostgreSQL rejects).
        Some([b'\'' | b'"', ..]) if i > ke && key.eq_ignore_ascii_case("password") => i,
        _ => return None,
    };
    // `STRIPE_KEY=DEADBEEF`: a key that is not a credential name by itself, holding a value
    // shaped like one.
    let named_key = key.len() > 4
        && (key[key.len() - 4..].eq_ignore_ascii_case("_key")
            || key[key.len() - 4..].eq_ignore_ascii_case("-key"));
    let credential = credential_key(key).is_some();
    if !credential && !named_key {
        return None;
    }
    let mut v = skip_blanks(i);
    if b.get(v) == Some(&b'\\') && matches!(b.get(v + 1), Some(b'"' | b'\'')) {
        v += 1;
    }
    let (vs, ve) = match b.get(v)? {
        q @ (b'"' | b'\'' | b'`') => {
            let p = b[v + 1..].iter().position(|c| c == q || *c == b'\n')?;
            if b[v + 1 + p] != *q {
                return None;
            }
            (v + 1, v + 1 + p)
        }
        _ => {
            let end = b[v..]
                .iter()
                .position(|c| {
                    matches!(
                        c,
                        b' ' | b'\t' | b'\n' | b'\r' | b';' | b',' | b'&' | b'"' | b'\'' | b')'
                    )
                })
                .map_or(b.len(), |p| v + p);
            (v, end)
        }
    };
    let value = &text[vs..ve];
    let reference = value.is_empty()
        || value.contains('(')
        || value.starts_with(['$', '{', '<', '%'])
        || classify_value(value) == ValueClass::Reference;
    (!reference && (credential || token_shaped(value))).then(|| Span::new(vs, ve))
}

/// A value that reads like a key or token rather than a name: at least 8 characters of a
/// key alphabet, hexadecimal, or letters and digits mixed (`DEADBEEF`, `a8Kq2…`; not
/// `created_at`, `fk_orders`).
fn token_shaped(v: &str) -> bool {
    v.len() >= 8
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-'))
        && (v.bytes().all(|c| c.is_ascii_hexdigit())
            || (v.bytes().any(|c| c.is_ascii_digit())
                && v.bytes().any(|c| c.is_ascii_alphabetic())))
}

/// Sorts matches and drops the lower-priority one of any overlapping pair.
fn resolve(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.detector.priority()), a.end).cmp(&(
            b.start,
            std::cmp::Reverse(b.detector.priority()),
            b.end,
        ))
    });
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if let Some(last) = out.last_mut()
            && f.start < last.end
        {
            if f.detector.priority() > last.detector.priority() {
                *last = f;
            }
            continue;
        }
        out.push(f);
    }
    out
}

/// A credential-named `key` assigned `value` (already unquoted; `value_span` is where it is).
///
/// Returns `None` when the key names no credential, when the value is empty, a reference or
/// placeholder expression, encrypted, a password hash, or not a secret (`true`), and when
/// [`scan_text`] finds something in the value itself (a token, a URL password): callers run
/// `scan_text` on every value, so each secret is reported once. An obvious dummy comes back
/// with `weak` set. `SuperSecret123!` is a finding, whatever its entropy.
pub fn check_assignment(key: &str, value: &str, value_span: Span) -> Option<SecretMatch> {
    let kind = credential_key(key)?;
    if !scan_text(value, value_span.start).is_empty() {
        return None;
    }
    let (detector, weak) = assign::judge(kind, Some(key), value)?;
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let start = value_span.start + lead;
    Some(SecretMatch {
        detector,
        span: Span::new(start, start + trimmed.len()),
        confidence: if detector == Detector::AwsSecretAccessKey {
            Confidence::High
        } else {
            Confidence::Medium
        },
        weak,
        detail: Some(key.trim().to_string()),
    })
}

/// The verdict on `value` in a slot the caller already knows holds a credential (a Terraform
/// `master_password`, a variable that feeds one): `None` when it is not a committed secret
/// (empty, a reference, encrypted, a hash, a value that only restates `key`), `Some(weak)`
/// otherwise, `weak` for an obvious dummy or well-known default.
///
/// The same judgement as [`check_assignment`], with two differences: `key` need not name a
/// credential (a slot of unknown kind is judged as a password), and the value is judged whole
/// even when [`scan_text`] finds a token inside it (the caller reports the slot, not the token).
pub fn judge_credential(key: &str, value: &str) -> Option<Weakness> {
    let kind = credential_key(key).unwrap_or(KeyKind::Password);
    assign::judge(kind, Some(key), value).map(|(_, weak)| weak)
}

/// Test helper: asserts that `got` is the span of `expected` in `text`. Failures show offsets
/// and the case number, never the values.
#[cfg(test)]
pub(crate) fn assert_span(
    text: &str,
    got: Option<(usize, usize)>,
    expected: Option<&str>,
    case: usize,
) {
    let want = expected.map(|e| {
        let s = text
            .find(e)
            .expect("the expected value is in the case text");
        (s, s + e.len())
    });
    assert_eq!(got, want, "case {case}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The detector and span of each match (never the matched text).
    fn found(text: &str) -> Vec<(Detector, usize, usize)> {
        scan_text(text, 0)
            .into_iter()
            .map(|m| (m.detector, m.span.start, m.span.end))
            .collect()
    }

    fn at(text: &str, value: &str, d: Detector) -> Vec<(Detector, usize, usize)> {
        let s = text
            .find(value)
            .expect("the expected value is in the case text");
        vec![(d, s, s + value.len())]
    }

    #[test]
    fn detectors() {
        let hook = "https://hooks.slack.com/services/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";
        let cases: &[(&str, &str, Detector)] = &[
            (
                "key=AKIA2OGYBAH6STMMNXNN",
                "AKIA2OGYBAH6STMMNXNN",
                Detector::AwsAccessKeyId,
            ),
            (
                "ghp_R8mK2vQx7LpN4tWz9YcB3hJd6FsG1aEu5XoI",
                "ghp_R8mK2vQx7LpN4tWz9YcB3hJd6FsG1aEu5XoI",
                Detector::GithubToken,
            ),
            (
                "glpat-Xk9mR2vQ7pL4tWz8YcB3",
                "glpat-Xk9mR2vQ7pL4tWz8YcB3",
                Detector::GitlabToken,
            ),
            (
                "sk_live_51Hx9mR2vQ7pL4tWz8YcB3hJd",
                "sk_live_51Hx9mR2vQ7pL4tWz8YcB3hJd",
                Detector::StripeKey,
            ),
            (
                "xoxb-2048613975-4096827153-Rk8mW2vQx7LpN4tWz9YcB3hJ",
                "xoxb-2048613975-4096827153-Rk8mW2vQx7LpN4tWz9YcB3hJ",
                Detector::SlackToken,
            ),
            (
                hook,
                "T04HX9M2Q/B05LR7V3Z/Rk8mW2vQx7LpN4tWz9YcB3hJ",
                Detector::SlackWebhook,
            ),
            (
                "postgres://app:Tr0ub4dor3x@db.internal:5432/app",
                "Tr0ub4dor3x",
                Detector::ConnectionStringPassword,
            ),
            (
                r#"{"smtp_password": "SuperSecret123!"}"#,
                "SuperSecret123!",
                Detector::CredentialAssignment,
            ),
            // The connection-string reading wins over the assignment one.
            (
                "Server=db;User Id=app;Password=Tr0ub4dor3x;",
                "Tr0ub4dor3x",
                Detector::ConnectionStringPassword,
            ),
        ];
        for (i, (text, value, detector)) in cases.iter().enumerate() {
            assert_eq!(found(text), at(text, value, *detector), "case {i}");
        }
        for (i, text) in [
            // A scope name, not `key: value`.
            r#"{"billing_webhook_token:create": "Create a token"}"#,
            "AKIAIOSFODNN7EXAMPLE",
            "sk_test_51Hx9mR2vQ7pL4tWz8YcB3hJd",
            r#"{"smtp_password": "${SMTP_PASSWORD}"}"#,
        ]
        .iter()
        .enumerate()
        {
            assert!(found(text).is_empty(), "not-a-secret case {i}");
        }
    }

    #[test]
    fn never_panics_around_multibyte_text() {
        // Every trigger next to multi-byte characters, at every offset.
        let triggers = [
            "AKIA",
            "ghp_",
            "glpat-",
            "xoxb-",
            "xapp-",
            "hooks.slack.com/",
            "sk_live_",
            "whsec_",
            "eyJ",
            "PRIVATE KEY",
            "-----BEGIN PRIVATE KEY-----",
            "://",
            "jdbc:",
            "password=",
            "pwd=",
            "\"token\": ",
            "secret: ",
            "api_key=",
            "@",
            "+4",
            "DE44",
            "4539 ",
        ];
        for t in triggers {
            for pad in ["码", "é", "🔑", "码码码码码", ""] {
                for text in [
                    format!("{pad}{t}{pad}"),
                    format!("{pad}{t}"),
                    format!("{t}{pad}{pad}{t}{pad}"),
                    format!("码码{pad}x{t}码://码@码:码"),
                ] {
                    let _ = scan_text(&text, 0);
                    let _ = pii::scan_pii(&text, 0, None);
                    for k in ["password", "api_key"] {
                        let _ = check_assignment(k, &text, Span::new(0, text.len()));
                    }
                }
            }
        }
    }

    #[test]
    fn check_assignment_decisions() {
        let at = |k: &str, v: &str| check_assignment(k, v, Span::new(10, 10 + v.len()));
        let m = at("DB_PASSWORD", "SuperSecret123!").unwrap();
        assert_eq!(m.span, Span::new(10, 25));
        assert!(!m.weak.is_weak());
        assert_eq!(
            at("DB_PASSWORD", "changeme").unwrap().weak,
            Weakness::Placeholder
        );
        assert_eq!(at("DB_PASSWORD", "root").unwrap().weak, Weakness::Default);
        // A value about a password is a password, unless it says it is a placeholder.
        assert_eq!(
            at("POSTGRES_PASSWORD", "boardsuser-password").unwrap().weak,
            Weakness::Strong
        );
        assert!(at("DB_PASSWORD", "${DB_PASSWORD}").is_none());
        assert!(at("DB_PASSWORD", "").is_none());
        assert!(at("password_hash", "SuperSecret123!").is_none());
        assert!(
            at(
                "password",
                "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
            )
            .is_none()
        );
        assert!(at("api_key", "5f4dcc3b5aa765d61d8327deb882cf99").is_some());
        assert!(at("password", "5f4dcc3b5aa765d61d8327deb882cf99").is_none());
        // A word of the key names the thing (`billing_webhook_token` = `webhook`).
        assert!(at("billing_webhook_token", "webhook").is_none());
        assert_eq!(
            at("mysql_password", "mysql").unwrap().weak,
            Weakness::Default
        );
        // A SHA-1 printed without its leading zero is still a digest.
        assert!(at("password", "4b0a6f2c9e1d3a5b7c8d9e0f1a2b3c4d5e6f708").is_none());
        // A URL password is the connection-string detector's.
        assert!(at("password", "postgres://a:Tr0ub4dor3x@h/db").is_none());
        let aws = at(
            "aws_secret_access_key",
            "Wq8vLm2pZ7kR4tN9xB3cF6hJ1dS5gA0eY2uI8oPq",
        )
        .unwrap();
        assert_eq!(aws.detector, Detector::AwsSecretAccessKey);
    }
}
