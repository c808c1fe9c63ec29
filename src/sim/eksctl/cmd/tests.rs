use super::*;
use crate::sim::eksctl::{EksctlEnv, plan};

fn help(line: &str) -> String {
    match parse_command_line(line) {
        Ok(EksctlCommand::Help(text)) => text,
        other => panic!("{line}: {other:?}"),
    }
}

fn err(line: &str) -> String {
    parse_command_line(line).expect_err(line).to_string()
}

#[test]
fn every_command_and_subcommand_answers_help_as_the_simulation() {
    for command in [
        "",
        "create",
        "create cluster",
        "get",
        "get cluster",
        "delete",
        "delete cluster",
        "version",
    ] {
        let line = format!("eksctl {command} --help");
        let text = help(&line);
        let path = format!("eksctl {command}");
        assert!(
            text.starts_with(&format!("{} (simulated by trinetes)", path.trim_end())),
            "{line}: {text}"
        );
    }
    assert!(help("eksctl create cluster -h").contains("--nodegroup-name"));
    // Help prints on stdout and succeeds.
    let plan = plan(&EksctlCommand::Help("a\nb\n".into()), &EksctlEnv::default()).expect("plan");
    assert_eq!(plan.exit_code, 0);
    assert_eq!(
        plan.lines().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
}

#[test]
fn version_prints_the_version_alone() {
    assert_eq!(
        parse_command_line("eksctl version"),
        Ok(EksctlCommand::Version)
    );
    let env = EksctlEnv {
        eksctl_version: "0.194.0".into(),
        ..EksctlEnv::default()
    };
    let plan = plan(&EksctlCommand::Version, &env).expect("plan");
    let lines: Vec<String> = plan.lines().map(|l| l.render(Default::default())).collect();
    assert_eq!(lines, ["0.194.0"]);
    assert_eq!(plan.exit_code, 0);
}

#[test]
fn real_flags_the_simulation_lacks_are_refused_as_such() {
    let e = err("eksctl create cluster --name x --zones us-east-1a,us-east-1b");
    assert!(
        e.starts_with(
            "trinetes' simulated eksctl does not support --zones for `eksctl create cluster`"
        ),
        "{e}"
    );
    let e = err("eksctl create cluster --managed=false");
    assert!(e.contains("does not support --managed=false"), "{e}");
    assert_eq!(
        parse_command_line("eksctl create cluster --name x --managed"),
        parse_command_line("eksctl create cluster --name x")
    );
    let e = err("eksctl delete cluster x --force");
    assert!(
        e.contains("does not support --force for `eksctl delete cluster`;"),
        "{e}"
    );
}

#[test]
fn unknown_words_read_like_cobra() {
    assert_eq!(
        err("eksctl frobnicate"),
        "unknown command \"frobnicate\" for \"eksctl\""
    );
    assert_eq!(err("eksctl"), "unknown command \"\" for \"eksctl\"");
    assert_eq!(
        err("eksctl create"),
        "please provide a resource to create, e.g. `eksctl create cluster`"
    );
    assert_eq!(
        err("eksctl delete cluster -w=perhaps --name x"),
        "invalid argument \"perhaps\" for \"-w, --wait\" flag: strconv.ParseBool: parsing \"perhaps\": invalid syntax"
    );
}
