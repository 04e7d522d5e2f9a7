//! Column types, normalised per dialect, and what changing one into another costs.

use std::fmt;

use super::Dialect;
use crate::source::Span;

/// A column type: a canonical lower-case name (`varchar`, `integer`, `timestamptz`), its
/// arguments (`255`, or `10`, `2`), and whether it is an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlType {
    pub name: String,
    pub args: Vec<String>,
    pub array: bool,
    pub unsigned: bool,
    /// The type as written.
    pub raw: String,
    pub span: Span,
}

impl fmt::Display for SqlType {
    /// The type as written, on one line and at most 60 characters (messages quote it; a long
    /// `ENUM(...)` would otherwise fill the screen).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 60;
        let one_line = self.raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let one_line = one_line.replace("( ", "(").replace(" )", ")");
        if one_line.chars().count() <= MAX {
            f.write_str(&one_line)
        } else {
            let cut: String = one_line.chars().take(MAX - 1).collect();
            write!(f, "{}…", cut.trim_end())
        }
    }
}

/// What an `ALTER COLUMN ... TYPE` (or MySQL `MODIFY`) does to existing data and readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeChange {
    Same,
    /// Every old value fits and the database only updates its catalog.
    SafeWidening,
    /// Every old value fits, but the database rewrites the table (and its indexes) under an
    /// exclusive lock.
    WideningWithRewrite,
    /// Some old values may not fit, or readers expecting the old range break.
    Narrowing,
    /// Unrelated types: readers and writers of the old type break.
    Incompatible,
}

impl SqlType {
    /// Parses a type as written (`character varying(255)`, `INT UNSIGNED`, `numeric(10, 2)[]`).
    pub fn parse(raw: &str, span: Span) -> SqlType {
        let text = raw.trim();
        let mut array = false;
        let mut body = text.to_string();
        while body.ends_with("[]") {
            array = true;
            body.truncate(body.len() - 2);
            body = body.trim_end().to_string();
        }
        if let Some(stripped) = body
            .strip_suffix(" ARRAY")
            .or_else(|| body.strip_suffix(" array"))
        {
            array = true;
            body = stripped.to_string();
        }
        // Split "name(args) suffix".
        let (head, args, tail) = match body.find('(') {
            Some(open) => {
                let close = matching_paren(&body, open).unwrap_or(body.len());
                let inner = &body[open + 1..close.min(body.len())];
                let tail = body.get(close + 1..).unwrap_or("");
                (
                    body[..open].to_string(),
                    split_args(inner),
                    tail.to_string(),
                )
            }
            None => (body.clone(), Vec::new(), String::new()),
        };
        let words: Vec<String> = head
            .split_whitespace()
            .chain(tail.split_whitespace())
            .map(|w| w.trim_matches('"').to_ascii_lowercase())
            .collect();
        let unsigned = words.iter().any(|w| w == "unsigned");
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| !matches!(*w, "unsigned" | "signed" | "zerofill"))
            .collect();
        let joined = words.join(" ");
        let name = canonical_name(&joined, &args);
        let args = if is_integer(&name) || name == "bool" {
            // MySQL display widths (`int(11)`) do not change the range.
            Vec::new()
        } else if name == "double precision" || name == "real" {
            Vec::new()
        } else {
            args
        };
        SqlType {
            name,
            args,
            array,
            unsigned,
            raw: text.to_string(),
            span,
        }
    }

    pub fn is_serial(&self) -> bool {
        matches!(self.name.as_str(), "serial" | "bigserial" | "smallserial")
    }

    /// The length limit of a character type (`varchar(255)` -> 255); `None` means unlimited.
    fn length(&self) -> Option<u64> {
        self.args.first().and_then(|a| a.trim().parse().ok())
    }

    fn numeric_precision(&self) -> (Option<u64>, u64) {
        let p = self.args.first().and_then(|a| a.trim().parse().ok());
        let s = self
            .args
            .get(1)
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or(0);
        (p, s)
    }

    /// What changing a column from `self` to `new` costs on `dialect`.
    pub fn change_to(&self, new: &SqlType, dialect: Dialect) -> TypeChange {
        if self.name == new.name
            && self.args == new.args
            && self.array == new.array
            && self.unsigned == new.unsigned
        {
            return TypeChange::Same;
        }
        if self.array != new.array {
            return TypeChange::Incompatible;
        }
        let (a, b) = (self.name.as_str(), new.name.as_str());
        let mysql = dialect == Dialect::Mysql;
        // MySQL's BOOLEAN is TINYINT(1) under another name.
        let tinyint_one = |t: &SqlType| {
            t.name == "boolean" || (t.name == "tinyint" && t.args.iter().all(|a| a.trim() == "1"))
        };
        if mysql && tinyint_one(self) && tinyint_one(new) && self.unsigned == new.unsigned {
            return TypeChange::Same;
        }

        // Character types.
        if is_char_like(a) && is_char_like(b) {
            return char_change(self, new, mysql);
        }
        // Integers, serials and their widths.
        if let (Some(wa), Some(wb)) = (int_width(a, self.unsigned), int_width(b, new.unsigned)) {
            if wb >= wa && (self.unsigned == new.unsigned || !new.unsigned) {
                return TypeChange::WideningWithRewrite;
            }
            return TypeChange::Narrowing;
        }
        if a == "numeric" && b == "numeric" {
            let (pa, sa) = self.numeric_precision();
            let (pb, sb) = new.numeric_precision();
            return match (pa, pb) {
                (_, None) if !mysql => TypeChange::SafeWidening,
                (Some(pa), Some(pb)) if sa == sb && pb >= pa => {
                    if mysql {
                        TypeChange::WideningWithRewrite
                    } else {
                        TypeChange::SafeWidening
                    }
                }
                (Some(pa), Some(pb)) if sb >= sa && pb - sb >= pa - sa => {
                    TypeChange::WideningWithRewrite
                }
                _ => TypeChange::Narrowing,
            };
        }
        // Fractional-second precision of a temporal type: `timestamp(0)` -> `timestamp(6)`.
        if a == b
            && matches!(
                a,
                "timestamp" | "timestamptz" | "time" | "timetz" | "datetime" | "interval"
            )
        {
            // Unwritten, the precision is 6 in PostgreSQL and 0 in MySQL.
            let default = if mysql { 0 } else { 6 };
            let precision = |t: &SqlType| t.length().unwrap_or(default);
            return if precision(new) < precision(self) {
                TypeChange::Narrowing
            } else if mysql {
                // MySQL copies the table to change a column's fractional precision.
                TypeChange::WideningWithRewrite
            } else {
                // PostgreSQL (9.2+) changes only its catalog when the precision grows.
                TypeChange::SafeWidening
            };
        }
        if is_integer(a) && (b == "numeric" || b == "double precision") {
            return TypeChange::WideningWithRewrite;
        }
        if a == "real" && b == "double precision" {
            return TypeChange::WideningWithRewrite;
        }
        match (a, b) {
            ("timestamp", "timestamptz") | ("timestamptz", "timestamp") => {
                TypeChange::WideningWithRewrite
            }
            ("cidr", "inet") if !mysql => TypeChange::SafeWidening,
            ("json", "jsonb") => TypeChange::WideningWithRewrite,
            ("date", "timestamp") | ("date", "timestamptz") | ("date", "datetime") => {
                TypeChange::WideningWithRewrite
            }
            ("datetime", "timestamp") | ("timestamp", "datetime") if mysql => {
                TypeChange::WideningWithRewrite
            }
            ("enum", "enum") if mysql => enum_change(self, new),
            ("varbit", "varbit") => char_change(self, new, mysql),
            _ if is_blob(a) && is_blob(b) => {
                if blob_rank(b) >= blob_rank(a) {
                    TypeChange::WideningWithRewrite
                } else {
                    TypeChange::Narrowing
                }
            }
            _ if is_char_like(b) && !is_char_like(a) && new.length().is_none() => {
                // Anything can be read as text, but readers get strings instead of the old type.
                TypeChange::Incompatible
            }
            _ => TypeChange::Incompatible,
        }
    }
}

fn char_change(old: &SqlType, new: &SqlType, mysql: bool) -> TypeChange {
    let (a, b) = (old.name.as_str(), new.name.as_str());
    let (la, lb) = (char_limit(old, mysql), char_limit(new, mysql));
    let fits = match (la, lb) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => y >= x,
    };
    if !fits {
        return TypeChange::Narrowing;
    }
    if mysql {
        // VARCHAR growth is in-place while the length prefix keeps its size: under 256 bytes
        // before and after, or at or above 256 both times. Lengths count characters: a
        // character takes up to 4 bytes in utf8mb4, 3 in utf8mb3, 1 in latin1 or ascii. With
        // the character set unsaid, in-place only when it is under every one of them.
        if a == "varchar" && b == "varchar" {
            let (x, y) = (la.unwrap_or(u64::MAX / 4), lb.unwrap_or(u64::MAX / 4));
            let in_place = |per_char: u64| {
                let (x, y) = (x * per_char, y * per_char);
                (x < 256 && y < 256) || (x >= 256 && y >= 256)
            };
            let in_place = match charset_width(old).or(charset_width(new)) {
                Some(w) => in_place(w),
                None => in_place(1) && in_place(3) && in_place(4),
            };
            if in_place {
                return TypeChange::SafeWidening;
            }
        }
        return TypeChange::WideningWithRewrite;
    }
    // PostgreSQL: varchar/text are binary coercible; growing or removing a limit needs no rewrite.
    let binary_coercible = |n: &str| matches!(n, "varchar" | "text" | "citext" | "varbit");
    if binary_coercible(a) && binary_coercible(b) && (a == b || a != "citext" && b != "citext") {
        return TypeChange::SafeWidening;
    }
    TypeChange::WideningWithRewrite
}

/// The bytes per character of the character set a MySQL type names (`varchar(255) CHARACTER
/// SET utf8mb4`), when it names one.
fn charset_width(t: &SqlType) -> Option<u64> {
    let raw = t.raw.to_ascii_lowercase();
    if raw.contains("utf8mb4") {
        Some(4)
    } else if raw.contains("utf8") {
        Some(3)
    } else if raw.contains("latin1") || raw.contains("ascii") || raw.contains("binary") {
        Some(1)
    } else {
        None
    }
}

fn enum_change(old: &SqlType, new: &SqlType) -> TypeChange {
    // MySQL: appending values at the end is a metadata change; anything else is not.
    if new.args.len() >= old.args.len() && new.args[..old.args.len()] == old.args[..] {
        if new.args.len() == old.args.len() {
            TypeChange::Same
        } else {
            TypeChange::SafeWidening
        }
    } else if old.args.iter().all(|v| new.args.contains(v)) {
        TypeChange::WideningWithRewrite
    } else {
        TypeChange::Narrowing
    }
}

/// The most characters a column of the type holds (`None`: unlimited). MySQL's `TEXT` holds
/// 65,535 bytes; PostgreSQL's is unlimited.
fn char_limit(t: &SqlType, mysql: bool) -> Option<u64> {
    match t.name.as_str() {
        "text" if mysql => Some(65_535),
        "text" | "citext" => None,
        "tinytext" => Some(255),
        "mediumtext" => Some(16_777_215),
        "longtext" => Some(4_294_967_295),
        "char" => Some(t.length().unwrap_or(1)),
        _ => t.length(),
    }
}

fn is_char_like(name: &str) -> bool {
    matches!(
        name,
        "varchar"
            | "char"
            | "text"
            | "citext"
            | "tinytext"
            | "mediumtext"
            | "longtext"
            | "nvarchar"
            | "nchar"
    )
}

fn is_blob(name: &str) -> bool {
    matches!(name, "tinyblob" | "blob" | "mediumblob" | "longblob")
}

fn blob_rank(name: &str) -> u8 {
    match name {
        "tinyblob" => 0,
        "blob" => 1,
        "mediumblob" => 2,
        _ => 3,
    }
}

pub fn is_integer(name: &str) -> bool {
    int_width(name, false).is_some()
}

/// Bits of range of an integer type (unsigned types gain one bit).
fn int_width(name: &str, unsigned: bool) -> Option<u32> {
    let bits = match name {
        "tinyint" => 8,
        "smallint" | "smallserial" => 16,
        "mediumint" => 24,
        "integer" | "serial" => 32,
        "bigint" | "bigserial" => 64,
        _ => return None,
    };
    Some(if unsigned { bits + 1 } else { bits })
}

/// Folds the spellings of a type into one name.
fn canonical_name(words: &str, args: &[String]) -> String {
    let name = match words {
        "int" | "int4" | "integer" => "integer",
        "int2" | "smallint" => "smallint",
        "int8" | "bigint" => "bigint",
        "int1" | "tinyint" => "tinyint",
        "int3" | "mediumint" => "mediumint",
        "serial" | "serial4" => "serial",
        "bigserial" | "serial8" => "bigserial",
        "smallserial" | "serial2" => "smallserial",
        "float4" | "real" => "real",
        "float8" | "double precision" | "double" => "double precision",
        "float" => {
            let p: u32 = args
                .first()
                .and_then(|a| a.trim().parse().ok())
                .unwrap_or(53);
            if p <= 24 { "real" } else { "double precision" }
        }
        "decimal" | "numeric" | "dec" | "fixed" => "numeric",
        "varchar" | "character varying" | "varchar2" | "nvarchar2" => "varchar",
        "nvarchar" | "national character varying" | "national varchar" => "varchar",
        "char" | "character" | "bpchar" | "nchar" | "national character" | "national char" => {
            "char"
        }
        "bool" | "boolean" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        "bit varying" | "varbit" => "varbit",
        other => other,
    };
    name.to_string()
}

fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s[open..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn split_args(inner: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '(') => {
                depth += 1;
                cur.push(c);
            }
            (None, ')') => {
                depth -= 1;
                cur.push(c);
            }
            (None, ',') if depth == 0 => out.push(std::mem::take(&mut cur).trim().to_string()),
            (None, c) => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> SqlType {
        SqlType::parse(s, Span::default())
    }

    #[test]
    fn parses_spellings() {
        assert_eq!(t("CHARACTER VARYING(255)").name, "varchar");
        assert_eq!(t("CHARACTER VARYING(255)").args, vec!["255"]);
        assert_eq!(t("int(11) unsigned").name, "integer");
        assert!(t("int(11) unsigned").unsigned);
        assert!(t("int(11) unsigned").args.is_empty());
        assert_eq!(t("TIMESTAMP WITH TIME ZONE").name, "timestamptz");
        assert_eq!(t("timestamp(3) with time zone").name, "timestamptz");
        assert!(t("text[]").array);
        assert_eq!(t("numeric(10, 2)").args, vec!["10", "2"]);
        assert_eq!(t("enum('a','b')").args, vec!["'a'", "'b'"]);
    }

    #[test]
    fn display_is_one_short_line() {
        assert_eq!(t("ENUM(\n  'a',\n  'b'\n)").to_string(), "ENUM('a', 'b')");
        let long = t(&format!("enum({})", vec!["'value'"; 20].join(", "))).to_string();
        assert!(long.chars().count() <= 60);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn postgres_changes() {
        let pg = Dialect::Postgres;
        assert_eq!(
            t("varchar(10)").change_to(&t("varchar(20)"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("varchar(10)").change_to(&t("text"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("varchar(20)").change_to(&t("varchar(10)"), pg),
            TypeChange::Narrowing
        );
        assert_eq!(
            t("text").change_to(&t("varchar(10)"), pg),
            TypeChange::Narrowing
        );
        assert_eq!(
            t("int").change_to(&t("bigint"), pg),
            TypeChange::WideningWithRewrite
        );
        assert_eq!(t("bigint").change_to(&t("int"), pg), TypeChange::Narrowing);
        assert_eq!(
            t("numeric(10,2)").change_to(&t("numeric(12,2)"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(t("int").change_to(&t("text"), pg), TypeChange::Incompatible);
        assert_eq!(t("integer").change_to(&t("int4"), pg), TypeChange::Same);
        // More fractional digits of a timestamp: a catalog change; fewer round the values.
        assert_eq!(
            t("timestamp(0)").change_to(&t("timestamp(6)"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("timestamptz(3)").change_to(&t("timestamptz"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("timestamptz").change_to(&t("timestamptz(0)"), pg),
            TypeChange::Narrowing
        );
        assert_eq!(
            t("interval(3)").change_to(&t("interval"), pg),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("interval").change_to(&t("interval(0)"), pg),
            TypeChange::Narrowing
        );
    }

    #[test]
    fn mysql_changes() {
        let my = Dialect::Mysql;
        assert_eq!(
            t("BOOLEAN").change_to(&t("tinyint(1)"), my),
            TypeChange::Same
        );
        // TEXT holds 65,535 bytes on MySQL: the larger text types widen it (with a copy).
        assert_eq!(
            t("text").change_to(&t("longtext"), my),
            TypeChange::WideningWithRewrite
        );
        assert_eq!(
            t("varchar(255)").change_to(&t("mediumtext"), my),
            TypeChange::WideningWithRewrite
        );
        assert_eq!(
            t("longtext").change_to(&t("text"), my),
            TypeChange::Narrowing
        );
        assert_eq!(
            t("varchar(10)").change_to(&t("varchar(20)"), my),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("varchar(100)").change_to(&t("varchar(300)"), my),
            TypeChange::WideningWithRewrite
        );
        // The parser keeps a character set after the type in `raw`.
        let with = |ty: &str, cs: &str| {
            let mut t = t(ty);
            t.raw = format!("{ty} CHARACTER SET {cs}");
            t
        };
        // In utf8mb4, 100 characters already take 2 length bytes: growing is in place.
        assert_eq!(
            t("varchar(100)").change_to(&with("varchar(300)", "utf8mb4"), my),
            TypeChange::SafeWidening
        );
        assert_eq!(
            with("varchar(100)", "latin1").change_to(&t("varchar(300)"), my),
            TypeChange::WideningWithRewrite
        );
        // Under every character set, 128 and 255 characters keep their length prefix.
        assert_eq!(
            t("varchar(128)").change_to(&t("varchar(255)"), my),
            TypeChange::SafeWidening
        );
        // Fractional seconds: MySQL copies the table to add them.
        assert_eq!(
            t("datetime").change_to(&t("datetime(6)"), my),
            TypeChange::WideningWithRewrite
        );
        assert_eq!(
            t("datetime(6)").change_to(&t("datetime"), my),
            TypeChange::Narrowing
        );
        assert_eq!(
            t("enum('a','b')").change_to(&t("enum('a','b','c')"), my),
            TypeChange::SafeWidening
        );
        assert_eq!(
            t("enum('a','b')").change_to(&t("enum('a')"), my),
            TypeChange::Narrowing
        );
    }
}
