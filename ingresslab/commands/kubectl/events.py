"""`kubectl events` (kubectl 1.31, pkg/cmd/events): the namespace's Events sorted by time, on the client.

`--for TYPE/NAME` asks the API server for the Events whose involvedObject has that kind and name,
`--types=Normal,Warning` filters (case-insensitively) on the client, `-A` lists every namespace (NAMESPACE
column), `-o json|yaml` prints a typed EventList, `--no-headers` drops the header. Nothing found: `No events
found in NS namespace.` (`No events found.` with `-A`) on stderr, exit 0.

`--watch` prints what kubectl's watch would print first (every current Event, in the API server's order, one
flush each, no "No events found"); a notebook cell has to finish, so it then ends with the same note as
`kubectl get -w` (after --request-timeout, 5s by default).
"""

from __future__ import annotations

from ingresslab.backends.base import ALL_NAMESPACES
from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, served_kinds
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.watch import DEFAULT_SECONDS, _seconds
from ingresslab.commands.result import CommandResult
from ingresslab.kube import jsonpath
from ingresslab.kube.printers import print_yaml
from ingresslab.kube.printers.events import (
    EventWatchPrinter,
    event_list,
    print_event_json,
    print_events_table,
    sort_events,
    typed_event,
)

__all__ = ["events"]

_FLAGS = [
    Flag("namespace", "n"),
    Flag("all-namespaces", "A", value=False),
    Flag("for"),
    Flag("types", repeat=True),
    Flag("no-headers", value=False),
    Flag("watch", "w", value=False),
    Flag("output", "o"),
    Flag("chunk-size"),
    Flag("request-timeout"),
    Flag("allow-missing-template-keys", value=False),
    Flag("show-managed-fields", value=False),
    Flag("template"),
    Flag("context"),
]

_JSONPATH = ("jsonpath=", "jsonpath-as-json=")
_FORMATS = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"


def _for_object(ctx: KubectlContext, text: str) -> tuple[str, str] | None:
    """decodeResourceTypeName: (Kind, name) of `deployment/web`; None without a slash."""
    if "/" not in text:
        return None
    parts = text.split("/")
    if len(parts) != 2:
        raise fail("arguments in resource/name form may not have more than one slash")
    resource, name = parts
    kinds = served_kinds(ctx)
    rtype = kinds.find(resource) or served_kinds(ctx, fresh=True).find(resource)
    if rtype is None:
        # cmdutil.CheckErr prints a NoResourceMatch error this way, without `error: `.
        raise KubectlError(f'the server doesn\'t have a resource type "{resource}"')
    return rtype.kind, name


def _types(values: list[str]) -> list[str]:
    """`--types` is a string slice (commas or repeats), deduplicated and sorted (sets.NewString(...).List())."""
    out = sorted({t for v in values for t in _split_slice(v)})
    for t in out:
        if t.lower() not in ("normal", "warning"):
            raise fail("valid --types are Normal or Warning")
    return out


def _split_slice(value: str) -> list[str]:
    # pflag's StringSlice reads its value as one CSV record.
    return [part.strip('"') for part in value.split(",")] if value else []


def events(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, _FLAGS)
    all_ns = bool(p.get("all-namespaces"))
    namespace = ctx.namespace(p.get("namespace"))
    output = str(p.get("output") or "")
    if output and not (output in ("json", "yaml", "name", "jsonpath") or output.startswith(_JSONPATH)):
        if output.startswith(("go-template", "template", "jsonpath-file")):
            raise fail(f"--output {output.partition('=')[0]} is not available in the sandbox")
        raise fail(
            f'unable to match a printer suitable for the output format "{output}", allowed formats are: {_FORMATS}'
        )
    involved = _for_object(ctx, str(p.get("for"))) if p.get("for") else None
    if p.get("for") and involved is None:
        raise fail("--for must be in resource/name form")
    types = _types([str(v) for v in p.get("types") or []])

    selector = None
    if involved is not None:
        selector = f"involvedObject.kind={involved[0]},involvedObject.name={involved[1]}"
    found = ctx.backend.list("events", ALL_NAMESPACES if all_ns else namespace, field_selector=selector)
    found = [
        ev for ev in found if not types or any(t.lower() == str(ev.get("type", "")).lower() for t in types)
    ]
    now = ctx.now()

    if p.get("watch"):
        return _watch(ctx, p, found, output, all_ns, now)

    if not found:
        message = "No events found.\n" if all_ns else f"No events found in {namespace} namespace.\n"
        return CommandResult("", message)
    ordered = sort_events(found)
    if output == "json":
        return CommandResult(print_event_json(event_list(ordered)))
    if output == "yaml":
        return CommandResult(print_yaml(event_list(ordered)))
    if output == "name":
        return CommandResult("")  # kubectl's name printer finds no names in an EventList and says nothing
    if output.startswith("jsonpath"):
        return CommandResult(_jsonpath(output, event_list(ordered)))
    return CommandResult(
        print_events_table(ordered, now, all_namespaces=all_ns, no_headers=bool(p.get("no-headers")))
    )


def _watch(ctx: KubectlContext, p, found: list[dict], output: str, all_ns: bool, now) -> CommandResult:
    timeout = float(DEFAULT_SECONDS)
    if p.get("request-timeout"):
        timeout = _seconds(str(p.get("request-timeout"))) or float(DEFAULT_SECONDS)
    # A watch without a resourceVersion starts with every current Event, in the API server's (key) order.
    current = sorted(found, key=lambda e: (e["metadata"].get("namespace", ""), e["metadata"]["name"]))
    out: list[str] = []
    if output == "json":
        out = [print_event_json(typed_event(ev)) for ev in current]
    elif output == "yaml":
        out = [("---\n" if i else "") + print_yaml(typed_event(ev)) for i, ev in enumerate(current)]
    elif output.startswith("jsonpath"):
        out = [_jsonpath(output, typed_event(ev)) for ev in current]
    elif output == "name":  # one Event at a time, which the name printer does name
        out = [f"event/{ev['metadata']['name']}\n" for ev in current]
    else:
        printer = EventWatchPrinter(now, all_namespaces=all_ns, no_headers=bool(p.get("no-headers")))
        out = [printer.print(ev) for ev in current]
    note = (
        f"(the watch stopped after {timeout:g}s: a notebook cell has to finish; "
        "run the command again to see what changed since)\n"
    )
    return CommandResult("".join(out), note)


def _jsonpath(output: str, data: dict) -> str:
    template = output.partition("=")[2]
    if not template:
        raise fail("template format specified but no template given")
    try:
        return jsonpath.evaluate(template, data, as_json=output.startswith("jsonpath-as-json"))
    except jsonpath.JsonPathError as exc:
        raise KubectlError(exc.stderr) from None
