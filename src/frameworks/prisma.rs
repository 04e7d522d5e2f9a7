//! Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`, applied in folder order, with
//! no down migrations by design. Prisma sends a migration as one multi-statement query, which
//! PostgreSQL runs as one implicit transaction (a single statement runs alone).

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef, Version};
use crate::source::Span;

/// The version of a `<timestamp>_<name>` folder (Prisma names them by timestamp; hand-made
/// ones such as `01_init` sort the same way).
pub fn version_of_dir(dir: &str) -> Option<Version> {
    let (v, rest) = super::leading_version(dir)?;
    (!rest.is_empty() || v.text.len() >= 8).then_some(v)
}

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    for &i in &set.files {
        let f = &files[i];
        let dir = f.parent_name();
        let version = version_of_dir(dir);
        if !f.name().eq_ignore_ascii_case("migration.sql") || version.is_none() {
            set.misnamed.push(Misnamed {
                file: i,
                expected: "<timestamp>_<name>/migration.sql".into(),
            });
            continue;
        }
        set.migrations.push(Migration {
            id: dir.to_string(),
            version,
            kind: MigrationKind::Versioned,
            file: i,
            anchor: Span::at(0),
            up: Some(ScriptRef { file: i, script: 0 }),
            down: None,
            transaction: f.model.statements.len() > 1,
            conditional: false,
        });
    }
    super::sort_by_version(&mut set.migrations);
}
