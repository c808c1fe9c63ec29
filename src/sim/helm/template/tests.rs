use serde_json::{Value, json};

use super::Template;

fn render(source: &str, values: Value) -> String {
    let root = json!({
        "Values": values,
        "Release": {"Name": "tcb", "Namespace": "default", "Service": "Helm"},
        "Chart": {"Name": "trino", "Version": "0.3.0", "AppVersion": "355"},
    });
    Template::parse("t.yaml", source)
        .expect("template parses")
        .render(&root)
        .expect("template renders")
}

fn render_error(source: &str, values: Value) -> String {
    let root = json!({"Values": values, "Release": {"Name": "tcb"}, "Chart": {"Name": "trino"}});
    match Template::parse("t.yaml", source) {
        Err(e) => e.to_string(),
        Ok(t) => t.render(&root).expect_err("render must fail").to_string(),
    }
}

#[test]
fn prints_paths_and_builtins() {
    assert_eq!(
        render(
            "name: {{ fullname }}-{{ .Values.role }}\nchart: {{ .Chart.Name }}-{{ .Chart.Version }}\nns: {{ .Release.Namespace }}\n",
            json!({"role": "worker"})
        ),
        "name: tcb-trino-worker\nchart: trino-0.3.0\nns: default\n"
    );
}

#[test]
fn missing_values_print_nothing() {
    assert_eq!(render("a: [{{ .Values.nope.deeper }}]", json!({})), "a: []");
}

#[test]
fn conditionals_drop_their_own_lines() {
    let source =
        "a: 1\n  {{ if gt .Values.n 0 }}\nb: yes\n  {{ else }}\nb: no\n  {{ end }}\nc: 3\n";
    assert_eq!(render(source, json!({"n": 2})), "a: 1\nb: yes\nc: 3\n");
    assert_eq!(render(source, json!({"n": 0})), "a: 1\nb: no\nc: 3\n");
}

#[test]
fn inline_conditionals_keep_the_line() {
    let source = "x{{ if eq .Values.t \"NodePort\" }} np{{ end }}!\n";
    assert_eq!(render(source, json!({"t": "NodePort"})), "x np!\n");
    assert_eq!(render(source, json!({"t": "ClusterIP"})), "x!\n");
}

#[test]
fn a_whole_template_can_be_conditional() {
    let source = "{{ if .Values.on }}\nkind: A\n{{ end }}\n";
    assert_eq!(render(source, json!({"on": true})), "kind: A\n");
    assert_eq!(render(source, json!({"on": false})), "");
}

#[test]
fn truthiness_follows_go_templates() {
    let source = "{{ if .Values.v }}T{{ else }}F{{ end }}";
    for (v, expected) in [
        (json!(null), "F"),
        (json!(false), "F"),
        (json!(0), "F"),
        (json!(""), "F"),
        (json!([]), "F"),
        (json!({}), "F"),
        (json!(1), "T"),
        (json!("x"), "T"),
        (json!([1]), "T"),
    ] {
        assert_eq!(render(source, json!({"v": v})), expected, "value {v}");
    }
}

#[test]
fn default_and_quote_in_pipes() {
    let source =
        "image: {{ .Values.tag | default .Chart.AppVersion }} v: {{ .Chart.AppVersion | quote }}";
    assert_eq!(render(source, json!({"tag": ""})), "image: 355 v: \"355\"");
    assert_eq!(
        render(source, json!({"tag": "latest"})),
        "image: latest v: \"355\""
    );
    assert_eq!(render(source, json!({"tag": 480})), "image: 480 v: \"355\"");
}

#[test]
fn to_yaml_indents_maps_and_prints_empty_collections_inline() {
    let source = "resources:{{ toYaml .Values.r 4 }}\nenv:{{ toYaml .Values.e 4 }}\n";
    assert_eq!(
        render(source, json!({"r": {"limits": {"cpu": "2"}}, "e": []})),
        "resources:\n    limits:\n      cpu: '2'\nenv:\n    []\n"
    );
    assert_eq!(
        render(source, json!({"r": {}, "e": []})),
        "resources:\n    {}\nenv:\n    []\n"
    );
}

#[test]
fn range_over_lists_and_maps() {
    let source = "props:\n  {{ range .Values.extra }}\n  {{ . }}\n  {{ end }}\n";
    assert_eq!(
        render(source, json!({"extra": ["a=1", "b=2"]})),
        "props:\n  a=1\n  b=2\n"
    );
    assert_eq!(render(source, json!({"extra": []})), "props:\n");
    let source =
        "{{ range .Values.m }}\n{{ .key }}.properties: |{{ nindent .value 2 }}\n{{ end }}\n";
    assert_eq!(
        render(source, json!({"m": {"tpch": "connector.name=tpch\n"}})),
        "tpch.properties: |\n  connector.name=tpch\n"
    );
}

#[test]
fn root_paths_work_inside_range() {
    let source = "{{ range .Values.l }}{{ . }}@{{ .Release.Name }} {{ end }}";
    assert_eq!(render(source, json!({"l": ["x", "y"]})), "x@tcb y@tcb ");
}

#[test]
fn comments_vanish() {
    assert_eq!(render("a\n{{/* why */}}\nb\n", json!({})), "a\nb\n");
}

#[test]
fn fullname_keeps_a_release_that_names_trino() {
    assert_eq!(crate::sim::helm::fullname("tcb", "trino"), "tcb-trino");
    assert_eq!(crate::sim::helm::fullname("my-trino", "trino"), "my-trino");
    assert_eq!(
        crate::sim::helm::fullname(&"x".repeat(70), "trino").len(),
        63
    );
}

#[test]
fn errors_name_the_line() {
    assert_eq!(
        render_error("a\nb {{ nosuch 1 }}\n", json!({})),
        "template: t.yaml:2: function \"nosuch\" not defined"
    );
    assert!(render_error("{{ if .Values.x }}\nopen\n", json!({})).contains("missing {{end}}"));
    assert!(render_error("{{ end }}", json!({})).contains("unexpected {{end}}"));
    assert!(render_error("x {{ .Values.m }}", json!({"m": {"a": 1}})).contains("use toYaml"));
    assert!(render_error("{{ gt .Values.s 1 }}", json!({"s": "3"})).contains("incompatible"));
    assert!(render_error("{{- .Values.x }}", json!({})).contains("not supported"));
    assert!(render_error("a {{ .Values.x", json!({})).contains("unclosed action"));
    assert!(
        render_error("{{ .Values.s.deeper }}", json!({"s": "text"})).contains("can't evaluate")
    );
}
