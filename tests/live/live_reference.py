"""The reference cluster (tests/reference) as the live backend's API server: the real CRDs, installed once.

Istio's CRDs (istio.io/api) and the Gateway API's standard CRDs (sigs.k8s.io/gateway-api) come from the Go
module cache, exactly as upstream ships them. One of them is left out: the Gateway API's own `Gateway` kind.
With it installed, `kubectl get gateway` means gateways.gateway.networking.k8s.io (kubectl prefers that group),
and the contract suite runs the seed's `kubectl get gateway -A`, which means Istio's, on this same cluster —
as it does on a learner's minikube with Istio's demo profile, which installs no Gateway API CRDs.
The contract suite imports this module too (tests/contract/conftest.py puts tests/live on sys.path).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock

__all__ = ["SHADOWING_KINDS", "Crds", "install_crds", "kubeconfig_with_token", "scratch_namespace"]

# (group, kind) of upstream CRDs not installed, and why (see the module docstring).
SHADOWING_KINDS = {
    ("gateway.networking.k8s.io", "Gateway"): "would shadow Istio's Gateway for `kubectl get gateway`"
}


@dataclass(frozen=True)
class Crds:
    """The CRD documents installed on the reference cluster, as upstream wrote them."""

    documents: tuple[dict[str, Any], ...]

    def named(self, group: str, kind: str) -> dict[str, Any]:
        for doc in self.documents:
            if doc["spec"]["group"] == group and doc["spec"]["names"]["kind"] == kind:
                return doc
        raise KeyError(f"no CRD for {kind}.{group} among the installed ones")

    def served_versions(self, group: str, kind: str) -> list[str]:
        return [v["name"] for v in self.named(group, kind)["spec"]["versions"] if v.get("served")]


def _documents(paths: list[Path]) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                docs.append(doc)
    return docs


def _kubectl(cluster: Any, *args: str, stdin: str | None = None) -> str:
    done = cluster.kubectl_run(*args, stdin=stdin, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def install_crds(cluster: Any) -> Crds:
    """Apply the upstream CRDs (server-side, once per cluster even across xdist workers) and wait until served."""
    from gobuild import crd_files  # tests/reference, on sys.path through tests/conftest.py

    files = crd_files()
    docs = [
        d
        for d in _documents([*files["istio"], *files["gateway-api"]])
        if (d["spec"]["group"], d["spec"]["names"]["kind"]) not in SHADOWING_KINDS
    ]
    marker = Path(cluster.directory) / "crds-installed.json"
    with FileLock(str(Path(cluster.directory) / "crds.lock")):
        if not marker.is_file():
            manifest = yaml.safe_dump_all(docs, sort_keys=False)
            _kubectl(
                cluster,
                "apply",
                "--server-side",
                "--field-manager=ingresslab-tests",
                "-f",
                "-",
                stdin=manifest,
            )
            names = [f"crd/{d['metadata']['name']}" for d in docs]
            _kubectl(cluster, "wait", "--for=condition=Established", "--timeout=120s", *names)
            marker.write_text(json.dumps(sorted(d["metadata"]["name"] for d in docs)), encoding="utf-8")
    return Crds(tuple(docs))


def scratch_namespace(cluster: Any, prefix: str = "lt") -> Iterator[str]:
    """A fresh namespace for one test (so tests on two workers never see each other's objects), then gone."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    _kubectl(cluster, "create", "namespace", name)
    try:
        yield name
    finally:
        cluster.kubectl_run("delete", "namespace", name, "--wait=false", "--ignore-not-found")


def kubeconfig_with_token(cluster: Any, path: Path, token: str) -> tuple[Path, str]:
    """A copy of the cluster's kubeconfig whose user presents `token` instead; returns it and the real token."""
    config = yaml.safe_load(Path(cluster.kubeconfig).read_text(encoding="utf-8"))
    user = config["users"][0]["user"]
    real, user["token"] = user["token"], token
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path, real
