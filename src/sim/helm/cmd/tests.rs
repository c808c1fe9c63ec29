use super::*;

fn refused(words: &[&str]) -> String {
    match parse_helm_args(words) {
        Err(UsageError::Refused(text)) => text,
        other => panic!("{words:?}: {other:?}"),
    }
}

fn help(words: &[&str]) -> String {
    match parse_helm_args(words) {
        Err(UsageError::Help(text)) => text,
        other => panic!("{words:?}: {other:?}"),
    }
}

#[test]
fn install_with_values_in_order() {
    let inv = parse_helm_args(&[
        "helm",
        "install",
        "tcb",
        "trino/trino",
        "--version",
        "0.3.0",
        "--set",
        "server.workers=3",
        "-f",
        "my.yaml",
        "--set-string=image.tag=355",
        "-n",
        "trino",
    ])
    .expect("valid");
    assert_eq!(inv.namespace.as_deref(), Some("trino"));
    let HelmCommand::Install {
        release,
        chart,
        options,
        ..
    } = inv.command
    else {
        panic!("not an install: {:?}", inv.command);
    };
    assert_eq!((release.as_str(), chart.as_str()), ("tcb", "trino/trino"));
    assert_eq!(options.version.as_deref(), Some("0.3.0"));
    assert_eq!(
        options.value_sources,
        vec![
            ValueSource::Set("server.workers=3".into()),
            ValueSource::File("my.yaml".into()),
            ValueSource::SetString("image.tag=355".into()),
        ]
    );
}

#[test]
fn namespace_and_glued_short_flags_go_anywhere() {
    let inv = parse_helm_args(&["-ntrino", "upgrade", "-i", "tcb", "trino/trino", "--wait"])
        .expect("valid");
    assert_eq!(inv.namespace.as_deref(), Some("trino"));
    assert!(matches!(
        inv.command,
        HelmCommand::Upgrade {
            install: true,
            wait: Some(_),
            ..
        }
    ));
}

#[test]
fn usage_errors() {
    assert_eq!(
        refused(&["install", "tcb", "trino/trino", "--bogus"]),
        "unknown flag: --bogus"
    );
    assert_eq!(
        refused(&["install", "tcb", "trino/trino", "--version"]),
        "flag needs an argument: --version"
    );
    assert_eq!(
        refused(&["list", "-x"]),
        "unknown shorthand flag: 'x' in -x"
    );
    // A flag of another verb is unknown here, as in helm.
    assert_eq!(refused(&["list", "--versions"]), "unknown flag: --versions");
    let err = refused(&["frobnicate"]);
    assert!(
        err.starts_with("unknown command \"frobnicate\" for \"helm\""),
        "{err}"
    );
    assert!(err.ends_with("Run 'helm --help' for usage."), "{err}");
    assert_eq!(
        refused(&["upgrad", "tcb"]),
        "unknown command \"upgrad\" for \"helm\"\n\nDid you mean this?\n\tupgrade\n\nRun 'helm --help' for usage."
    );
    let err = refused(&["repo", "frob"]);
    assert!(
        err.starts_with("unknown command \"frob\" for \"helm repo\""),
        "{err}"
    );
}

#[test]
fn missing_arguments_read_like_helms_require() {
    assert_eq!(
        refused(&["install"]),
        "\"helm install\" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]"
    );
    assert_eq!(
        refused(&["upgrade", "tcb"]),
        "\"helm upgrade\" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]"
    );
    assert_eq!(
        refused(&["status"]),
        "\"helm status\" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]"
    );
    assert_eq!(
        refused(&["repo", "add", "trino"]),
        "\"helm repo add\" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] [flags]"
    );
    assert_eq!(
        refused(&["list", "extra"]),
        "\"helm list\" accepts no arguments\n\nUsage:  helm list [flags]"
    );
    assert_eq!(
        refused(&["install", "tcb"]),
        "INSTALLATION FAILED: must either provide a name or specify --generate-name"
    );
}

#[test]
fn unsupported_real_flags_are_refused_and_say_so() {
    for words in [
        &["list", "--debug"][..],
        &["list", "--kube-context", "other"],
        &["status", "tcb", "-o", "json"],
    ] {
        let err = refused(words);
        assert!(err.contains("does not support"), "{words:?}: {err}");
    }
    assert!(parse_helm_args(&["list", "-o", "table"]).is_ok());
}

#[test]
fn every_command_and_subcommand_answers_help_as_the_simulation() {
    let commands: &[&[&str]] = &[
        &[],
        &["repo"],
        &["repo", "add"],
        &["repo", "update"],
        &["repo", "list"],
        &["repo", "remove"],
        &["search"],
        &["search", "repo"],
        &["install"],
        &["upgrade"],
        &["template"],
        &["show"],
        &["show", "values"],
        &["show", "chart"],
        &["list"],
        &["status"],
        &["history"],
        &["get"],
        &["get", "values"],
        &["uninstall"],
        &["version"],
    ];
    for command in commands {
        let mut words = command.to_vec();
        words.push("--help");
        let text = help(&words);
        let path = std::iter::once("helm")
            .chain(command.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.starts_with(&format!("{path} (simulated by trinetes)")),
            "{path}: {text}"
        );
        assert!(text.contains("-h, --help"), "{path}: {text}");
    }
    let install = help(&["install", "-h"]);
    assert!(install.contains("\ninstall a chart\n"), "{install}");
    assert!(
        install.contains("Usage: helm install [NAME] [CHART] [flags]"),
        "{install}"
    );
    assert!(install.contains("--create-namespace"), "{install}");
    assert!(
        help(&["--help"]).contains("repo       add, list, remove, and update chart repositories")
    );
}

#[test]
fn a_command_group_alone_prints_its_help_as_helm_does() {
    for group in ["repo", "search", "show", "get"] {
        let text = help(&[group]);
        assert!(
            text.starts_with(&format!("helm {group} (simulated by trinetes)")),
            "{group}: {text}"
        );
    }
}

#[test]
fn timeouts() {
    assert_eq!(parse_duration(Some("5m0s")), Ok(Duration::from_secs(300)));
    assert_eq!(parse_duration(Some("90s")), Ok(Duration::from_secs(90)));
    assert!(parse_duration(Some("ten")).is_err());
}
