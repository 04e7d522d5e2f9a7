//! Private keys: PEM blocks (`-----BEGIN … PRIVATE KEY-----`), also when they are written
//! inside a JSON or YAML string with `\n` escapes, as in a GCP service-account key file.
//!
//! PuTTY key files (`PuTTY-User-Key-File-2: ssh-rsa`, `-3`) are private keys too: their secret
//! is the `Private-Lines` block.
//!
//! The secret span is the key body between the BEGIN and END lines, so the header stays
//! readable in the output. A body must hold at least 64 base64 characters (documentation
//! writes `-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`).

use super::{Confidence, Detector, Found};

const BEGIN: &str = "-----BEGIN ";
const MIN_BODY: usize = 64;
const MAX_BODY: usize = 64 * 1024;

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'/' || c == b'+' || c == b'='
}

/// `hit` is where `PRIVATE KEY` starts, followed by `-----` or ` BLOCK-----`.
pub fn private_key(text: &str, hit: usize) -> Option<Found> {
    let b = text.as_bytes();
    let line_start = b[..hit]
        .iter()
        .rposition(|c| *c == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let search_from = line_start.max(hit.saturating_sub(40));
    let begin = text.get(search_from..hit)?.rfind(BEGIN)? + search_from;
    // Only `RSA `, `EC `, `OPENSSH `, `ENCRYPTED `, `PGP `… between BEGIN and PRIVATE.
    let kind = &text[begin + BEGIN.len()..hit];
    if !kind.bytes().all(|c| c.is_ascii_uppercase() || c == b' ') {
        return None;
    }
    let rest = &text[hit..];
    let header_len = if rest.starts_with("PRIVATE KEY-----") {
        "PRIVATE KEY-----".len()
    } else if rest.starts_with("PRIVATE KEY BLOCK-----") {
        "PRIVATE KEY BLOCK-----".len()
    } else {
        return None;
    };
    let body_start = hit + header_len;
    let window_end = crate::source::floor_char_boundary(text, (body_start + MAX_BODY).min(b.len()));
    let window = &text[body_start..window_end];
    let (raw_end, confidence) = match window.find("-----END") {
        Some(p) => (body_start + p, Confidence::High),
        None => {
            // A truncated or unterminated block: the run of base64, whitespace and `\n` escapes.
            let end = window
                .bytes()
                .position(|c| !(is_b64(c) || c.is_ascii_whitespace() || c == b'\\'))
                .map(|p| body_start + p)
                .unwrap_or(window_end);
            (end, Confidence::Medium)
        }
    };
    let (start, end) = trim_body(text, body_start, raw_end);
    let body = &text[start..end];
    let b64 = body.bytes().filter(|c| is_b64(*c)).count();
    if b64 < MIN_BODY || body.contains("...") || super::providers::looks_fake(body) {
        return None;
    }
    let detector = if is_gcp_service_account(text, hit) {
        Detector::GcpServiceAccountKey
    } else {
        Detector::PrivateKey
    };
    let mut f = Found::new(detector, start, end, confidence);
    let kind = kind.trim();
    if !kind.is_empty() {
        f.detail = Some(kind.to_string());
    }
    Some(f)
}

/// `hit` is where `PuTTY-User-Key-File-` starts: the `Private-Lines: N` block after it, when it
/// holds a key (at least [`MIN_BODY`] base64 characters). The detail is `PuTTY`.
pub fn putty_key(text: &str, hit: usize) -> Option<Found> {
    let b = text.as_bytes();
    let header = "PuTTY-User-Key-File-";
    if !b[hit..].starts_with(header.as_bytes()) {
        return None;
    }
    let window_end = crate::source::floor_char_boundary(text, (hit + MAX_BODY).min(b.len()));
    let window = &text[hit..window_end];
    let at = window.find("\nPrivate-Lines:")? + 1;
    let count_start = at + "Private-Lines:".len();
    let line_end = window[count_start..].find('\n')? + count_start;
    let lines: usize = window[count_start..line_end].trim().parse().ok()?;
    if lines == 0 || lines > 1024 {
        return None;
    }
    let start = hit + line_end + 1;
    let mut end = start;
    for _ in 0..lines {
        let rest = &text[end..window_end.max(end)];
        let next = rest.find('\n').map_or(rest.len(), |p| p + 1);
        if next == 0 {
            break;
        }
        end += next;
    }
    let (start, end) = trim_body(text, start, end);
    let body = &text[start..end];
    let b64 = body.bytes().filter(|c| is_b64(*c)).count();
    if b64 < MIN_BODY
        || !body.bytes().all(|c| is_b64(c) || c.is_ascii_whitespace())
        || super::providers::looks_fake(body)
    {
        return None;
    }
    let mut f = Found::new(Detector::PrivateKey, start, end, Confidence::High);
    f.detail = Some("PuTTY".to_string());
    Some(f)
}

/// Trims whitespace and literal `\n` / `\r` escapes from both ends of a body.
fn trim_body(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    loop {
        if start < end && b[start].is_ascii_whitespace() {
            start += 1;
        } else if start + 1 < end && b[start] == b'\\' && matches!(b[start + 1], b'n' | b'r') {
            start += 2;
        } else {
            break;
        }
    }
    loop {
        if end > start && b[end - 1].is_ascii_whitespace() {
            end -= 1;
        } else if end >= start + 2 && b[end - 2] == b'\\' && matches!(b[end - 1], b'n' | b'r') {
            end -= 2;
        } else {
            break;
        }
    }
    (start, end)
}

/// Whether the key sits in a GCP service-account key file (or a string holding one).
fn is_gcp_service_account(text: &str, hit: usize) -> bool {
    let from = crate::source::floor_char_boundary(text, hit.saturating_sub(4096));
    let to = crate::source::floor_char_boundary(text, (hit + MAX_BODY).min(text.len()));
    let window = &text[from..to];
    window.contains("\"private_key\"")
        && (window.contains("service_account") || window.contains(".iam.gserviceaccount.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "AAABAQCl7mK2vQx7LpN4tWz9YcB3hJd6FsG1aEu5XoIQ2hhbmdlZEJ5U2NoZW1\n\
                        hZ3VhcmQxRk8mW2vQx7LpN4tWz9YcB3hJd6FsG1aEu5XoIqX9kT4mQ2vL7pR3n";

    #[test]
    fn putty_keys() {
        let text = format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\n\
             Public-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAAIJz\nPrivate-Lines: 2\n{BODY}\n\
             Private-MAC: 0a1b2c3d\n"
        );
        let f = putty_key(&text, 0).unwrap();
        assert_eq!(&text[f.start..f.end], BODY);
        assert_eq!(f.detail.as_deref(), Some("PuTTY"));
        // A documented shape without a key in it.
        let doc = "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 1\n...\n";
        assert!(putty_key(doc, 0).is_none());
        // A count with nothing after it, or no count at all.
        assert!(putty_key("PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 9", 0).is_none());
        assert!(putty_key("PuTTY-User-Key-File-2: ssh-rsa\n", 0).is_none());
    }
}
