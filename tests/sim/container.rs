//! The simulated container that `kubectl exec` reaches: Trino installed by
//! the charts on a manual clock, then read from inside its pods.

use std::time::Duration;

use serde_json::{Value, json};
use trinetes::sim::container::{Container, ContainerError, Exit, Output};
use trinetes::sim::controllers::kubelet_sources::VOLUME_SYNC_DELAY;
use trinetes::sim::controllers::{ControllerOptions, Reconciler, admission};
use trinetes::sim::helm::{HelmEnv, HelmSim};
use trinetes::sim::nodes::add_nodes;
use trinetes::sim::trino::{StartupTiming, register_trino_runtime};
use trinetes::sim::{Clock, Store};

fn t0() -> jiff::Timestamp {
    "2026-03-01T10:00:00Z".parse().expect("a valid timestamp")
}

struct World {
    store: Store,
    reconciler: Reconciler,
}

impl World {
    fn new() -> World {
        let store = Store::new(Clock::manual(t0()));
        store.set_admission(admission());
        add_nodes(&store, 2, "m5.large").expect("nodes");
        let opts = ControllerOptions::default();
        register_trino_runtime(&opts.runtimes, store.clone(), StartupTiming::default());
        let reconciler = opts.reconciler(store.clone());
        World { store, reconciler }
    }

    /// A world with Trino installed by chart `version` and every pod Ready.
    fn with_trino(version: &str, sets: &[&str]) -> World {
        let mut world = World::new();
        world.helm_install(version, sets);
        world.run_until("Trino is Ready", |store| {
            let pods = store.list("Pod", Some("default")).0;
            pods.len() == 3 && pods.iter().all(is_ready)
        });
        world
    }

    fn helm_install(&mut self, version: &str, sets: &[&str]) {
        let mut helm = HelmSim::new();
        let env = HelmEnv::new(self.store.clock().now()).with_cluster(&self.store);
        helm.run(
            &["repo", "add", "trino", "https://trinodb.github.io/charts"],
            &env,
        );
        let mut args = vec!["install", "tcb", "trino/trino", "--version", version];
        for set in sets {
            args.extend(["--set", set]);
        }
        let out = helm.run(&args, &env);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
    }

    /// Settles the controllers, then jumps to the next timer, until `done`.
    fn run_until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        for _ in 0..400 {
            let wake = self.reconciler.settle();
            if done(&self.store) {
                return;
            }
            let now = self.store.clock().now();
            let step = wake
                .map(|at| Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO))
                .filter(|d| !d.is_zero())
                .unwrap_or(Duration::from_secs(1));
            self.store.clock().advance(step);
        }
        panic!("the cluster never reached: {what}");
    }

    fn advance(&mut self, by: Duration) {
        self.store.clock().advance(by);
        self.reconciler.settle();
    }

    fn pod(&self, component: &str) -> String {
        self.store
            .list("Pod", Some("default"))
            .0
            .iter()
            .find(|p| {
                p["metadata"]["labels"]["component"] == component
                    || p["metadata"]["labels"]["app.kubernetes.io/component"] == component
            })
            .and_then(|p| p["metadata"]["name"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("a {component} pod"))
    }

    fn open(&self, pod: &str) -> Container {
        Container::from_store(&self.store, "default", pod, None)
            .unwrap_or_else(|e| panic!("{pod} opens: {e}"))
    }
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn argv(line: &str) -> Vec<String> {
    shell_words::split(line).expect("a valid command line")
}

fn run(c: &Container, line: &str) -> Output {
    c.exec(&argv(line), &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs a command that must succeed and returns its output.
fn ok(c: &Container, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit, Exit::Code(0), "{line}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn etc_trino_holds_what_each_chart_mounted() {
    for (version, sets, extra) in [
        ("0.3.0", &["image.tag=355"][..], &[][..]),
        ("1.42.2", &[][..], &["schemas"][..]),
    ] {
        let world = World::with_trino(version, sets);
        let coordinator = world.open(&world.pod("coordinator"));
        let worker = world.open(&world.pod("worker"));
        let mut expected = vec![
            "catalog",
            "config.properties",
            "jvm.config",
            "log.properties",
            "node.properties",
        ];
        expected.extend(extra);
        expected.sort();
        let listed = ok(&coordinator, "ls /etc/trino");
        assert_eq!(
            listed.lines().collect::<Vec<_>>(),
            expected,
            "chart {version}"
        );
        assert_eq!(
            ok(&worker, "ls /etc/trino/catalog"),
            "tpcds.properties\ntpch.properties\n",
            "chart {version}"
        );
        assert!(
            ok(&coordinator, "cat /etc/trino/config.properties")
                .lines()
                .any(|l| l == "coordinator=true"),
            "chart {version}"
        );
        assert!(
            ok(&worker, "cat /etc/trino/config.properties")
                .lines()
                .any(|l| l == "coordinator=false"),
            "chart {version}"
        );
        assert_eq!(
            ok(&worker, "cat /etc/trino/catalog/tpch.properties")
                .lines()
                .next(),
            Some("connector.name=tpch")
        );
        // The files are what the ConfigMaps hold, byte for byte.
        let cm = world
            .store
            .get("ConfigMap", Some("default"), "tcb-trino-worker")
            .expect("worker config map");
        assert_eq!(
            ok(&worker, "cat /etc/trino/jvm.config"),
            cm["data"]["jvm.config"].as_str().expect("jvm.config")
        );
    }
}

#[test]
fn the_kubelet_files_and_the_environment_are_those_of_the_pod() {
    let world = World::with_trino("1.42.2", &[]);
    let name = world.pod("coordinator");
    let c = world.open(&name);
    let pod = world.store.get("Pod", Some("default"), &name).expect("pod");
    let ip = pod["status"]["podIP"].as_str().expect("pod IP");
    assert_eq!(ok(&c, "hostname"), format!("{name}\n"));
    assert_eq!(ok(&c, "cat /etc/hostname"), format!("{name}\n"));
    assert!(ok(&c, "cat /etc/hosts").contains(&format!("{ip}\t{name}\n")));
    assert_eq!(
        ok(&c, "cat /etc/resolv.conf"),
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.100.0.10\noptions ndots:5\n"
    );
    let service_ip = world
        .store
        .get("Service", Some("default"), "tcb-trino")
        .expect("service")["spec"]["clusterIP"]
        .as_str()
        .expect("cluster IP")
        .to_string();
    let env = ok(&c, "env");
    for line in [
        format!("HOSTNAME={name}"),
        format!("TCB_TRINO_SERVICE_HOST={service_ip}"),
        "TCB_TRINO_SERVICE_PORT=8080".to_string(),
        format!("TCB_TRINO_PORT_8080_TCP=tcp://{service_ip}:8080"),
        "KUBERNETES_SERVICE_HOST=10.100.0.1".to_string(),
        "KUBERNETES_SERVICE_PORT=443".to_string(),
        "HOME=/home/trino".to_string(),
    ] {
        assert!(env.lines().any(|l| l == line), "{line} missing in:\n{env}");
    }
    assert!(env.lines().any(|l| l.starts_with("PATH=")));
    assert_eq!(
        ok(&c, "id"),
        "uid=1000(trino) gid=1000(trino) groups=1000(trino)\n"
    );
    assert_eq!(
        ok(
            &c,
            "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace"
        ),
        "default"
    );
}

#[test]
fn commands_fail_the_way_a_container_does() {
    let world = World::with_trino("1.42.2", &[]);
    let c = world.open(&world.pod("worker"));
    let missing = run(&c, "cat /x");
    assert_eq!(missing.exit, Exit::Code(1));
    assert_eq!(stderr(&missing), "cat: /x: No such file or directory\n");
    assert_eq!(
        run(&c, "nosuch").exit,
        Exit::StartFailed("exec: \"nosuch\": executable file not found in $PATH".into())
    );
    // Until a later change adds it, the Trino CLI is not in the image.
    assert_eq!(
        run(&c, "trino --version").exit,
        Exit::StartFailed("exec: \"trino\": executable file not found in $PATH".into())
    );
    let in_shell = run(&c, "sh -c 'nosuch arg'");
    assert_eq!(in_shell.exit, Exit::Code(127));
    assert_eq!(stderr(&in_shell), "sh: nosuch: not found\n");
    let ls = run(&c, "ls /nope");
    assert_eq!(ls.exit, Exit::Code(2));
    assert_eq!(
        stderr(&ls),
        "ls: cannot access '/nope': No such file or directory\n"
    );
    assert_eq!(
        run(&c, "grep -q nothing-like-this /etc/hosts").exit,
        Exit::Code(1)
    );
    assert_eq!(run(&c, "sh -c 'exit 7'").exit, Exit::Code(7));
    let written = run(&c, "sh -c 'echo x > /etc/trino/jvm.config'");
    assert_eq!(written.exit, Exit::Code(1));
    assert!(stderr(&written).contains("Read-only file system"));
}

#[test]
fn the_shell_runs_pipes_lists_quotes_and_variables() {
    let world = World::with_trino("1.42.2", &[]);
    let c = world.open(&world.pod("coordinator"));
    assert_eq!(
        ok(
            &c,
            "sh -c 'cat /etc/trino/config.properties | grep -n ^coordinator'"
        ),
        "1:coordinator=true\n"
    );
    assert_eq!(
        ok(&c, "sh -c 'false || echo \"a  b\"; true && echo $HOME'"),
        "a  b\n/home/trino\n"
    );
    assert_eq!(
        ok(
            &c,
            "sh -c 'cd /etc/trino/catalog && pwd && ls *.properties | wc -l'"
        ),
        "/etc/trino/catalog\n2\n"
    );
    assert_eq!(
        ok(&c, "sh -c 'cat /nope 2>&1 | head -n 1'"),
        "cat: /nope: No such file or directory\n"
    );
    assert_eq!(
        ok(&c, "sh -c 'X=1; echo \"$X${X}\" '\"'\"'$X'\"'\""),
        "11 $X\n"
    );
    assert_eq!(ok(&c, "sh -c 'echo hi' extra"), "hi\n");
    assert_eq!(
        ok(
            &c,
            "sh -c 'echo \"I am $(hostname | wc -c) bytes\" `echo x`'"
        ),
        format!("I am {} bytes x\n", c_hostname_len(&c))
    );
    assert_eq!(
        ok(&c, "sh -c 'ls $(echo /etc/trino/catalog)'"),
        "tpcds.properties\ntpch.properties\n"
    );
    let stdin = c.exec(&argv("cat"), b"piped\n");
    assert_eq!(stdout(&stdin), "piped\n");
    let script = c.exec(&argv("sh"), b"cd /etc\npwd\nexit 4\necho never\n");
    assert_eq!(stdout(&script), "/etc\n");
    assert_eq!(script.exit, Exit::Code(4));
    assert_eq!(
        ok(&c, "tail -n 1 /etc/trino/catalog/tpch.properties")
            .lines()
            .count(),
        1
    );
}

#[test]
fn an_interactive_shell_keeps_its_directory_and_leaves_on_exit() {
    let world = World::with_trino("1.42.2", &[]);
    let c = world.open(&world.pod("coordinator"));
    assert!(c.is_shell(&argv("sh")));
    assert!(c.is_shell(&argv("/bin/sh")));
    assert!(!c.is_shell(&argv("sh -c ls")));
    assert!(c.is_shell(&argv("bash")), "the Trino image has bash");
    assert_eq!(c.shell_for(&argv("bash")).prompt(), "bash-5.1$ ");
    let mut shell = c.shell();
    assert_eq!(shell.prompt(), "sh-5.1$ ");
    let (out, leave) = shell.run_line("cd /etc/trino");
    assert!(!leave);
    assert_eq!(out.exit, Exit::Code(0));
    let (out, _) = shell.run_line("pwd");
    assert_eq!(stdout(&out), "/etc/trino\n");
    let (out, _) = shell.run_line("nosuch");
    assert_eq!(out.exit, Exit::Code(127));
    let (out, _) = shell.run_line("echo $?");
    assert_eq!(stdout(&out), "127\n");
    let (out, _) = shell.run_line("ps");
    let ps = stdout(&out);
    assert!(ps.lines().any(|l| l.ends_with(" java")), "{ps}");
    assert!(
        ps.lines()
            .any(|l| l.contains("pts/0") && l.ends_with(" sh")),
        "{ps}"
    );
    assert!(
        ps.lines()
            .any(|l| l.contains("pts/0") && l.ends_with(" ps")),
        "{ps}"
    );
    let (out, leave) = shell.run_line("exit 3");
    assert!(leave);
    assert_eq!(out.exit, Exit::Code(3));
}

#[test]
fn the_process_list_the_log_and_the_files_agree() {
    let world = World::with_trino("1.42.2", &[]);
    let name = world.pod("coordinator");
    let c = world.open(&name);
    let ps = ok(&c, "ps -ef");
    let java = ps
        .lines()
        .find(|l| l.contains("io.trino.server.TrinoServer"))
        .unwrap_or_else(|| panic!("no Trino JVM in:\n{ps}"));
    assert!(java.starts_with("trino "), "{java}");
    assert!(java.contains(&format!("-Dnode.id={name}")), "{java}");
    let jvm = ok(&c, "cat /etc/trino/jvm.config");
    for option in jvm
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        assert!(java.contains(option.trim()), "{option} not in {java}");
    }
    let log = world.store.logs("default", &name, "trino-coordinator");
    assert!(
        log[0].contains(&format!(
            "launcher run --etc-dir /etc/trino -Dnode.id={name}"
        )),
        "{log:?}"
    );
}

#[test]
fn mounted_files_follow_a_config_map_change_after_the_sync_but_the_process_does_not() {
    let mut world = World::with_trino("1.42.2", &[]);
    let name = world.pod("coordinator");
    let c = world.open(&name);
    let before = ok(&c, "cat /etc/trino/jvm.config");
    let java = |c: &Container| {
        ok(c, "ps -ef")
            .lines()
            .find(|l| l.contains("io.trino.server.TrinoServer"))
            .and_then(|l| l.split_once(" /usr/lib/jvm/"))
            .map(|(_, cmd)| cmd.to_string())
            .expect("the Trino JVM runs")
    };
    let java_before = java(&c);
    let mut cm = world
        .store
        .get("ConfigMap", Some("default"), "tcb-trino-coordinator")
        .expect("config map");
    cm["data"]["jvm.config"] = json!(format!("{before}-Dchanged=yes\n"));
    // A property this Trino refuses: it would fail at the next start only.
    let config = cm["data"]["config.properties"]
        .as_str()
        .expect("config")
        .to_string();
    cm["data"]["config.properties"] =
        json!(format!("{config}query.max-total-memory-per-node=2GB\n"));
    world.store.update("ConfigMap", cm).expect("updated");
    world.reconciler.settle();
    world.advance(Duration::from_secs(1));
    assert_eq!(
        ok(&c, "cat /etc/trino/jvm.config"),
        before,
        "the kubelet has not synced yet"
    );
    world.advance(VOLUME_SYNC_DELAY - Duration::from_secs(1));
    let after = ok(&c, "cat /etc/trino/jvm.config");
    assert!(after.ends_with("-Dchanged=yes\n"), "{after}");
    // Trino read its config at start: its command line is unchanged.
    assert_eq!(java(&c), java_before);
    assert!(!java_before.contains("-Dchanged=yes"));
    world.advance(Duration::from_secs(600));
    let pod = world.store.get("Pod", Some("default"), &name).expect("pod");
    assert!(is_ready(&pod), "the running Trino goes on");
    assert_eq!(pod["status"]["containerStatuses"][0]["restartCount"], 0);
}

#[test]
fn env_vars_and_sub_path_mounts_never_follow() {
    let mut world = World::new();
    world
        .store
        .create(
            "ConfigMap",
            json!({"metadata": {"name": "app", "namespace": "default"},
                   "data": {"mode": "one", "app.conf": "v=1\n"}}),
        )
        .expect("config map");
    world
        .store
        .create(
            "Pod",
            json!({"metadata": {"name": "web", "namespace": "default"},
                   "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                       "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app", "key": "mode"}}},
                               {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                       "volumeMounts": [{"name": "cfg", "mountPath": "/etc/app"},
                                        {"name": "cfg", "mountPath": "/etc/app.conf", "subPath": "app.conf"}]}],
                            "volumes": [{"name": "cfg", "configMap": {"name": "app"}}]}}),
        )
        .expect("pod");
    world.run_until("web is Ready", |s| {
        s.get("Pod", Some("default"), "web")
            .is_some_and(|p| is_ready(&p))
    });
    let c = world.open("web");
    assert_eq!(ok(&c, "printenv MODE POD"), "one\nweb\n");
    let mut cm = world
        .store
        .get("ConfigMap", Some("default"), "app")
        .expect("config map");
    cm["data"] = json!({"mode": "two", "app.conf": "v=2\n"});
    world.store.update("ConfigMap", cm).expect("updated");
    // The controllers react to the change at once, as to any store write.
    world.reconciler.settle();
    world.advance(VOLUME_SYNC_DELAY);
    assert_eq!(ok(&c, "cat /etc/app/app.conf"), "v=2\n");
    assert_eq!(ok(&c, "cat /etc/app/mode"), "two");
    assert_eq!(
        ok(&c, "cat /etc/app.conf"),
        "v=1\n",
        "a subPath mount never follows"
    );
    assert_eq!(ok(&c, "printenv MODE"), "one\n", "env vars never follow");
    let listing = ok(&c, "ls -la /etc/app");
    assert!(listing.contains("..data -> ..20"), "{listing}");
    assert!(listing.contains("mode -> ..data/mode"), "{listing}");
    assert_eq!(ok(&c, "ls /etc/app"), "app.conf\nmode\n");
    let ps = ok(&c, "ps");
    assert!(
        ps.lines().nth(1).is_some_and(|l| l.ends_with(" nginx")),
        "{ps}"
    );
}

#[test]
fn opening_a_container_fails_as_the_api_server_does() {
    let mut world = World::with_trino("1.42.2", &[]);
    let name = world.pod("worker");
    assert_eq!(
        Container::from_store(&world.store, "default", "nope", None).err(),
        Some(ContainerError::PodNotFound { pod: "nope".into() })
    );
    let wrong = Container::from_store(&world.store, "default", &name, Some("sidecar")).err();
    assert_eq!(
        wrong.map(|e| e.to_string()),
        Some(format!("container sidecar is not valid for pod {name}"))
    );
    world
        .store
        .create(
            "Pod",
            json!({"metadata": {"name": "pending", "namespace": "default"},
                   "spec": {"nodeSelector": {"nowhere": "true"},
                            "containers": [{"name": "c", "image": "busybox"}]}}),
        )
        .expect("pod");
    world.advance(Duration::from_secs(5));
    assert_eq!(
        Container::from_store(&world.store, "default", "pending", None).err(),
        Some(ContainerError::NoHost {
            pod: "pending".into()
        })
    );
}

/// Trino's start-up lines reach the log at the times they name: SERVER
/// STARTED is not there while Trino is still starting, and it is there
/// before the pod turns Ready.
#[test]
fn start_up_log_lines_appear_at_their_own_times() {
    let mut world = World::new();
    world.helm_install("1.42.2", &[]);
    world.run_until("the coordinator container runs", |s| {
        s.list("Pod", Some("default")).0.iter().any(|p| {
            p["metadata"]["labels"]["app.kubernetes.io/component"] == "coordinator"
                && p["status"]["containerStatuses"][0]["state"]["running"].is_object()
        })
    });
    let name = world.pod("coordinator");
    let log = |world: &World| world.store.logs("default", &name, "trino-coordinator");
    let started = |world: &World| {
        log(world)
            .iter()
            .any(|l| l.ends_with("SERVER STARTED ========"))
    };
    assert!(!log(&world).is_empty(), "the launcher line comes at once");
    assert!(!started(&world), "{:#?}", log(&world));
    let timing = StartupTiming::default();
    world.advance(timing.started - Duration::from_secs(1));
    assert!(!started(&world), "one second early: {:#?}", log(&world));
    assert!(
        log(&world)
            .iter()
            .any(|l| l.contains("Started HTTP server")),
        "{:#?}",
        log(&world)
    );
    world.advance(Duration::from_secs(1));
    assert!(started(&world), "{:#?}", log(&world));
    let pod = world.store.get("Pod", Some("default"), &name).expect("pod");
    assert!(!is_ready(&pod), "Ready comes after SERVER STARTED");
    world.run_until("the coordinator is Ready", |s| {
        s.get("Pod", Some("default"), &name)
            .is_some_and(|p| is_ready(&p))
    });
}

#[test]
fn secret_volumes_items_modes_and_dns_settings_come_from_the_spec() {
    let mut world = World::new();
    world
        .store
        .create(
            "Secret",
            json!({"metadata": {"name": "creds", "namespace": "default"},
                   "data": {"password": "czNjcjN0", "user": "YWRtaW4="}}),
        )
        .expect("secret");
    world
        .store
        .create(
            "Pod",
            json!({"metadata": {"name": "box", "namespace": "default"},
                   "spec": {"dnsPolicy": "None",
                            "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["example.org"],
                                          "options": [{"name": "ndots", "value": "2"}]},
                            "automountServiceAccountToken": false,
                            "containers": [{"name": "box", "image": "busybox:1.36",
                                "command": ["sleep", "3600"],
                                "volumeMounts": [{"name": "creds", "mountPath": "/secrets"}]}],
                            "volumes": [{"name": "creds", "secret": {"secretName": "creds",
                                "defaultMode": 256,
                                "items": [{"key": "password", "path": "db/password"}]}}]}}),
        )
        .expect("pod");
    world.run_until("box is Ready", |s| {
        s.get("Pod", Some("default"), "box")
            .is_some_and(|p| is_ready(&p))
    });
    let c = world.open("box");
    assert_eq!(ok(&c, "cat /secrets/db/password"), "s3cr3t");
    assert_eq!(ok(&c, "ls /secrets"), "db\n");
    let long = ok(&c, "ls -l /secrets/..data/db");
    assert!(long.contains("-r-------- 1 root root"), "{long}");
    assert_eq!(
        ok(&c, "cat /etc/resolv.conf"),
        "search example.org\nnameserver 1.1.1.1\noptions ndots:2\n"
    );
    assert_eq!(
        run(&c, "ls /var/run/secrets").exit,
        Exit::Code(2),
        "no token without automount"
    );
    assert_eq!(ok(&c, "id"), "uid=0(root) gid=0(root) groups=0(root)\n");
    assert!(ok(&c, "ps -ef").contains(" sleep 3600\n"));
    assert_eq!(c.shell().prompt(), "/ # ");
    assert!(!c.is_shell(&argv("bash")), "busybox has no bash");
    assert_eq!(
        run(&c, "bash").exit,
        Exit::StartFailed("exec: \"bash\": executable file not found in $PATH".into())
    );
}

fn c_hostname_len(c: &Container) -> usize {
    ok(c, "hostname").len()
}
