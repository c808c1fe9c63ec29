//! `eks-cluster`: polls the EKS API until a cluster reaches a status.

use std::time::Duration;

use super::Evaluate;
use crate::aws::EksClient;
use crate::check::{CheckContext, CheckError, Evaluation, eks, poll_until};
use crate::lesson::checks::EksCluster;

impl Evaluate for EksCluster {
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
