use crate::parse::kv::KvFile;
use crate::parse::script::FileModel;
use crate::registry::{Cx, Rule};
use crate::secrets::Family;
use crate::sql::SqlUnit;
use crate::terraform::TfUnit;

use super::{
    check_embedding_family, check_key_value_family, check_sql_family, file_checked, report_family,
    tf_scan,
};

crate::declare_rule! {
    /// ## What it does
    /// Flags connection strings that carry their password: URLs with a password in the user
    /// part (`postgres://app:pw@db/app`, `postgresql://`, `mysql://`, `mongodb://`,
    /// `mongodb+srv://`, `redis://`, `jdbc:mysql://`, and any other scheme), JDBC and URL query
    /// parameters (`?user=app&password=…`), ADO.NET/ODBC strings (`Server=…;Password=…;`) and
    /// libpq conninfo strings (`host=db user=app password=…`).
    ///
    /// It reads every input kind through the one secrets engine: SQL strings and comments,
    /// Liquibase changelogs, Alembic revisions, `.env`/properties/conf files, and Terraform
    /// strings, heredocs and comments.
    ///
    /// Only the password is masked. References (`${DB_PASSWORD}`, `%s`, `<password>`) are not
    /// findings; a password equal to the user name, or a well-known default (`postgres`,
    /// `changeme`), is reported as weak only with `report-placeholders = true` under `[secrets]`.
    ///
    /// ## Why is this bad?
    /// A connection string travels: into logs, error messages, CI output and every copy of the
    /// repository. With its password inline, anyone who sees it can connect to the database.
    ///
    /// ## Example
    /// ```sql
    /// CREATE SERVER reporting FOREIGN DATA WRAPPER dblink_fdw
    ///     OPTIONS (dsn 'postgresql://report:Kq7vR2mXw9@reporting.internal/reports');
    /// ```
    ///
    /// ## Use instead
    /// Keep the password out of the string and supply it separately (a user mapping filled at
    /// deploy time, `PGPASSWORD`, a `.pgpass` file, a secret manager):
    /// ```sql
    /// CREATE SERVER reporting FOREIGN DATA WRAPPER dblink_fdw
    ///     OPTIONS (dsn 'postgresql://report@reporting.internal/reports');
    /// ```
    ///
    /// ## Options
    /// `[secrets] report-placeholders = true` also reports well-known defaults as weak;
    /// `allow-patterns`, `allow-paths` and `allow-fingerprints` accept values, files and
    /// single findings.
    pub struct ConnectionStringPassword {
        code: "SD003",
        name: "connection-string-password",
        category: SensitiveData,
        severity: Error,
        security_severity: 8.0,
    }
}

impl Rule for ConnectionStringPassword {
    crate::rule_meta!();

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        if file_checked(cx) {
            let found = super::yaml_scan::secrets(file, &cx.source.text);
            report_family(cx, Family::ConnectionString, found);
        }
    }

    fn check_sql(&self, unit: &SqlUnit, cx: &mut Cx) {
        check_sql_family(unit, cx, Family::ConnectionString);
    }

    fn check_embedding(&self, model: &FileModel, cx: &mut Cx) {
        check_embedding_family(model, cx, Family::ConnectionString);
    }

    fn check_key_values(&self, file: &KvFile, cx: &mut Cx) {
        check_key_value_family(file, cx, Family::ConnectionString);
    }

    fn check_terraform(&self, unit: &TfUnit, cx: &mut Cx) {
        if file_checked(cx) {
            report_family(cx, Family::ConnectionString, tf_scan::secrets(unit).iter());
        }
    }
}
