//! Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`),
//! which kubectl's typed commands send (`create namespace`, `create configmap`,
//! `create secret`, `create deployment`, `create service`) and helm's release
//! storage (Secrets, and the DeleteOptions it deletes them with). Decoded into JSON
//! with a field table for those kinds; unknown fields are skipped. Answers are
//! always JSON, which kubectl accepts.

use base64::Engine;
use serde_json::{Map, Value, json};

/// The four bytes that start every Kubernetes protobuf body.
const MAGIC: &[u8] = b"k8s\0";

#[derive(Debug, thiserror::Error)]
#[error("cannot decode the protobuf body: {0}")]
pub struct ProtobufError(String);

#[derive(Clone, Copy)]
enum Ty {
    Str,
    Int,
    Bool,
    /// bytes, shown base64-encoded as in JSON.
    Bytes,
    Msg(&'static str),
    MapStr,
    MapBytes,
    /// map<string, Quantity>
    MapQuantity,
    IntOrString,
}

type Field = (u64, &'static str, Ty, bool);

fn schema(message: &str) -> Option<&'static [Field]> {
    use Ty::*;
    Some(match message {
        "Unknown" => &[
            (1, "typeMeta", Msg("TypeMeta"), false),
            (2, "raw", Bytes, false),
            (3, "contentEncoding", Str, false),
            (4, "contentType", Str, false),
        ],
        "TypeMeta" => &[(1, "apiVersion", Str, false), (2, "kind", Str, false)],
        // helm's release storage deletes its Secrets with protobuf options.
        "DeleteOptions" => &[
            (1, "gracePeriodSeconds", Int, false),
            (2, "preconditions", Msg("Preconditions"), false),
            (3, "orphanDependents", Bool, false),
            (4, "propagationPolicy", Str, false),
            (5, "dryRun", Str, true),
        ],
        "Preconditions" => &[(1, "uid", Str, false), (2, "resourceVersion", Str, false)],
        "ObjectMeta" => &[
            (1, "name", Str, false),
            (2, "generateName", Str, false),
            (3, "namespace", Str, false),
            (6, "resourceVersion", Str, false),
            (11, "labels", MapStr, false),
            (12, "annotations", MapStr, false),
            (14, "finalizers", Str, true),
        ],
        "Namespace" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("NamespaceSpec"), false),
        ],
        "NamespaceSpec" => &[(1, "finalizers", Str, true)],
        "SelfSubjectAccessReview" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("SelfSubjectAccessReviewSpec"), false),
        ],
        "SelfSubjectAccessReviewSpec" => &[
            (1, "resourceAttributes", Msg("ResourceAttributes"), false),
            (
                2,
                "nonResourceAttributes",
                Msg("NonResourceAttributes"),
                false,
            ),
        ],
        "ResourceAttributes" => &[
            (1, "namespace", Str, false),
            (2, "verb", Str, false),
            (3, "group", Str, false),
            (4, "version", Str, false),
            (5, "resource", Str, false),
            (6, "subresource", Str, false),
            (7, "name", Str, false),
        ],
        "NonResourceAttributes" => &[(1, "path", Str, false), (2, "verb", Str, false)],
        "SelfSubjectRulesReview" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("SelfSubjectRulesReviewSpec"), false),
        ],
        "SelfSubjectRulesReviewSpec" => &[(1, "namespace", Str, false)],
        "ConfigMap" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "data", MapStr, false),
            (3, "binaryData", MapBytes, false),
            (4, "immutable", Bool, false),
        ],
        "Secret" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "data", MapBytes, false),
            (3, "type", Str, false),
            (4, "stringData", MapStr, false),
            (5, "immutable", Bool, false),
        ],
        "Deployment" | "ReplicaSet" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("DeploymentSpec"), false),
        ],
        "DeploymentSpec" => &[
            (1, "replicas", Int, false),
            (2, "selector", Msg("LabelSelector"), false),
            (3, "template", Msg("PodTemplateSpec"), false),
            (4, "strategy", Msg("DeploymentStrategy"), false),
            (5, "minReadySeconds", Int, false),
            (6, "revisionHistoryLimit", Int, false),
            (7, "paused", Bool, false),
            (9, "progressDeadlineSeconds", Int, false),
        ],
        "DeploymentStrategy" => &[
            (1, "type", Str, false),
            (2, "rollingUpdate", Msg("RollingUpdate"), false),
        ],
        "RollingUpdate" => &[
            (1, "maxUnavailable", IntOrString, false),
            (2, "maxSurge", IntOrString, false),
        ],
        "LabelSelector" => &[
            (1, "matchLabels", MapStr, false),
            (2, "matchExpressions", Msg("LabelSelectorRequirement"), true),
        ],
        "LabelSelectorRequirement" => &[
            (1, "key", Str, false),
            (2, "operator", Str, false),
            (3, "values", Str, true),
        ],
        "PodTemplateSpec" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("PodSpec"), false),
        ],
        "Pod" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("PodSpec"), false),
        ],
        "PodSpec" => &[
            (2, "containers", Msg("Container"), true),
            (3, "restartPolicy", Str, false),
            (4, "terminationGracePeriodSeconds", Int, false),
            (6, "dnsPolicy", Str, false),
            (7, "nodeSelector", MapStr, false),
            (8, "serviceAccountName", Str, false),
            (10, "nodeName", Str, false),
            (20, "initContainers", Msg("Container"), true),
        ],
        "Container" => &[
            (1, "name", Str, false),
            (2, "image", Str, false),
            (3, "command", Str, true),
            (4, "args", Str, true),
            (5, "workingDir", Str, false),
            (6, "ports", Msg("ContainerPort"), true),
            (7, "env", Msg("EnvVar"), true),
            (8, "resources", Msg("ResourceRequirements"), false),
            (9, "volumeMounts", Msg("VolumeMount"), true),
            (13, "terminationMessagePath", Str, false),
            (14, "imagePullPolicy", Str, false),
            (20, "terminationMessagePolicy", Str, false),
        ],
        "ContainerPort" => &[
            (1, "name", Str, false),
            (2, "hostPort", Int, false),
            (3, "containerPort", Int, false),
            (4, "protocol", Str, false),
        ],
        "EnvVar" => &[(1, "name", Str, false), (2, "value", Str, false)],
        "ResourceRequirements" => &[
            (1, "limits", MapQuantity, false),
            (2, "requests", MapQuantity, false),
        ],
        "VolumeMount" => &[
            (1, "name", Str, false),
            (2, "readOnly", Bool, false),
            (3, "mountPath", Str, false),
            (4, "subPath", Str, false),
        ],
        "Service" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("ServiceSpec"), false),
        ],
        "ServiceSpec" => &[
            (1, "ports", Msg("ServicePort"), true),
            (2, "selector", MapStr, false),
            (3, "clusterIP", Str, false),
            (4, "type", Str, false),
            (5, "externalIPs", Str, true),
            (7, "sessionAffinity", Str, false),
            (12, "externalName", Str, false),
        ],
        "ServicePort" => &[
            (1, "name", Str, false),
            (2, "protocol", Str, false),
            (3, "port", Int, false),
            (4, "targetPort", IntOrString, false),
            (5, "nodePort", Int, false),
        ],
        _ => return None,
    })
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, ProtobufError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .buf
                .get(self.pos)
                .ok_or_else(|| ProtobufError("truncated varint".into()))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtobufError("varint too long".into()))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtobufError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.buf.len());
        let end = end.ok_or_else(|| ProtobufError("truncated field".into()))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

/// One raw field: number and either a varint or a byte slice.
enum Raw<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Skipped,
}

fn fields(buf: &[u8]) -> Result<Vec<(u64, Raw<'_>)>, ProtobufError> {
    let mut r = Reader { buf, pos: 0 };
    let mut out = Vec::new();
    while !r.done() {
        let key = r.varint()?;
        let number = key >> 3;
        let raw = match key & 7 {
            0 => Raw::Varint(r.varint()?),
            1 => {
                r.take(8)?;
                Raw::Skipped
            }
            2 => {
                let len = usize::try_from(r.varint()?)
                    .map_err(|_| ProtobufError("length too large".into()))?;
                Raw::Bytes(r.take(len)?)
            }
            5 => {
                r.take(4)?;
                Raw::Skipped
            }
            other => return Err(ProtobufError(format!("unsupported wire type {other}"))),
        };
        out.push((number, raw));
    }
    Ok(out)
}

fn text(bytes: &[u8]) -> Result<String, ProtobufError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ProtobufError("a string field is not UTF-8".into()))
}

fn map_entry(bytes: &[u8]) -> Result<(String, Option<&[u8]>), ProtobufError> {
    let mut key = String::new();
    let mut value = None;
    for (n, raw) in fields(bytes)? {
        match (n, raw) {
            (1, Raw::Bytes(b)) => key = text(b)?,
            (2, Raw::Bytes(b)) => value = Some(b),
            _ => {}
        }
    }
    Ok((key, value))
}

fn decode_value(ty: Ty, raw: Raw<'_>) -> Result<Option<Value>, ProtobufError> {
    Ok(Some(match (ty, raw) {
        (Ty::Str, Raw::Bytes(b)) => json!(text(b)?),
        // int32 negatives arrive sign-extended to 64 bits.
        (Ty::Int, Raw::Varint(v)) => json!(v as i64),
        (Ty::Bool, Raw::Varint(v)) => json!(v != 0),
        (Ty::Bytes, Raw::Bytes(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        (Ty::Msg(name), Raw::Bytes(b)) => decode_message(name, b)?,
        (Ty::IntOrString, Raw::Bytes(b)) => {
            let mut kind = 0;
            let mut int = 0i64;
            let mut string = String::new();
            for (n, raw) in fields(b)? {
                match (n, raw) {
                    (1, Raw::Varint(v)) => kind = v,
                    (2, Raw::Varint(v)) => int = v as i64,
                    (3, Raw::Bytes(s)) => string = text(s)?,
                    _ => {}
                }
            }
            if kind == 1 { json!(string) } else { json!(int) }
        }
        _ => return Ok(None),
    }))
}

/// Go writes every non-pointer field, empty or not; JSON from kubectl would
/// have left these out, so they are dropped. Pointer fields (where zero means
/// something) are kept.
fn is_unset(name: &str, value: &Value) -> bool {
    const POINTERS: &[&str] = &[
        "replicas",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
        "terminationGracePeriodSeconds",
        "immutable",
    ];
    if POINTERS.contains(&name) {
        return false;
    }
    match value {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_i64() == Some(0),
        _ => false,
    }
}

fn decode_message(message: &str, buf: &[u8]) -> Result<Value, ProtobufError> {
    let Some(table) = schema(message) else {
        return Err(ProtobufError(format!(
            "{message} is not supported in protobuf; send JSON or YAML"
        )));
    };
    let mut out = Map::new();
    for (number, raw) in fields(buf)? {
        let Some(&(_, name, ty, repeated)) = table.iter().find(|f| f.0 == number) else {
            continue;
        };
        match ty {
            Ty::MapStr | Ty::MapBytes | Ty::MapQuantity => {
                let Raw::Bytes(entry) = raw else { continue };
                let (key, value) = map_entry(entry)?;
                let value = match (ty, value) {
                    (Ty::MapBytes, v) => json!(
                        base64::engine::general_purpose::STANDARD.encode(v.unwrap_or_default())
                    ),
                    // A Quantity is a message whose field 1 is its string form.
                    (Ty::MapQuantity, Some(q)) => {
                        let mut s = String::new();
                        for (n, raw) in fields(q)? {
                            if let (1, Raw::Bytes(b)) = (n, raw) {
                                s = text(b)?;
                            }
                        }
                        json!(s)
                    }
                    (_, v) => json!(text(v.unwrap_or_default())?),
                };
                let map = out.entry(name).or_insert_with(|| json!({}));
                map[key] = value;
            }
            _ => {
                let Some(value) = decode_value(ty, raw)? else {
                    continue;
                };
                if !repeated && is_unset(name, &value) {
                    continue;
                }
                if repeated {
                    let list = out.entry(name).or_insert_with(|| json!([]));
                    if let Some(items) = list.as_array_mut() {
                        items.push(value);
                    }
                } else {
                    out.insert(name.to_string(), value);
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// Decodes a whole request body: magic, then a runtime.Unknown envelope whose
/// `raw` is the object.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| ProtobufError("missing the k8s protobuf prefix".into()))?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, field) in fields(rest)? {
        match (n, field) {
            (1, Raw::Bytes(tm)) => {
                for (m, f) in fields(tm)? {
                    match (m, f) {
                        (1, Raw::Bytes(b)) => api_version = text(b)?,
                        (2, Raw::Bytes(b)) => kind = text(b)?,
                        _ => {}
                    }
                }
            }
            (2, Raw::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let mut obj = decode_message(&kind, raw)?;
    obj["apiVersion"] = json!(api_version);
    obj["kind"] = json!(kind);
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn bytes_field(n: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(n << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend_from_slice(data);
    }

    fn entry(k: &str, v: &str) -> Vec<u8> {
        let mut e = Vec::new();
        bytes_field(1, k.as_bytes(), &mut e);
        bytes_field(2, v.as_bytes(), &mut e);
        e
    }

    #[test]
    fn decodes_a_configmap_envelope() {
        let mut meta = Vec::new();
        bytes_field(1, b"settings", &mut meta);
        bytes_field(11, &entry("app", "web"), &mut meta);
        let mut cm = Vec::new();
        bytes_field(1, &meta, &mut cm);
        bytes_field(2, &entry("mode", "blue"), &mut cm);
        bytes_field(2, &entry("size", "3"), &mut cm);
        let mut type_meta = Vec::new();
        bytes_field(1, b"v1", &mut type_meta);
        bytes_field(2, b"ConfigMap", &mut type_meta);
        let mut body = MAGIC.to_vec();
        bytes_field(1, &type_meta, &mut body);
        bytes_field(2, &cm, &mut body);
        let obj = decode(&body).expect("decodes");
        assert_eq!(
            obj,
            json!({"metadata": {"name": "settings", "labels": {"app": "web"}}, "data": {"mode": "blue", "size": "3"},
                   "apiVersion": "v1", "kind": "ConfigMap"})
        );
        assert!(decode(b"not protobuf").is_err());
        assert!(decode(&body[..body.len() - 3]).is_err(), "truncated");
    }

    #[test]
    fn decodes_the_delete_options_helm_sends_for_its_release_secret() {
        // As helm 3.17.2 sent it on `helm uninstall` (DELETE of
        // sh.helm.release.v1.NAME.v1): an empty DeleteOptions.
        let body = [
            0x6b, 0x38, 0x73, 0x00, 0x0a, 0x13, 0x0a, 0x02, b'v', b'1', 0x12, 0x0d, b'D', b'e',
            b'l', b'e', b't', b'e', b'O', b'p', b't', b'i', b'o', b'n', b's', 0x12, 0x00, 0x1a,
            0x00, 0x22, 0x00,
        ];
        let obj = decode(&body).expect("decodes");
        assert_eq!(obj, json!({"apiVersion": "v1", "kind": "DeleteOptions"}));

        // With a precondition, it is read like the JSON form.
        let mut pre = Vec::new();
        bytes_field(2, b"42", &mut pre);
        let mut opts = Vec::new();
        bytes_field(2, &pre, &mut opts);
        let mut type_meta = Vec::new();
        bytes_field(1, b"v1", &mut type_meta);
        bytes_field(2, b"DeleteOptions", &mut type_meta);
        let mut body = MAGIC.to_vec();
        bytes_field(1, &type_meta, &mut body);
        bytes_field(2, &opts, &mut body);
        let obj = decode(&body).expect("decodes");
        assert_eq!(obj["preconditions"]["resourceVersion"], "42");
    }
}
