use serde_json::json;

use super::*;

fn s(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

#[test]
fn columns_pad_to_the_widest_cell_plus_padding_and_the_last_is_left_alone() {
    let out = align(
        &s(&["NAME\tREADY\tAGE", "web-1\t1/1\t5s", "a\tx\t10m"]),
        6,
        3,
    );
    assert_eq!(
        out,
        [
            "NAME    READY   AGE",
            "web-1   1/1     5s",
            "a       x       10m"
        ]
    );
    // The minimum width holds for narrow columns.
    assert_eq!(align(&s(&["A\tB", "c\td"]), 6, 3), ["A     B", "c     d"]);
}

#[test]
fn a_line_without_a_cell_ends_the_column_block() {
    let out = align(
        &s(&["Name:\tweb", "Pod Template:", "  Labels:\tapp=web"]),
        0,
        2,
    );
    assert_eq!(out, ["Name:  web", "Pod Template:", "  Labels:  app=web"]);
}

fn table() -> serde_json::Value {
    json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1",
        "columnDefinitions": [
            {"name": "Name", "type": "string", "priority": 0},
            {"name": "Ready", "type": "string", "priority": 0},
            {"name": "Restarts", "type": "integer", "priority": 0},
            {"name": "IP", "type": "string", "priority": 1},
            {"name": "Nominated Node", "type": "string", "priority": 1}
        ],
        "rows": [
            {"cells": ["web-7d4b9c-abcde", "1/1", 0, "10.244.1.5", null],
             "object": {"metadata": {"name": "web-7d4b9c-abcde", "namespace": "default", "labels": {"pod-template-hash": "7d4b9c", "app": "web"}}}},
            {"cells": ["db-0", "0/1", 12, "10.244.2.9", null],
             "object": {"metadata": {"name": "db-0", "namespace": "data"}}}
        ]
    })
}

#[test]
fn tables_print_like_kubectl_get() {
    let out = render_tables(&[table()], TableOptions::default());
    assert_eq!(
        out,
        [
            "NAME               READY   RESTARTS",
            "web-7d4b9c-abcde   1/1     0",
            "db-0               0/1     12",
        ]
    );
}

#[test]
fn wide_namespace_and_labels_add_columns() {
    let out = render_tables(
        &[table()],
        TableOptions {
            wide: true,
            with_namespace: true,
            show_labels: true,
            no_headers: false,
        },
    );
    assert_eq!(
        out,
        [
            "NAMESPACE   NAME               READY   RESTARTS   IP           NOMINATED NODE   LABELS",
            "default     web-7d4b9c-abcde   1/1     0          10.244.1.5   <none>           app=web,pod-template-hash=7d4b9c",
            "data        db-0               0/1     12         10.244.2.9   <none>           <none>",
        ]
    );
    let out = render_tables(
        &[table()],
        TableOptions {
            no_headers: true,
            ..TableOptions::default()
        },
    );
    assert_eq!(out.len(), 2);
    assert!(out[0].starts_with("web-7d4b9c-abcde   1/1"));
}

#[test]
fn several_tables_print_as_one_and_empty_input_prints_nothing() {
    let out = render_tables(&[table(), table()], TableOptions::default());
    assert_eq!(out.len(), 5);
    assert!(render_tables(&[], TableOptions::default()).is_empty());
    assert_eq!(
        no_resources(Some("default")),
        "No resources found in default namespace."
    );
    assert_eq!(no_resources(None), "No resources found");
}

#[test]
fn durations_read_like_kubectls() {
    let cases = [
        (-5, "<invalid>"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (200, "3m20s"),
        (3599, "59m"),
        (3 * 3600 + 600, "3h10m"),
        (30 * 3600, "30h"),
        (3 * 86_400, "3d"),
        (3 * 86_400 + 7200, "3d2h"),
        (40 * 86_400, "40d"),
        (800 * 86_400, "2y"),
    ];
    for (secs, want) in cases {
        assert_eq!(human_duration(secs), want, "{secs}");
    }
}
