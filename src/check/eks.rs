//! Reaching the EKS API (real AWS or the simulator's endpoint) for EKS checks.
//! EKS has no watch, so those checks poll, gently.

use std::time::Duration;

use super::{CheckContext, CheckError};
use crate::aws::EksClient;

/// Where EKS checks look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EksTarget {
    /// A local endpoint (the simulator, or moto in tests), with test credentials.
    Endpoint(String),
    /// Real AWS, through the usual credential chain.
    Aws,
}

/// What a check reports before EKS has answered once.
pub(crate) const NO_ANSWER_YET: &str = "no answer from EKS yet";

/// A client for the context's EKS target in `region`, and how often to ask it.
pub(crate) async fn client(
    ctx: &CheckContext,
    region: &str,
) -> Result<(EksClient, Duration), CheckError> {
    match &ctx.eks {
        None => Err(CheckError::NoEksEndpoint),
        Some(EksTarget::Endpoint(url)) => Ok((
            EksClient::for_endpoint(url, region),
            Duration::from_millis(200),
        )),
        Some(EksTarget::Aws) => {
            let client = EksClient::from_env(Some(region))
                .await
                .map_err(|e| CheckError::Aws(e.to_string()))?;
            Ok((client, Duration::from_secs(10)))
        }
    }
}
