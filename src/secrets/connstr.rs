//! Connection strings with an inline password. The secret span is the password alone.
//!
//! - URLs with a password in the user info: `postgres://app:s3cr3t@db/app`, `postgresql://`,
//!   `mysql://`, `mongodb://`, `mongodb+srv://`, `redis://`, `jdbc:mysql://…`, and any other
//!   scheme (`amqp://`, `https://user:pass@host`): a password in a URL is a password.
//! - Key-value connection strings with a `password=`/`pwd=` entry, when the text around it is
//!   recognisably one: a JDBC or URL query (`?user=app&password=…`), an ADO.NET/ODBC string
//!   (`Server=db;User Id=app;Password=…;`), or a libpq conninfo (`host=db user=app password=…`).
//!
//! The password goes through the same placeholder test as every other value (`${DB_PASSWORD}`,
//! `<password>`, `%s` are not secrets); a password equal to the user name is a default. A
//! default password of a database on the machine itself (`postgres:postgres@localhost`) is the
//! local development setup every README describes: it counts as a placeholder.

use super::value::{ValueClass, classify_value};
use super::{Confidence, Detector, Found, Weakness};

/// How a connection-string password is taken: `None` when it is no secret, else how weak;
/// `local` when the server is the machine itself.
fn judge(password: &str, user: Option<&str>, local: bool) -> Option<Weakness> {
    if matches!(password, "%s" | "%v" | "?" | "{}" | "*") {
        return None;
    }
    let weak = if user.is_some_and(|u| u.eq_ignore_ascii_case(password)) {
        Weakness::Default
    } else {
        match classify_value(password) {
            ValueClass::Placeholder => Weakness::Placeholder,
            ValueClass::Default => Weakness::Default,
            // A URL password is a password, whatever it looks like.
            ValueClass::Literal | ValueClass::Hash(_) | ValueClass::Prose => Weakness::Strong,
            ValueClass::NotSecret if !password.contains("://") => Weakness::Strong,
            _ => return None,
        }
    };
    Some(if local && weak == Weakness::Default {
        Weakness::Placeholder
    } else {
        weak
    })
}

/// Whether a host is the machine itself.
fn loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').to_ascii_lowercase();
    h.starts_with("localhost") || h.starts_with("127.") || h.starts_with("::1")
}

fn scheme_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
}

fn authority_stop(c: u8) -> bool {
    matches!(
        c,
        b'/' | b'?'
            | b'#'
            | b' '
            | b'\t'
            | b'\n'
            | b'\r'
            | b'\''
            | b'"'
            | b'`'
            | b'<'
            | b'>'
            | b'\\'
    )
}

/// `p` is the position of `://`.
pub fn url_password(text: &str, p: usize) -> Option<Found> {
    let b = text.as_bytes();
    let mut s = p;
    while s > 0 && scheme_char(b[s - 1]) {
        s -= 1;
    }
    let scheme = &text[s..p];
    if scheme.is_empty() || !scheme.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let jdbc = s >= 5
        && text
            .get(s - 5..s)
            .is_some_and(|p| p.eq_ignore_ascii_case("jdbc:"));
    let auth_start = p + 3;
    let mut auth_end = auth_start;
    while auth_end < b.len() && !authority_stop(b[auth_end]) {
        auth_end += 1;
    }
    let authority = &text[auth_start..auth_end];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let colon = userinfo.find(':')?;
    let user = &userinfo[..colon];
    let password = &userinfo[colon + 1..];
    if password.is_empty() {
        return None;
    }
    let host = &authority[at + 1..];
    let weak = judge(password, Some(user), loopback(host))?;
    let start = auth_start + colon + 1;
    let mut f = Found::new(
        Detector::ConnectionStringPassword,
        start,
        start + password.len(),
        Confidence::High,
    );
    f.weak = weak;
    let lower = scheme.to_ascii_lowercase();
    f.detail = Some(if jdbc {
        format!("a JDBC `{lower}` URL")
    } else {
        format!("a `{lower}://` URL")
    });
    Some(f)
}

/// Keys that mark a `;`-separated list as a connection string (ADO.NET, ODBC, SQL Server JDBC).
const CONN_KEYS: &[&str] = &[
    "server",
    "data source",
    "datasource",
    "host",
    "hostname",
    "database",
    "initial catalog",
    "user id",
    "userid",
    "uid",
    "user",
    "username",
    "port",
    "driver",
    "provider",
    "addr",
    "address",
    "network address",
    "dsn",
    "trusted_connection",
    "encrypt",
    "sslmode",
    "databasename",
];

/// `hit` is the start of a `password`/`pwd`/`passwd` word (matched case-insensitively).
pub fn kv_password(text: &str, hit: usize) -> Option<Found> {
    let b = text.as_bytes();
    let lower_word = |len: usize| text.get(hit..hit + len).map(|w| w.to_ascii_lowercase());
    let word_len = ["password", "passwd", "pwd"]
        .iter()
        .find(|w| lower_word(w.len()).as_deref() == Some(**w))?
        .len();
    let before = if hit == 0 { b' ' } else { b[hit - 1] };
    if !matches!(
        before,
        b';' | b'&' | b'?' | b' ' | b'\t' | b'\n' | b'\'' | b'"' | b'{'
    ) {
        return None;
    }
    let mut i = hit + word_len;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if b.get(i) != Some(&b'=') || b.get(i + 1) == Some(&b'=') {
        return None;
    }
    i += 1;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let (vstart, vend) = match b.get(i) {
        Some(q @ (b'\'' | b'"')) => {
            let end = text[i + 1..].find(*q as char).map(|e| i + 1 + e)?;
            (i + 1, end)
        }
        Some(b'{') => {
            let end = text[i + 1..].find('}').map(|e| i + 1 + e)?;
            (i + 1, end)
        }
        _ => {
            let mut e = i;
            while e < b.len()
                && !matches!(
                    b[e],
                    b';' | b'&' | b' ' | b'\t' | b'\n' | b'\r' | b'\'' | b'"'
                )
            {
                e += 1;
            }
            (i, e)
        }
    };
    if vend <= vstart {
        return None;
    }
    let line_start = b[..hit]
        .iter()
        .rposition(|c| *c == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let line_end = b[hit..]
        .iter()
        .position(|c| *c == b'\n')
        .map(|p| hit + p)
        .unwrap_or(b.len());
    let line = text[line_start..line_end].to_ascii_lowercase();
    let has_key = |sep: &[char]| {
        line.split(sep).any(|part| {
            part.split_once('=')
                .is_some_and(|(k, _)| CONN_KEYS.contains(&k.trim()))
        })
    };
    let detail =
        if matches!(before, b'?' | b'&') && (line.contains("://") || line.contains("jdbc:")) {
            "a URL query"
        } else if line.contains("jdbc:") && before == b';' {
            "a JDBC URL"
        } else if line.contains(';') && has_key(&[';']) {
            "an ADO.NET/ODBC connection string"
        } else if matches!(before, b' ' | b'\t' | b'\'' | b'"')
            && (line.contains("host=") || line.contains("dbname=") || line.contains("user="))
        {
            "a libpq connection string"
        } else {
            return None;
        };
    let password = &text[vstart..vend];
    let local = ["=localhost", "=127.0.0.1", "=(local)", "=."]
        .iter()
        .any(|h| line.replace(' ', "").contains(h));
    let weak = judge(password, None, local)?;
    let mut f = Found::new(
        Detector::ConnectionStringPassword,
        vstart,
        vend,
        Confidence::Medium,
    );
    f.weak = weak;
    f.detail = Some(detail.to_string());
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::assert_span;

    fn url(t: &str) -> Option<(usize, usize)> {
        let p = t.find("://")?;
        url_password(t, p).map(|f| (f.start, f.end))
    }

    #[test]
    fn urls() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "postgres://app:Tr0ub4dor&3@db:5432/app",
                Some("Tr0ub4dor&3"),
            ),
            (
                "mongodb+srv://svc:Wq8vLm2pZ@cluster0.mongodb.net/x",
                Some("Wq8vLm2pZ"),
            ),
            ("jdbc:mysql://app:Wq8vLm2pZ@db/x", Some("Wq8vLm2pZ")),
            ("postgres://app@db/app", None),
            ("postgres://app:${DB_PASSWORD}@db/app", None),
            ("postgres://app:@db/app", None),
            ("https://example.com/a:b@c", None),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            assert_span(text, url(text), *want, i);
        }
        let weak = |t: &str| url_password(t, t.find("://").unwrap()).unwrap().weak;
        assert_eq!(
            weak("postgres://postgres:postgres@localhost/db"),
            Weakness::Placeholder
        );
        assert_eq!(
            weak("postgres://app:root@db.internal/db"),
            Weakness::Default
        );
        assert_eq!(
            weak("postgres://app:Wq8vLm2pZ@localhost/db"),
            Weakness::Strong
        );
    }

    fn kv(t: &str) -> Option<(usize, usize)> {
        let lower = t.to_ascii_lowercase();
        let p = lower.find("password").or_else(|| lower.find("pwd"))?;
        kv_password(t, p).map(|f| (f.start, f.end))
    }

    #[test]
    fn key_values() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Server=db;Database=app;User Id=app;Password=Wq8vLm2pZ;",
                Some("Wq8vLm2pZ"),
            ),
            (
                "jdbc:postgresql://db/app?user=app&password=Wq8vLm2pZ",
                Some("Wq8vLm2pZ"),
            ),
            (
                "host=db dbname=app user=app password=Wq8vLm2pZ",
                Some("Wq8vLm2pZ"),
            ),
            ("Driver={X};Server=db;Pwd={Wq8vLm2pZ};", Some("Wq8vLm2pZ")),
            ("password=Wq8vLm2pZ", None),
            ("Server=db;Password=${DB_PASSWORD};", None),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            assert_span(text, kv(text), *want, i);
        }
    }
}
