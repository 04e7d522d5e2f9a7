use crate::registry::{Cx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a YAML file that is a Go (Helm) or Jinja template rather than YAML: it holds
    /// `{{ … }}` or `{% … %}` where a line or a value starts (in a Helm chart's `templates/`
    /// folder, anywhere), so it cannot be read before it is rendered. The file is skipped. One
    /// cause, one notice: a run gets one, at the first template construct of the first such
    /// file, with the count of the others.
    ///
    /// Not templates: GitHub Actions expressions (`${{ … }}`), and `{{ … }}` inside a quoted
    /// string, a block scalar, a comment or the middle of a plain value (a Prometheus alert's
    /// `description: Pod {{ $labels.pod }} is down`): the file is YAML, and such values are
    /// treated as unknown.
    ///
    /// ## Why is this bad?
    /// It is not: the notice makes sure a skipped file is never skipped silently. A chart's
    /// values and rendered manifests can still be checked.
    ///
    /// ## Example
    /// ```yaml file=chart/templates/secret.yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: {{ .Release.Name }}-db
    /// ```
    ///
    /// ## Use instead
    /// Lint what the template renders to (`helm template chart/ > rendered.yaml`), and exclude
    /// the templates folder, or keep the values in plain YAML:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: app-db
    /// ```
    pub struct TemplateSkipped {
        code: "LN008",
        name: "template-skipped",
        category: Tool,
        severity: Info,
    }
}

impl Rule for TemplateSkipped {
    crate::rule_meta!();

    fn check_yaml(&self, file: &crate::yaml::YamlFile, cx: &mut Cx) {
        if let Some(span) = file.template {
            cx.report(
                span,
                "this file is a Go or Jinja template, not YAML: it was not checked",
            )
            .label("template construct")
            .help("lint the rendered output instead (`helm template`), or exclude the templates folder in schemaguard.toml");
        }
    }
}
