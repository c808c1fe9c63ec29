//! The dry-run safety net of a live demo: when a live step fails because
//! the network or AWS let it down (DNS, a timeout, throttling, expired or
//! invalid credentials), the same lesson can go on on a simulated world.
//!
//! [`classify`] reads a failed step's output against [`RULES`], the one
//! table of the error texts the real tools print, each with where the text
//! comes from. A failure that matches no rule (a bad flag, a typo, a
//! missing tool, no credentials at all) is not offered the fallback: it is
//! the lesson's or the machine's problem, and a simulation would hide it.
//!
//! [`start_world`] starts the simulated world the lesson goes on in: a
//! temporary one, so the learner's kept practice world is left alone. What
//! the earlier steps made is then built in it by running them quickly (the
//! runner and the TUI do that with `execute::buildup`).

use std::sync::Arc;

use super::BackendError;
use super::dryrun::DryRunBackend;
use super::setup::{self, ActiveBackend, WorldDir};
use crate::lesson::Profile;
use crate::sim::eksctl::Pace;
use crate::sim::world::World;

/// `--fallback`: what to do when a live step fails for a network or AWS
/// reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FallbackMode {
    /// Ask (the TUI); a headless run has nobody to ask, so its failure stands.
    #[default]
    Ask,
    /// Go on on dry-run without asking.
    Auto,
    /// Never: the failure stands.
    Never,
}

/// Why the network or AWS let a step down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A host name could not be resolved.
    Dns,
    /// An endpoint could not be reached or refused the connection.
    Unreachable,
    /// A connection or an answer took too long.
    Timeout,
    /// AWS refused the call for its rate.
    Throttled,
    /// AWS or the cluster refused the credentials: expired or invalid.
    Credentials,
}

impl Cause {
    /// A few words for the screen and the report.
    pub fn words(self) -> &'static str {
        match self {
            Cause::Dns => "a DNS failure",
            Cause::Unreachable => "an unreachable endpoint",
            Cause::Timeout => "a network timeout",
            Cause::Throttled => "AWS throttling",
            Cause::Credentials => "expired or invalid credentials",
        }
    }
}

/// One error text a real tool prints, and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Matched as is (case-sensitive) anywhere in a line.
    pub text: &'static str,
    /// The line must also hold this, when set: a connection refused by an
    /// AWS endpoint is the network's fault, one refused by a local port
    /// (`localhost:8080`: no kubeconfig) is not.
    pub also: Option<&'static str>,
    pub cause: Cause,
    /// Which tools print it.
    pub tools: &'static str,
    /// Where the text comes from.
    pub source: &'static str,
}

const fn rule(text: &'static str, cause: Cause, tools: &'static str, source: &'static str) -> Rule {
    Rule {
        text,
        also: None,
        cause,
        tools,
        source,
    }
}

/// Every error text that makes a failure the network's or AWS's. The aws
/// CLI's and kubectl's and helm's texts were seen from aws-cli 1.45
/// (botocore 1.43), kubectl 1.32.4 and helm 3.17.2 against loopback ports
/// that refused, hung or answered with AWS error codes; eksctl's come from
/// the Go libraries it is built on (the Go standard library and
/// aws-sdk-go-v2), whose texts end its `Error:` lines.
pub const RULES: &[Rule] = &[
    // DNS
    rule(
        "no such host",
        Cause::Dns,
        "eksctl, kubectl, helm",
        "Go net: a DNSError for a name that does not resolve, \
         `dial tcp: lookup eks.us-east-1.amazonaws.com: no such host` (errNoSuchHost)",
    ),
    rule(
        "server misbehaving",
        Cause::Dns,
        "eksctl, kubectl, helm",
        "Go net: a DNSError when the resolver answers SERVFAIL (errServerMisbehaving)",
    ),
    rule(
        "Temporary failure in name resolution",
        Cause::Dns,
        "eksctl, kubectl, helm (cgo resolver), aws",
        "glibc gai_strerror(EAI_AGAIN), as Go's cgo resolver and Python report it",
    ),
    rule(
        "failed to lookup address information",
        Cause::Dns,
        "trinetes' own checks (aws-sdk-eks and kube-rs, through hyper)",
        "Rust std: getaddrinfo's failure, `failed to lookup address information: Name or \
         service not known`, under hyper's `dns error`",
    ),
    // Unreachable
    rule(
        "Could not connect to the endpoint URL",
        Cause::Unreachable,
        "aws",
        "botocore EndpointConnectionError: `Could not connect to the endpoint URL: \"URL\"` \
         (seen: aws eks list-clusters against a closed port, exit 255)",
    ),
    rule(
        "Failed to connect to proxy URL",
        Cause::Unreachable,
        "aws",
        "botocore ProxyConnectionError: `Failed to connect to proxy URL: \"URL\"`",
    ),
    rule(
        "network is unreachable",
        Cause::Unreachable,
        "eksctl, kubectl, helm",
        "Go syscall ENETUNREACH: `dial tcp IP:443: connect: network is unreachable`",
    ),
    rule(
        "no route to host",
        Cause::Unreachable,
        "eksctl, kubectl, helm",
        "Go syscall EHOSTUNREACH: `dial tcp IP:443: connect: no route to host`",
    ),
    Rule {
        text: "connect: connection refused",
        also: Some(".amazonaws.com"),
        cause: Cause::Unreachable,
        tools: "eksctl, kubectl, helm",
        source: "Go syscall ECONNREFUSED: `dial tcp IP:443: connect: connection refused` \
                 (seen from kubectl and helm); only for AWS endpoints (eks, sts, \
                 *.eks.amazonaws.com API servers)",
    },
    Rule {
        text: "was refused - did you specify the right host or port?",
        also: Some(".amazonaws.com"),
        cause: Cause::Unreachable,
        tools: "kubectl",
        source: "kubectl's last line for a refused connection, `The connection to the server \
                 HOST was refused - did you specify the right host or port?` (seen); only for \
                 an EKS API server (localhost:8080 means no kubeconfig)",
    },
    // Timeouts
    rule(
        "Connect timeout on endpoint URL",
        Cause::Timeout,
        "aws",
        "botocore ConnectTimeoutError: `Connect timeout on endpoint URL: \"URL\"`",
    ),
    rule(
        "Read timeout on endpoint URL",
        Cause::Timeout,
        "aws",
        "botocore ReadTimeoutError: `Read timeout on endpoint URL: \"URL\"` \
         (seen: aws against a port that accepts and never answers)",
    ),
    rule(
        "i/o timeout",
        Cause::Timeout,
        "eksctl, kubectl, helm",
        "Go net: a dial or read past its deadline, `dial tcp IP:443: i/o timeout`",
    ),
    rule(
        "TLS handshake timeout",
        Cause::Timeout,
        "kubectl, helm, eksctl",
        "Go net/http: `net/http: TLS handshake timeout` (seen: kubectl `Unable to connect to \
         the server: net/http: TLS handshake timeout`, helm `Error: Kubernetes cluster \
         unreachable: Get \"…/version\": net/http: TLS handshake timeout`)",
    ),
    rule(
        "Client.Timeout exceeded while awaiting headers",
        Cause::Timeout,
        "kubectl, helm, eksctl",
        "Go net/http: a client timeout before the answer's headers (seen: kubectl with \
         --request-timeout against a port that never answers)",
    ),
    rule(
        "Unable to connect to the server: context deadline exceeded",
        Cause::Timeout,
        "kubectl",
        "kubectl's last line when every discovery request ran out of time (seen)",
    ),
    // Throttling: AWS error codes, as botocore and aws-sdk-go-v2 print them
    // (see `aws_code_rules`).
    // Credentials
    rule(
        "failed to refresh cached credentials",
        Cause::Credentials,
        "eksctl",
        "aws-sdk-go-v2 aws/credential_cache.go: `failed to refresh cached credentials, …` \
         when the credential provider fails (an expired SSO session, a refused role)",
    ),
    rule(
        "You must be logged in to the server",
        Cause::Credentials,
        "kubectl",
        "kubectl: `error: You must be logged in to the server (Unauthorized)`, what an EKS \
         API server answers to an expired or unknown `aws eks get-token` token",
    ),
    rule(
        "the server has asked for the client to provide credentials",
        Cause::Credentials,
        "helm, kubectl",
        "Kubernetes apimachinery's message for 401 Unauthorized, e.g. helm `Error: \
         Kubernetes cluster unreachable: the server has asked for the client to provide \
         credentials`",
    ),
];

/// AWS error codes that mean the call was throttled: the codes botocore's
/// standard retry mode treats as throttling (botocore/retries/standard.py,
/// ThrottledRetryableChecker), less those about a table or a bucket.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
];

/// AWS error codes that mean the credentials were refused: STS's and the
/// other services' expired (`ExpiredToken`, `ExpiredTokenException`) and
/// unknown (`InvalidClientTokenId`, `UnrecognizedClientException`) tokens.
pub const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
];

/// How an AWS error code shows in a line: botocore's ClientError
/// (`An error occurred (CODE) when calling the OP operation: …`, seen from
/// the aws CLI for ExpiredTokenException, ThrottlingException and
/// UnrecognizedClientException) and aws-sdk-go-v2's smithy GenericAPIError
/// (`api error CODE: …`), which eksctl prints.
fn has_aws_code(line: &str, code: &str) -> bool {
    let boto = format!("An error occurred ({code})");
    let go = format!("api error {code}:");
    line.contains(&boto) || line.contains(&go)
}

/// What made a failure the network's or AWS's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub cause: Cause,
    /// The text that matched (a rule's text, or an AWS error code).
    pub matched: String,
    /// The line it was found in.
    pub line: String,
    /// Where the text comes from.
    pub source: String,
}

impl Diagnosis {
    /// One line for the screen, the report and the notes window.
    pub fn summary(&self) -> String {
        format!("{} (“{}”)", self.cause.words(), self.matched)
    }
}

/// Why a failed step failed, when the network or AWS is to blame; None for
/// any other failure. `lines` are its output and the failure's reason.
pub fn classify<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<Diagnosis> {
    for line in lines {
        if let Some(d) = classify_line(line) {
            return Some(d);
        }
    }
    None
}

fn classify_line(line: &str) -> Option<Diagnosis> {
    for r in RULES {
        if line.contains(r.text) && r.also.is_none_or(|also| line.contains(also)) {
            return Some(Diagnosis {
                cause: r.cause,
                matched: r.text.to_string(),
                line: line.to_string(),
                source: r.source.to_string(),
            });
        }
    }
    let codes = THROTTLING_CODES
        .iter()
        .map(|c| (c, Cause::Throttled))
        .chain(CREDENTIAL_CODES.iter().map(|c| (c, Cause::Credentials)));
    for (code, cause) in codes {
        if has_aws_code(line, code) {
            return Some(Diagnosis {
                cause,
                matched: (*code).to_string(),
                line: line.to_string(),
                source: format!(
                    "AWS error code {code}, as botocore's ClientError (`An error occurred \
                     ({code})`) and aws-sdk-go-v2 (`api error {code}:`) print it"
                ),
            });
        }
    }
    None
}

/// Starts the simulated world a live lesson goes on in after a fallback: a
/// new, temporary world (removed when dropped) at the session's pace, so
/// the learner's kept practice world and its marks are left alone.
pub async fn start_world(
    profile: &Profile,
    pace: Pace,
    state_dir: &std::path::Path,
) -> Result<ActiveBackend, BackendError> {
    std::fs::create_dir_all(state_dir)?;
    let dir = tempfile::Builder::new()
        .prefix("world-")
        .tempdir_in(state_dir)?;
    // Names its process, so a killed run's folder is removed as an orphan.
    std::fs::write(
        dir.path().join(setup::OWNER_FILE),
        std::process::id().to_string(),
    )?;
    let mut opts = setup::world_options(profile, pace, dir.path().to_path_buf());
    opts.persist = false;
    let world = World::start(opts)
        .await
        .map_err(|e| BackendError::Other(format!("cannot start the simulated world: {e}")))?;
    world.set_speed(1.0);
    let mut backend = DryRunBackend::new(Arc::new(world));
    if let Some(name) = profile.vars().get("cluster_name") {
        backend = backend.with_eks_cluster(name);
    }
    Ok(ActiveBackend::DryRun {
        backend: Arc::new(backend),
        dir: WorldDir::Temporary(dir),
        notice: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(line: &str) -> Option<Cause> {
        classify([line]).map(|d| d.cause)
    }

    #[test]
    fn texts_seen_from_the_real_tools_are_the_networks_or_aws_fault() {
        // Each line as the tool printed it (see RULES for the versions).
        let seen = [
            (
                "Could not connect to the endpoint URL: \"http://127.0.0.1:9/clusters\"",
                Cause::Unreachable,
            ),
            (
                "Read timeout on endpoint URL: \"http://127.0.0.1:18765/clusters\"",
                Cause::Timeout,
            ),
            (
                "An error occurred (ExpiredTokenException) when calling the ListClusters \
                 operation: The security token included in the request is expired",
                Cause::Credentials,
            ),
            (
                "An error occurred (ThrottlingException) when calling the ListClusters \
                 operation (reached max retries: 0): Rate exceeded",
                Cause::Throttled,
            ),
            (
                "An error occurred (UnrecognizedClientException) when calling the ListClusters \
                 operation: The security token included in the request is invalid.",
                Cause::Credentials,
            ),
            (
                "Unable to connect to the server: net/http: TLS handshake timeout",
                Cause::Timeout,
            ),
            (
                "Unable to connect to the server: context deadline exceeded",
                Cause::Timeout,
            ),
            (
                "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:18765/version\": \
                 net/http: TLS handshake timeout",
                Cause::Timeout,
            ),
        ];
        for (line, expected) in seen {
            assert_eq!(cause(line), Some(expected), "{line}");
        }
    }

    #[test]
    fn eksctl_errors_end_in_the_go_libraries_texts() {
        let dns = "Error: checking AWS STS access – cannot get role ARN for current session: \
                   operation error STS: GetCallerIdentity, exceeded maximum number of attempts, \
                   3, https response error StatusCode: 0, RequestID: , request send failed, \
                   Post \"https://sts.us-east-1.amazonaws.com/\": dial tcp: lookup \
                   sts.us-east-1.amazonaws.com: no such host";
        assert_eq!(cause(dns), Some(Cause::Dns));
        let expired = "Error: checking AWS STS access – cannot get role ARN for current \
                       session: operation error STS: GetCallerIdentity, https response error \
                       StatusCode: 403, RequestID: 1, api error ExpiredToken: The security \
                       token included in the request is expired";
        assert_eq!(cause(expired), Some(Cause::Credentials));
        let throttled = "Error: operation error EKS: DescribeCluster, https response error \
                         StatusCode: 429, RequestID: 1, api error ThrottlingException: Rate exceeded";
        assert_eq!(cause(throttled), Some(Cause::Throttled));
        // A check of trinetes' own (aws-sdk-eks) that could not resolve EKS.
        let check = "check failed: EKS cluster tcb-cluster (us-east-1) is ACTIVE: dispatch \
                     failure: io error: client error (Connect): dns error: failed to lookup \
                     address information: Name or service not known";
        assert_eq!(cause(check), Some(Cause::Dns));
        let timeout = "Error: operation error EKS: CreateCluster, request send failed, Post \
                       \"https://eks.us-east-1.amazonaws.com/clusters\": dial tcp 3.4.5.6:443: i/o timeout";
        assert_eq!(cause(timeout), Some(Cause::Timeout));
    }

    #[test]
    fn other_failures_are_not_the_networks() {
        for line in [
            // eksctl and kubectl flag errors (cobra)
            "Error: unknown flag: --nodez",
            "error: unknown flag: --replica",
            // kubectl without a kubeconfig: a local port, not the network (seen)
            "The connection to the server localhost:8080 was refused - did you specify the \
             right host or port?",
            "Error: Kubernetes cluster unreachable: Get \"http://localhost:8080/version\": dial \
             tcp [::1]:8080: connect: connection refused",
            // no credentials at all is the machine's set-up (seen from the aws CLI)
            "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
            // a real AWS refusal that a simulation must not hide
            "An error occurred (AccessDeniedException) when calling the CreateCluster operation: \
             User is not authorized",
            "Error: creating CloudFormation stack \"eksctl-tcb-cluster\": AlreadyExistsException",
            "Error: INSTALLATION FAILED: cannot re-use a name that is still in use",
            "sh: 1: eksctl: not found",
        ] {
            assert_eq!(cause(line), None, "{line}");
        }
    }

    #[test]
    fn a_refused_connection_counts_only_for_aws_endpoints() {
        // kubectl's discovery lines name the URL and the refusal; its last
        // line names the host.
        assert_eq!(
            cause(
                "E1130 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server \
                 API group list: Get \\\"https://ABC.gr7.us-east-1.eks.amazonaws.com/api?timeout=32s\\\": \
                 dial tcp 10.0.1.5:443: connect: connection refused\""
            ),
            Some(Cause::Unreachable)
        );
        assert_eq!(
            cause(
                "The connection to the server ABC.gr7.us-east-1.eks.amazonaws.com was refused \
                 - did you specify the right host or port?"
            ),
            Some(Cause::Unreachable)
        );
        assert_eq!(
            cause("dial tcp 127.0.0.1:1: connect: connection refused"),
            None
        );
    }

    #[test]
    fn the_first_matching_line_names_the_cause_and_its_source() {
        let lines = [
            "2026-11-30 20:00:01 [ℹ]  eksctl version 0.230.0",
            "Error: operation error STS: GetCallerIdentity, request send failed, Post \
             \"https://sts.us-east-1.amazonaws.com/\": dial tcp: lookup sts.us-east-1.amazonaws.com: no such host",
            "the command exited with code 1",
        ];
        let d = classify(lines).expect("a DNS failure");
        assert_eq!(d.cause, Cause::Dns);
        assert_eq!(d.matched, "no such host");
        assert!(d.line.starts_with("Error: operation error STS"));
        assert!(d.source.contains("Go net"));
        assert_eq!(d.summary(), "a DNS failure (“no such host”)");
    }

    #[test]
    fn every_rule_has_its_source_and_a_text_that_it_matches() {
        for r in RULES {
            assert!(!r.source.is_empty() && !r.tools.is_empty(), "{}", r.text);
            let line = format!("x {} {}", r.text, r.also.unwrap_or_default());
            assert_eq!(cause(&line), Some(r.cause), "{}", r.text);
        }
    }
}
