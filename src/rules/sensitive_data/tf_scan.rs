//! Where secrets hide in Terraform: every string and heredoc of a file (provider tokens,
//! private keys, connection strings, `key=value` text), every credential-named attribute or
//! object key set to a literal (`api_token = "…"`, `environment = { DB_PASSWORD = "…" }`,
//! `variable "api_token" { default = "…" }`), and comments.
//!
//! A literal in a database credential slot is `hardcoded-database-password`'s (SD008): the
//! matches inside those values are dropped here, so a Terraform database password is reported
//! once.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::secrets::{self, SecretMatch};
use crate::source::Span;
use crate::terraform::TfUnit;
use crate::terraform::hcl::{Body, Expr, ExprKind, ObjectKey};

use super::hardcoded_database_password::database_credentials;

/// The text inside a string literal's quotes, or a heredoc's body; the whole expression for
/// anything else.
fn content(text: &str, span: Span) -> Span {
    let raw = span.text(text);
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        return Span::new(span.start + 1, span.end - 1);
    }
    if raw.starts_with("<<") {
        let from = raw.find('\n').map(|p| p + 1).unwrap_or(raw.len());
        let to = raw
            .trim_end()
            .rfind('\n')
            .map(|p| p + 1)
            .unwrap_or(from)
            .max(from);
        return Span::new(span.start + from, span.start + to);
    }
    span
}

struct Scan<'t> {
    text: &'t str,
    out: Vec<(SecretMatch, String)>,
}

impl Scan<'_> {
    /// Every string of `e` (through lists, objects, calls, templates) is scanned for formats;
    /// `key` names the slot `e` fills, for assignments.
    fn expr(&mut self, key: Option<&str>, e: &Expr, place: &str) {
        match &e.kind {
            ExprKind::String(_) | ExprKind::Template(_) => {
                let c = content(self.text, e.span);
                let value = c.text(self.text);
                let found = secrets::scan_text(value, c.start);
                if found.is_empty() {
                    if let (Some(k), ExprKind::String(_)) = (key, &e.kind)
                        && let Some(m) = secrets::check_assignment(k, value, c)
                    {
                        self.out.push((m, String::new()));
                    }
                } else {
                    self.out
                        .extend(found.into_iter().map(|m| (m, place.to_string())));
                }
            }
            ExprKind::Object(items) => {
                let field = |want: &str| {
                    items.iter().find_map(|(k, v)| match k {
                        ObjectKey::Ident(n, _) if n == want => Some(v),
                        ObjectKey::Expr(x) if x.as_str() == Some(want) => Some(v),
                        _ => None,
                    })
                };
                self.name_value(field("name"), field("value"));
                for (k, v) in items {
                    let name = match k {
                        ObjectKey::Ident(n, _) => Some(n.clone()),
                        ObjectKey::Expr(x) => x.as_str().map(str::to_string),
                    };
                    let place = match &name {
                        Some(n) => format!("in `{n}`"),
                        None => place.to_string(),
                    };
                    self.expr(name.as_deref(), v, &place);
                }
            }
            ExprKind::List(items) => items.iter().for_each(|x| self.expr(key, x, place)),
            ExprKind::Call { args, .. } => args.iter().for_each(|x| self.expr(None, x, place)),
            ExprKind::Conditional {
                then, otherwise, ..
            } => {
                self.expr(key, then, place);
                self.expr(key, otherwise, place);
            }
            ExprKind::Paren(x) => self.expr(key, x, place),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(None, lhs, place);
                self.expr(None, rhs, place);
            }
            _ => {}
        }
    }

    /// An environment entry written as `{ name = "SMTP_PASSWORD", value = "…" }` (ECS container
    /// definitions, `env` blocks of Kubernetes resources): the name is the key.
    fn name_value(&mut self, name: Option<&Expr>, value: Option<&Expr>) {
        let (Some(name), Some(value)) = (name.and_then(Expr::as_str), value) else {
            return;
        };
        if !matches!(value.kind, ExprKind::String(_)) {
            return;
        }
        let c = content(self.text, value.span);
        let v = c.text(self.text);
        if secrets::scan_text(v, c.start).is_empty()
            && let Some(m) = secrets::check_assignment(name, v, c)
        {
            self.out.push((m, String::new()));
        }
    }

    fn body(&mut self, body: &Body) {
        self.name_value(
            body.attribute("name").map(|a| &a.value),
            body.attribute("value").map(|a| &a.value),
        );
        for a in &body.attributes {
            self.expr(Some(&a.key), &a.value, &format!("in `{}`", a.key));
        }
        for b in &body.blocks {
            // A variable's default is the value of the variable: judge it by its name.
            if b.ident == "variable"
                && let Some(name) = b.label(0)
            {
                // `description = "Kube Secret Name for tailscale"`: the default is a name.
                let names_a_name = b
                    .body
                    .attribute("description")
                    .and_then(|d| d.value.as_str())
                    .is_some_and(|d| {
                        d.split(|c: char| !c.is_ascii_alphanumeric())
                            .any(|w| w.eq_ignore_ascii_case("name"))
                    });
                for a in &b.body.attributes {
                    if a.key == "default" && names_a_name {
                        continue;
                    }
                    let key = if a.key == "default" { name } else { &a.key };
                    self.expr(Some(key), &a.value, &format!("in `var.{name}`"));
                }
                b.body.blocks.iter().for_each(|x| self.body(&x.body));
                continue;
            }
            self.body(&b.body);
        }
    }
}

/// Every secret of a Terraform file but those SD008 reports, with where it is.
///
/// SD001-SD004 ask for the same file one after the other on the same thread: the last result is
/// kept per thread, keyed by the file's text (held, so its address cannot be reused).
pub fn secrets(unit: &TfUnit) -> Rc<Vec<(SecretMatch, String)>> {
    type Cached = (Arc<str>, Rc<Vec<(SecretMatch, String)>>);
    thread_local! {
        static LAST: RefCell<Option<Cached>> = const { RefCell::new(None) };
    }
    let source = &unit.file().source;
    if let Some(hit) = LAST.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|(t, v)| Arc::ptr_eq(t, &source.text).then(|| v.clone()))
    }) {
        return hit;
    }
    let found = Rc::new(compute(unit));
    LAST.with(|c| *c.borrow_mut() = Some((source.text.clone(), found.clone())));
    found
}

fn compute(unit: &TfUnit) -> Vec<(SecretMatch, String)> {
    let text: &str = &unit.file().source.text;
    let mut scan = Scan {
        text,
        out: Vec::new(),
    };
    scan.body(unit.body());
    // Commented-out values are committed too: formats and `key = "value"` text.
    for c in crate::parse::hcl::all_comments(text) {
        scan.out.extend(
            secrets::scan_text(c.text(text), c.start)
                .into_iter()
                .map(|m| (m, "in a comment".to_string())),
        );
    }
    let owned: Vec<Span> = database_credentials(unit)
        .iter()
        .map(|c| c.value.span)
        .collect();
    let mut out = scan.out;
    out.retain(|(m, _)| !owned.iter().any(|o| o.encloses(m.span)));
    out.sort_by_key(|(m, _)| m.span);
    out.dedup_by(|a, b| a.0.span == b.0.span);
    out
}
