"""`ingresslab proxy-config` (alias `pc`): istioctl's proxy-config tables from a saved Envoy dump.

    pilot-agent request GET config_dump > dump.json        # inside the istio-proxy container
    ingresslab proxy-config listener --file dump.json
    ingresslab pc route -f dump.json --name http.8080 -o json
    ingresslab pc endpoint -f clusters.json --cluster 'outbound|7777||dest-svc-v1.application.svc.cluster.local'

Like `istioctl proxy-config ... -f FILE` (`-f -` reads stdin); `endpoint` reads `/clusters?format=json`
and also accepts a config dump with EDS (`config_dump?include_eds=true`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register", "run_proxy_config"]

_KINDS = {
    # name: (aliases, help, filters)
    "cluster": (
        ["clusters", "c"],
        "Clusters: SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE",
        ("fqdn", "port", "subset", "direction"),
    ),
    "listener": (
        ["listeners", "l"],
        "Listeners: ADDRESSES, PORT, MATCH, DESTINATION",
        ("address", "port", "type", "verbose"),
    ),
    "route": (
        ["routes", "r"],
        "Routes: NAME, VHOST NAME, DOMAINS, MATCH, VIRTUAL SERVICE",
        ("name", "verbose"),
    ),
    "endpoint": (
        ["endpoints", "ep"],
        "Endpoints from /clusters?format=json",
        ("address", "port", "cluster", "status"),
    ),
    "secret": (["secrets", "s"], "SDS secrets: certificates and roots", ()),
    "all": (
        ["a"],
        "Bootstrap, clusters, listeners, routes, secrets and endpoints",
        (
            "fqdn",
            "port",
            "subset",
            "direction",
            "address",
            "type",
            "name",
            "cluster",
            "status",
            "verbose",
            "with_headers",
        ),
    ),
    "bootstrap": (["b"], "Istio and Envoy versions from the bootstrap", ()),
}

_FLAG_HELP = {
    "fqdn": "Filter clusters by substring of Service FQDN field",
    "direction": "Filter clusters by Direction field",
    "subset": "Filter clusters by substring of Subset field",
    "port": "Filter by Port field",
    "address": "Filter by address field",
    "type": "Filter listeners by type field",
    "name": "Filter routes by route name field",
    "cluster": "Filter endpoints by cluster name field",
    "status": "Filter endpoints by status field",
}


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "t", "1", "yes"):
        return True
    if lowered in ("false", "f", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `proxy-config` (alias `pc`) with one subcommand per istioctl kind."""
    parser = subparsers.add_parser(
        "proxy-config",
        aliases=["pc"],
        help="print istioctl proxy-config tables from a saved Envoy config_dump",
        description="Read an Envoy /config_dump (or /clusters?format=json) and print what istioctl proxy-config prints.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    parser.set_defaults(handler=lambda args: _usage(parser))
    for kind, (aliases, help_text, flags) in _KINDS.items():
        sub = kinds.add_parser(kind, aliases=aliases, help=help_text, description=help_text)
        sub.add_argument("-f", "--file", required=True, help="Envoy config dump JSON file (- for stdin)")
        sub.add_argument("-o", "--output", default="short", help="Output format: one of json|yaml|short")
        for flag in flags:
            if flag == "verbose":
                sub.add_argument(
                    "--verbose",
                    type=_bool,
                    nargs="?",
                    const=True,
                    default=True,
                    metavar="BOOL",
                    help="Output more information (--verbose=false for the compact form)",
                )
            elif flag == "with_headers":
                sub.add_argument("--with-headers", action="store_true", help="Print summary with headers")
            elif flag == "port":
                sub.add_argument("--port", type=int, default=0, help=_FLAG_HELP[flag])
            else:
                sub.add_argument(f"--{flag}", default="", help=_FLAG_HELP[flag])
        sub.set_defaults(handler=run_proxy_config, kind=kind)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _read(path: str) -> bytes:
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        return buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
    return Path(path).read_bytes()


def run_proxy_config(args: argparse.Namespace) -> int:
    """Handler: print the table (or JSON/YAML); exit 2 with a message on a bad file or flag."""
    from ingresslab.proxyconfig import ProxyConfigError, load_config_dump, load_endpoints, render

    prog = f"ingresslab proxy-config {args.kind}"
    source = "<stdin>" if args.file == "-" else args.file
    try:
        data = _read(args.file)
    except OSError as err:
        print(
            f"{prog}: cannot read {source!r}: {err.strerror or err}; give the saved dump's path",
            file=sys.stderr,
        )
        return 2
    filters = {
        key: getattr(args, key)
        for key in ("fqdn", "port", "subset", "direction", "address", "type", "name", "cluster", "status")
        if hasattr(args, key)
    }
    try:
        if args.kind == "endpoint":
            target = _endpoint_source(data, source, load_config_dump, load_endpoints)
        else:
            target = load_config_dump(data, source=source)
        text = render(
            target,
            args.kind,
            output=args.output,
            verbose=getattr(args, "verbose", True),
            with_headers=getattr(args, "with_headers", False),
            **filters,
        )
    except ProxyConfigError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        return 0
    return 0


def _endpoint_source(data: bytes, source: str, load_config_dump, load_endpoints):
    """`/clusters?format=json` as is; a config dump is read through its EDS section."""
    import json

    try:
        probe = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        probe = None
    if (
        isinstance(probe, dict)
        and "configs" in probe
        and "cluster_statuses" not in probe
        and "clusterStatuses" not in probe
    ):
        return load_endpoints(load_config_dump(data, source=source))
    from ingresslab.proxyconfig import load_clusters

    return load_clusters(data, source=source)
