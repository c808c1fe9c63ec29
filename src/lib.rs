//! trinetes: an interactive terminal tutorial for Trino on Kubernetes.
