//! dbmate: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections; a section
//! marked `transaction:false` runs without the implicit transaction.

use super::{FileRef, MigrationSet};

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    super::sections::build(set, files, "-- migrate:up", |f| f.model.dbmate);
}
