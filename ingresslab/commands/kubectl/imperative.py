"""What kubectl's imperative verbs share: `--dry-run`, `-o` on an object they built, NAME from the arguments,
and typed objects' JSON (fields in Go struct order, as kubectl's printers write a typed object)."""

from __future__ import annotations

from collections.abc import Callable

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, resolve_type
from ingresslab.commands.kubectl.flags import Flag, FlagError, Parsed, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.errors import AlreadyExists, ApiError
from ingresslab.kube.printers.gofmt import struct_json
from ingresslab.kube.printers.output import go_yaml
from ingresslab.kube.resources import ResourceType

__all__ = [
    "PRINT_FLAGS",
    "check_output",
    "dry_run",
    "for_server",
    "name_from_args",
    "normalise_argv",
    "parse",
    "print_obj",
    "resource_targets",
    "submit",
    "usage",
]

# The print and dry-run flags every generator takes (cmdutil.AddDryRunFlag, PrintFlags, AddValidateFlags …).
PRINT_FLAGS = [
    Flag("dry-run"),
    Flag("output", "o"),
    Flag("namespace", "n"),
    Flag("context"),
    Flag("save-config", value=False),
    Flag("validate"),
    Flag("field-manager"),
    Flag("show-managed-fields", value=False),
    Flag("allow-missing-template-keys", value=False),
    Flag("template"),
]


def normalise_argv(argv: list[str]) -> list[str]:
    """`--dry-run` alone means `--dry-run=unchanged` (pflag's NoOptDefVal): kubectl takes it as client."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        out.append("--dry-run=unchanged" if arg == "--dry-run" else arg)
    return out


def parse(argv: list[str], flags: list[Flag], verb: str) -> Parsed:
    """parse_flags, its errors naming the subcommand's help (`See 'kubectl rollout pause --help' for usage.`)."""
    try:
        return parse_flags(normalise_argv(argv), flags)
    except FlagError as exc:
        raise KubectlError(f"error: {exc}\nSee 'kubectl {verb} --help' for usage.") from None


def dry_run(p: Parsed) -> str:
    """cmdutil.GetDryRunStrategy: `none`, `client` or `server`."""
    value = p.get("dry-run")
    if value is None or value == "none":
        return "none"
    if value in ("client", "unchanged"):
        return "client"
    if value == "server":
        return "server"
    raise fail(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def usage(verb: str, message: str) -> KubectlError:
    """cmdutil.UsageErrorf: the message, then where to read the help."""
    return KubectlError(f"error: {message}\nSee 'kubectl {verb} -h' for help and examples")


def name_from_args(p: Parsed, verb: str) -> str:
    """create.NameFromCommandArgs: exactly one positional before `--`."""
    count = p.dash_at if p.dash_at is not None else len(p.args)
    if count != 1:
        raise usage(verb, f"exactly one NAME is required, got {count}")
    return p.args[0]


def resource_targets(
    ctx: KubectlContext, p: Parsed, resources: list[str], namespace: str, verb: str
) -> list[tuple[ResourceType, str]]:
    """kubectl's resource arguments as (type, name) pairs: `TYPE/NAME ...`, or `TYPE NAME ...`, or every object
    of TYPE with `--all` / `-l` (listed in `namespace` when the type is namespaced)."""
    if "/" in resources[0]:
        return [(resolve_type(kind, ctx), name) for kind, _, name in (r.partition("/") for r in resources)]
    rtype = resolve_type(resources[0], ctx)
    names = resources[1:]
    if p.get("all") or p.get("selector"):
        objs = ctx.backend.list(
            rtype.key, namespace if rtype.namespaced else None, label_selector=p.get("selector")
        )  # type: ignore[arg-type]
        names = [o["metadata"]["name"] for o in objs]
    elif not names:
        raise usage(verb, "resource(s) were provided, but no name was specified")
    return [(rtype, n) for n in names]


def check_output(output: str) -> None:
    """A mutating command's `-o`: yaml, json or name (the sandbox prints no templates); kubectl's error else."""
    if output and output not in ("yaml", "json", "name"):
        raise fail(
            f'unable to match a printer suitable for the output format "{output}", allowed formats are: '
            "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"
        )


def print_obj(obj: dict, output: str, resource: str, action: str, mode: str) -> str:
    """PrintFlags with the dry-run strategy: `-o yaml|json|name`, else `<resource>/<name> <action>[ (dry run)]`."""
    name = obj.get("metadata", {}).get("name", "")
    if output == "yaml":
        return go_yaml(obj)
    if output == "json":
        return struct_json(obj) + "\n"
    if output == "name":
        return f"{resource}/{name}\n"
    check_output(output)
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    return f"{resource}/{name} {action}{suffix}\n"


def for_server(obj: dict) -> dict:
    """What goes over the wire: the server sets creationTimestamp and status itself."""
    out = {k: v for k, v in obj.items() if not (k == "status" and not any(v.values()))}
    out["metadata"] = {
        k: v for k, v in obj["metadata"].items() if not (k == "creationTimestamp" and v is None)
    }
    return out


def submit(
    ctx: KubectlContext,
    p: Parsed,
    obj: dict,
    *,
    key: str,
    resource: str,
    failure: str | None,
    action: str = "created",
    send: Callable[[dict, str | None], dict] | None = None,
) -> CommandResult:
    """Send a built object (unless a client dry run) and print it as kubectl does. `failure` is the wrapping
    kubectl puts on a server error (`failed to create deployment`), None to print the server's own error."""
    mode = dry_run(p)
    output = str(p.get("output") or "")
    check_output(output)
    namespace = str(p.get("namespace")) if p.get("namespace") else None
    shown = obj
    if mode != "client":
        try:
            if mode == "server":
                meta = obj.get("metadata") or {}
                try:
                    ctx.backend.get(key, meta.get("name", ""), meta.get("namespace") or namespace)
                except ApiError:
                    pass
                else:
                    raise AlreadyExists(f'{key} "{meta.get("name", "")}" already exists')
            else:
                created = (send or (lambda o, ns: ctx.backend.create(o, namespace=ns)))(
                    for_server(obj), namespace
                )
                if output in ("yaml", "json"):
                    shown = created
        except ApiError as exc:
            if failure is None:
                raise
            # most generators wrap it as `failed to create X: <err>`; secret's omits the colon
            raise fail(
                failure.format(exc.message) if "{}" in failure else f"{failure}: {exc.message}"
            ) from None
    if mode == "none" and output == "json" and shown is not obj:
        from ingresslab.kube import printers

        return CommandResult(printers.print_json(shown))
    return CommandResult(print_obj(shown, output, resource, action, mode))
