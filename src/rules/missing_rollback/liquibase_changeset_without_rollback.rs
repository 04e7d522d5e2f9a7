use crate::assemble::MigrationView;
use crate::frameworks::Framework;
use crate::registry::{Rule, SetCx};
use crate::settings::RequireDown;

crate::declare_rule! {
    /// ## What it does
    /// Flags a Liquibase changeSet without a `<rollback>` when one of its changes is of a type
    /// Liquibase cannot roll back by itself (`dropColumn`, `dropTable`, `modifyDataType`, `sql`,
    /// `update`, `insert`, `delete`, `loadData`...).
    ///
    /// ## Why is this bad?
    /// `liquibase rollback` stops at this changeSet with an error, so neither it nor anything
    /// applied after it can be rolled back by the tool.
    ///
    /// ## Example
    /// ```xml file=changelog.xml
    /// <databaseChangeLog>
    ///   <changeSet id="1" author="ana">
    ///     <dropColumn tableName="users" columnName="legacy_flag"/>
    ///   </changeSet>
    /// </databaseChangeLog>
    /// ```
    ///
    /// ## Use instead
    /// ```xml file=changelog.xml
    /// <databaseChangeLog>
    ///   <changeSet id="1" author="ana">
    ///     <dropColumn tableName="users" columnName="legacy_flag"/>
    ///     <rollback>
    ///       <addColumn tableName="users">
    ///         <column name="legacy_flag" type="boolean"/>
    ///       </addColumn>
    ///     </rollback>
    ///   </changeSet>
    /// </databaseChangeLog>
    /// ```
    pub struct LiquibaseChangesetWithoutRollback {
        code: "RB004",
        name: "liquibase-changeset-without-rollback",
        category: MissingRollback,
        severity: Warning,
    }
}

impl Rule for LiquibaseChangesetWithoutRollback {
    crate::rule_meta!();

    fn check_migration(&self, m: &MigrationView, cx: &mut SetCx) {
        if m.set.framework != Framework::Liquibase || m.down.is_some() {
            return;
        }
        // A project that does not write rollbacks is told once by its settings, not once per
        // changeSet (`require-down = "always"` asks for every one).
        let required = match cx.settings.migrations.require_down {
            RequireDown::Never => false,
            RequireDown::Always => true,
            RequireDown::Auto => m.conventions.writes_rollbacks.unwrap_or(true),
        };
        if !required {
            return;
        }
        let Some(up) = &m.up else { return };
        let Some((kind, span)) = up.script.no_auto_rollback.first() else {
            return;
        };
        let formatted = matches!(&m.model(up.file).info, crate::parse::script::FileInfo::Changelog(c) if c.formatted_sql);
        if formatted && up.statements.is_empty() {
            return;
        }
        let what = if formatted {
            "SQL".to_string()
        } else {
            format!("`{kind}`")
        };
        cx.report(
            up.file,
            m.migration.anchor,
            format!(
                "changeSet `{}` has no rollback, and Liquibase cannot generate one for {what}",
                m.migration.id
            ),
        )
        .label("no rollback")
        .secondary(*span, "Liquibase cannot undo this by itself")
        .help(if formatted {
            "add `--rollback <statements>` lines that undo the changeSet (or `--rollback empty` if nothing needs undoing)"
        } else {
            "add a `<rollback>` with the changes or SQL that undo it (an empty `<rollback/>` if nothing needs undoing)"
        });
    }
}
