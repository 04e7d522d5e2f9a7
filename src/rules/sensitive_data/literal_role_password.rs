use crate::diagnostic::Severity;
use crate::parse::sql::lexer::{Lexer, Tok, TokKind};
use crate::registry::{Cx, Rule};
use crate::secrets::{HashKind, ValueClass, classify_value};
use crate::source::Span;
use crate::sql::{SqlUnit, Statement};

use super::file_checked;
use super::sql_scan::content;

crate::declare_rule! {
    /// ## What it does
    /// Flags a database role or user created or altered with a literal password:
    /// `CREATE/ALTER USER|ROLE … PASSWORD '…'`, MySQL `IDENTIFIED BY '…'` (also in `GRANT`),
    /// `SET PASSWORD … = '…'`, SQL Server `CREATE LOGIN … WITH PASSWORD = '…'` and Oracle
    /// `IDENTIFIED BY word`, also inside `DO $$ … $$` blocks and function bodies.
    ///
    /// Stored hashes get their own verdicts: a PostgreSQL `md5…` hash is reported as a
    /// warning (under `md5` authentication the hash is enough to log in); a
    /// `SCRAM-SHA-256$…` verifier as info (it cannot log in, but it allows offline guessing of
    /// the password); other hashes (`*…` MySQL native hashes) are not reported. A placeholder
    /// (`changeme`, the user's own name) is still reported, as a weak password: running the
    /// migration sets it on a real role in every environment. References (`:'pw'`, `${PW}`)
    /// and `PASSWORD NULL` are fine.
    ///
    /// ## Why is this bad?
    /// The migration runs in production too: the password in it is the production password of
    /// that role, known to everyone who can read the repository, its history and its CI logs.
    ///
    /// ## Example
    /// ```sql
    /// CREATE ROLE reporting LOGIN PASSWORD 'Reporting#2024';
    /// ```
    ///
    /// ## Use instead
    /// Create the role without a password in the migration and set it from outside, e.g. with a
    /// psql variable filled from the environment (`psql -v report_pw="$REPORT_PW"`), or use
    /// certificate or IAM authentication:
    /// ```sql
    /// CREATE ROLE reporting LOGIN;
    /// ALTER ROLE reporting PASSWORD :'report_pw';
    /// ```
    pub struct LiteralRolePassword {
        code: "SD005",
        name: "literal-role-password",
        category: SensitiveData,
        severity: Error,
        security_severity: 8.0,
    }
}

/// A password literal in a role statement.
pub struct RolePassword {
    /// The password's content (inside its quotes).
    pub span: Span,
    /// `CREATE ROLE`, `IDENTIFIED BY`…
    pub what: &'static str,
}

fn is_password_statement(text: &str, code: &[&Tok]) -> bool {
    let word = |i: usize| {
        code.get(i)
            .map(|t| t.span().text(text).to_ascii_uppercase())
    };
    let (w0, w1) = (word(0), word(1));
    matches!(
        (w0.as_deref(), w1.as_deref()),
        (
            Some("CREATE" | "ALTER"),
            Some("USER" | "ROLE" | "GROUP" | "LOGIN")
        ) | (Some("GRANT"), _)
            | (Some("SET"), Some("PASSWORD"))
    )
}

/// The password literals of a sequence of code tokens (one statement).
fn passwords_in(text: &str, code: &[&Tok]) -> Vec<RolePassword> {
    let mut out = Vec::new();
    if !is_password_statement(text, code) {
        return out;
    }
    let literal = |t: Option<&&Tok>| -> Option<Span> {
        let t = t?;
        match t.kind {
            TokKind::String | TokKind::DollarString => content(text, t),
            // `PASSWORD "…"`: PostgreSQL rejects it (a double-quoted word is a name), but the
            // password is committed all the same.
            TokKind::QuotedIdent => {
                let s = t.span();
                (s.len() > 2).then(|| Span::new(s.start + 1, s.end - 1))
            }
            _ => None,
        }
    };
    let is_op = |t: Option<&&Tok>, op: &str| t.is_some_and(|t| t.span().text(text) == op);
    // MySQL `SET PASSWORD FOR user = 'x'`.
    if code.first().is_some_and(|t| t.is_kw(text, "SET"))
        && let Some(eq) = code.iter().position(|t| t.span().text(text) == "=")
        && let Some(span) = literal(code.get(eq + 1))
    {
        out.push(RolePassword {
            span,
            what: "`SET PASSWORD` statement",
        });
        return out;
    }
    for (i, t) in code.iter().enumerate() {
        if t.is_kw(text, "PASSWORD") {
            // `PASSWORD 'x'`, `PASSWORD = 'x'`, `= PASSWORD('x')`.
            let mut j = i + 1;
            if is_op(code.get(j), "=") {
                j += 1;
            }
            if code.get(j).is_some_and(|t| t.kind == TokKind::LParen) {
                j += 1;
            }
            if let Some(span) = literal(code.get(j)) {
                out.push(RolePassword {
                    span,
                    what: "`PASSWORD` clause",
                });
            }
        } else if t.is_kw(text, "IDENTIFIED") {
            // `IDENTIFIED BY 'x'`, `IDENTIFIED WITH plugin BY 'x'`, Oracle `IDENTIFIED BY word`.
            let Some(by) = code[i + 1..]
                .iter()
                .take(4)
                .position(|n| n.is_kw(text, "BY"))
                .map(|p| i + 1 + p)
            else {
                continue;
            };
            let next = code.get(by + 1);
            if let Some(span) = literal(next) {
                out.push(RolePassword {
                    span,
                    what: "`IDENTIFIED BY` clause",
                });
            } else if let Some(w) = next
                && w.kind == TokKind::Word
                && !w.is_kw(text, "PASSWORD")
                && !w.is_kw(text, "RANDOM")
                && !w.is_kw(text, "VALUES")
            {
                out.push(RolePassword {
                    span: w.span(),
                    what: "`IDENTIFIED BY` clause",
                });
            }
        }
    }
    out
}

/// Every literal role password of a statement, also inside dollar-quoted bodies (`DO $$`).
pub fn role_passwords(unit: &SqlUnit, stmt: &Statement) -> Vec<RolePassword> {
    let text: &str = &unit.source.text;
    let code: Vec<&Tok> = unit.code_tokens(stmt).collect();
    let mut out = passwords_in(text, &code);
    for t in code.iter().filter(|t| t.kind == TokKind::DollarString) {
        let Some(body) = content(text, t) else {
            continue;
        };
        let inner = body.text(text);
        let upper = inner.to_ascii_uppercase();
        if !(upper.contains("PASSWORD") || upper.contains("IDENTIFIED")) {
            continue;
        }
        // Re-lex the body: statements inside a function or DO block.
        let toks: Vec<Tok> = {
            let mut lx = Lexer::new(inner, unit.dialect);
            std::iter::from_fn(|| lx.next_token())
                .filter(|t| !t.is_trivia())
                .map(|t| t.with_span(t.span().shift(body.start)))
                .collect()
        };
        for part in toks.split(|t| t.kind == TokKind::Semicolon) {
            // Statements inside PL/pgSQL start after keywords such as BEGIN or THEN.
            let refs: Vec<&Tok> = part.iter().collect();
            for start in 0..refs.len() {
                if refs[start].is_kw(text, "CREATE")
                    || refs[start].is_kw(text, "ALTER")
                    || refs[start].is_kw(text, "GRANT")
                {
                    out.extend(passwords_in(text, &refs[start..]));
                    break;
                }
            }
        }
    }
    out
}

impl Rule for LiteralRolePassword {
    crate::rule_meta!();

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        if !file_checked(cx) {
            return;
        }
        for stmt in unit.statements {
            for p in role_passwords(unit, stmt) {
                if super::filled_in(cx, unit, p.span) {
                    continue;
                }
                let value = cx.text(p.span).to_string();
                if cx.settings.secrets.value_allowed(&value) {
                    continue;
                }
                // The role's own name as its password is a placeholder too.
                let text: &str = &unit.source.text;
                let same_as_name = unit.code_tokens(stmt).any(|t| {
                    t.span().end <= p.span.start
                        && matches!(
                            t.kind,
                            TokKind::Word | TokKind::QuotedIdent | TokKind::String
                        )
                        && crate::parse::sql::cursor::unquote(t.span().text(text)) == value
                });
                let class = match classify_value(&value) {
                    ValueClass::Literal | ValueClass::Prose | ValueClass::NotSecret
                        if same_as_name =>
                    {
                        ValueClass::Default
                    }
                    c => c,
                };
                let (message, label, severity, help) = match class {
                    ValueClass::Empty | ValueClass::Reference => continue,
                    ValueClass::Hash(HashKind::PostgresMd5) => (
                        format!(
                            "a PostgreSQL md5 password hash is committed in this {}",
                            p.what
                        ),
                        "md5 password hash",
                        Severity::Warning,
                        "under md5 authentication the hash is as good as the password: switch the \
                         role to SCRAM and set its password outside the migration",
                    ),
                    ValueClass::Hash(HashKind::Scram) => (
                        format!("a SCRAM-SHA-256 verifier is committed in this {}", p.what),
                        "SCRAM verifier",
                        Severity::Info,
                        "a verifier cannot log in, but it allows offline guessing of the password: \
                         set the password outside the migration if it is not a strong random one",
                    ),
                    ValueClass::Hash(_) => continue,
                    ValueClass::Placeholder | ValueClass::Default => (
                        format!("a weak placeholder password is set in this {}", p.what),
                        "weak role password",
                        Severity::Warning,
                        "running the migration sets this password on a real role: create the role \
                         without one and set a strong password from outside the migration",
                    ),
                    _ => (
                        format!("a literal password is committed in this {}", p.what),
                        "literal role password",
                        Severity::Error,
                        "create the role without a password and set it from outside the migration \
                         (a psql variable such as :'role_pw' filled from the environment, or a \
                         secret manager), then rotate the committed one",
                    ),
                };
                cx.report(p.span, message)
                    .secret(p.span)
                    .label(label)
                    .severity(severity)
                    .help(help);
            }
        }
    }
}
