//! Personal data in values: email addresses, phone numbers, national id numbers, payment card
//! numbers and IBANs.
//!
//! Each kind is checked strictly enough that ids, hashes, UUIDs, dates and amounts do not
//! match: card numbers need a known issuer prefix and a valid Luhn check digit, IBANs the
//! country's length and a valid mod-97 checksum, US social security numbers the `123-45-6789`
//! layout and valid number ranges. Looser forms (a phone number without `+`, a card number
//! without separators, a national id other than the SSN layout) count only when the column
//! says what it holds ([`column_hint`]).
//!
//! Not personal data: addresses at example domains (`example.com`/`.org`/`.net`, `*.example`,
//! `*.test`, `*.invalid`, `*.localhost`, `localhost`), role addresses (`admin@`, `noreply@`,
//! `support@`…), fictional phone numbers (North American `555` exchanges, UK `07700 900…`),
//! and the test card numbers and example IBANs that payment providers and standards publish.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiKind {
    Email,
    Phone,
    NationalId,
    CardNumber,
    Iban,
}

impl PiiKind {
    pub const ALL: [PiiKind; 5] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::NationalId,
        PiiKind::CardNumber,
        PiiKind::Iban,
    ];

    /// "3 email addresses", "1 card number".
    pub fn count(self, n: usize) -> String {
        let (one, many) = match self {
            PiiKind::Email => ("email address", "email addresses"),
            PiiKind::Phone => ("phone number", "phone numbers"),
            PiiKind::NationalId => ("national id number", "national id numbers"),
            PiiKind::CardNumber => ("payment card number", "payment card numbers"),
            PiiKind::Iban => ("IBAN", "IBANs"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// A personal-data value and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PiiMatch {
    pub kind: PiiKind,
    pub span: Span,
}

/// What a column's name says it holds. The last words decide: `customer_email` is an email
/// column, `idcard_pic` (a picture) is not an id column.
pub fn column_hint(column: &str) -> Option<PiiKind> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in column.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let last = words.last()?.as_str();
    let last2 = if words.len() >= 2 {
        format!("{}{}", words[words.len() - 2], last)
    } else {
        last.to_string()
    };
    let last3 = if words.len() >= 3 {
        format!("{}{}", words[words.len() - 3], last2)
    } else {
        last2.clone()
    };
    let any = |names: &[&str]| {
        names
            .iter()
            .any(|n| *n == last || *n == last2 || *n == last3)
    };
    if any(&["email", "mail", "emailaddress", "mailaddress"]) || last.ends_with("email") {
        return Some(PiiKind::Email);
    }
    if any(&[
        "phone",
        "mobile",
        "tel",
        "telephone",
        "fax",
        "cell",
        "cellphone",
        "msisdn",
        "phonenumber",
        "phoneno",
        "mobilenumber",
        "mobileno",
        "telno",
    ]) || last.ends_with("phone")
    {
        return Some(PiiKind::Phone);
    }
    if any(&[
        "ssn",
        "socialsecuritynumber",
        "socialsecurityno",
        "nationalid",
        "nationalidnumber",
        "nino",
        "idcard",
        "idcardno",
        "idcardnumber",
        "passportnumber",
        "passportno",
    ]) {
        return Some(PiiKind::NationalId);
    }
    if any(&[
        "cardnumber",
        "cardno",
        "cardnum",
        "creditcard",
        "creditcardnumber",
        "creditcardno",
        "ccnumber",
        "ccnum",
        "ccno",
        "pan",
    ]) && !(last == "pan" && words.len() == 1)
    {
        return Some(PiiKind::CardNumber);
    }
    if any(&["iban"]) {
        return Some(PiiKind::Iban);
    }
    None
}

/// The personal data in one value (a string literal's content, a COPY field). `base` is the
/// offset of `text` in the file; `hint` is what the value's column holds, when known.
pub fn scan_pii(text: &str, base: usize, hint: Option<PiiKind>) -> Vec<PiiMatch> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    if b.contains(&b'@') {
        emails(text, base, &mut out);
    }
    if b.iter().any(|c| c.is_ascii_digit()) {
        ibans(text, base, &mut out);
        numbers(text, base, hint, &mut out);
    }
    out.sort_by_key(|m| m.span);
    out.dedup_by(|a, b| a.span.start < b.span.end && b.span.start < a.span.end);
    out
}

fn local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

const ROLE_LOCAL_PARTS: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "postmaster",
    "hostmaster",
    "webmaster",
    "abuse",
    "security",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "support",
    "help",
    "info",
    "contact",
    "hello",
    "sales",
    "billing",
    "team",
    "system",
    "notifications",
    "notification",
    "alerts",
    "mailer-daemon",
    "office",
    "service",
    "services",
    "dev",
    "devops",
    "ops",
    "test",
    "user",
    "demo",
    "git",
    "jenkins",
    "bot",
];

/// Local parts that say the address is made up: `xxx@`, `abc@`, `test12@`, `john.doe@`.
fn placeholder_local(local: &str) -> bool {
    const NAMES: &[&str] = &[
        "abc",
        "def",
        "foo",
        "bar",
        "baz",
        "qux",
        "xyz",
        "example",
        "sample",
        "dummy",
        "fake",
        "someone",
        "somebody",
        "nobody",
        "anonymous",
        "username",
        "name",
        "email",
        "mail",
        "me",
        "you",
        "your.name",
        "yourname",
        "firstname.lastname",
        "first.last",
        "john.doe",
        "jane.doe",
        "johndoe",
        "janedoe",
        "john.smith",
        "jane.smith",
        "asdf",
        "qwerty",
    ];
    let stem = local.trim_end_matches(|c: char| c.is_ascii_digit());
    NAMES.contains(&local)
        || ["test", "demo", "example", "sample", "dummy", "fake", "user"].contains(&stem)
        || local
            .chars()
            .all(|c| c == local.chars().next().unwrap_or(' '))
}

/// Domains that say the address is made up: placeholder company names and all-digit names.
fn placeholder_domain(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    const DOMAINS: &[&str] = &[
        "acme.com",
        "acme.org",
        "acme.corp",
        "test.com",
        "domain.com",
        "yourdomain.com",
        "mydomain.com",
        "company.com",
        "yourcompany.com",
        "mycompany.com",
        "email.com",
        "foo.com",
        "bar.com",
        "foobar.com",
        "xxx.com",
        "abc.com",
        "sample.com",
        "demo.com",
    ];
    DOMAINS.contains(&d.as_str())
}

/// Domains (and suffixes) reserved for examples and tests (RFC 2606, RFC 6761).
pub fn is_example_domain(domain: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    let reserved = ["example.com", "example.org", "example.net", "localhost"];
    if reserved
        .iter()
        .any(|r| d == *r || d.ends_with(&format!(".{r}")))
    {
        return true;
    }
    let tld = d.rsplit('.').next().unwrap_or("");
    matches!(tld, "example" | "test" | "invalid" | "localhost" | "local")
}

fn emails(text: &str, base: usize, out: &mut Vec<PiiMatch>) {
    let b = text.as_bytes();
    for at in memchr::memchr_iter(b'@', b) {
        let mut s = at;
        while s > 0 && local_char(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain_char(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        // `scheme://user:password@host` is a URL, not an address.
        if s > 0 && matches!(b[s - 1], b':' | b'/') {
            continue;
        }
        let local = &text[s..at];
        let domain = &text[at + 1..e];
        let labels: Vec<&str> = domain.split('.').collect();
        let tld = labels.last().copied().unwrap_or("");
        if labels.len() < 2
            || labels.iter().any(|l| l.is_empty())
            || tld.len() < 2
            || !tld.bytes().all(|c| c.is_ascii_alphabetic())
            || local.starts_with('.')
            || local.ends_with('.')
        {
            continue;
        }
        if is_example_domain(domain) {
            continue;
        }
        let lower_local = local.to_ascii_lowercase();
        let role = lower_local.split('+').next().unwrap_or("");
        // `111@333.com`: digits at digits (addresses at 163.com or qq.com often have a
        // numeric local part, so one side alone says nothing).
        let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
        let numeric_both = numeric(role) && numeric(domain.rsplit('.').nth(1).unwrap_or(""));
        if ROLE_LOCAL_PARTS.contains(&role)
            || placeholder_local(role)
            || placeholder_domain(domain)
            || numeric_both
        {
            continue;
        }
        out.push(PiiMatch {
            kind: PiiKind::Email,
            span: Span::new(base + s, base + e),
        });
    }
}

/// Length of the IBAN of each country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// Example IBANs published by standards bodies and banks' documentation.
const EXAMPLE_IBANS: &[&str] = &[
    "GB82WEST12345698765432",
    "GB29NWBK60161331926819",
    "GB33BUKB20201555555555",
    "DE89370400440532013000",
    "DE75512108001245126199",
    "FR1420041010050500013M02606",
    "FR7630006000011234567890189",
    "NL91ABNA0417164300",
    "NL02ABNA0123456789",
    "BE68539007547034",
    "BE71096123456769",
    "CH9300762011623852957",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "AT611904300234573201",
    "CH5604835012345678009",
    "NO9386011117947",
    "SE4550000000058398257466",
    "DK5000400440116243",
    "PL61109010140000071219812874",
];

/// ISO 7064 mod 97-10 over the rearranged IBAN.
pub fn iban_valid(iban: &str) -> bool {
    let country = &iban[..2.min(iban.len())];
    let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return false;
    };
    if iban.len() != *len || !iban[2..4].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

fn ibans(text: &str, base: usize, out: &mut Vec<PiiMatch>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        let starts = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b[i].is_ascii_uppercase()
            && b[i + 1].is_ascii_uppercase()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit();
        if !starts {
            i += 1;
            continue;
        }
        // Collect up to 34 alphanumerics, allowing single spaces between groups.
        let mut compact = String::new();
        let mut j = i;
        let mut end = i;
        while j < b.len() && compact.len() < 34 {
            if b[j].is_ascii_alphanumeric() {
                compact.push(b[j].to_ascii_uppercase() as char);
                j += 1;
                end = j;
            } else if b[j] == b' ' && j + 1 < b.len() && b[j + 1].is_ascii_alphanumeric() {
                j += 1;
            } else {
                break;
            }
        }
        // Try the longest prefix that is a valid IBAN ending at a group boundary.
        let country = &compact[..2];
        if let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)
            && compact.len() >= *len
        {
            let cand = &compact[..*len];
            // Map the candidate's length back to a byte end.
            let mut count = 0;
            let mut k = i;
            while k < end && count < *len {
                if b[k].is_ascii_alphanumeric() {
                    count += 1;
                }
                k += 1;
            }
            let boundary = k >= b.len() || !b[k].is_ascii_alphanumeric();
            if boundary && iban_valid(cand) && !EXAMPLE_IBANS.contains(&cand) {
                out.push(PiiMatch {
                    kind: PiiKind::Iban,
                    span: Span::new(base + i, base + k),
                });
                i = k;
                continue;
            }
        }
        i += 1;
    }
}

pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = (*d - b'0') as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Whether the digits carry a known card issuer's prefix and length.
fn card_issuer(d: &[u8]) -> bool {
    let n = d.len();
    let prefix = |k: usize| -> u32 {
        d[..k.min(n)]
            .iter()
            .fold(0, |acc, c| acc * 10 + (c - b'0') as u32)
    };
    let visa = d[0] == b'4' && matches!(n, 13 | 16 | 19);
    let mastercard =
        n == 16 && ((51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)));
    let amex = n == 15 && matches!(prefix(2), 34 | 37);
    let discover = (16..=19).contains(&n)
        && (prefix(4) == 6011 || (644..=649).contains(&prefix(3)) || prefix(2) == 65);
    let jcb = (16..=19).contains(&n) && (3528..=3589).contains(&prefix(4));
    let diners = (14..=19).contains(&n)
        && ((300..=305).contains(&prefix(3)) || matches!(prefix(2), 36 | 38 | 39));
    let unionpay = (16..=19).contains(&n) && prefix(2) == 62;
    visa || mastercard || amex || discover || jcb || diners || unionpay
}

/// Test card numbers published by payment providers.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "4222222222222",
    "4000056655665556",
    "4000000000000002",
    "4000000000000077",
    "4000000000003220",
    "4988438843884305",
    "5555555555554444",
    "5105105105105100",
    "5200828282828210",
    "5454545454545454",
    "2223003122003222",
    "2222400070000005",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "6011111111111117",
    "6011000990139424",
    "6011000000000012",
    "3530111333300000",
    "3566002020360505",
    "3566111111111113",
    "30569309025904",
    "38520000023237",
    "36227206271667",
    "6200000000000005",
    "6250941006528599",
];

/// Numbers: card numbers, SSNs and phone numbers.
fn numbers(text: &str, base: usize, hint: Option<PiiKind>, out: &mut Vec<PiiMatch>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if !(start_ok && (c.is_ascii_digit() || c == b'+' || c == b'(')) {
            i += 1;
            continue;
        }
        // A run of digits with single separators between them.
        let mut j = i;
        let mut digits = Vec::new();
        let mut seps = Vec::new();
        let mut groups = Vec::new();
        let mut group = 0;
        let mut last_end = i;
        while j < b.len() {
            let ch = b[j];
            if ch.is_ascii_digit() {
                digits.push(ch);
                group += 1;
                j += 1;
                last_end = j;
            } else if matches!(ch, b' ' | b'-' | b'.' | b'(' | b')' | b'+' | b'/')
                && j + 1 < b.len()
                && (b[j + 1].is_ascii_digit() || matches!(b[j + 1], b'(' | b' '))
                && !(ch == b'+' && j != i)
            {
                if group > 0 {
                    groups.push(group);
                    group = 0;
                }
                if ch != b'+' {
                    seps.push(ch);
                }
                j += 1;
            } else {
                break;
            }
        }
        if group > 0 {
            groups.push(group);
        }
        let end = last_end;
        let end_ok = end >= b.len() || !(b[end].is_ascii_alphanumeric() || b[end] == b'@');
        if digits.is_empty() || !end_ok {
            i = end.max(i + 1);
            continue;
        }
        let run = &text[i..end];
        let whole = text.trim() == run.trim();
        let span = Span::new(base + i, base + end);
        if let Some(kind) = classify_number(run, &digits, &groups, &seps, hint, whole) {
            out.push(PiiMatch { kind, span });
        }
        i = end.max(i + 1);
    }
}

fn classify_number(
    run: &str,
    digits: &[u8],
    groups: &[usize],
    seps: &[u8],
    hint: Option<PiiKind>,
    whole: bool,
) -> Option<PiiKind> {
    let n = digits.len();
    let plus = run.starts_with('+');
    let only = |set: &[u8]| seps.iter().all(|s| set.contains(s));
    // Card numbers: `4… …` in groups of four (or Amex 4-6-5), or bare digits in a card column.
    if !plus && (13..=19).contains(&n) {
        let grouped = !seps.is_empty()
            && only(b" -")
            && seps.iter().all(|s| *s == seps[0])
            && (groups.iter().take(groups.len() - 1).all(|g| *g == 4) || groups == [4, 6, 5]);
        let bare = seps.is_empty() && hint == Some(PiiKind::CardNumber);
        if (grouped || bare)
            && card_issuer(digits)
            && luhn_valid(digits)
            && !TEST_CARDS.contains(&std::str::from_utf8(digits).unwrap_or(""))
            && !digits.iter().all(|d| *d == digits[0])
        {
            return Some(PiiKind::CardNumber);
        }
    }
    // US social security numbers: `123-45-6789`, or 9 digits in an SSN column.
    if !plus
        && n == 9
        && ((groups == [3, 2, 4] && only(b"-"))
            || (seps.is_empty() && hint == Some(PiiKind::NationalId)))
        && ssn_valid(digits)
    {
        return Some(PiiKind::NationalId);
    }
    // Phone numbers: international `+…`, or any phone-shaped value in a phone column.
    if plus && (10..=15).contains(&n) && only(b" -.()") && !fictional_phone(digits) {
        return Some(PiiKind::Phone);
    }
    if hint == Some(PiiKind::Phone)
        && whole
        && (7..=15).contains(&n)
        && only(b" -.()+")
        && !fictional_phone(digits)
        && !digits.iter().all(|d| *d == digits[0])
    {
        return Some(PiiKind::Phone);
    }
    None
}

fn ssn_valid(d: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| {
        d[r].iter()
            .fold(0u32, |acc, c| acc * 10 + (c - b'0') as u32)
    };
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    let known_fake = matches!(
        (area, group, serial),
        (78, 5, 1120) | (123, 45, 6789) | (219, 9, 9999) | (111, 11, 1111)
    );
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && !known_fake
}

/// North American numbers in a 555 exchange, UK drama numbers (07700 900xxx) and numbers whose
/// digits are all one.
fn fictional_phone(d: &[u8]) -> bool {
    let s = std::str::from_utf8(d).unwrap_or("");
    let nanp = s.strip_prefix('1').filter(|r| r.len() == 10).unwrap_or(s);
    if nanp.len() == 10 && &nanp[3..6] == "555" {
        return true;
    }
    if nanp.len() == 7 && nanp.starts_with("555") {
        return true;
    }
    let uk = s
        .strip_prefix("44")
        .map(|r| format!("0{r}"))
        .unwrap_or_else(|| s.to_string());
    // `18000000000`, `13426411111`: a made-up number padded with one digit.
    let last = d[d.len() - 1];
    let padded = d.iter().rev().take_while(|c| **c == last).count() >= 5;
    uk.starts_with("07700900") || padded
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kinds and spans of the matches (never the matched text).
    fn kinds(t: &str, hint: Option<PiiKind>) -> Vec<(PiiKind, usize, usize)> {
        scan_pii(t, 0, hint)
            .into_iter()
            .map(|m| (m.kind, m.span.start, m.span.end))
            .collect()
    }

    fn at(t: &str, value: &str, kind: PiiKind) -> Vec<(PiiKind, usize, usize)> {
        let s = t
            .find(value)
            .expect("the expected value is in the case text");
        vec![(kind, s, s + value.len())]
    }

    #[test]
    fn emails() {
        assert_eq!(
            kinds("write to jane.roe@corpmail.io today", None),
            at(
                "write to jane.roe@corpmail.io today",
                "jane.roe@corpmail.io",
                PiiKind::Email
            )
        );
        assert!(kinds("jane@example.com", None).is_empty());
        assert!(kinds("jane@mail.example.org", None).is_empty());
        assert!(kinds("jane@shop.test", None).is_empty());
        assert!(kinds("noreply@corpmail.io", None).is_empty());
        assert!(kinds("postgres://u:p@db.corp.io/x", None).is_empty());
        assert!(kinds("lodash@4.17.21", None).is_empty());
    }

    #[test]
    fn cards_ibans_ssns_phones() {
        assert_eq!(
            kinds("4539 1488 0343 6467", None),
            at(
                "4539 1488 0343 6467",
                "4539 1488 0343 6467",
                PiiKind::CardNumber
            )
        );
        assert!(kinds("4539 1488 0343 6468", None).is_empty(), "bad Luhn");
        assert!(kinds("4242 4242 4242 4242", None).is_empty(), "test card");
        assert!(
            kinds("4539148803436467", None).is_empty(),
            "bare digits need a hint"
        );
        assert_eq!(
            kinds("4539148803436467", Some(PiiKind::CardNumber)).len(),
            1
        );
        assert!(iban_valid("DE44500105175407324931"));
        assert_eq!(
            kinds("IBAN DE44 5001 0517 5407 3249 31 ok", None),
            at(
                "IBAN DE44 5001 0517 5407 3249 31 ok",
                "DE44 5001 0517 5407 3249 31",
                PiiKind::Iban
            )
        );
        assert!(
            kinds("DE89 3704 0044 0532 0130 00", None).is_empty(),
            "example IBAN"
        );
        assert!(
            kinds("DE45500105175407324931", None).is_empty(),
            "bad checksum"
        );
        assert_eq!(kinds("ssn 536-90-4812", None).len(), 1);
        assert!(kinds("123-45-6789", None).is_empty());
        assert!(kinds("2024-01-15", None).is_empty());
        assert_eq!(kinds("+44 20 7946 1234", None).len(), 1);
        assert!(kinds("+1 312 555 0142", None).is_empty(), "fictional");
        assert!(kinds("6085551023", Some(PiiKind::Phone)).is_empty());
        assert_eq!(kinds("(312) 846-2291", Some(PiiKind::Phone)).len(), 1);
        assert!(kinds("123e4567-e89b-12d3-a456-426614174000", None).is_empty());
        assert!(kinds("12345678-1234-1234-1234-123456789012", None).is_empty());
        assert!(kinds("1209423580355481602", None).is_empty());
    }

    #[test]
    fn hints() {
        assert_eq!(column_hint("email"), Some(PiiKind::Email));
        assert_eq!(column_hint("contact_phone"), Some(PiiKind::Phone));
        assert_eq!(column_hint("ssn"), Some(PiiKind::NationalId));
        assert_eq!(column_hint("card_number"), Some(PiiKind::CardNumber));
        assert_eq!(column_hint("iban"), Some(PiiKind::Iban));
        assert_eq!(column_hint("name"), None);
        assert_eq!(column_hint("telemetry"), None);
        assert_eq!(column_hint("idcard_pic"), None);
        assert_eq!(column_hint("taxid"), None);
        assert_eq!(column_hint("customerEmail"), Some(PiiKind::Email));
        assert_eq!(column_hint("receiver_phone"), Some(PiiKind::Phone));
        assert_eq!(column_hint("credit_card_number"), Some(PiiKind::CardNumber));
    }
}
