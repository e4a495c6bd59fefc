"""`kubectl config`: the bits of kubeconfig handling the tutorial needs (namespace of the current context)."""

from __future__ import annotations

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.kube import jsonpath, printers

__all__ = ["config"]


def _kubeconfig(ctx: KubectlContext, minify: bool) -> dict:
    name = ctx.backend.context_name()
    return {
        "apiVersion": "v1",
        "clusters": [{"cluster": {"server": "https://192.168.76.2:8443"}, "name": name}],
        "contexts": [
            {
                "context": {"cluster": name, "namespace": ctx.backend.current_namespace(), "user": name},
                "name": name,
            }
        ],
        "current-context": name,
        "kind": "Config",
        "preferences": {},
        "users": [{"name": name, "user": {"client-certificate": "REDACTED", "client-key": "REDACTED"}}],
    }


def config(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    if not argv:
        raise fail(
            'Modify kubeconfig files using subcommands like "kubectl config set current-context my-context"'
        )
    sub, rest = argv[0], argv[1:]
    name = ctx.backend.context_name()
    if sub == "set-context":
        p = parse_flags(
            rest, [Flag("current", value=False), Flag("namespace"), Flag("cluster"), Flag("user")]
        )
        if not p.get("current") and (not p.args or p.args[0] != name):
            raise fail(f'the sandbox has a single context, "{name}": use --current or name it')
        if p.get("namespace") is not None:
            ctx.backend.set_namespace(str(p.get("namespace")))
        return CommandResult(f'Context "{name}" modified.\n')
    if sub == "current-context":
        return CommandResult(f"{name}\n")
    if sub == "get-contexts":
        ns = ctx.backend.current_namespace()
        rows = [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"], ["*", name, name, name, ns]]
        return CommandResult(printers.tabulate(rows))
    if sub == "view":
        p = parse_flags(
            rest,
            [
                Flag("minify", value=False),
                Flag("output", "o"),
                Flag("raw", value=False),
                Flag("flatten", value=False),
            ],
        )
        data = _kubeconfig(ctx, bool(p.get("minify")))
        output = str(p.get("output") or "yaml")
        if output.startswith("jsonpath="):
            try:
                return CommandResult(jsonpath.evaluate(output.partition("=")[2], data))
            except jsonpath.JsonPathError as exc:
                raise KubectlError(exc.stderr.rstrip("\n")) from None
        return CommandResult(printers.print_json(data) if output == "json" else printers.print_yaml(data))
    if sub == "use-context":
        if rest and rest[0] == name:
            return CommandResult(f'Switched to context "{name}".\n')
        raise fail(f'no context exists with the name: "{rest[0] if rest else ""}"')
    raise fail(f'"kubectl config {sub}" is not available in the sandbox')
