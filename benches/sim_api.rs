//! Criterion benchmarks of the simulated API server over loopback: GET of one
//! deployment and LIST of 100 pods, with a hyper client.

use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use trinetes::sim::{ApiServer, Clock, Store};

fn seeded_store() -> Store {
    let store = Store::new(Clock::real(1.0));
    store
        .create(
            "Deployment",
            json!({"metadata": {"name": "web", "namespace": "default"},
                   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                            "template": {"metadata": {"labels": {"app": "web"}},
                                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}),
        )
        .expect("seed deployment");
    for i in 0..100 {
        store
            .create(
                "Pod",
                json!({"metadata": {"name": format!("web-{i}"), "namespace": "default", "labels": {"app": "web"}},
                       "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}),
            )
            .expect("seed pod");
    }
    store
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ApiServer::start(seeded_store(), None))
        .expect("server");
    let client: Client<_, Empty<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let get_url: hyper::Uri = format!(
        "{}/apis/apps/v1/namespaces/default/deployments/web",
        server.url()
    )
    .parse()
    .expect("url");
    let list_url: hyper::Uri = format!("{}/api/v1/namespaces/default/pods", server.url())
        .parse()
        .expect("url");
    let fetch = |uri: hyper::Uri| {
        let client = client.clone();
        async move {
            let resp = client.get(uri).await.expect("request");
            assert!(resp.status().is_success());
            resp.into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .len()
        }
    };
    c.bench_function("get_one_deployment", |b| {
        b.to_async(&rt).iter(|| fetch(get_url.clone()))
    });
    c.bench_function("list_100_pods", |b| {
        b.to_async(&rt).iter(|| fetch(list_url.clone()))
    });
    rt.block_on(server.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
