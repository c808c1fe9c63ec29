//! `kubectl set image` (the only kind of `set` the fallback covers).

use clap::{Args, Subcommand};

use super::target::one_target;
use super::{Invocation, Target, unsupported, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetImageArgs {
    pub target: Target,
    pub namespace: String,
    /// `(container, image)` in the order given; `*` names every container.
    pub images: Vec<(String, String)>,
}

/// Set specific features on objects (the fallback sets images)
#[derive(Debug, Args)]
pub struct Set {
    #[command(subcommand)]
    what: Option<What>,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Update the image of a pod template
    Image(Image),
}

#[derive(Debug, Args)]
struct Image {
    #[arg(value_name = "TYPE NAME | TYPE/NAME CONTAINER_NAME=CONTAINER_IMAGE")]
    args: Vec<String>,
}

impl Set {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let Some(What::Image(image)) = self.what else {
            return Err(unsupported("set"));
        };
        // kubectl splits at the first word with `=`: resources before, images after.
        let split = image
            .args
            .iter()
            .position(|w| w.contains('='))
            .unwrap_or(image.args.len());
        let (resources, pairs) = image.args.split_at(split);
        let target = one_target("set image", resources)?;
        if target.names.is_empty() {
            return Err(usage(
                "resource(s) were provided, but no name was specified",
            ));
        }
        if pairs.is_empty() {
            return Err(usage("at least one image update is required"));
        }
        let images = pairs
            .iter()
            .map(|p| match p.split_once('=') {
                Some((c, i)) if !c.is_empty() && !i.is_empty() => {
                    Ok((c.to_string(), i.to_string()))
                }
                _ => Err(usage(format!("invalid image update: {p:?}"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Invocation::SetImage(SetImageArgs {
            target,
            namespace,
            images,
        }))
    }
}
