"""`istioctl proxy-config` command lines: its flags per subcommand and their checks, shared by every place that
answers the command (the sandbox, and live mode without the istioctl binary)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingresslab.commands.kubectl.flags import Flag, FlagError, parse_flags
from ingresslab.proxyconfig.api import KINDS

__all__ = ["ProxyConfigArgs", "ProxyConfigArgsError", "admin_path", "parse_proxy_config_args"]

_FLAGS = [
    Flag("namespace", "n"),
    Flag("output", "o", default="short"),
    Flag("file", "f"),
    Flag("fqdn"),
    Flag("port"),
    Flag("subset"),
    Flag("direction"),
    Flag("address"),
    Flag("type"),
    Flag("name"),
    Flag("cluster"),
    Flag("status"),
    Flag("verbose", value=False, default=True),
    Flag("proxy-admin-port"),
    Flag("istioNamespace", "i"),
    Flag("context"),
]
# The flags each subcommand defines (istioctl/pkg/proxyconfig/proxyconfig.go); others are "unknown flag".
_KIND_FLAGS = {
    "cluster": {"fqdn", "port", "subset", "direction"},
    "listener": {"address", "port", "type", "verbose"},
    "route": {"name", "verbose"},
    "endpoint": {"address", "port", "cluster", "status"},
    "secret": set(),
    "bootstrap": set(),
    "all": {"fqdn", "port", "subset", "direction", "address", "type", "name", "cluster", "status", "verbose"},
}
_COMMON = {"namespace", "output", "file", "proxy-admin-port", "istioNamespace", "context"}
_NOT_EMULATED = {"log", "o", "ecds", "ec", "rootca-compare", "rc", "eds", "workload", "w"}

USAGE = (
    "Retrieve information about proxy configuration from the Envoy config dump\n\nUsage:\n"
    "  istioctl proxy-config [command]\n\nAvailable Commands:\n  all, bootstrap, cluster, "
    "endpoint, listener, route, secret\n"
)


class ProxyConfigArgsError(ValueError):
    """istioctl's message (after `Error: `) and an optional hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class ProxyConfigArgs:
    kind: str  # cluster, listener, route, endpoint, secret, bootstrap, all
    target: str | None  # POD[.NS], pod/NAME or deployment/NAME; None with --file
    namespace: str | None
    output: str
    verbose: bool
    file: str | None
    filters: dict[str, object] = field(default_factory=dict)


def admin_path(kind: str, output: str) -> str:
    """What istioctl asks Envoy's admin API (port 15000) for."""
    if kind == "endpoint":
        return "clusters?format=json"
    if kind == "all" and output == "short":
        return "config_dump?include_eds=true"
    return "config_dump"


def _strip_prefix(argv: list[str]) -> list[str]:
    args = list(argv)
    if args and args[0] == "istioctl":
        args = args[1:]
    if args and args[0] in ("proxy-config", "pc"):
        args = args[1:]
    return args


def parse_proxy_config_args(argv: list[str]) -> ProxyConfigArgs | None:
    """Parse `[istioctl proxy-config] KIND TARGET [flags]`; None means "print the usage"."""
    try:
        parsed = parse_flags(_strip_prefix(argv), _FLAGS)
    except FlagError as exc:
        raise ProxyConfigArgsError(str(exc)) from None
    if not parsed.args:
        return None
    word = parsed.args[0]
    kind = KINDS.get(word)
    if kind is None:
        if word in _NOT_EMULATED:
            raise ProxyConfigArgsError(f"`istioctl proxy-config {word}` is not emulated here")
        raise ProxyConfigArgsError(f'unknown command "{word}" for "istioctl proxy-config"')
    unknown = sorted(set(parsed.opts) - _COMMON - _KIND_FLAGS[kind] - {"verbose"})
    if unknown:
        raise ProxyConfigArgsError(f"unknown flag: --{unknown[0]}")
    output = str(parsed.get("output") or "short")
    if output not in ("short", "json", "yaml"):
        raise ProxyConfigArgsError(f'output format "{output}" not supported')
    file = parsed.get("file")
    if not file and len(parsed.args) != 2:
        raise ProxyConfigArgsError(f"{kind} requires pod name or --file parameter")
    filters = {k: v for k, v in parsed.opts.items() if k in _KIND_FLAGS[kind] and k != "verbose"}
    if "port" in filters:
        try:
            filters["port"] = int(str(filters["port"]))
        except ValueError:
            raise ProxyConfigArgsError(
                f'invalid argument "{filters["port"]}" for "--port" flag: strconv.ParseInt: parsing '
                f'"{filters["port"]}": invalid syntax'
            ) from None
    return ProxyConfigArgs(
        kind=kind,
        target=parsed.args[1] if len(parsed.args) > 1 else None,
        namespace=str(parsed.get("namespace")) if parsed.get("namespace") else None,
        output=output,
        verbose=bool(parsed.get("verbose", True)),
        file=str(file) if file else None,
        filters=filters,
    )
