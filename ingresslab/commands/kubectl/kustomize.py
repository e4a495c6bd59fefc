"""`kubectl kustomize TARGET`: the remote kustomizations the sandbox carries (`kube.bundled`), printed as YAML.

The sandbox has no network and no files of its own to build, so TARGET must be a remote kustomization a
provider registered (Gateway API's `github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0`, …); the
output is what kustomize prints for it: each object as YAML, documents separated by `---`.
"""

from __future__ import annotations

import yaml

from ingresslab.commands.kubectl.common import KubectlContext, fail
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.kube import bundled
from ingresslab.kube.manifests import Manifest

__all__ = ["kustomize", "kustomized_manifests"]


def kustomized_manifests(target: str) -> list[Manifest]:
    """The objects `kubectl kustomize target` builds (what `apply -k target` applies)."""
    try:
        return [Manifest(obj, target) for obj in bundled.kustomization(target)]
    except bundled.OfflineError as exc:
        raise fail(str(exc)) from None


def _dump(obj: dict) -> str:
    return yaml.safe_dump(obj, sort_keys=False, default_flow_style=False, width=1 << 20)


def kustomize(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, [Flag("output", "o"), Flag("context"), Flag("enable-helm", value=False)])
    if not p.args:
        raise fail(
            "the sandbox builds only remote kustomizations it carries, e.g. "
            '"github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0"'
        )
    if len(p.args) > 1:
        raise fail(f"specify one path to kustomization.yaml; got {len(p.args)}")
    manifests = kustomized_manifests(p.args[0])
    return CommandResult("---\n".join(_dump(m.obj) for m in manifests))
