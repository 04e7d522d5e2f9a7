use std::collections::{BTreeMap, HashMap};

use crate::assemble::SetView;
use crate::frameworks::Framework;
use crate::parse::script::FileInfo;
use crate::registry::{Rule, SetCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an Alembic history with more than one head in the same branch: two revisions that
    /// both revise the same parent (usually two pull requests merged one after the other), and no
    /// merge revision joining them. Named branches (`branch_labels`, like expand/contract) are
    /// counted separately.
    ///
    /// ## Why is this bad?
    /// `alembic upgrade head` refuses to run ("Multiple head revisions are present"), so the
    /// deploy fails until someone writes a merge revision.
    ///
    /// ## Example
    /// ```python file=alembic/versions/a1_create_users.py
    /// revision = "a1"
    /// down_revision = None
    ///
    /// def upgrade():
    ///     op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
    ///
    /// def downgrade():
    ///     op.drop_table("users")
    /// ```
    /// ```python file=alembic/versions/b2_add_nickname.py
    /// revision = "b2"
    /// down_revision = "a1"
    ///
    /// def upgrade():
    ///     op.add_column("users", sa.Column("nickname", sa.Text()))
    ///
    /// def downgrade():
    ///     op.drop_column("users", "nickname")
    /// ```
    /// ```python file=alembic/versions/c3_add_avatar.py
    /// revision = "c3"
    /// down_revision = "a1"
    ///
    /// def upgrade():
    ///     op.add_column("users", sa.Column("avatar", sa.Text()))
    ///
    /// def downgrade():
    ///     op.drop_column("users", "avatar")
    /// ```
    ///
    /// ## Use instead
    /// ```python file=alembic/versions/a1_create_users.py
    /// revision = "a1"
    /// down_revision = None
    ///
    /// def upgrade():
    ///     op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
    ///
    /// def downgrade():
    ///     op.drop_table("users")
    /// ```
    /// ```python file=alembic/versions/b2_add_nickname.py
    /// revision = "b2"
    /// down_revision = "a1"
    ///
    /// def upgrade():
    ///     op.add_column("users", sa.Column("nickname", sa.Text()))
    ///
    /// def downgrade():
    ///     op.drop_column("users", "nickname")
    /// ```
    /// ```python file=alembic/versions/c3_add_avatar.py
    /// revision = "c3"
    /// down_revision = "b2"
    ///
    /// def upgrade():
    ///     op.add_column("users", sa.Column("avatar", sa.Text()))
    ///
    /// def downgrade():
    ///     op.drop_column("users", "avatar")
    /// ```
    pub struct AlembicMultipleHeads {
        code: "NM005",
        name: "alembic-multiple-heads",
        category: Naming,
        severity: Error,
    }
}

impl Rule for AlembicMultipleHeads {
    crate::rule_meta!();

    fn check_migration_set(&self, set: &SetView, cx: &mut SetCx) {
        if set.set.framework != Framework::Alembic || set.set.heads.len() < 2 {
            return;
        }
        // revision -> (file, parents, labels)
        let mut revs: HashMap<String, (usize, Vec<String>, Vec<String>)> = HashMap::new();
        for &f in &set.set.files {
            if let FileInfo::Revision(info) = &set.model(f).info
                && let Some(r) = &info.revision
            {
                revs.insert(
                    r.clone(),
                    (f, info.down_revisions.clone(), info.branch_labels.clone()),
                );
            }
        }
        // The branch of a head: the first label found walking down its first parents.
        let branch_of = |file: usize| -> String {
            let FileInfo::Revision(info) = &set.model(file).info else {
                return String::new();
            };
            let mut cur = info.revision.clone();
            for _ in 0..10_000 {
                let Some(r) = cur else { break };
                let Some((_, parents, labels)) = revs.get(&r) else {
                    break;
                };
                if let Some(l) = labels.first() {
                    return l.clone();
                }
                cur = parents.first().cloned();
            }
            String::new()
        };
        let mut by_branch: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &h in &set.set.heads {
            by_branch.entry(branch_of(h)).or_default().push(h);
        }
        for heads in by_branch.values().filter(|h| h.len() > 1) {
            let names: Vec<String> = heads
                .iter()
                .filter_map(|&h| match &set.model(h).info {
                    FileInfo::Revision(i) => i.revision.clone(),
                    _ => None,
                })
                .collect();
            for &h in heads {
                if !set.reported(h) {
                    continue;
                }
                let FileInfo::Revision(info) = &set.model(h).info else {
                    continue;
                };
                cx.report(h, info.span, format!("the history has {} heads ({}): `alembic upgrade head` refuses to run", heads.len(), names.join(", ")))
                    .label("one of several heads")
                    .help(format!("join them with `alembic merge -m \"merge heads\" {}`, or rebase this revision onto the other head", names.join(" ")));
            }
        }
    }
}
