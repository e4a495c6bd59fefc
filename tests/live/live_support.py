"""Credentials and kubeconfig files for the live backend's tests (all fake, all loopback)."""

from __future__ import annotations

from pathlib import Path

import yaml

TOKEN = "s3cr3t-bearer-token-0123456789"
CLIENT_KEY_DATA = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tc2VjcmV0LWtleS1kYXRh"
PASSWORD = "hunter2-very-secret-password"
SECRETS = (TOKEN, CLIENT_KEY_DATA, PASSWORD)


def write_kubeconfig(
    path: Path,
    server: str,
    *,
    token: str = TOKEN,
    context: str = "minikube",
    namespace: str | None = None,
    extra_contexts: dict[str, str] | None = None,
) -> Path:
    """A kubeconfig with the given server for `context`, plus other contexts holding other kinds of secrets."""
    contexts = [
        {
            "name": context,
            "context": {"cluster": "c0", "user": "u0", **({"namespace": namespace} if namespace else {})},
        }
    ]
    clusters = [{"name": "c0", "cluster": {"server": server}}]
    for i, (name, other_server) in enumerate((extra_contexts or {}).items(), start=1):
        contexts.append({"name": name, "context": {"cluster": f"c{i}", "user": "u1"}})
        clusters.append({"name": f"c{i}", "cluster": {"server": other_server}})
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context,
        "contexts": contexts,
        "clusters": clusters,
        "users": [
            {"name": "u0", "user": {"token": token}},
            {
                "name": "u1",
                "user": {"client-key-data": CLIENT_KEY_DATA, "username": "admin", "password": PASSWORD},
            },
        ],
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path
