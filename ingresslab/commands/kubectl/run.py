"""`kubectl run NAME --image=I …`: the Pod kubectl v1.31 builds (pkg/cmd/run, generator run-pod/v1), created or
printed; `-it --rm` attaches to it (its command runs in the pod's image, as `kubectl debug` runs one) and
deletes it afterwards."""

from __future__ import annotations

from ingresslab.commands.kubectl.common import KubectlContext, fail
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.imperative import PRINT_FLAGS, dry_run, normalise_argv, submit, usage
from ingresslab.commands.result import CommandResult

__all__ = ["run"]

_FLAGS = [
    *PRINT_FLAGS,
    Flag("image"),
    Flag("port"),
    Flag("labels", "l"),
    Flag("env", repeat=True),
    Flag("annotations", repeat=True),
    Flag("restart"),
    Flag("command", value=False),
    Flag("stdin", "i", value=False),
    Flag("tty", "t", value=False),
    Flag("rm", value=False),
    Flag("attach", value=False),
    Flag("quiet", "q", value=False),
    Flag("image-pull-policy"),
    Flag("serviceaccount"),
    Flag("expose", value=False),
    Flag("leave-stdin-open", value=False),
    Flag("privileged", value=False),
    Flag("pod-running-timeout"),
    Flag("overrides"),
]


def _pairs(text: str, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise fail(f"invalid {what}: {item!r}" if what != "label spec" else f"invalid label spec: {item}")
        out[key] = value
    return out


def build_pod(name: str, p, args: list[str]) -> dict:
    """generate.versioned.BasicPod's object, fields in Go struct order."""
    labels = _pairs(str(p.get("labels")), "label spec") if p.get("labels") else {"run": name}
    container: dict = {"name": name, "image": str(p.get("image"))}
    if args:
        container["command" if p.get("command") else "args"] = list(args)
    if p.get("port") is not None:
        try:
            port = int(str(p.get("port")))
        except ValueError:
            raise fail(f'strconv.Atoi: parsing "{p.get("port")}": invalid syntax') from None
        if port > 0:
            container["ports"] = [{"containerPort": port}]
    envs = []
    for item in p.get("env") or []:
        key, eq, value = str(item).partition("=")
        if not eq:
            raise fail(f"invalid env: {item}")
        envs.append({"name": key, "value": value})
    if envs:
        container["env"] = envs
    container["resources"] = {}
    if p.get("image-pull-policy"):
        container["imagePullPolicy"] = str(p.get("image-pull-policy"))
    if p.get("privileged"):
        container["securityContext"] = {"privileged": True}
    if p.get("stdin"):
        container["stdin"] = True
        if not p.get("leave-stdin-open"):
            container["stdinOnce"] = True
    if p.get("tty"):
        container["tty"] = True
    metadata: dict = {"name": name}
    if p.get("namespace"):
        metadata["namespace"] = str(p.get("namespace"))
    metadata.update(creationTimestamp=None, labels=dict(sorted(labels.items())))
    annotations = {}
    for item in p.get("annotations") or []:
        key, _, value = str(item).partition("=")
        annotations[key] = value
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    spec: dict = {}
    if p.get("serviceaccount"):
        spec["serviceAccountName"] = str(p.get("serviceaccount"))
    spec = {
        "containers": [container],
        "restartPolicy": str(p.get("restart") or "Always"),
        "dnsPolicy": "ClusterFirst",
        **spec,
    }
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": {}}


def run(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(normalise_argv(argv), _FLAGS)
    if not p.get("image"):
        raise fail('required flag(s) "image" not set')
    count = p.dash_at if p.dash_at is not None else len(p.args)
    if count == 0:
        raise usage("run", "NAME is required for run")
    name = p.args[0]
    args = list(p.args[1:count]) + list(p.after_dash)
    interactive = bool(p.get("stdin"))
    attach = bool(p.get("attach")) or interactive
    mode = dry_run(p)
    if mode != "none" and (attach or p.get("tty")):
        raise usage(
            "run",
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
        )
    restart = str(p.get("restart") or "Always")
    if restart not in ("Always", "OnFailure", "Never"):
        raise fail(f"invalid restart policy: {restart}")
    if p.get("rm") and not attach:
        raise usage("run", "--rm should only be used for attached containers")
    if p.get("expose") and p.get("port") is None:
        raise fail("--port must be set when exposing a service")
    if p.get("tty") and not interactive:
        raise usage("run", "-i/--stdin is required for containers with -t/--tty=true")
    pod = build_pod(name, p, args)
    if not attach:
        return submit(ctx, p, pod, key="pods", resource="pod", failure=None)
    return _attached(ctx, p, pod, name, args)


def _attached(ctx: KubectlContext, p, pod: dict, name: str, args: list[str]) -> CommandResult:
    """Create the pod, run its command attached, then (with --rm) delete it, printing what kubectl prints."""
    namespace = ctx.namespace(p.get("namespace"))
    ctx.backend.create(pod, namespace=namespace)
    err = "" if p.get("quiet") else "If you don't see a command prompt, try pressing enter.\n"
    command = list(args)
    entrypoint: list[str] = []
    try:
        from ingresslab.backends.sandbox.podexec import image_profile

        entrypoint = list(image_profile(str(p.get("image"))).entrypoint)
    except ImportError:  # pragma: no cover - a backend without the sandbox's images
        pass
    if not command:
        command = entrypoint or ["sh"]
    elif not p.get("command") and entrypoint and command[0].startswith("-"):
        command = entrypoint + command  # arguments to the image's entrypoint (`curlimages/curl -- -s URL`)
    result = ctx.backend.exec(name, command, namespace, stdin=ctx.stdin if p.get("stdin") else None)
    out = result.stdout
    err += result.stderr if result.returncode != 126 else ""
    code = result.returncode if str(p.get("restart") or "Always") == "Never" else 0
    if result.returncode == 126:  # the image has no such program: the container fails to start
        code = 1
        err += f'error: failed to start container "{name}": exec: "{command[0]}": executable file not found in $PATH\n'
    if p.get("rm"):
        ctx.backend.delete("pods", name, namespace)
        out += f'pod "{name}" deleted\n'
    if code and not err.endswith("\n"):
        err += "\n"
    if code and str(p.get("restart") or "Always") == "Never" and result.returncode != 126:
        err += f"pod {namespace}/{name} terminated (Error)\n"
    return CommandResult(out, err, code)
