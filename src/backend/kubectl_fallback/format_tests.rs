use serde_json::json;

use super::*;

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
