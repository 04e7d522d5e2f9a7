//! Shared by goose and dbmate: one file per migration, `<version>_<name>.sql`, with an up and a
//! down section marked by comments; each section runs in a transaction unless marked otherwise.

use super::{FileRef, Migration, MigrationKind, MigrationSet, Misnamed, ScriptRef};
use crate::sql::Direction;

pub fn build(
    set: &mut MigrationSet,
    files: &[FileRef],
    marker: &str,
    is_ours: fn(&FileRef) -> bool,
) {
    for &i in &set.files {
        let f = &files[i];
        let version = super::leading_version(f.name()).map(|(v, _)| v);
        if version.is_none() || !is_ours(f) {
            set.misnamed.push(Misnamed {
                file: i,
                expected: format!("<version>_<name>.sql with a `{marker}` section"),
            });
            if version.is_none() {
                continue;
            }
        }
        let find = |d: Direction| {
            f.model
                .scripts
                .iter()
                .position(|s| s.direction == d)
                .map(|script| ScriptRef { file: i, script })
        };
        let up = find(Direction::Up);
        let transaction = up
            .map(|s| f.model.scripts[s.script].transaction != Some(false))
            .unwrap_or(true);
        let anchor = up
            .map(|s| f.model.scripts[s.script].span)
            .unwrap_or(crate::source::Span::at(0));
        set.migrations.push(Migration {
            id: version.as_ref().map(|v| v.text.clone()).unwrap_or_default(),
            version,
            kind: MigrationKind::Versioned,
            file: i,
            anchor,
            up,
            down: find(Direction::Down),
            transaction,
            conditional: false,
        });
    }
    super::sort_by_version(&mut set.migrations);
}
