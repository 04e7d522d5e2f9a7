use crate::assemble::{BaseStatus, SetView, file_start, versions};
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// With `--diff-base REF`: flags a migration added since REF whose version is lower than a
    /// migration that already exists on REF (and so may already be applied).
    ///
    /// ## Why is this bad?
    /// Databases that applied the newer migration never run the older one: Flyway fails
    /// validation ("detected resolved migration not applied"), golang-migrate and goose skip it
    /// or refuse to run. It usually comes from a branch created before the other migration was
    /// merged.
    ///
    /// ## Example
    /// Added on a branch, while `db/migration/V5__add_orders.sql` is already on `main`:
    /// ```text
    /// db/migration/V4__add_nickname.sql
    /// ```
    ///
    /// ## Use instead
    /// Renumber the new migration after the newest one on the base:
    /// ```text
    /// db/migration/V6__add_nickname.sql
    /// ```
    pub struct MigrationAddedOutOfOrder {
        code: "NM006",
        name: "migration-added-out-of-order",
        category: Naming,
        severity: Error,
    }
}

impl Rule for MigrationAddedOutOfOrder {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        let Some(base) = set.base else { return };
        let vs = versions(set.set);
        let applied = vs
            .iter()
            .filter(|(_, f)| base.status(set.path(*f)) != BaseStatus::Added)
            .max_by(|a, b| a.0.cmp(b.0));
        let Some((newest, newest_file)) = applied else {
            return;
        };
        for (v, f) in &vs {
            if base.status(set.path(*f)) != BaseStatus::Added || !set.reported(*f) || *v >= *newest
            {
                continue;
            }
            let other = set
                .source(*newest_file)
                .display
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            cx.report(*f, file_start(set.source(*f)), format!("new migration version {v} is lower than {newest} (`{other}`), which already exists on the base: databases that applied it will skip or refuse this one"))
                .label("added out of order")
                .help(format!("renumber it after {newest}"));
        }
    }
}
