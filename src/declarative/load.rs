//! Reads a declarative rule file (YAML) into a [`Spec`], strictly: an unknown key, a missing key,
//! a wrong type or a bad value is an error that points into the file.

use std::sync::Arc;

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use super::{Cond, Leaf, Matcher, Op, Scalar, Spec};
use crate::config::ConfigError;
use crate::diagnostic::Severity;
use crate::registry::Category;
use crate::source::Span;
use crate::terraform::modules::{Creates, Default as ModuleDefault, KnownModule, registry_address};

/// How many all/any/not levels a condition may nest.
pub const MAX_LEVELS: usize = 2;

const RULE_KEYS: &[&str] = &[
    "code",
    "name",
    "severity",
    "security-severity",
    "aliases",
    "match",
    "where",
    "for-each",
    "require",
    "forbid",
    "message",
    "help",
    "secret",
    "docs",
];

const OPERATORS: &[&str] = &[
    "equals",
    "not-equals",
    "in",
    "not-in",
    "matches",
    "not-matches",
    "exists",
    "less-than",
    "at-most",
    "greater-than",
    "at-least",
    "contains",
    "contains-any",
];

/// What the rule file says, before it becomes a registered rule.
#[derive(Debug)]
pub struct RuleFile {
    pub code: String,
    pub code_span: Span,
    pub name: String,
    pub name_span: Span,
    pub category: Category,
    pub severity: Severity,
    pub security_severity: Option<f32>,
    pub aliases: Vec<String>,
    pub docs: String,
    pub spec: Spec,
}

struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    /// Byte offset of each character, when the text is not ASCII (saphyr counts characters).
    char_offsets: Option<Vec<usize>>,
}

type Y = MarkedYamlOwned;

impl<'a> Ctx<'a> {
    fn new(path: &'a str, text: &'a str) -> Self {
        Ctx {
            path,
            text,
            char_offsets: (!text.is_ascii()).then(|| {
                text.char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(text.len()))
                    .collect()
            }),
        }
    }

    fn load(&self) -> Result<Vec<Y>, ConfigError> {
        Y::load_from_str(self.text).map_err(|e| {
            let at = self.byte(e.marker().index());
            self.err(Span::new(at, at), format!("invalid YAML: {}", e.info()))
        })
    }

    fn known_keys(&self, entries: &[(&str, &Y, Span)], keys: &[&str]) -> Result<(), ConfigError> {
        match entries.iter().find(|(k, _, _)| !keys.contains(k)) {
            Some((k, _, span)) => Err(self.err(
                *span,
                format!("unknown key `{k}` (expected one of: {})", keys.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_offsets {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn span(&self, y: &Y) -> Span {
        let s = self.byte(y.span.start.index());
        let e = self.byte(y.span.end.index()).max(s);
        Span::new(s, e)
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.into(),
            text: self.text.to_string(),
            span: Some(span),
            message: msg.into(),
        }
    }

    fn str<'y>(&self, y: &'y Y, what: &str) -> Result<&'y str, ConfigError> {
        match &y.data {
            YamlDataOwned::Value(ScalarOwned::String(s)) => Ok(s),
            _ => Err(self.err(self.span(y), format!("{what} must be a string"))),
        }
    }

    /// A scalar as written: numbers keep their source text (`1.0` stays `1.0`).
    fn scalar(&self, y: &Y, what: &str) -> Result<Scalar, ConfigError> {
        let text = match &y.data {
            YamlDataOwned::Value(ScalarOwned::String(s)) => s.clone(),
            YamlDataOwned::Value(ScalarOwned::Boolean(b)) => b.to_string(),
            YamlDataOwned::Value(ScalarOwned::Integer(_) | ScalarOwned::FloatingPoint(_)) => {
                self.span(y).text(self.text).trim().to_string()
            }
            _ => {
                return Err(self.err(
                    self.span(y),
                    format!("{what} must be a string, number or boolean"),
                ));
            }
        };
        let number = match &y.data {
            YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(*i as f64),
            YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Some(f.into_inner()),
            _ => None,
        };
        Ok(Scalar {
            text: Arc::from(
                number
                    .map(crate::declarative::tree::format_number)
                    .unwrap_or(text),
            ),
            number,
        })
    }

    fn number(&self, y: &Y, what: &str) -> Result<f64, ConfigError> {
        match &y.data {
            YamlDataOwned::Value(ScalarOwned::Integer(i)) => Ok(*i as f64),
            YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Ok(f.into_inner()),
            _ => Err(self.err(self.span(y), format!("{what} must be a number"))),
        }
    }

    fn list<'y>(&self, y: &'y Y, what: &str) -> Result<&'y [Y], ConfigError> {
        match &y.data {
            YamlDataOwned::Sequence(s) => Ok(s),
            _ => Err(self.err(self.span(y), format!("{what} must be a list"))),
        }
    }

    /// A list of strings; a single string is a list of one.
    fn strings(&self, y: &Y, what: &str) -> Result<Vec<String>, ConfigError> {
        match &y.data {
            YamlDataOwned::Sequence(s) => s
                .iter()
                .map(|i| self.str(i, what).map(str::to_string))
                .collect(),
            _ => Ok(vec![self.str(y, what)?.to_string()]),
        }
    }

    fn entries<'y>(
        &self,
        y: &'y Y,
        what: &str,
    ) -> Result<Vec<(&'y str, &'y Y, Span)>, ConfigError> {
        let YamlDataOwned::Mapping(m) = &y.data else {
            return Err(self.err(self.span(y), format!("{what} must be a mapping")));
        };
        let mut out = Vec::new();
        for (k, v) in m {
            let key = self.str(k, "a key")?;
            out.push((key, v, self.span(k)));
        }
        Ok(out)
    }

    fn path(&self, y: &Y) -> Result<(Vec<String>, String), ConfigError> {
        let p = self.str(y, "`path`")?.trim();
        if p.is_empty() || p == "." {
            return Ok((Vec::new(), String::new()));
        }
        match split_path(p) {
            Some(segs) => Ok((segs, p.to_string())),
            None => Err(self.err(
                self.span(y),
                "a path is keys separated by dots, e.g. `settings.ip_configuration.ssl_mode`; a key holding dots is quoted: `metadata.annotations.\"example.com/name\"`",
            )),
        }
    }
}

/// Splits a path into keys: separated by dots, a key holding dots or spaces in double quotes
/// (`metadata.annotations."service.beta.kubernetes.io/aws-load-balancer-internal"`).
pub fn split_path(p: &str) -> Option<Vec<String>> {
    let mut segs = Vec::new();
    let mut rest = p;
    loop {
        let (seg, after) = if let Some(q) = rest.strip_prefix('"') {
            let close = q.find('"')?;
            (q[..close].to_string(), &q[close + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let seg = &rest[..end];
            if seg.contains(char::is_whitespace) || seg.contains('"') {
                return None;
            }
            (seg.to_string(), &rest[end..])
        };
        if seg.is_empty() {
            return None;
        }
        segs.push(seg);
        if after.is_empty() {
            return Some(segs);
        }
        rest = after.strip_prefix('.')?;
    }
}

/// Parses one rule file. `path` is shown in errors.
/// Whether a file of a rule folder is a module mapping (its top level has `module:`), read by
/// [`parse_module`], rather than a rule.
pub fn is_module_mapping(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("module:"))
}

const MODULE_KEYS: &[&str] = &["module", "creates"];
const CREATES_KEYS: &[&str] = &[
    "resource",
    "gate",
    "inputs",
    "defaults",
    "backups-follow-availability",
];

/// Reads a module mapping: which resources a registry module creates from which of its inputs,
/// and the module's own defaults (see `crate::terraform::modules`). Strict like rule files.
pub fn parse_module(path: &str, text: &str) -> Result<KnownModule, ConfigError> {
    let cx = Ctx::new(path, text);
    let docs = cx.load()?;
    let [root] = docs.as_slice() else {
        return Err(cx.err(
            Span::at(0),
            "a module mapping holds exactly one YAML document (a mapping)",
        ));
    };
    let entries = cx.entries(root, "a module mapping")?;
    cx.known_keys(&entries, MODULE_KEYS)?;
    let get = |k: &str| entries.iter().find(|(key, _, _)| *key == k);
    let required = |k: &str| {
        get(k).ok_or_else(|| cx.err(cx.span(root).start_only(), format!("missing key `{k}`")))
    };
    let (_, source_y, _) = required("module")?;
    let written = cx.str(source_y, "`module`")?;
    let source = registry_address(written)
        .filter(|a| a.eq_ignore_ascii_case(written.trim()))
        .ok_or_else(|| {
            cx.err(
                cx.span(source_y),
                "`module` is a registry address: `namespace/name/provider`, with `//subdir` for a submodule",
            )
        })?;
    let (_, creates_y, _) = required("creates")?;
    let items = cx.list(creates_y, "`creates`")?;
    if items.is_empty() {
        return Err(cx.err(cx.span(creates_y), "`creates` lists at least one resource"));
    }
    let mut creates = Vec::new();
    for item in items {
        let entries = cx.entries(item, "a `creates` entry")?;
        cx.known_keys(&entries, CREATES_KEYS)?;
        let get = |k: &str| entries.iter().find(|(key, _, _)| *key == k);
        let (_, ty, _) = get("resource")
            .ok_or_else(|| cx.err(cx.span(item).start_only(), "missing key `resource`"))?;
        let type_name = cx.str(ty, "`resource`")?.to_string();
        let gate = match get("gate") {
            Some((_, g, _)) => Some(cx.str(g, "`gate`")?.to_string()),
            None => None,
        };
        let (_, inputs_y, _) = get("inputs")
            .ok_or_else(|| cx.err(cx.span(item).start_only(), "missing key `inputs`"))?;
        let mut inputs = Vec::new();
        for i in cx.list(inputs_y, "`inputs`")? {
            // `engine` (the attribute of the same name) or `tier: settings.tier`.
            let (input, attribute) = match &i.data {
                YamlDataOwned::Mapping(_) => {
                    let e = cx.entries(i, "an input")?;
                    let [(k, v, _)] = e.as_slice() else {
                        return Err(
                            cx.err(cx.span(i), "an input is a name, or `input: attribute.path`")
                        );
                    };
                    (k.to_string(), cx.str(v, "an attribute path")?.to_string())
                }
                _ => {
                    let n = cx.str(i, "an input")?;
                    (n.to_string(), n.to_string())
                }
            };
            inputs.push((input, attribute));
        }
        let mut defaults = Vec::new();
        if let Some((_, d, _)) = get("defaults") {
            for (k, v, span) in cx.entries(d, "`defaults`")? {
                if !inputs.iter().any(|(i, _)| i == k) {
                    return Err(cx.err(span, format!("`{k}` is not one of the `inputs`")));
                }
                let value = match &v.data {
                    YamlDataOwned::Value(ScalarOwned::Boolean(b)) => ModuleDefault::Bool(*b),
                    YamlDataOwned::Value(ScalarOwned::String(t)) => ModuleDefault::Text(t.clone()),
                    _ => ModuleDefault::Number(
                        cx.number(v, "a default (a boolean, a number or a string)")?,
                    ),
                };
                defaults.push((k.to_string(), value));
            }
        }
        let availability_default = match get("backups-follow-availability") {
            Some((_, a, _)) => {
                let v = cx.str(a, "`backups-follow-availability`")?;
                if v != "REGIONAL" && v != "ZONAL" {
                    return Err(cx.err(
                        cx.span(a),
                        "`backups-follow-availability` is the module's default `availability_type`: `REGIONAL` or `ZONAL`",
                    ));
                }
                Some(v.to_string())
            }
            None => None,
        };
        creates.push(Creates {
            type_name,
            gate,
            inputs,
            defaults,
            availability_default,
        });
    }
    Ok(KnownModule { source, creates })
}

pub fn parse_rule(path: &str, text: &str) -> Result<RuleFile, ConfigError> {
    let cx = Ctx::new(path, text);
    let docs = cx.load()?;
    let [root] = docs.as_slice() else {
        return Err(cx.err(
            Span::at(0),
            "a rule file holds exactly one YAML document (a mapping)",
        ));
    };
    let entries = cx.entries(root, "a rule file")?;
    let get = |k: &str| entries.iter().find(|(key, _, _)| *key == k);
    cx.known_keys(&entries, RULE_KEYS)?;
    let required = |k: &str| {
        get(k).ok_or_else(|| cx.err(cx.span(root).start_only(), format!("missing key `{k}`")))
    };

    let (_, code_y, _) = required("code")?;
    let code = cx.str(code_y, "`code`")?.to_string();
    let code_span = cx.span(code_y);
    let well_formed = code.len() == 5
        && code[..2].chars().all(|c| c.is_ascii_uppercase())
        && code[2..].chars().all(|c| c.is_ascii_digit());
    let category = Category::ALL
        .into_iter()
        .find(|c| well_formed && c.prefix() == &code[..2] && *c != Category::Tool)
        .ok_or_else(|| {
            cx.err(
                code_span,
                format!(
                    "`{code}` is not a rule code: a category prefix (BC, LK, RB, SD, NM, IS) and three digits"
                ),
            )
        })?;

    let (_, name_y, _) = required("name")?;
    let name = cx.str(name_y, "`name`")?.to_string();
    let name_span = cx.span(name_y);
    if name.is_empty()
        || name.starts_with('-')
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(cx.err(
            name_span,
            "a rule name is kebab-case: `db-publicly-accessible`",
        ));
    }

    let (_, sev_y, _) = required("severity")?;
    let severity: Severity = cx
        .str(sev_y, "`severity`")?
        .parse()
        .map_err(|e: String| cx.err(cx.span(sev_y), e))?;
    let security_severity = match get("security-severity") {
        Some((_, y, _)) => {
            let v = cx.number(y, "`security-severity`")?;
            if !(0.0..=10.0).contains(&v) {
                return Err(cx.err(cx.span(y), "`security-severity` is a score from 0 to 10"));
            }
            Some(v as f32)
        }
        None if category.is_security() => {
            return Err(cx.err(
                code_span,
                format!(
                    "{} rules are security rules: add `security-severity` (a SARIF score from 0 to 10)",
                    category.prefix()
                ),
            ));
        }
        None => None,
    };
    let aliases = match get("aliases") {
        Some((_, y, _)) => cx.strings(y, "`aliases`")?,
        None => Vec::new(),
    };

    let (_, match_y, _) = required("match")?;
    let matcher = matcher(&cx, match_y)?;

    let where_ = get("where").map(|(_, y, _)| cond(&cx, y, 0)).transpose()?;
    let for_each = get("for-each").map(|(_, y, _)| cx.path(y)).transpose()?;
    let check = match (get("require"), get("forbid")) {
        (Some((_, y, _)), None) => super::Check::Require(cond(&cx, y, 0)?),
        (None, Some((_, y, _))) => super::Check::Forbid(cond(&cx, y, 0)?),
        (Some(_), Some((_, _, span))) => {
            return Err(cx.err(*span, "a rule has exactly one of `require:` and `forbid:`"));
        }
        (None, None) => {
            return Err(cx.err(
                cx.span(root).start_only(),
                "a rule needs `require:` (the compliant state) or `forbid:` (the violating state)",
            ));
        }
    };
    let message = cx
        .str(required("message")?.1, "`message`")?
        .trim()
        .to_string();
    let help = cx.str(required("help")?.1, "`help`")?.trim().to_string();
    let secret = match get("secret") {
        Some((_, y, _)) => match &y.data {
            YamlDataOwned::Value(ScalarOwned::Boolean(b)) => *b,
            _ => return Err(cx.err(cx.span(y), "`secret` must be true or false")),
        },
        None => false,
    };
    let docs = cx.str(required("docs")?.1, "`docs`")?.to_string();
    if !docs.contains("## What it does") {
        return Err(cx.err(
            cx.span(required("docs")?.1),
            "`docs` is Markdown with the sections ## What it does, ## Why is this bad?, ## Example, ## Use instead",
        ));
    }
    Ok(RuleFile {
        code,
        code_span,
        name,
        name_span,
        category,
        severity,
        security_severity,
        aliases,
        docs,
        spec: Spec {
            matcher,
            where_,
            for_each: for_each.map(|(segs, text)| super::PathSpec { segs, text }),
            check,
            message,
            help,
            secret,
        },
    })
}

fn matcher(cx: &Ctx, y: &Y) -> Result<Matcher, ConfigError> {
    let entries = cx.entries(y, "`match`")?;
    let [(key, value, span)] = entries.as_slice() else {
        return Err(cx.err(
            cx.span(y),
            "`match` names exactly one kind of input, e.g. `terraform-resource: [aws_db_instance]`",
        ));
    };
    if *key == "terraform-resource" {
        let types = cx.strings(value, "`terraform-resource`")?;
        if types.is_empty() {
            return Err(cx.err(cx.span(value), "name at least one resource type"));
        }
        return Ok(Matcher::TerraformResource(types));
    }
    match crate::yaml::ObjectKind::from_key(key) {
        Some(kind) => {
            let types = cx.strings(value, &format!("`{key}`"))?;
            if types.is_empty() {
                return Err(cx.err(
                    cx.span(value),
                    "name at least one type, or `\"*\"` for all of them",
                ));
            }
            Ok(Matcher::Yaml(kind, types))
        }
        None => Err(cx.err(
            *span,
            format!(
                "unknown input `{key}` (expected: terraform-resource, {})",
                crate::yaml::ObjectKind::ALL.map(|k| k.key()).join(", ")
            ),
        )),
    }
}

fn cond(cx: &Ctx, y: &Y, level: usize) -> Result<Cond, ConfigError> {
    let entries = cx.entries(y, "a condition")?;
    let combinators: Vec<_> = entries
        .iter()
        .filter(|(k, _, _)| matches!(*k, "all" | "any" | "not"))
        .collect();
    if let Some((k, v, span)) = combinators.first() {
        if entries.len() > 1 {
            return Err(cx.err(
                *span,
                format!("`{k}` stands alone in its condition: move the other keys into its list"),
            ));
        }
        if level >= MAX_LEVELS {
            return Err(cx.err(
                *span,
                format!(
                    "at most {MAX_LEVELS} levels of all/any/not: a rule that needs more is a native (Rust) rule"
                ),
            ));
        }
        return Ok(match *k {
            "not" => Cond::Not(Box::new(cond(cx, v, level + 1)?)),
            _ => {
                let items = cx.list(v, &format!("`{k}`"))?;
                if items.is_empty() {
                    return Err(cx.err(cx.span(v), format!("`{k}` needs at least one condition")));
                }
                let conds = items
                    .iter()
                    .map(|i| cond(cx, i, level + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                if *k == "all" {
                    Cond::All(conds)
                } else {
                    Cond::Any(conds)
                }
            }
        });
    }
    let mut path = (Vec::new(), String::new());
    let mut default = None;
    let mut op: Option<Op> = None;
    for (k, v, span) in &entries {
        let new_op = match *k {
            "path" => {
                path = cx.path(v)?;
                continue;
            }
            "default" => {
                default = Some(cx.scalar(v, "`default`")?);
                continue;
            }
            "equals" => Op::Equals(cx.scalar(v, "`equals`")?),
            "not-equals" => Op::NotEquals(cx.scalar(v, "`not-equals`")?),
            "in" | "not-in" | "contains-any" => {
                let items = cx.list(v, &format!("`{k}`"))?;
                let vals = items
                    .iter()
                    .map(|i| cx.scalar(i, &format!("an item of `{k}`")))
                    .collect::<Result<Vec<_>, _>>()?;
                match *k {
                    "in" => Op::In(vals),
                    "not-in" => Op::NotIn(vals),
                    _ => Op::ContainsAny(vals),
                }
            }
            "matches" | "not-matches" => {
                let pattern = cx.str(v, &format!("`{k}`"))?;
                let re = regex::Regex::new(pattern)
                    .map_err(|e| cx.err(cx.span(v), format!("invalid regular expression: {e}")))?;
                if *k == "matches" {
                    Op::Matches(re)
                } else {
                    Op::NotMatches(re)
                }
            }
            "exists" => match &v.data {
                YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Op::Exists(*b),
                _ => return Err(cx.err(cx.span(v), "`exists` must be true or false")),
            },
            "less-than" => Op::LessThan(cx.number(v, "`less-than`")?),
            "at-most" => Op::AtMost(cx.number(v, "`at-most`")?),
            "greater-than" => Op::GreaterThan(cx.number(v, "`greater-than`")?),
            "at-least" => Op::AtLeast(cx.number(v, "`at-least`")?),
            "contains" => Op::Contains(cx.scalar(v, "`contains`")?),
            other => {
                return Err(cx.err(
                    *span,
                    format!(
                        "unknown key `{other}` in a condition (expected all, any, not, path, default, or an operator: {})",
                        OPERATORS.join(", ")
                    ),
                ));
            }
        };
        if op.is_some() {
            return Err(cx.err(*span, "a condition has exactly one operator"));
        }
        op = Some(new_op);
    }
    let Some(op) = op else {
        return Err(cx.err(
            cx.span(y).start_only(),
            format!("a condition needs an operator: {}", OPERATORS.join(", ")),
        ));
    };
    if default.is_some() && matches!(op, Op::Exists(_)) {
        return Err(cx.err(
            cx.span(y).start_only(),
            "`exists` asks whether the value is set: a `default` makes no sense with it",
        ));
    }
    Ok(Cond::Leaf(Leaf {
        path: path.0,
        path_text: path.1,
        default,
        op,
    }))
}

trait StartOnly {
    fn start_only(self) -> Span;
}

impl StartOnly for Span {
    fn start_only(self) -> Span {
        Span::at(self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "code: IS901\nname: x-y\nseverity: warning\nsecurity-severity: 5\nmatch:\n  terraform-resource: aws_db_instance\nforbid:\n  all:\n    - path: a.b\n      equals: 1.0\n    - not:\n        path: c\n        in: [x, 2]\nmessage: m\nhelp: h\ndocs: |\n  ## What it does\n  x\n";

    #[test]
    fn a_good_rule_loads() {
        let r = parse_rule("r.yaml", GOOD).unwrap();
        assert_eq!(r.code, "IS901");
        assert_eq!(r.category, Category::InsecureSettings);
        let super::super::Check::Forbid(Cond::All(items)) = &r.spec.check else {
            panic!()
        };
        let Cond::Leaf(l) = &items[0] else { panic!() };
        assert_eq!(l.path, vec!["a", "b"]);
        let Op::Equals(s) = &l.op else { panic!() };
        assert_eq!(&*s.text, "1");
    }

    fn err(text: &str) -> (String, String) {
        let e = parse_rule("r.yaml", text).unwrap_err();
        let at = e
            .span
            .map(|s| text[s.start..].chars().take(12).collect::<String>());
        (e.message, at.unwrap_or_default())
    }

    const MODULE: &str = "module: acme/postgres/aws\ncreates:\n  - resource: aws_db_instance\n    gate: enabled\n    inputs:\n      - publicly_accessible\n      - tier: settings.tier\n    defaults:\n      publicly_accessible: true\n      backup_days: 7\n";

    #[test]
    fn a_module_mapping_loads_and_its_errors_point_into_it() {
        assert!(is_module_mapping(MODULE) && !is_module_mapping(GOOD));
        let good = MODULE.replace("      backup_days: 7\n", "");
        let m = parse_module("m.yaml", &good).unwrap();
        assert_eq!(m.source, "acme/postgres/aws");
        let c = &m.creates[0];
        assert_eq!(c.gate.as_deref(), Some("enabled"));
        assert_eq!(
            c.inputs,
            [
                ("publicly_accessible".into(), "publicly_accessible".into()),
                ("tier".into(), "settings.tier".into())
            ]
        );
        let at = |text: &str| {
            let e = parse_module("m.yaml", text).unwrap_err();
            let at = e
                .span
                .map(|s| text[s.start..].chars().take(11).collect::<String>());
            (e.message, at.unwrap_or_default())
        };
        let (m, s) = at(MODULE);
        assert!(
            m.contains("`backup_days` is not one of the `inputs`"),
            "{m}"
        );
        assert_eq!(s, "backup_days");
        let (m, s) = at(&good.replace("    gate:", "    gates:"));
        assert!(m.starts_with("unknown key `gates`"), "{m}");
        assert_eq!(s, "gates: enab");
        let (m, s) = at(&good.replace("acme/postgres/aws", "./modules/db"));
        assert!(m.contains("registry address"), "{m}");
        assert_eq!(s, "./modules/d");
        let (m, _) = at(&good.replace("publicly_accessible: true", "publicly_accessible: [1]"));
        assert!(m.contains("a boolean, a number or a string"), "{m}");
    }

    #[test]
    fn quoted_path_keys_hold_dots() {
        assert_eq!(
            split_path(r#"metadata.annotations."a.b/c".x"#).unwrap(),
            vec!["metadata", "annotations", "a.b/c", "x"]
        );
        assert!(split_path("a..b").is_none());
        assert!(split_path(r#"a."b"#).is_none());
        assert!(split_path(r#"a."b"c"#).is_none());
    }

    #[test]
    fn yaml_matchers_load() {
        let r = parse_rule(
            "r.yaml",
            &GOOD.replace(
                "terraform-resource: aws_db_instance",
                "compose-service: [postgres]",
            ),
        )
        .unwrap();
        assert!(matches!(
            r.spec.matcher,
            Matcher::Yaml(crate::yaml::ObjectKind::ComposeService, _)
        ));
        let (m, _) = err(&GOOD.replace("terraform-resource: aws_db_instance", "helm: [x]"));
        assert!(m.contains("compose-service, kubernetes"), "{m}");
    }

    #[test]
    fn errors_point_into_the_file() {
        let (m, at) = err(&GOOD.replace("help: h", "helpp: h"));
        assert!(m.contains("unknown key `helpp`"), "{m}");
        assert!(at.starts_with("helpp"), "{at}");
        let (m, at) = err(&GOOD.replace("in: [x, 2]", "in: [x, 2]\n        equals: 3"));
        assert!(m.contains("exactly one operator"), "{m}");
        assert!(at.starts_with("equals"), "{at}");
        let (m, _) = err(&GOOD.replace("forbid:", "require:\n  path: z\n  exists: true\nforbid:"));
        assert!(m.contains("exactly one of"), "{m}");
        let deep = GOOD.replace(
            "    - not:\n        path: c\n        in: [x, 2]",
            "    - not:\n        not:\n          path: c\n          exists: true",
        );
        let (m, at) = err(&deep);
        assert!(m.contains("at most 2 levels"), "{m}");
        assert!(at.starts_with("not:"), "{at}");
        let (m, at) = err(&GOOD.replace("IS901", "IS9X1"));
        assert!(m.contains("not a rule code"), "{m}");
        assert!(at.starts_with("IS9X1"), "{at}");
        let (m, _) = err(&GOOD.replace("security-severity: 5\n", ""));
        assert!(m.contains("security-severity"), "{m}");
        let (m, at) = err(&GOOD.replace("equals: 1.0", "matches: '('"));
        assert!(m.contains("invalid regular expression"), "{m}");
        assert!(at.starts_with("'('"), "{at}");
    }
}
