"""`kubectl cluster-info`, `kubectl auth can-i` and `kubectl edit` (which needs a terminal editor)."""

from __future__ import annotations

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, served_kinds
from ingresslab.commands.kubectl.flags import Flag
from ingresslab.commands.kubectl.imperative import parse
from ingresslab.commands.result import CommandResult

__all__ = ["auth", "cluster_info", "edit"]

SERVER = "https://192.168.76.2:8443"  # minikube's API server, as the kubeconfig names it


def cluster_info(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    """The control plane, then each kube-system Service labelled kubernetes.io/cluster-service=true through the
    API server's proxy. kubectl colours the names only on a terminal; a notebook cell is not one."""
    p = parse(argv, [Flag("namespace", "n"), Flag("context")], "cluster-info")
    if p.args and p.args[0] == "dump":
        raise fail(
            "`kubectl cluster-info dump` is not available in the sandbox; use kubectl get and describe"
        )
    if p.args:
        raise KubectlError(f'error: unknown command "{p.args[0]}" for "kubectl cluster-info"')
    namespace = str(p.get("namespace") or "kube-system")
    lines = [f"Kubernetes control plane is running at {SERVER}"]
    for svc in ctx.backend.list("services", namespace, label_selector="kubernetes.io/cluster-service=true"):
        meta = svc["metadata"]
        name = (meta.get("labels") or {}).get("kubernetes.io/name") or meta["name"]
        ports = svc.get("spec", {}).get("ports") or []
        port = ports[0].get("name") or str(ports[0].get("port")) if ports else ""
        target = f"{meta['name']}:{port}" if port else meta["name"]
        lines.append(f"{name} is running at {SERVER}/api/v1/namespaces/{namespace}/services/{target}/proxy")
    lines += ["", "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."]
    return CommandResult("".join(f"{line}\n" for line in lines))


def auth(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    """`kubectl auth can-i VERB RESOURCE`: minikube's user is cluster-admin, so the answer is yes."""
    if not argv or argv[0] not in ("can-i", "whoami"):
        raise KubectlError(
            "error: Inspect authorization.\nSee 'kubectl auth -h' for help and examples"
            if not argv
            else f'error: unknown command "{argv[0]}" for "kubectl auth"'
        )
    if argv[0] == "whoami":
        text = "ATTRIBUTE                                           VALUE\nUsername                                            minikube-user\nGroups                                              [system:masters system:authenticated]\n"
        return CommandResult(text)
    p = parse(
        argv[1:],
        [
            Flag("namespace", "n"),
            Flag("context"),
            Flag("all-namespaces", "A", value=False),
            Flag("quiet", "q", value=False),
            Flag("list", value=False),
            Flag("no-headers", value=False),
            Flag("subresource"),
            Flag("as"),
            Flag("as-group", repeat=True),
        ],
        "auth can-i",
    )
    if p.get("list"):
        raise fail("`kubectl auth can-i --list` is not available in the sandbox")
    if len(p.args) < 2 and not (p.args and p.args[0].startswith("/")):
        raise KubectlError(
            "error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
            "See 'kubectl auth can-i -h' for help and examples."
        )
    err = ""
    if p.args and len(p.args) >= 2 and not p.args[1].startswith("/"):
        resource = p.args[1].partition("/")[0]
        if resource != "*" and served_kinds(ctx).find(resource) is None:
            err = f"Warning: the server doesn't have a resource type '{resource}'\n\n"
    if p.get("as") and p.get("as") != "minikube-user":
        return CommandResult("" if p.get("quiet") else "no\n", err, 1)
    return CommandResult("" if p.get("quiet") else "yes\n", err)


def edit(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    """kubectl edit opens $EDITOR on a terminal; a notebook cell has neither."""
    target = " ".join(a for a in argv if not a.startswith("-")) or "TYPE/NAME"
    raise KubectlError(
        "error: kubectl edit opens the object in a terminal editor ($EDITOR, vi by default), and a notebook "
        "cell has no terminal to run one in.\n"
        f"Change the object another way:\n"
        f"  kubectl patch {target} --type=merge -p '{{\"spec\": {{...}}}}'   # change a few fields\n"
        f"  kubectl get {target} -o yaml > obj.yaml   # then edit obj.yaml and: kubectl apply -f obj.yaml"
    )
