//! What an image brings before Kubernetes mounts anything: its user, its
//! environment, its entrypoint and its usual directories.

use jiff::Timestamp;

use super::fs::{Filesystem, Meta};
use crate::sim::runtime::image_name;
use crate::sim::trino::{java_version, trino_version_of_image};

/// The PATH most Linux images set.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `trinodb/trino` at this Trino version.
    Trino(u32),
    Nginx,
    /// Anything else: a small busybox-like image.
    Generic,
}

impl ImageKind {
    pub fn of_image(image: &str) -> ImageKind {
        ImageProfile::of(image).kind
    }
}

/// The parts of an image the container view needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageProfile {
    pub kind: ImageKind,
    pub user: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
    /// `ENV` of the image, PATH first.
    pub env: Vec<(String, String)>,
    /// What runs when the pod sets no `command` (ENTRYPOINT + CMD).
    pub entrypoint: Vec<String>,
    pub workdir: String,
}

impl ImageProfile {
    pub fn of(image: &str) -> ImageProfile {
        let name = image_name(image);
        let path = ("PATH".to_string(), DEFAULT_PATH.to_string());
        if name == "trino" {
            let version = trino_version_of_image(image);
            let java_home = java_home(version);
            return ImageProfile {
                kind: ImageKind::Trino(version),
                user: "trino".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/trino".into(),
                env: vec![
                    ("PATH".into(), format!("{java_home}/bin:{DEFAULT_PATH}")),
                    ("JAVA_HOME".into(), java_home.clone()),
                    ("LANG".into(), "en_US.UTF-8".into()),
                ],
                entrypoint: vec!["/usr/lib/trino/bin/run-trino".into()],
                workdir: "/".into(),
            };
        }
        if name == "nginx" {
            return ImageProfile {
                kind: ImageKind::Nginx,
                user: "root".into(),
                uid: 0,
                gid: 0,
                home: "/root".into(),
                env: vec![path, ("NGINX_VERSION".into(), "1.27.5".into())],
                entrypoint: vec![
                    "/docker-entrypoint.sh".into(),
                    "nginx".into(),
                    "-g".into(),
                    "daemon off;".into(),
                ],
                workdir: "/".into(),
            };
        }
        ImageProfile {
            kind: ImageKind::Generic,
            user: "root".into(),
            uid: 0,
            gid: 0,
            home: "/root".into(),
            env: vec![path],
            entrypoint: vec!["sh".into()],
            workdir: "/".into(),
        }
    }

    /// The image's own files: the usual top-level directories, the users,
    /// and for Trino its installation and default config.
    pub fn filesystem(&self, programs: &[&str], built: Timestamp) -> Filesystem {
        let dir = Meta::root(0o755, built);
        let file = Meta::root(0o644, built);
        let exe = Meta::root(0o755, built);
        let mut fs = Filesystem::new(dir);
        for d in [
            "/usr/bin",
            "/usr/sbin",
            "/usr/lib",
            "/usr/local/bin",
            "/etc",
            "/home",
            "/root",
            "/var/log",
            "/run",
            "/proc",
            "/sys",
            "/dev",
            "/mnt",
            "/opt",
            "/srv",
        ] {
            fs.mkdir_p(d, dir);
        }
        fs.mkdir_p("/root", Meta::root(0o700, built));
        fs.mkdir_p("/tmp", Meta::root(0o1777, built));
        for (link, target) in [
            ("/bin", "usr/bin"),
            ("/sbin", "usr/sbin"),
            ("/lib", "usr/lib"),
        ] {
            fs.symlink(link, target, Meta::root(0o777, built));
        }
        for p in programs {
            fs.write(&format!("/usr/bin/{p}"), "", exe);
        }
        let mut passwd = String::from(
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        );
        let mut group = String::from("root:x:0:\nnobody:x:65534:\n");
        if self.uid != 0 {
            passwd.push_str(&format!(
                "{0}:x:{1}:{2}::{3}:/bin/sh\n",
                self.user, self.uid, self.gid, self.home
            ));
            group.push_str(&format!("{}:x:{}:\n", self.user, self.gid));
            fs.mkdir_p(
                &self.home,
                Meta {
                    uid: self.uid,
                    gid: self.gid,
                    mode: 0o700,
                    mtime: built,
                },
            );
        }
        fs.write("/etc/passwd", passwd, file);
        fs.write("/etc/group", group, file);
        match self.kind {
            ImageKind::Trino(version) => self.trino_files(&mut fs, version, built),
            ImageKind::Nginx => {
                fs.write(
                    "/etc/nginx/nginx.conf",
                    "user  nginx;\nworker_processes  auto;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
                    file,
                );
                fs.write(
                    "/etc/nginx/conf.d/default.conf",
                    "server {\n    listen       80;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html;\n    }\n}\n",
                    file,
                );
                fs.write(
                    "/usr/share/nginx/html/index.html",
                    "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n",
                    file,
                );
                fs.write(
                    "/docker-entrypoint.sh",
                    "#!/bin/sh\nset -e\nexec \"$@\"\n",
                    exe,
                );
            }
            ImageKind::Generic => {}
        }
        fs
    }

    fn trino_files(&self, fs: &mut Filesystem, version: u32, built: Timestamp) {
        let owned = |mode| Meta {
            uid: self.uid,
            gid: self.gid,
            mode,
            mtime: built,
        };
        fs.write(
            "/usr/lib/trino/bin/run-trino",
            "#!/bin/bash\n\nset -xeuo pipefail\n\nlauncher_opts=(--etc-dir /etc/trino)\nif ! grep -s -q 'node.id' /etc/trino/node.properties; then\n    launcher_opts+=(\"-Dnode.id=${HOSTNAME}\")\nfi\n\nexec /usr/lib/trino/bin/launcher run \"${launcher_opts[@]}\" \"$@\"\n",
            owned(0o755),
        );
        fs.write(
            "/usr/lib/trino/bin/launcher",
            "#!/bin/sh\nexec \"$(dirname \"$0\")/launcher.py\" \"$@\"\n",
            owned(0o755),
        );
        fs.write(
            "/usr/lib/trino/bin/launcher.py",
            "#!/usr/bin/env python3\n",
            owned(0o755),
        );
        fs.write(
            "/usr/lib/trino/bin/health-check",
            "#!/usr/bin/env bash\n\nset -euo pipefail\n\nfunction get_property() {\n    grep \"^$1=\" \"$2\" | cut -d'=' -f2\n}\n\nscheme=http\nport=8080\n\nif ! info=$(curl --fail --silent --show-error --insecure \"${scheme}://localhost:${port}/v1/info\"); then\n    exit 1\nfi\n\nif ! grep -q '\"starting\":\\s*false' <<<\"$info\" >/dev/null; then\n    exit 1\nfi\n",
            owned(0o755),
        );
        fs.write("/usr/lib/trino/lib/trino-main.jar", "", owned(0o644));
        for plugin in ["tpch", "tpcds", "memory", "hive", "iceberg", "postgresql"] {
            fs.mkdir_p(&format!("/usr/lib/trino/plugin/{plugin}"), owned(0o755));
        }
        fs.mkdir_p("/data/trino", owned(0o755));
        fs.mkdir_p(
            &format!("{}/bin", java_home(version)),
            Meta::root(0o755, built),
        );
        fs.write(
            &format!("{}/bin/java", java_home(version)),
            "",
            Meta::root(0o755, built),
        );
        // The image's default single-node config; the charts mount over it.
        fs.write(
            "/etc/trino/node.properties",
            "node.environment=docker\nnode.data-dir=/data/trino\n",
            owned(0o644),
        );
        fs.write(
            "/etc/trino/jvm.config",
            "-server\n-Xmx1G\n-XX:+UseG1GC\n-XX:+ExitOnOutOfMemoryError\n-Djdk.attach.allowAttachSelf=true\n",
            owned(0o644),
        );
        fs.write(
            "/etc/trino/config.properties",
            "coordinator=true\nnode-scheduler.include-coordinator=true\nhttp-server.http.port=8080\ndiscovery.uri=http://localhost:8080\n",
            owned(0o644),
        );
        fs.write("/etc/trino/log.properties", "io.trino=INFO\n", owned(0o644));
        fs.write(
            "/etc/trino/catalog/tpch.properties",
            "connector.name=tpch\n",
            owned(0o644),
        );
        fs.write(
            "/etc/trino/catalog/tpcds.properties",
            "connector.name=tpcds\n",
            owned(0o644),
        );
    }
}

/// Where the image's JDK lives, by the Java release the Trino version needs.
fn java_home(trino: u32) -> String {
    format!("/usr/lib/jvm/jdk-{}", java_version(trino))
}
