"""SandboxBackend: the Backend protocol over an emulated minikube whose state lives in a file.

Every call is one transaction: take the file lock, reload the state if another process changed it, act,
let the controllers settle, save atomically. The virtual clock moves a few seconds per call, the time a
learner takes between two commands, so AGE columns read like a real session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import Timeout

from ingresslab.backends.base import ALL_NAMESPACES, ApplyResult, ExecResult, Obj
from ingresslab.backends.sandbox.bootstrap import bootstrap
from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.controllers import kubelet
from ingresslab.backends.sandbox.logstore import FileLogStore, LogStore, MemoryLogStore
from ingresslab.backends.sandbox.state import ClusterState, StateFile, default_state_path
from ingresslab.backends.sandbox.store import clone
from ingresslab.backends.sandbox.tools import ToolFactory, sandbox_tools
from ingresslab.errors import AlreadyExists, BadRequest, Invalid, NotFound, StateFileError
from ingresslab.kube.apply import merge_for_apply, merge_patch, with_last_applied
from ingresslab.kube.pods import default_container
from ingresslab.kube.resources import Kinds, ResourceType, UnknownResourceType, resolve
from ingresslab.kube.selectors import SelectorError, parse_selector

__all__ = ["PodCommand", "SandboxBackend", "pod_programs"]

PodCommand = Callable[["SandboxBackend", Cluster, dict, str, list[str]], ExecResult]
"""A program that exists inside the sandbox's containers: (backend, cluster, pod, container, argv)."""


def pod_programs() -> dict[str, PodCommand]:
    """A new table of the programs inside containers (`cat`, `nslookup`, `wget`, …), in one declared order:
    the shells and utilities, then the data plane's HTTP clients (which replace none of them)."""
    from ingresslab.backends.sandbox import podexec  # both import this module (PodCommand, the backend)
    from ingresslab.backends.sandbox.dataplane import podprograms

    return {**podexec.programs(), **podprograms.programs()}


def _gvr(rtype: ResourceType) -> str:
    return f"{rtype.group}/{rtype.version}, Resource={rtype.plural}"


class SandboxBackend:
    """An offline cluster; `state=None` keeps it in memory only (for tests and throwaway labs)."""

    name = "sandbox"

    def __init__(
        self,
        state: str | os.PathLike[str] | None = "default",
        *,
        seed: int = 0,
        step_seconds: tuple[float, float] = (2.0, 6.0),
    ) -> None:
        self.logstore: LogStore
        if state is None:
            self.file = None
            self.logstore = MemoryLogStore()
        else:
            path = Path(state)
            if path.suffix != ".json" and os.sep not in str(state):
                path = default_state_path(str(state))
            self.file = StateFile(path)
            self.logstore = FileLogStore(path.with_name(path.stem + ".logs"))
        self.seed = seed
        self.step_seconds = step_seconds
        # What this backend runs inside containers and as host tools; owned here, never filled by imports.
        self.pod_commands: dict[str, PodCommand] = pod_programs()
        self._tools: dict[str, ToolFactory] | None = None
        self._cluster: Cluster | None = None
        self._stamp: tuple[int, int] | None = None
        self._depth = 0

    # -- transactions ---------------------------------------------------------------------------
    @property
    def state_path(self) -> Path | None:
        return self.file.path if self.file else None

    def _fresh(self) -> Cluster:
        self.logstore.clear()
        cluster = Cluster(ClusterState(seed=self.seed), self.logstore)
        bootstrap(cluster)
        return cluster

    @contextmanager
    def transaction(self, *, write: bool = True, tick: bool = True) -> Iterator[Cluster]:
        """Hold the state for one operation; nested calls share the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self._cluster  # type: ignore[misc]
            finally:
                self._depth -= 1
            return
        if self.file is None:
            if self._cluster is None:
                self._cluster = self._fresh()
            self._depth = 1
            try:
                if tick:
                    self._tick(self._cluster)
                yield self._cluster
            finally:
                self._depth = 0
                self._cluster.store.sync_counter()
            return
        try:
            self.file.lock.acquire()
        except Timeout:
            raise StateFileError(
                f"{self.file.path} is locked by another process. Close the other notebook using this sandbox, "
                "or choose another state file with connect(state=PATH)."
            ) from None
        try:
            stamp = self.file.stamp()
            if stamp is None:
                self._cluster = self._fresh()
                write = True
            elif self._cluster is None or stamp != self._stamp:
                self._cluster = Cluster(self.file.load(), self.logstore)
            self._depth = 1
            if tick:
                self._tick(self._cluster)
            yield self._cluster
            if write or tick:
                self._cluster.store.sync_counter()
                self.file.save(self._cluster.state)
                self._stamp = self.file.stamp()
        except BaseException:
            # Drop the in-memory copy: the file still holds the last good state.
            self._cluster = None
            self._stamp = None
            raise
        finally:
            self._depth = 0
            self.file.lock.release()

    def _tick(self, cluster: Cluster) -> None:
        low, high = self.step_seconds
        if high > 0:
            cluster.store.advance(round(cluster.store.rng.uniform(low, high), 3))
            # The kubelet watches the clock, not the store: a back-off that ran out while the learner typed
            # restarts the container (or pulls again) now, even when this call changes nothing else.
            kubelet.catch_up(cluster)

    def new_request_id(self) -> str:
        """A request id from the seeded generator, so a replayed lesson shows the same ids."""
        with self.transaction(tick=False) as cluster:
            return cluster.store.rng.hex(16)

    def reset(self) -> None:
        """Start over from a freshly booted cluster (same seed)."""
        if self.file is not None:
            with self.file.lock:
                self.file.remove()
                self._cluster = self._fresh()
                self._cluster.store.sync_counter()
                self.file.save(self._cluster.state)
                self._stamp = self.file.stamp()
        else:
            self._cluster = self._fresh()

    def now(self) -> datetime:
        with self.transaction(write=False, tick=False) as cluster:
            return datetime.fromtimestamp(cluster.store.now, tz=timezone.utc)

    # -- kubeconfig context ---------------------------------------------------------------------
    def context_name(self) -> str:
        with self.transaction(write=False, tick=False) as cluster:
            return cluster.state.context["name"]

    def current_namespace(self) -> str:
        with self.transaction(write=False, tick=False) as cluster:
            return cluster.state.context.get("namespace") or "default"

    def set_namespace(self, namespace: str) -> None:
        with self.transaction() as cluster:
            cluster.state.context["namespace"] = namespace

    # -- objects --------------------------------------------------------------------------------
    def discovery(self, *, fresh: bool = False) -> Kinds:
        """The kinds served now: built-ins plus every stored CRD's kind (Istio's after `istioctl install`).
        Always current (it follows the store), so `fresh` changes nothing."""
        with self.transaction(write=False, tick=False) as cluster:
            return cluster.store.kinds

    def serves(self, kind: str | ResourceType) -> bool:
        """Whether the API server knows the type now (a kubectl name, or a type)."""
        kinds = self.discovery()
        return kinds.serves(kind) if isinstance(kind, ResourceType) else kind in kinds

    def _type(self, cluster: Cluster, kind: str) -> ResourceType:
        return cluster.store.kinds.resolve(kind)

    def _ns(self, cluster: Cluster, rtype: ResourceType, namespace: str | None) -> str | None:
        if not rtype.namespaced:
            return None
        return namespace or cluster.state.context.get("namespace") or "default"

    def _prepare(self, cluster: Cluster, obj: Obj, namespace: str | None) -> tuple[ResourceType, Obj]:
        obj = clone(obj)
        rtype = _served_kind(cluster, obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name"):
            raise Invalid(
                f'{rtype.kind} "" is invalid: metadata.name: Required value: name or generateName is required'
            )
        if rtype.namespaced:
            ns = meta.get("namespace") or namespace or cluster.state.context.get("namespace") or "default"
            if namespace and meta.get("namespace") and meta["namespace"] != namespace:
                raise BadRequest(
                    f'the namespace from the provided object "{meta["namespace"]}" does not match the namespace '
                    f"\"{namespace}\". You must pass '--namespace={meta['namespace']}' to perform this operation."
                )
            meta["namespace"] = ns
            if cluster.store.get(resolve("namespaces"), ns) is None:
                raise NotFound(f'namespaces "{ns}" not found')
        else:
            meta.pop("namespace", None)
        obj["apiVersion"] = (
            rtype.api_version
            if obj["apiVersion"] not in (f"{rtype.group}/{v}" if rtype.group else v for v in rtype.versions)
            else obj["apiVersion"]
        )
        return rtype, obj

    def create(self, obj: Obj, *, namespace: str | None = None) -> Obj:
        with self.transaction() as cluster:
            rtype, obj = self._prepare(cluster, obj, namespace)
            meta = obj["metadata"]
            if cluster.store.get(rtype, meta["name"], meta.get("namespace")) is not None:
                raise AlreadyExists(f'{rtype.qualified_plural} "{meta["name"]}" already exists')
            return clone(cluster.create(obj))

    def apply(self, obj: Obj, *, namespace: str | None = None) -> ApplyResult:
        with self.transaction() as cluster:
            rtype, obj = self._prepare(cluster, obj, namespace)
            meta = obj["metadata"]
            current = cluster.store.get(rtype, meta["name"], meta.get("namespace"))
            if current is None:
                return ApplyResult(clone(cluster.create(with_last_applied(obj))), "created")
            merged = merge_for_apply(current, obj)
            cluster.admit(rtype, merged, current)  # defaults and allocations, so only real changes count
            if _same_content(merged, current):
                return ApplyResult(clone(current), "unchanged")
            stored = cluster.update(merged, old=current)
            return ApplyResult(clone(stored), "configured")

    def apply_many(self, objs: Sequence[Obj], *, namespace: str | None = None) -> list[ApplyResult]:
        with self.transaction() as cluster:
            for obj in objs:  # check types first so an unknown kind stores nothing
                _served_kind(cluster, obj)
            return [self.apply(obj, namespace=namespace) for obj in objs]

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        with self.transaction(write=False, tick=False) as cluster:
            rtype = self._type(cluster, kind)
            found = cluster.store.get(rtype, name, self._ns(cluster, rtype, namespace))
            if found is None:
                raise NotFound(f'{rtype.qualified_plural} "{name}" not found')
            return clone(found)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[Obj]:
        with self.transaction(write=False, tick=False) as cluster:
            rtype = self._type(cluster, kind)
            try:
                selector = parse_selector(label_selector)
            except SelectorError as exc:
                raise BadRequest(
                    f'Unable to find "{_gvr(rtype)}" that match label selector "{label_selector}", field selector '
                    f'"{field_selector or ""}": unable to parse requirement: {exc}'
                ) from None
            fields = _parse_field_selector(rtype, field_selector, label_selector)
            ns = None if namespace == ALL_NAMESPACES else self._ns(cluster, rtype, namespace)
            out = []
            for obj in cluster.store.list(rtype, ns):
                if selector.matches(obj["metadata"].get("labels")) and all(
                    (_field(obj, path) == want) != negate for path, want, negate in fields
                ):
                    out.append(clone(obj))
            return out

    def delete(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        with self.transaction() as cluster:
            rtype = self._type(cluster, kind)
            removed = cluster.delete(rtype, name, self._ns(cluster, rtype, namespace))
            if removed is None:
                raise NotFound(f'{rtype.qualified_plural} "{name}" not found')
            return clone(removed)

    def patch(self, kind: str, name: str, patch: Mapping[str, Any], namespace: str | None = None) -> Obj:
        with self.transaction() as cluster:
            rtype = self._type(cluster, kind)
            ns = self._ns(cluster, rtype, namespace)
            current = cluster.store.get(rtype, name, ns)
            if current is None:
                raise NotFound(f'{rtype.qualified_plural} "{name}" not found')
            patched = merge_patch(clone(current), patch)
            return clone(cluster.update(patched, old=current))

    def label(
        self,
        kind: str,
        name: str,
        labels: Mapping[str, str | None],
        namespace: str | None = None,
        *,
        overwrite: bool = False,
    ) -> Obj:
        with self.transaction() as cluster:
            rtype = self._type(cluster, kind)
            ns = self._ns(cluster, rtype, namespace)
            current = cluster.store.get(rtype, name, ns)
            if current is None:
                raise NotFound(f'{rtype.qualified_plural} "{name}" not found')
            existing = current["metadata"].get("labels") or {}
            for key, value in labels.items():
                if value is not None and key in existing and existing[key] != value and not overwrite:
                    raise Invalid(f"'{key}' already has a value ({existing[key]}), and --overwrite is false")
            updated = clone(current)
            new_labels = updated["metadata"].setdefault("labels", {})
            for key, value in labels.items():
                if value is None:
                    new_labels.pop(key, None)
                else:
                    new_labels[key] = value
            if not new_labels:
                updated["metadata"].pop("labels")
            if updated == current:
                return clone(current)
            return clone(cluster.update(updated, old=current))

    # -- containers -----------------------------------------------------------------------------
    def _pod(self, cluster: Cluster, name: str, namespace: str | None) -> dict:
        ns = namespace or cluster.state.context.get("namespace") or "default"
        pod = cluster.store.get(resolve("pods"), name, ns)
        if pod is None:
            raise NotFound(f'pods "{name}" not found')
        return pod

    @staticmethod
    def _container(pod: dict, container: str | None) -> str:
        names = [c["name"] for c in pod["spec"].get("containers") or []]
        inits = [c["name"] for c in pod["spec"].get("initContainers") or []]
        inits += [c["name"] for c in pod["spec"].get("ephemeralContainers") or []]
        if container is None:
            return default_container(pod) or ""
        if container not in names + inits:
            choices = " ".join(names)
            raise BadRequest(
                f"container {container} is not valid for pod {pod['metadata']['name']}"
                if not names
                else f"container {container} is not valid for pod {pod['metadata']['name']}, choose one of: [{choices}]"
            )
        return container

    def logs(
        self,
        pod: str,
        namespace: str | None = None,
        *,
        container: str | None = None,
        tail: int | None = None,
        since_seconds: int | None = None,
        timestamps: bool = False,
    ) -> str:
        with self.transaction(write=False, tick=False) as cluster:
            found = self._pod(cluster, pod, namespace)
            name = self._container(found, container)
            lines = cluster.logs.read(found["metadata"]["namespace"], pod, name)
            if since_seconds is not None:
                cutoff = cluster.store.now - since_seconds
                lines = [ln for ln in lines if _line_time(ln) >= cutoff]
            if tail is not None and tail >= 0:
                lines = lines[-tail:] if tail else []
            out = [ln if timestamps else ln.split(" ", 1)[1] for ln in lines]
            return "".join(f"{ln}\n" for ln in out)

    def exec(
        self,
        pod: str,
        command: Sequence[str],
        namespace: str | None = None,
        *,
        container: str | None = None,
        stdin: str | None = None,
    ) -> ExecResult:
        with self.transaction() as cluster:
            found = self._pod(cluster, pod, namespace)
            name = self._container(found, container)
            program = self.pod_commands.get(command[0].rpartition("/")[2]) if command else None
            if program is None:
                return ExecResult(
                    "",
                    "error: Internal error occurred: error executing command in container: failed to exec in "
                    f"container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container "
                    f'process: exec: "{command[0] if command else ""}": executable file not found in $PATH: unknown\n',
                    126,
                )
            if stdin is not None:
                return program(self, cluster, found, name, list(command), stdin=stdin)
            return program(self, cluster, found, name, list(command))

    def debug(
        self,
        pod: str,
        image: str,
        command: Sequence[str],
        namespace: str | None = None,
        *,
        name: str | None = None,
        stdin: str = "",
    ) -> tuple[ExecResult, str]:
        """`kubectl debug POD --image=IMAGE -- CMD`: an ephemeral container; returns its output and its name."""
        from ingresslab.backends.sandbox.podexec import run_debug

        with self.transaction() as cluster:
            found = self._pod(cluster, pod, namespace)
            return run_debug(self, cluster, found, image, list(command), name, stdin)

    def tools(self, lab: Any) -> dict[str, Any]:
        """minikube, istioctl and curl as the Lab's shell sees them."""
        if self._tools is None:
            self._tools = sandbox_tools()
        return {name: factory(self, lab.cwd) for name, factory in self._tools.items()}


def _served_kind(cluster: Cluster, obj: Obj) -> ResourceType:
    try:
        return cluster.store.kinds.resolve_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    except UnknownResourceType:
        raise UnknownResourceType(f'{obj.get("kind")} in version "{obj.get("apiVersion")}"') from None


def _same_content(a: dict, b: dict) -> bool:
    strip = lambda o: {**o, "metadata": {k: v for k, v in o["metadata"].items() if k != "resourceVersion"}}  # noqa: E731
    return strip(a) == strip(b)


def _line_time(line: str) -> float:
    stamp = line.split(" ", 1)[0]
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")[:26] + "+00:00").timestamp()
    except ValueError:
        return 0.0


_FIELDS_EVERYWHERE = ("metadata.name", "metadata.namespace")
_POD_FIELDS = (
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "status.phase",
    "status.podIP",
)
# The Event fields the API server indexes (what `kubectl describe` searches by).
_EVENT_FIELDS = (
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "type",
)
_KIND_FIELDS = {"Pod": _POD_FIELDS, "Event": _EVENT_FIELDS}


def _parse_field_selector(
    rtype: ResourceType, text: str | None, label_text: str | None
) -> list[tuple[str, str, bool]]:
    if not text:
        return []
    allowed = _FIELDS_EVERYWHERE + _KIND_FIELDS.get(rtype.kind, ())
    out = []
    for part in text.split(","):
        for op in ("!=", "==", "="):
            if op in part:
                path, _, value = part.partition(op)
                break
        else:
            raise BadRequest(f"invalid selector: '{text}'; can't understand '{part}'")
        if path not in allowed:
            raise BadRequest(
                f'Unable to find "{_gvr(rtype)}" that match label selector "{label_text or ""}", field selector '
                f'"{text}": "{path}" is not a known field selector: only "metadata.name", "metadata.namespace"'
            )
        out.append((path, value, op == "!="))
    return out


def _field(obj: dict, path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)
