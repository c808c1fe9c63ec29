//! `eks-cluster`: polls the EKS API until a cluster reaches a status.

use std::time::Duration;

use super::Evaluate;
use crate::aws::{EksClient, Waited};
use crate::check::{CheckContext, CheckError, Evaluation, eks, poll_until};
use crate::lesson::checks::EksCluster;

impl Evaluate for EksCluster {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let (client, every) = eks::client(ctx, &self.region).await?;
        // On real AWS, ACTIVE is waited for with aws-sdk-eks's own waiter
        // (it looks every 30 to 120 s and stops at once on FAILED or
        // DELETING); the simulator's endpoint is asked often instead.
        if ctx.eks == Some(eks::EksTarget::Aws) && self.status.eq_ignore_ascii_case("ACTIVE") {
            return wait_active(&client, &self.name, timeout).await;
        }
        poll_until(timeout, every, eks::NO_ANSWER_YET.to_string(), || {
            once(&client, self)
        })
        .await
    }
}

async fn wait_active(
    client: &EksClient,
    name: &str,
    timeout: Duration,
) -> Result<String, CheckError> {
    let seen = |status: Option<String>| match status {
        Some(have) => format!("EKS cluster {name} is {have}, want ACTIVE"),
        None => format!("EKS cluster {name} does not exist"),
    };
    match client.wait_cluster_active(name, timeout).await {
        Ok(Waited::Reached) => Ok(format!("EKS cluster {name} is ACTIVE")),
        Ok(Waited::CannotReach { status }) => Err(CheckError::WillNotHold { seen: seen(status) }),
        Ok(Waited::OutOfTime { status }) => Err(CheckError::TimedOut {
            after: timeout,
            last_seen: seen(status),
        }),
        Err(e) if e.is_not_found() => Err(CheckError::WillNotHold { seen: seen(None) }),
        Err(e) => Err(CheckError::Aws(e.to_string())),
    }
}

async fn once(client: &EksClient, want: &EksCluster) -> Evaluation {
    let EksCluster { name, status, .. } = want;
    match client.cluster_status(name).await {
        Ok(Some(have)) if have.eq_ignore_ascii_case(status) => {
            Evaluation::new(true, format!("EKS cluster {name} is {have}"))
        }
        Ok(Some(have)) => Evaluation::new(
            false,
            format!("EKS cluster {name} is {have}, want {status}"),
        ),
        Ok(None) => Evaluation::new(false, format!("EKS cluster {name} does not exist")),
        Err(e) => Evaluation::new(false, format!("cannot ask EKS about {name}: {e}")),
    }
}
