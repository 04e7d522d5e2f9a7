//! goose: `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down` sections,
//! `StatementBegin`/`StatementEnd` blocks (the splitter knows them), and `-- +goose NO
//! TRANSACTION` to run without the implicit transaction.

use super::{FileRef, MigrationSet};

pub fn build(set: &mut MigrationSet, files: &[FileRef]) {
    super::sections::build(set, files, "-- +goose Up", |f| f.model.goose);
}
