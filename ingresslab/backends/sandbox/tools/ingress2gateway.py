"""Sandbox emulation of `ingress2gateway` (v1.1.0 as its release archives build it), listed in tools.sandbox_tools.

`ingress2gateway print --providers=ingress-nginx [--input-file F]... [-n NS | -A] [--ingress-nginx-ingress-class X]
[--no-color]` converts like the real CLI (the conversion itself is ingresslab.migrate.ingress2gateway), and
`ingress2gateway version` names the version. Without --input-file it reads the sandbox cluster's Ingresses and
Services, in the kubeconfig context's namespace unless -n or -A says otherwise, as the real one reads the
cluster's. Errors are cobra's: `Error: <message>`, the command's usage, exit code 1.

Not emulated (said so on stderr, exit code 1): providers other than ingress-nginx, emitters other than
`standard`, `-o json`/`-o kyaml`, and the annotations the provider translates beyond use-regex, ssl-redirect,
rewrite-target and x-forwarded-prefix. Input files are read from the learner's working directory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ingresslab.commands.result import CommandFunc, CommandResult, Invocation
from ingresslab.kube.manifests import GoYamlLoader
from ingresslab.migrate.ingress2gateway import (
    DEFAULT_INGRESS_CLASS,
    EMULATED_VERSION,
    ConversionFailed,
    ConverterPanic,
    NotEmulated,
    convert,
    objects_from_documents,
)

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["GO_VERSION", "Ingress2Gateway", "factory"]

# The release workflow builds with setup-go `1.25`: on 2026-04-29 that was go1.25.9 (go1.25.10 came 2026-05-04).
GO_VERSION = "go1.25.9"
PROVIDERS = ("apisix", "cilium", "gce", "ingress-nginx", "istio", "kong", "nginx", "openapi3", "traefik")
EMITTERS = ("agentgateway", "envoy-gateway", "gce", "kgateway", "standard")

_PRINT_USAGE = (
    "Usage:\n"
    "  ingress2gateway print [flags]\n"
    "\n"
    "Flags:\n"
    "  -A, --all-namespaces                       If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even\n"
    "                                             if specified with --namespace.\n"
    "      --allow-experimental-gw-api            If present, the tool will include Experimental Gateway API fields (e.g. URLRewrite) in the output. Default is false.\n"
    '      --emitter standard                     If present, the tool will try to use the specified emitter to generate the Gateway API resources, supported values are [agentgateway envoy-gateway gce kgateway standard]. The standard emitter will only output Gateway API (default "standard")\n'
    "      --gce-gateway-class-name string        Provider-specific: gce. The name of the GatewayClass to use for the Gateway\n"
    "  -h, --help                                 help for print\n"
    "      --ingress-nginx-ingress-class string   Provider-specific: ingress-nginx. The name of the ingress class to select. Defaults to 'nginx' (default \"nginx\")\n"
    "      --input-file strings                   Path to manifest files. When set, the tool will read ingresses from the files instead of reading from the cluster. Supported files are yaml and json.\n"
    "  -n, --namespace string                     If present, the namespace scope for this CLI request.\n"
    "      --openapi3-backend string              Provider-specific: openapi3. The name of the backend service to use in the HTTPRoutes.\n"
    "      --openapi3-gateway-class-name string   Provider-specific: openapi3. The name of the gateway class to use in the Gateways.\n"
    "      --openapi3-gateway-tls-secret string   Provider-specific: openapi3. The name of the secret for the TLS certificate references in the Gateways.\n"
    '  -o, --output string                        Output format. One of: (yaml, json, kyaml). (default "yaml")\n'
    "      --providers strings                    If present, the tool will try to convert only resources related to the specified providers, supported values are [apisix cilium gce ingress-nginx istio kong nginx openapi3 traefik].\n"
    "\n"
    "Global Flags:\n"
    "      --kubeconfig string   The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.\n"
    "      --no-color            Disable ANSI color codes in the output.\n"
)
_ROOT_HELP = (
    "Convert Ingress manifests to Gateway API manifests\n"
    "\n"
    "Usage:\n"
    "  ingress2gateway [command]\n"
    "\n"
    "Available Commands:\n"
    "  completion  Generate the autocompletion script for the specified shell\n"
    "  help        Help about any command\n"
    "  print       Prints Gateway API objects generated from ingress and provider-specific resources.\n"
    "  version     Print the version number of ingress2gateway\n"
    "\n"
    "Flags:\n"
    "  -h, --help                help for ingress2gateway\n"
    "      --kubeconfig string   The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.\n"
    "      --no-color            Disable ANSI color codes in the output.\n"
    "\n"
    'Use "ingress2gateway [command] --help" for more information about a command.\n'
)

_VERSION_USAGE = (
    "Usage:\n"
    "  ingress2gateway version [flags]\n"
    "\n"
    "Flags:\n"
    "  -h, --help   help for version\n"
    "\n" + _PRINT_USAGE[_PRINT_USAGE.index("Global Flags:") :]
)
_PRINT_HELP = (
    "Prints Gateway API objects generated from ingress and provider-specific resources.\n\n" + _PRINT_USAGE
)
_VERSION_HELP = (
    "Prints the build version details for ingress2gateway, including Git status information and Go version\n\n"
    + _VERSION_USAGE
)

# long name -> (shorthand, kind); kind is "bool", "string" or "slice" (pflag's StringSlice: comma-separated, repeatable)
_GLOBAL_FLAGS: dict[str, tuple[str, str]] = {"kubeconfig": ("", "string"), "no-color": ("", "bool")}
_PRINT_FLAGS: dict[str, tuple[str, str]] = {
    **_GLOBAL_FLAGS,
    "all-namespaces": ("A", "bool"),
    "allow-experimental-gw-api": ("", "bool"),
    "emitter": ("", "string"),
    "gce-gateway-class-name": ("", "string"),
    "help": ("h", "bool"),
    "ingress-nginx-ingress-class": ("", "string"),
    "input-file": ("", "slice"),
    "namespace": ("n", "string"),
    "openapi3-backend": ("", "string"),
    "openapi3-gateway-class-name": ("", "string"),
    "openapi3-gateway-tls-secret": ("", "string"),
    "output": ("o", "string"),
    "providers": ("", "slice"),
}
_VERSION_FLAGS: dict[str, tuple[str, str]] = {**_GLOBAL_FLAGS, "help": ("h", "bool")}


class _FlagError(Exception):
    pass


def _parse_flags(args: list[str], spec: dict[str, tuple[str, str]]) -> tuple[list[str], dict[str, object]]:
    """pflag's parsing: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, bools without values."""
    by_short = {short: name for name, (short, _) in spec.items() if short}
    values: dict[str, object] = {}
    positional: list[str] = []

    def store(name: str, value: str) -> None:
        kind = spec[name][1]
        if kind == "bool":
            parsed = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True}.get(value)
            if parsed is None and value not in ("0", "f", "F", "FALSE", "false", "False"):
                raise _FlagError(
                    f'invalid argument "{value}" for "--{name}" flag: strconv.ParseBool: parsing '
                    f'"{value}": invalid syntax'
                )
            values[name] = bool(parsed)
        elif kind == "slice":
            items = [] if value == "" else [v.strip() for v in value.split(",")]
            previous = values.get(name)
            values[name] = [*previous, *items] if isinstance(previous, list) else items
        else:
            values[name] = value

    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name not in spec:
                raise _FlagError(f"unknown flag: --{name}")
            if not eq and spec[name][1] != "bool":
                if i >= len(args):
                    raise _FlagError(f"flag needs an argument: --{name}")
                value, i = args[i], i + 1
            store(name, value if eq or spec[name][1] != "bool" else "true")
        elif arg.startswith("-") and len(arg) > 1:
            shorts = arg[1:]
            while shorts:
                c, shorts = shorts[0], shorts[1:]
                if c not in by_short:
                    raise _FlagError(f"unknown shorthand flag: '{c}' in -{arg[1:]}")
                name = by_short[c]
                if spec[name][1] == "bool":
                    if shorts.startswith("="):
                        store(name, shorts[1:])
                        shorts = ""
                    else:
                        store(name, "true")
                    continue
                if shorts:
                    store(name, shorts[1:] if shorts.startswith("=") else shorts)
                elif i < len(args):
                    store(name, args[i])
                    i += 1
                else:
                    raise _FlagError(f"flag needs an argument: '{c}' in -{arg[1:]}")
                shorts = ""
        else:
            positional.append(arg)
    return positional, values


def _cobra_error(message: str, usage: str) -> CommandResult:
    return CommandResult("", f"Error: {message}\n{usage}\n", 1)


def _not_emulated(message: str) -> CommandResult:
    return CommandResult("", f"Error: {message} (not emulated in the sandbox)\n", 1)


def _documents(text: str) -> list[object]:
    """The YAML (or JSON) documents of one input file."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        decoder, docs, pos = json.JSONDecoder(), [], 0
        while pos < len(stripped):
            doc, end = decoder.raw_decode(stripped, pos)
            docs.append(doc)
            pos = end
            while pos < len(stripped) and stripped[pos].isspace():
                pos += 1
        return docs
    return [d for d in yaml.load_all(text, Loader=GoYamlLoader) if d is not None]


def _first_word(args: list[str]) -> str | None:
    """The subcommand: the first argument that is neither a flag nor the value of `--kubeconfig`."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--kubeconfig":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


class Ingress2Gateway:
    """A CommandFunc for `ingress2gateway ...` against one sandbox backend (only `print` without files reads it)."""

    def __init__(self, backend: SandboxBackend | None, cwd: str = ".") -> None:
        self.backend = backend
        self.cwd = cwd

    def __call__(self, invocation: Invocation) -> CommandResult:
        args = list(invocation.argv[1:])
        command = _first_word(args)
        commands: dict[str, Callable[[list[str], Invocation], CommandResult]] = {
            "print": self.print_,
            "version": self.version,
        }
        if command is None:
            try:
                _parse_flags(args, {**_GLOBAL_FLAGS, "help": ("h", "bool")})
            except _FlagError as exc:
                return _cobra_error(str(exc), _ROOT_HELP[_ROOT_HELP.index("Usage:") :])
            return CommandResult(_ROOT_HELP)
        if command == "help":
            return CommandResult(_ROOT_HELP)
        if command == "completion":
            return _not_emulated("ingress2gateway completion")
        if command not in commands:
            return CommandResult(
                "",
                f'Error: unknown command "{command}" for "ingress2gateway"\n'
                "Run 'ingress2gateway --help' for usage.\n",
                1,
            )
        rest = list(args)
        rest.remove(command)
        return commands[command](rest, invocation)

    # ingress2gateway version
    def version(self, args: list[str], invocation: Invocation) -> CommandResult:
        try:
            _, flags = _parse_flags(args, _VERSION_FLAGS)
        except _FlagError as exc:
            return _cobra_error(str(exc), _VERSION_USAGE)
        if flags.get("help"):
            return CommandResult(_VERSION_HELP)
        return CommandResult(
            f"ingress2gateway version: {EMULATED_VERSION}\nBuilt with Go version: {GO_VERSION}\n"
        )

    # ingress2gateway print
    def print_(self, args: list[str], invocation: Invocation) -> CommandResult:
        try:
            _, flags = _parse_flags(args, _PRINT_FLAGS)
        except _FlagError as exc:
            return _cobra_error(str(exc), _PRINT_USAGE)
        if flags.get("help"):
            return CommandResult(_PRINT_HELP)
        if "providers" not in flags:
            return _cobra_error('required flag(s) "providers" not set', _PRINT_USAGE)
        if "namespace" in flags and "all-namespaces" in flags:
            return _cobra_error(
                "if any flags in the group [namespace all-namespaces] are set none of the others can be; "
                "[all-namespaces namespace] were all set",
                _PRINT_USAGE,
            )
        output = str(flags.get("output", "yaml"))
        if output in ("json", "kyaml"):
            return _not_emulated(f"-o {output}")
        if output not in ("yaml", ""):
            return _cobra_error(
                f"failed to initialize resource printer: {output} is not a supported output format",
                _PRINT_USAGE,
            )
        files = [str(f) for f in flags.get("input-file", [])]  # type: ignore[union-attr]
        namespace = str(flags.get("namespace", ""))
        context_namespace = namespace == "" and not flags.get("all-namespaces") and not files
        if flags.get("all-namespaces") or (files and not namespace):
            namespace = ""

        texts: list[str] = []
        for name in files:
            path = Path(invocation.cwd or self.cwd) / name
            if not path.exists():
                return _cobra_error(f"input path does not exist: {name}", _PRINT_USAGE)
            if path.is_dir():
                return _cobra_error(f"provided input path {name} is a directory", _PRINT_USAGE)
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except OSError as exc:
                return _cobra_error(f"error reading file {name}: {exc.strerror}", _PRINT_USAGE)

        providers = [str(p) for p in flags["providers"]]  # type: ignore[union-attr]
        for provider in providers:
            if provider not in PROVIDERS:
                return _cobra_error(f"{provider} is not a supported provider", _PRINT_USAGE)
        others = [p for p in providers if p != "ingress-nginx"]
        if others:
            return _not_emulated(f"the {others[0]} provider")
        emitter = str(flags.get("emitter", "standard"))
        ingress_class = str(flags.get("ingress-nginx-ingress-class", DEFAULT_INGRESS_CLASS))

        if files:
            try:
                documents = [doc for text in texts for doc in _documents(text)]
            except (yaml.YAMLError, ValueError) as exc:
                return _cobra_error(
                    "failed to read ingress-nginx resources from input: failed to read resources from file: "
                    f"failed to extract objects: failed to unmarshal manifest: {exc}",
                    _PRINT_USAGE,
                )
            # The Services of a file never reach the provider in v1.1.0 (see ingresslab.migrate.ingress2gateway).
            ingresses, services, kind = objects_from_documents(documents, namespace), [], "Ingress"
        else:
            if self.backend is None:
                return _not_emulated("reading Ingresses without a sandbox cluster")
            with self.backend.transaction(write=False, tick=False) as cluster:
                if context_namespace:
                    namespace = cluster.state.context.get("namespace") or "default"
                scope = namespace or None
                ingresses = [{**o, "kind": "Ingress"} for o in cluster.list("ingresses", scope)]
                services = [{**o, "kind": "Service"} for o in cluster.list("services", scope)]
            kind = ""  # objects listed from a cluster carry no kind: the report shows `: <ns>/<name>`

        if emitter not in EMITTERS:
            return _cobra_error(f"{emitter} is not a supported emitter", _PRINT_USAGE)
        if emitter != "standard":
            return _not_emulated(f"the {emitter} emitter")
        if not providers:
            return CommandResult(f"No resources found{f' in {namespace} namespace' if namespace else ''}\n")
        try:
            conversion = convert(
                ingresses, ingress_class_flag=ingress_class, services=services, object_kind=kind
            )
        except ConversionFailed as exc:
            return _cobra_error(str(exc), _PRINT_USAGE)
        except NotEmulated as exc:
            return _not_emulated(str(exc))
        except ConverterPanic:
            # The real stack trace goes on with goroutine addresses; its head is what a learner reads.
            return CommandResult("", ConverterPanic.MESSAGE, 2)
        return CommandResult.from_transcript(
            [
                ("stderr", conversion.stderr(color=not flags.get("no-color"))),
                ("stdout", conversion.stdout(namespace)),
            ]
        )


def factory(backend: SandboxBackend, cwd: str) -> CommandFunc:
    return Ingress2Gateway(backend, cwd)
