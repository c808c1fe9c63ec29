//! `eks-nodegroup`: polls the EKS API until a cluster's nodegroup reaches a
//! status.

use std::time::Duration;

use super::Evaluate;
use crate::aws::EksClient;
use crate::check::{CheckContext, CheckError, Evaluation, eks, poll_until};
use crate::lesson::checks::EksNodegroup;

impl Evaluate for EksNodegroup {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let (client, every) = eks::client(ctx, &self.region).await?;
        poll_until(timeout, every, eks::NO_ANSWER_YET.to_string(), || {
            once(&client, self)
        })
        .await
    }
}

async fn once(client: &EksClient, want: &EksNodegroup) -> Evaluation {
    let EksNodegroup {
        cluster,
        nodegroup,
        status,
        ..
    } = want;
    match client.nodegroup_status(cluster, nodegroup).await {
        Ok(Some(have)) if have.eq_ignore_ascii_case(status) => Evaluation::new(
            true,
            format!("nodegroup {nodegroup} of {cluster} is {have}"),
        ),
        Ok(Some(have)) => Evaluation::new(
            false,
            format!("nodegroup {nodegroup} of {cluster} is {have}, want {status}"),
        ),
        // Checks run after their step's command: a cluster that is ACTIVE
        // without the nodegroup was left by a create that was stopped, and
        // nothing will make the nodegroup now.
        Ok(None) => match client.cluster_status(cluster).await {
            Ok(Some(have)) if have.eq_ignore_ascii_case("ACTIVE") => Evaluation::hopeless(format!(
                "nodegroup {nodegroup} of {cluster} does not exist, and nothing is creating it: the cluster is ACTIVE without it, as a stopped `eksctl create cluster` leaves it"
            )),
            _ => Evaluation::new(
                false,
                format!("nodegroup {nodegroup} of {cluster} does not exist"),
            ),
        },
        Err(e) => Evaluation::new(
            false,
            format!("cannot ask EKS about {cluster}/{nodegroup}: {e}"),
        ),
    }
}
