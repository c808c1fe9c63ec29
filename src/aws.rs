//! The project's EKS client: aws-sdk-eks pointed either at a local endpoint
//! (the simulator, moto) with test credentials, or at real AWS through the
//! default credential chain. It reads what checks and the live backend need
//! (cluster and nodegroup status, lists) and can create and delete, so it can
//! be compared against moto.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_eks::Client;
use aws_sdk_eks::config::{BehaviorVersion, Credentials, ProvideCredentials, Region};
use aws_sdk_eks::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_eks::types::{NodegroupScalingConfig, VpcConfigRequest};

/// Why an EKS call (or building the client) failed.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
         run `aws configure`, or choose a profile with AWS_PROFILE ({detail})"
    )]
    NoCredentials { detail: String },
    #[error("AWS credentials could not be loaded: {detail}")]
    CredentialsFailed { detail: String },
    #[error("no AWS region set: pass one, or set AWS_REGION or a region in ~/.aws/config")]
    NoRegion,
    /// The service answered with an error (`code` is e.g.
    /// `ResourceNotFoundException`).
    #[error("EKS {operation}: {code}: {message}")]
    Api {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error("EKS {operation}: the endpoint could not be reached: {detail}")]
    Unreachable {
        operation: &'static str,
        detail: String,
    },
    #[error("EKS {operation}: {detail}")]
    Other {
        operation: &'static str,
        detail: String,
    },
}

impl AwsError {
    /// The service's error code, when the service answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.code() == Some("ResourceNotFoundException")
    }
}

/// An error and its sources, each said once, joined with ": " (the SDK's
/// own context form repeats them as Rust debug values).
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut said: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !said.iter().any(|s| s.contains(&text)) {
            said.push(text);
        }
        next = e.source();
    }
    // The credential chain lists its attempts one per line; one line reads
    // better in a report.
    said.join(": ").replace("\n  ", "; ").replace('\n', " ")
}

fn sdk_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            AwsError::Api {
                operation,
                code: e.code().unwrap_or("Unknown").to_string(),
                message: e.message().unwrap_or_default().to_string(),
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => AwsError::Unreachable {
            operation,
            detail: causes(&err),
        },
        _ => AwsError::Other {
            operation,
            detail: causes(&err),
        },
    }
}

/// What the project reads about a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterInfo {
    pub name: String,
    pub arn: String,
    pub version: String,
    pub status: String,
    pub endpoint: String,
}

/// What the project reads about a nodegroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodegroupInfo {
    pub cluster: String,
    pub name: String,
    pub arn: String,
    pub status: String,
    pub instance_types: Vec<String>,
    pub min_size: i32,
    pub max_size: i32,
    pub desired_size: i32,
}

/// A cluster to create.
#[derive(Debug, Clone)]
pub struct NewCluster<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub role_arn: &'a str,
    pub subnet_ids: &'a [String],
}

/// A managed nodegroup to create.
#[derive(Debug, Clone)]
pub struct NewNodegroup<'a> {
    pub cluster: &'a str,
    pub name: &'a str,
    pub instance_type: &'a str,
    pub min_size: i32,
    pub max_size: i32,
    pub desired_size: i32,
    pub node_role: &'a str,
    pub subnet_ids: &'a [String],
}

fn cluster_info(c: &aws_sdk_eks::types::Cluster) -> ClusterInfo {
    ClusterInfo {
        name: c.name().unwrap_or_default().to_string(),
        arn: c.arn().unwrap_or_default().to_string(),
        version: c.version().unwrap_or_default().to_string(),
        status: c
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        endpoint: c.endpoint().unwrap_or_default().to_string(),
    }
}

fn nodegroup_info(ng: &aws_sdk_eks::types::Nodegroup) -> NodegroupInfo {
    let scaling = ng.scaling_config();
    NodegroupInfo {
        cluster: ng.cluster_name().unwrap_or_default().to_string(),
        name: ng.nodegroup_name().unwrap_or_default().to_string(),
        arn: ng.nodegroup_arn().unwrap_or_default().to_string(),
        status: ng
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        instance_types: ng.instance_types().to_vec(),
        min_size: scaling.and_then(|s| s.min_size()).unwrap_or_default(),
        max_size: scaling.and_then(|s| s.max_size()).unwrap_or_default(),
        desired_size: scaling.and_then(|s| s.desired_size()).unwrap_or_default(),
    }
}

/// How a wait for a cluster ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waited {
    /// The cluster reached the state waited for.
    Reached,
    /// EKS answered with a state from which the one waited for does not
    /// follow (ACTIVE while waiting for deletion, FAILED while waiting for
    /// ACTIVE); `status` is the cluster's status then (`None`: gone).
    CannotReach { status: Option<String> },
    /// The maximum wait ran out; `status` is the last one seen.
    OutOfTime { status: Option<String> },
}

enum WaiterEnd {
    Reached,
    CannotReach,
    OutOfTime,
}

const DESCRIBE: &str = "DescribeCluster";

fn waiter_broken(err: &(dyn std::error::Error + 'static)) -> AwsError {
    AwsError::Other {
        operation: DESCRIBE,
        detail: causes(err),
    }
}

/// The access key id of the test credentials used against local endpoints.
pub const TEST_ACCESS_KEY_ID: &str = "testing";

/// An EKS client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EksClient {
    client: Client,
}

impl EksClient {
    /// A client for a local endpoint (`http://127.0.0.1:PORT`: the
    /// simulator or moto) with fixed test credentials. Never reads the
    /// environment or the AWS config files.
    pub fn for_endpoint(url: &str, region: &str) -> EksClient {
        crate::tls::install_crypto_provider();
        let config = aws_sdk_eks::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(url)
            .credentials_provider(Credentials::new(
                TEST_ACCESS_KEY_ID,
                "testing",
                None,
                None,
                "trinetes-test-credentials",
            ))
            .build();
        EksClient {
            client: Client::from_conf(config),
        }
    }

    /// A client for real AWS: the default credential chain (environment,
    /// profile files, web identity, ECS, instance metadata) and the default
    /// endpoint resolution (which honours `AWS_ENDPOINT_URL_EKS`).
    /// Credentials are resolved here, so a missing login is reported now as
    /// [`AwsError::NoCredentials`] rather than at the first call.
    pub async fn from_env(region: Option<&str>) -> Result<EksClient, AwsError> {
        crate::tls::install_crypto_provider();
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(Region::new(region.to_string()));
        }
        let sdk = loader.load().await;
        if sdk.region().is_none() {
            return Err(AwsError::NoRegion);
        }
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| AwsError::NoCredentials {
                detail: "no credentials provider is configured".into(),
            })?;
        provider.provide_credentials().await.map_err(|e| match e {
            CredentialsError::CredentialsNotLoaded(_) => {
                AwsError::NoCredentials { detail: causes(&e) }
            }
            other => AwsError::CredentialsFailed {
                detail: causes(&other),
            },
        })?;
        Ok(EksClient {
            client: Client::new(&sdk),
        })
    }

    /// The underlying SDK client, for calls this wrapper does not cover.
    pub fn sdk(&self) -> &Client {
        &self.client
    }

    /// DescribeCluster; `None` when there is no such cluster.
    pub async fn describe_cluster(&self, name: &str) -> Result<Option<ClusterInfo>, AwsError> {
        match self.client.describe_cluster().name(name).send().await {
            Ok(out) => Ok(out.cluster().map(cluster_info)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(sdk_error("DescribeCluster", e)),
        }
    }

    /// The cluster's status (`CREATING`, `ACTIVE`, `DELETING`, ...); `None`
    /// when there is no such cluster.
    pub async fn cluster_status(&self, name: &str) -> Result<Option<String>, AwsError> {
        Ok(self.describe_cluster(name).await?.map(|c| c.status))
    }

    /// Waits with the SDK's `ClusterActive` waiter, at most `max_wait`: it
    /// succeeds on ACTIVE, fails at once on DELETING or FAILED, and
    /// otherwise polls every 30 to 120 s (so a short `max_wait` means one
    /// or two looks).
    pub async fn wait_cluster_active(
        &self,
        name: &str,
        max_wait: std::time::Duration,
    ) -> Result<Waited, AwsError> {
        use aws_sdk_eks::client::Waiters;
        use aws_sdk_eks::waiters::cluster_active::WaitUntilClusterActiveError as E;
        let ended = match self
            .client
            .wait_until_cluster_active()
            .name(name)
            .wait(max_wait)
            .await
        {
            Ok(_) => WaiterEnd::Reached,
            Err(E::ExceededMaxWait(_)) => WaiterEnd::OutOfTime,
            Err(E::FailureState(_)) => WaiterEnd::CannotReach,
            Err(E::OperationFailed(e)) => return Err(sdk_error(DESCRIBE, e.into_error())),
            Err(other) => return Err(waiter_broken(&other)),
        };
        self.waited(name, ended).await
    }

    /// Waits with the SDK's `ClusterDeleted` waiter, at most `max_wait`: it
    /// succeeds when EKS answers ResourceNotFoundException, fails at once
    /// when the cluster is ACTIVE, CREATING or PENDING (nothing is deleting
    /// it), and polls every 30 to 120 s while it is DELETING.
    pub async fn wait_cluster_deleted(
        &self,
        name: &str,
        max_wait: std::time::Duration,
    ) -> Result<Waited, AwsError> {
        use aws_sdk_eks::client::Waiters;
        use aws_sdk_eks::waiters::cluster_deleted::WaitUntilClusterDeletedError as E;
        let ended = match self
            .client
            .wait_until_cluster_deleted()
            .name(name)
            .wait(max_wait)
            .await
        {
            Ok(_) => WaiterEnd::Reached,
            Err(E::ExceededMaxWait(_)) => WaiterEnd::OutOfTime,
            Err(E::FailureState(_)) => WaiterEnd::CannotReach,
            Err(E::OperationFailed(e)) => return Err(sdk_error(DESCRIBE, e.into_error())),
            Err(other) => return Err(waiter_broken(&other)),
        };
        self.waited(name, ended).await
    }

    /// The waiter's end with the cluster's status, asked once more when the
    /// goal was not reached (the waiter's own last answer is typed per
    /// waiter and may be an error).
    async fn waited(&self, name: &str, ended: WaiterEnd) -> Result<Waited, AwsError> {
        Ok(match ended {
            WaiterEnd::Reached => Waited::Reached,
            WaiterEnd::OutOfTime => Waited::OutOfTime {
                status: self.cluster_status(name).await?,
            },
            WaiterEnd::CannotReach => Waited::CannotReach {
                status: self.cluster_status(name).await?,
            },
        })
    }

    /// Every cluster name in the region, across pages.
    pub async fn list_clusters(&self) -> Result<Vec<String>, AwsError> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        // A bound on pages, in case an endpoint keeps returning a token.
        for _ in 0..1000 {
            let out = self
                .client
                .list_clusters()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error("ListClusters", e))?;
            names.extend(out.clusters().iter().cloned());
            match out.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(names)
    }

    pub async fn create_cluster(&self, spec: &NewCluster<'_>) -> Result<ClusterInfo, AwsError> {
        let out = self
            .client
            .create_cluster()
            .name(spec.name)
            .version(spec.version)
            .role_arn(spec.role_arn)
            .resources_vpc_config(
                VpcConfigRequest::builder()
                    .set_subnet_ids(Some(spec.subnet_ids.to_vec()))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_error("CreateCluster", e))?;
        out.cluster().map(cluster_info).ok_or(AwsError::Other {
            operation: "CreateCluster",
            detail: "the answer holds no cluster".into(),
        })
    }

    pub async fn delete_cluster(&self, name: &str) -> Result<ClusterInfo, AwsError> {
        let out = self
            .client
            .delete_cluster()
            .name(name)
            .send()
            .await
            .map_err(|e| sdk_error("DeleteCluster", e))?;
        out.cluster().map(cluster_info).ok_or(AwsError::Other {
            operation: "DeleteCluster",
            detail: "the answer holds no cluster".into(),
        })
    }

    pub async fn create_nodegroup(
        &self,
        spec: &NewNodegroup<'_>,
    ) -> Result<NodegroupInfo, AwsError> {
        let out = self
            .client
            .create_nodegroup()
            .cluster_name(spec.cluster)
            .nodegroup_name(spec.name)
            .instance_types(spec.instance_type)
            .scaling_config(
                NodegroupScalingConfig::builder()
                    .min_size(spec.min_size)
                    .max_size(spec.max_size)
                    .desired_size(spec.desired_size)
                    .build(),
            )
            .node_role(spec.node_role)
            .set_subnets(Some(spec.subnet_ids.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_error("CreateNodegroup", e))?;
        out.nodegroup().map(nodegroup_info).ok_or(AwsError::Other {
            operation: "CreateNodegroup",
            detail: "the answer holds no nodegroup".into(),
        })
    }

    /// DescribeNodegroup; `None` when the cluster or nodegroup is missing.
    pub async fn describe_nodegroup(
        &self,
        cluster: &str,
        nodegroup: &str,
    ) -> Result<Option<NodegroupInfo>, AwsError> {
        match self
            .client
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(nodegroup)
            .send()
            .await
        {
            Ok(out) => Ok(out.nodegroup().map(nodegroup_info)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(sdk_error("DescribeNodegroup", e)),
        }
    }

    /// The nodegroup's status; `None` when it (or its cluster) is missing.
    pub async fn nodegroup_status(
        &self,
        cluster: &str,
        nodegroup: &str,
    ) -> Result<Option<String>, AwsError> {
        Ok(self
            .describe_nodegroup(cluster, nodegroup)
            .await?
            .map(|ng| ng.status))
    }

    /// Every nodegroup name of a cluster, across pages.
    pub async fn list_nodegroups(&self, cluster: &str) -> Result<Vec<String>, AwsError> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1000 {
            let out = self
                .client
                .list_nodegroups()
                .cluster_name(cluster)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error("ListNodegroups", e))?;
            names.extend(out.nodegroups().iter().cloned());
            match out.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(names)
    }

    pub async fn delete_nodegroup(
        &self,
        cluster: &str,
        nodegroup: &str,
    ) -> Result<NodegroupInfo, AwsError> {
        let out = self
            .client
            .delete_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(nodegroup)
            .send()
            .await
            .map_err(|e| sdk_error("DeleteNodegroup", e))?;
        out.nodegroup().map(nodegroup_info).ok_or(AwsError::Other {
            operation: "DeleteNodegroup",
            detail: "the answer holds no nodegroup".into(),
        })
    }
}
