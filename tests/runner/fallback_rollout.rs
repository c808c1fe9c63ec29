//! The built-in kubectl fallback's `set image` and `rollout
//! status|history|undo|restart`, run as lesson steps on a machine without
//! kubectl: what they print, and what the Deployment checks then see.

const LESSON: &str = r#"---
id: fallback-rollout
title: Rollouts without kubectl
summary: set image and rollout on the fallback.
minutes: 1
order: 1
---

# Rollouts without kubectl

```sh step id=create
kubectl create deployment web --image=nginx:1.20 --replicas=2
```

```toml step-config
title = "Create"
timeout = "30s"

[[check]]
kind = "deployment"
name = "web"
ready = 2
timeout = "1m"
hint = "not ready"
```

```sh step id=set-image
kubectl set image deployment/web nginx=nginx:1.21
```

```toml step-config
title = "Set image"
timeout = "30s"

[[check]]
kind = "deployment"
name = "web"
images = { nginx = "nginx:1.21" }
revision = 2
timeout = "30s"
hint = "the image did not change"
```

```sh step id=status
kubectl rollout status deployment/web --timeout=1m
```

```toml step-config
title = "Status"
timeout = "90s"

[[check]]
kind = "deployment"
name = "web"
up-to-date = 2
available = 2
timeout = "30s"
hint = "not rolled out"
```

```sh step id=history
kubectl rollout history deployment/web
```

```toml step-config
title = "History"
timeout = "30s"
```

```sh step id=undo
kubectl rollout undo deployment/web
```

```toml step-config
title = "Undo"
timeout = "30s"

[[check]]
kind = "deployment"
name = "web"
images = { nginx = "nginx:1.20" }
revision = 3
timeout = "30s"
hint = "not rolled back"
```

```sh step id=restart
kubectl rollout restart deployment/web
```

```toml step-config
title = "Restart"
timeout = "30s"

[[check]]
kind = "deployment"
name = "web"
images = { nginx = "nginx:1.20" }
revision = 4
timeout = "30s"
hint = "not restarted"
```

```sh step id=undo-missing
kubectl rollout undo deployment/web --to-revision=9
```

```toml step-config
title = "Undo to a revision that does not exist"
timeout = "30s"
```
"#;

#[test]
fn set_image_and_rollout_run_on_the_fallback_and_the_checks_follow() {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = state.path().join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons dir");
    std::fs::write(lessons.join("rollout.md"), LESSON).expect("lesson");
    // A PATH with a shell and nothing else: no kubectl anywhere.
    let bin = state.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).expect("symlink sh");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["--lessons", lessons.to_str().expect("utf-8 path")])
        .args(["run", "--all", "--pace", "fast"])
        .env("PATH", &bin)
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "│ deployment.apps/web image updated",
        "│ deployment \"web\" successfully rolled out",
        "│ REVISION  CHANGE-CAUSE",
        "│ 1         <none>",
        "│ 2         <none>",
        "│ deployment.apps/web rolled back",
        "│ deployment.apps/web restarted",
        "│ error: unable to find specified revision 9 in history",
        "6 passed, 1 failed",
    ] {
        assert!(all.contains(line), "missing {line:?} in:\n{all}");
    }
    assert!(all.contains("✘ undo-missing"), "{all}");
}
