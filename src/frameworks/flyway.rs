//! Flyway: `V<version>__<description>.sql` versioned, `U<version>__` undo (pairs with the `V` of
//! the same version), `R__<description>.sql` repeatable (after all versioned ones, by
//! description), `B<version>__` baseline. Prefixes, separator and suffixes are configurable.
//! On PostgreSQL Flyway runs each migration in a transaction unless it holds a statement that
//! cannot run in one, then it runs it without.

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef, Version};
use crate::sql::{AlterAction, ObjectKind, Statement, StmtKind};

/// Flyway's naming settings (`flyway.sqlMigrationPrefix` and friends).
#[derive(Clone, Debug)]
pub struct FlywayNaming {
    pub versioned: String,
    pub undo: String,
    pub repeatable: String,
    pub baseline: String,
    pub separator: String,
    pub suffixes: Vec<String>,
}

impl Default for FlywayNaming {
    fn default() -> Self {
        FlywayNaming {
            versioned: "V".into(),
            undo: "U".into(),
            repeatable: "R".into(),
            baseline: "B".into(),
            separator: "__".into(),
            suffixes: vec![".sql".into()],
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct FlywayName {
    pub kind: FlywayKind,
    pub version: Option<Version>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlywayKind {
    Versioned,
    Undo,
    Repeatable,
    Baseline,
}

/// The callbacks Flyway runs around migrations (not migrations, so not misnamed).
const CALLBACKS: [&str; 8] = [
    "beforemigrate",
    "aftermigrate",
    "beforeeachmigrate",
    "aftereachmigrate",
    "beforeclean",
    "afterclean",
    "beforeeachmigratestatement",
    "aftereachmigratestatement",
];

pub fn parse_name(name: &str, n: &FlywayNaming) -> Option<FlywayName> {
    let stem = n.suffixes.iter().find_map(|s| {
        (name.len() > s.len() && name[name.len() - s.len()..].eq_ignore_ascii_case(s))
            .then(|| &name[..name.len() - s.len()])
    })?;
    let (ver_part, description) = stem.split_once(n.separator.as_str())?;
    for (prefix, kind) in [
        (&n.repeatable, FlywayKind::Repeatable),
        (&n.versioned, FlywayKind::Versioned),
        (&n.undo, FlywayKind::Undo),
        (&n.baseline, FlywayKind::Baseline),
    ] {
        let Some(v) = ver_part.strip_prefix(prefix.as_str()) else {
            continue;
        };
        if kind == FlywayKind::Repeatable {
            if v.is_empty() {
                return Some(FlywayName {
                    kind,
                    version: None,
                    description: description.to_string(),
                });
            }
            continue;
        }
        if let Some(version) = Version::parse(v) {
            return Some(FlywayName {
                kind,
                version: Some(version),
                description: description.to_string(),
            });
        }
    }
    None
}

/// Statements PostgreSQL refuses inside a transaction block: Flyway runs a migration holding
/// one without a transaction.
pub fn non_transactional(s: &Statement) -> bool {
    match &s.kind {
        StmtKind::CreateIndex(ci) => ci.concurrently,
        StmtKind::DropIndex { concurrently, .. } => *concurrently,
        StmtKind::Reindex { concurrently, .. } => *concurrently,
        StmtKind::Vacuum { .. } => true,
        StmtKind::Repack {
            table,
            concurrently,
        } => *concurrently || table.is_none(),
        StmtKind::RefreshMaterializedView { concurrently, .. } => *concurrently,
        StmtKind::Create {
            kind: ObjectKind::Database,
            ..
        }
        | StmtKind::Drop {
            kind: ObjectKind::Database,
            ..
        } => true,
        StmtKind::AlterTable(at) => at.actions.iter().any(|a| {
            matches!(
                a.action,
                AlterAction::DetachPartition {
                    concurrently: true,
                    ..
                }
            )
        }),
        _ => false,
    }
}

pub fn build(set: &mut MigrationSet, files: &[FileRef], naming: &FlywayNaming) {
    let mut undo = std::collections::HashMap::new();
    for &i in &set.files {
        let f = &files[i];
        let Some(n) = parse_name(f.name(), naming) else {
            let stem = f
                .name()
                .rsplit_once('.')
                .map(|(a, _)| a)
                .unwrap_or(f.name());
            if !CALLBACKS
                .iter()
                .any(|c| stem.to_ascii_lowercase().starts_with(c))
            {
                set.misnamed.push(Misnamed {
                    file: i,
                    expected: format!(
                        "{v}<version>{s}<description>.sql (or {u}<version>{s}… for an undo, {r}{s}… for a repeatable migration)",
                        v = naming.versioned,
                        s = naming.separator,
                        u = naming.undo,
                        r = naming.repeatable
                    ),
                });
            }
            continue;
        };
        let script = (!f.model.scripts.is_empty()).then_some(ScriptRef { file: i, script: 0 });
        let stmts = &f.model.statements;
        match n.kind {
            FlywayKind::Undo => {
                if let Some(v) = n.version {
                    undo.insert(v, script);
                }
            }
            kind => {
                let kind = match kind {
                    FlywayKind::Repeatable => MigrationKind::Repeatable,
                    FlywayKind::Baseline => MigrationKind::Baseline,
                    _ => MigrationKind::Versioned,
                };
                set.migrations.push(Migration {
                    id: n
                        .version
                        .as_ref()
                        .map(|v| v.text.clone())
                        .unwrap_or_else(|| format!("R__{}", n.description)),
                    version: n.version,
                    kind,
                    file: i,
                    anchor: crate::source::Span::at(0),
                    up: script,
                    down: None,
                    transaction: !stmts.iter().any(non_transactional),
                    conditional: false,
                });
            }
        }
    }
    for m in &mut set.migrations {
        if m.kind == MigrationKind::Versioned
            && let Some(v) = &m.version
            && let Some(s) = undo.get(v)
        {
            m.down = *s;
        }
    }
    // Versioned by version, then repeatables by description; baselines are not replayed.
    set.migrations.sort_by(|a, b| {
        let rank = |m: &Migration| match m.kind {
            MigrationKind::Baseline => 0,
            MigrationKind::Versioned => 1,
            MigrationKind::Repeatable => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.version.cmp(&b.version))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = FlywayNaming::default();
        let v = parse_name("V1_2__add_users.sql", &n).unwrap();
        assert_eq!(v.kind, FlywayKind::Versioned);
        assert_eq!(v.version.unwrap().text, "1_2");
        assert_eq!(
            parse_name("U3__undo.sql", &n).unwrap().kind,
            FlywayKind::Undo
        );
        let r = parse_name("R__views.sql", &n).unwrap();
        assert_eq!((r.kind, r.version), (FlywayKind::Repeatable, None));
        assert!(parse_name("V1_add.sql", &n).is_none());
        assert!(parse_name("001_init.up.sql", &n).is_none());
    }
}
