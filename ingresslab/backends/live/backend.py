"""LiveBackend: the Backend protocol over a real API server, through the official kubernetes client.

Objects go in and come out as the API server's own JSON. Writes use server-side apply with the field manager
`ingresslab`, so re-applying a manifest is idempotent and the cluster records who owns which field. Pod exec
uses the streaming API; `kubectl debug` becomes an ephemeral container whose logs are its output.
"""

from __future__ import annotations

import copy
import json
import os
import secrets as _random
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kubernetes.client.exceptions import ApiException

from ingresslab.backends.base import ALL_NAMESPACES, ApplyResult, ExecResult, Obj
from ingresslab.backends.live import waits
from ingresslab.backends.live.discovery import ApiResource, ResourceResolver
from ingresslab.backends.live.errors import ClusterUnreachable
from ingresslab.backends.live.execution import collect_exec_output
from ingresslab.backends.live.kubeconfig import (
    IN_CLUSTER_CONTEXT,
    ContextInfo,
    KubeconfigError,
    find_kubeconfig_files,
    in_cluster_available,
    read_kubeconfig,
    server_host,
)
from ingresslab.backends.live.transport import ApiTransport, new_api_client
from ingresslab.errors import IngresslabError, Invalid, NotFound
from ingresslab.kube.resources import Kinds
from ingresslab.safety import guard_destructive, is_local_context

__all__ = ["FIELD_MANAGER", "NO_KUBECONFIG", "LiveBackend"]

FIELD_MANAGER = "ingresslab"
NO_KUBECONFIG = "no kubeconfig found (looked in $KUBECONFIG / ~/.kube/config)"

# kubectl's alphabet for generated names: no vowels (no accidental words) and no look-alike characters.
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# Shells that take a script with -c, so `kubectl debug POD -i -- /bin/sh` with typed lines still works.
_SHELLS = frozenset({"sh", "ash", "bash"})


def _random_suffix(length: int = 5) -> str:
    return "".join(_random.choice(_NAME_ALPHABET) for _ in range(length))


def _resource_version(obj: Mapping[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("resourceVersion")


def _our_fields(obj: Mapping[str, Any]) -> Any:
    """The fields the `ingresslab` apply owns, as the server records them in managedFields."""
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if entry.get("manager") == FIELD_MANAGER and entry.get("operation") == "Apply":
            return entry.get("fieldsV1")
    return None


def _holds(current: Any, wanted: Any) -> bool:
    """Whether `current` already has every value the manifest `wanted` sets (maps may hold more keys)."""
    if isinstance(wanted, Mapping):
        return isinstance(current, Mapping) and all(_holds(current.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(current, list)
            and len(current) == len(wanted)
            and all(_holds(c, w) for c, w in zip(current, wanted, strict=True))
        )
    return current == wanted


def _applied_nothing(
    manifest: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]
) -> bool:
    """Whether a server-side apply changed nothing. The same resourceVersion says so at once; but a controller
    may write the object (a Deployment's status, say) between our read and our apply, so a new resourceVersion
    alone does not mean that our apply changed it: it did not if every value of the manifest was already there
    and the set of fields we own stayed the same (an apply that drops a field changes that set)."""
    if _resource_version(before) == _resource_version(after):
        return True
    body = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind", "status")}
    meta = {k: v for k, v in (body.pop("metadata", None) or {}).items() if k in ("labels", "annotations")}
    return (
        _our_fields(before) is not None
        and _our_fields(before) == _our_fields(after)
        and _holds(before, {**body, "metadata": meta})
    )


class LiveBackend:
    """A real cluster, named by a kubeconfig context (the current one by default) or the pod's service account."""

    name = "live"

    def __init__(
        self,
        context: str | None = None,
        *,
        kubeconfig: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        namespace: str | None = None,
        request_timeout: float = 30.0,
        allow_destructive: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.allow_destructive = allow_destructive
        if kubeconfig is None:
            files = find_kubeconfig_files(environ)
        elif isinstance(kubeconfig, (str, os.PathLike)):
            files = [Path(kubeconfig)]
        else:
            files = [Path(p) for p in kubeconfig]
        if files:
            view = read_kubeconfig(files)
            info = view.context(context)
            secrets = view.secrets
        elif in_cluster_available(environ):
            env = os.environ if environ is None else environ
            server = f"https://{env['KUBERNETES_SERVICE_HOST']}:{env.get('KUBERNETES_SERVICE_PORT', '443')}"
            info = ContextInfo(IN_CLUSTER_CONTEXT, server=server)
            secrets = frozenset()
        else:
            raise KubeconfigError(f"{NO_KUBECONFIG}; start a cluster (`minikube start`) or use the sandbox")
        api_client = new_api_client(tuple(files), info, secrets=secrets)
        transport = ApiTransport(
            api_client,
            context=info.name,
            host=server_host(info.server),
            secrets=secrets,
            request_timeout=request_timeout,
        )
        self._setup(transport, info, namespace)

    @classmethod
    def from_transport(
        cls, transport: ApiTransport, info: ContextInfo, namespace: str | None = None
    ) -> LiveBackend:
        """A backend over an existing transport (tests, or a caller that built its own ApiClient)."""
        self = cls.__new__(cls)
        self.allow_destructive = False
        self._setup(transport, info, namespace)
        return self

    def _setup(self, transport: ApiTransport, info: ContextInfo, namespace: str | None) -> None:
        self.transport = transport
        self.info = info
        self._namespace = namespace or info.namespace or "default"
        self._resolver = ResourceResolver(transport)

    def __repr__(self) -> str:
        return f"LiveBackend(context={self.info.name!r}, server={self.info.host!r}, namespace={self._namespace!r})"

    @property
    def api_client(self) -> Any:
        return self.transport.api_client

    # -- kubeconfig context -------------------------------------------------------------------------------

    def context_name(self) -> str:
        return self.info.name

    def server(self) -> str | None:
        """The API server as `host:port` (never with credentials)."""
        return self.info.host

    def current_namespace(self) -> str:
        return self._namespace

    @property
    def is_local(self) -> bool:
        """Whether this context is a disposable local cluster (minikube, kind-*, a loopback server…)."""
        return is_local_context(self.info.name, self.info.server)

    def discovery(self, *, fresh: bool = False) -> Kinds:
        """The kinds this cluster serves (built-ins plus its CRDs'), for kubectl emulation's name lookup;
        `fresh=True` forgets the cached discovery first (a CRD may have come from another client)."""
        if fresh:
            self._resolver.forget()
        return self._resolver.discovery()

    def tools(self, lab: Any) -> dict[str, Any]:
        """The real kubectl/minikube/istioctl/curl for the Lab's shell (with fallbacks and the guard)."""
        from ingresslab.backends.live.clis import live_tools

        return live_tools(self, lab)

    def guard(self, action: str, *, allow: bool = False) -> None:
        """Raise DestructiveActionRefused unless `action` may run here (local cluster or explicitly allowed)."""
        guard_destructive(
            action, self.info.name, allow=allow or self.allow_destructive, server=self.info.server
        )

    def set_namespace(self, namespace: str) -> None:
        """Change the namespace this backend defaults to (the kubeconfig file itself is left untouched)."""
        if not namespace or namespace == ALL_NAMESPACES:
            raise Invalid(f"{namespace!r} is not a namespace name; pass a name such as 'application'")
        self._namespace = namespace

    # -- helpers --------------------------------------------------------------------------------------------

    def _resource_for(self, obj: Mapping[str, Any]) -> ApiResource:
        kind, api_version = obj.get("kind"), obj.get("apiVersion")
        name = (obj.get("metadata") or {}).get("name")
        if not kind or not api_version:
            raise Invalid("error validating data: apiVersion and kind must both be set in every object")
        if not name and not (obj.get("metadata") or {}).get("generateName"):
            raise Invalid(f"error validating data: the {kind} has no metadata.name")
        return self._resolver.for_object(str(api_version), str(kind))

    def _ns(
        self, resource: ApiResource, namespace: str | None, obj: Mapping[str, Any] | None = None
    ) -> str | None:
        if not resource.namespaced:
            return None
        from_obj = ((obj or {}).get("metadata") or {}).get("namespace")
        if from_obj and namespace and from_obj != namespace:
            raise Invalid(
                f"the namespace from the provided object {from_obj!r} does not match the namespace "
                f"{namespace!r}. You must pass '--namespace={from_obj}' to perform this operation."
            )
        return from_obj or namespace or self._namespace

    @staticmethod
    def _with_namespace(obj: Mapping[str, Any], namespace: str | None) -> Obj:
        body = copy.deepcopy(dict(obj))
        if namespace:
            body.setdefault("metadata", {})["namespace"] = namespace
        return body

    # -- objects --------------------------------------------------------------------------------------------

    def create(self, obj: Obj, *, namespace: str | None = None) -> Obj:
        resource = self._resource_for(obj)
        ns = self._ns(resource, namespace, obj)
        return self.transport.request(
            "POST",
            resource.collection_path(ns),
            query={"fieldManager": FIELD_MANAGER},
            body=self._with_namespace(obj, ns),
        )

    def _apply_one(self, obj: Obj, namespace: str | None, *, dry_run: bool = False) -> ApplyResult:
        resource = self._resource_for(obj)
        ns = self._ns(resource, namespace, obj)
        name = obj["metadata"].get("name")
        if not name:
            raise Invalid(
                f"error validating data: apply needs metadata.name (the {obj['kind']} has only generateName)"
            )
        path = resource.item_path(name, ns)
        try:
            before = self.transport.request("GET", path)
        except NotFound:
            before = None
        query: dict[str, Any] = {"fieldManager": FIELD_MANAGER, "force": True}
        if dry_run:
            query["dryRun"] = "All"
        # force=True: the tutorial's manifests are the source of truth for the objects they describe, so a
        # field last set by `kubectl apply` or `kubectl edit` is taken over instead of failing with a conflict.
        after = self.transport.request(
            "PATCH",
            path,
            query=query,
            body=self._with_namespace(obj, ns),
            content_type="application/apply-patch+yaml",
        )
        if before is None:
            action = "created"
        elif _applied_nothing(obj, before, after):
            action = "unchanged"
        else:
            action = "configured"
        return ApplyResult(after, action)

    def apply(self, obj: Obj, *, namespace: str | None = None) -> ApplyResult:
        """Server-side apply (field manager `ingresslab`) for any kind the server serves, CRDs included."""
        return self._apply_one(obj, namespace)

    def apply_many(self, objs: Sequence[Obj], *, namespace: str | None = None) -> list[ApplyResult]:
        """Dry-run every object on the server first, so an invalid one stops the batch before anything is stored."""
        created_namespaces = {
            o["metadata"]["name"]
            for o in objs
            if o.get("kind") == "Namespace" and (o.get("metadata") or {}).get("name")
        }
        for obj in objs:
            try:
                self._apply_one(obj, namespace, dry_run=True)
            except NotFound:
                # A namespace created earlier in this same batch does not exist yet during the dry run.
                target = (obj.get("metadata") or {}).get("namespace") or namespace or self._namespace
                if target not in created_namespaces:
                    raise
        return [self._apply_one(obj, namespace) for obj in objs]

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        resource = self._resolver.for_name(kind)
        return self._fill_type(
            self.transport.request("GET", resource.item_path(name, self._ns(resource, namespace))), resource
        )

    def _list_raw(
        self,
        kind: str,
        namespace: str | None,
        label_selector: str | None,
        field_selector: str | None,
    ) -> tuple[ApiResource, dict[str, Any]]:
        resource = self._resolver.for_name(kind)
        ns = None if namespace == ALL_NAMESPACES else self._ns(resource, namespace)
        data = self.transport.request(
            "GET",
            resource.collection_path(ns),
            query={"labelSelector": label_selector, "fieldSelector": field_selector},
        )
        return resource, data or {}

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[Obj]:
        """Objects of a kind; namespace `"*"` (ALL_NAMESPACES) lists every namespace."""
        return self.list_with_version(
            kind, namespace, label_selector=label_selector, field_selector=field_selector
        )[0]

    def list_with_version(
        self,
        kind: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[Obj], str]:
        """The list and its resourceVersion, from which a watch continues without missing a change."""
        resource, data = self._list_raw(kind, namespace, label_selector, field_selector)
        # List items come without apiVersion/kind; fill them in so each item is a complete object.
        items = [self._fill_type(item, resource) for item in data.get("items") or []]
        return items, str((data.get("metadata") or {}).get("resourceVersion") or "")

    @staticmethod
    def _fill_type(obj: Obj, resource: ApiResource) -> Obj:
        if isinstance(obj, dict):
            obj.setdefault("apiVersion", resource.api_version)
            obj.setdefault("kind", resource.kind)
        return obj

    def delete(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        resource = self._resolver.for_name(kind)
        ns = self._ns(resource, namespace)
        if resource.kind == "Namespace" and not resource.group:
            self.guard(f"delete namespace {name}")
        answer = self.transport.request("DELETE", resource.item_path(name, ns)) or {}
        if answer.get("kind") == "Status":
            # Some deletions answer with a Status; return the object's identity instead.
            meta: dict[str, Any] = {"name": name}
            if ns:
                meta["namespace"] = ns
            return {"apiVersion": resource.api_version, "kind": resource.kind, "metadata": meta}
        return self._fill_type(answer, resource)

    def patch(self, kind: str, name: str, patch: Mapping[str, Any], namespace: str | None = None) -> Obj:
        """A JSON merge patch (RFC 7386)."""
        resource = self._resolver.for_name(kind)
        return self.transport.request(
            "PATCH",
            resource.item_path(name, self._ns(resource, namespace)),
            query={"fieldManager": FIELD_MANAGER},
            body=dict(patch),
            content_type="application/merge-patch+json",
        )

    def label(
        self,
        kind: str,
        name: str,
        labels: Mapping[str, str | None],
        namespace: str | None = None,
        *,
        overwrite: bool = False,
    ) -> Obj:
        current = self.get(kind, name, namespace)
        existing = (current.get("metadata") or {}).get("labels") or {}
        if not overwrite:
            for key, value in labels.items():
                if value is not None and key in existing and existing[key] != value:
                    raise Invalid(f"'{key}' already has a value ({existing[key]}), and --overwrite is false")
        # resourceVersion makes the patch fail with a Conflict if someone changed the object meanwhile.
        patch = {
            "metadata": {
                "labels": dict(labels),
                "resourceVersion": current["metadata"].get("resourceVersion"),
            }
        }
        return self.patch(kind, name, patch, namespace)

    # -- watch ------------------------------------------------------------------------------------------------

    def watch(
        self,
        kind: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout: float = 30.0,
    ) -> Iterator[tuple[str, Obj]]:
        """(event type, object) pairs until `timeout` seconds pass or the server ends the watch."""
        resource = self._resolver.for_name(kind)
        ns = None if namespace == ALL_NAMESPACES else self._ns(resource, namespace)
        query = {
            "watch": "true",
            "labelSelector": label_selector,
            "fieldSelector": field_selector,
            "resourceVersion": resource_version or None,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": max(1, int(timeout + 0.999)),
        }
        # The read timeout ends a silent watch at our deadline even if the server keeps it open longer.
        lines = self.transport.stream_lines(
            resource.collection_path(ns), query=query, timeout=(min(10.0, timeout + 1), timeout + 0.5)
        )
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            obj = event.get("object") or {}
            if event.get("type") != "ERROR":
                self._fill_type(obj, resource)
            yield str(event.get("type")), obj

    def wait_for_pods_ready(
        self, namespace: str, selector: str, timeout: float, progress: waits.ProgressCallback | None = None
    ) -> list[Obj]:
        return waits.wait_for_pods_ready(self, namespace, selector, timeout, progress)

    def wait_for_rollout(
        self, namespace: str, deployment: str, timeout: float, progress: waits.ProgressCallback | None = None
    ) -> Obj:
        return waits.wait_for_rollout(self, namespace, deployment, timeout, progress)

    def wait_for_ingress_address(
        self, namespace: str, name: str, timeout: float, progress: waits.ProgressCallback | None = None
    ) -> str:
        return waits.wait_for_ingress_address(self, namespace, name, timeout, progress)

    # -- containers ---------------------------------------------------------------------------------------------

    def logs(
        self,
        pod: str,
        namespace: str | None = None,
        *,
        container: str | None = None,
        tail: int | None = None,
        since_seconds: int | None = None,
        timestamps: bool = False,
        since_time: datetime | None = None,
    ) -> str:
        """A container's log (`kubectl logs`). `since_time` reads from that moment on (`--since-time`; the API
        takes whole seconds, so lines of that second come again): what a reader following the log asks for."""
        query = {
            "container": container,
            "tailLines": tail if tail is not None and tail >= 0 else None,
            "sinceSeconds": since_seconds,
            "sinceTime": _rfc3339(since_time) if since_time is not None else None,
            "timestamps": "true" if timestamps else None,
        }
        ns = namespace or self._namespace
        return self.transport.request(
            "GET", f"/api/v1/namespaces/{ns}/pods/{pod}/log", query=query, accept="*/*", raw=True
        )

    def exec(
        self,
        pod: str,
        command: Sequence[str],
        namespace: str | None = None,
        *,
        container: str | None = None,
        timeout: float = 60.0,
    ) -> ExecResult:
        """Run `command` in a container through the exec stream; the exit code comes from the error channel."""
        from kubernetes import client
        from kubernetes.stream import stream

        api = client.CoreV1Api(self.api_client)
        kwargs: dict[str, Any] = {
            "command": list(command),
            "stderr": True,
            "stdin": False,
            "stdout": True,
            "tty": False,
            "_preload_content": False,
        }
        if container:
            kwargs["container"] = container
        try:
            ws = stream(api.connect_get_namespaced_pod_exec, pod, namespace or self._namespace, **kwargs)
        except ApiException as exc:
            raise self.transport.api_error(exc) from None
        except IngresslabError:
            raise
        except Exception as exc:  # websocket-client's errors share no base class with urllib3's
            raise ClusterUnreachable(
                self.info.name, self.info.host, f"exec stream failed ({type(exc).__name__})"
            ) from None
        return collect_exec_output(ws, timeout, command)

    def debug(
        self,
        pod: str,
        image_or_command: str | Sequence[str],
        command: Sequence[str] | str | None = None,
        namespace: str | None = None,
        *,
        name: str | None = None,
        stdin: str = "",
        image: str = "busybox",
        target: str | None = None,
        container_name: str | None = None,
        timeout: float = 120.0,
        progress: waits.ProgressCallback | None = None,
    ) -> Any:
        """`kubectl debug POD --image=IMAGE -- CMD`, called either way:

        - `debug(pod, image, command, namespace, *, name=None, stdin="")` — the sandbox's signature, which the
          kubectl `debug` verb uses: returns `(ExecResult, container_name)` and prints no notice (the verb does);
        - `debug(pod, command, namespace=None, *, image=..., container_name=..., ...)` — the older direct form:
          returns an ExecResult whose stderr carries kubectl's "Defaulting debug container name" notice.
        """
        if isinstance(image_or_command, str):
            if command is None or isinstance(command, str):
                raise Invalid(
                    "debug(pod, image, command, namespace): the command must be a list such as "
                    "['cat', '/etc/resolv.conf']"
                )
            return self.debug_container(
                pod,
                command,
                namespace,
                image=image_or_command,
                container_name=name or container_name,
                stdin=stdin,
                target=target,
                timeout=timeout,
                progress=progress,
            )
        # Older form: the third positional argument, if any, is the namespace.
        ns = command if isinstance(command, str) else namespace
        result, chosen = self.debug_container(
            pod,
            image_or_command,
            ns,
            image=image,
            container_name=container_name,
            stdin=stdin,
            target=target,
            timeout=timeout,
            progress=progress,
        )
        notice = "" if container_name else f"Defaulting debug container name to {chosen}.\n"
        return ExecResult(result.stdout, notice + result.stderr, result.returncode)

    def debug_container(
        self,
        pod: str,
        command: Sequence[str],
        namespace: str | None = None,
        *,
        image: str = "busybox",
        container_name: str | None = None,
        stdin: str = "",
        target: str | None = None,
        timeout: float = 120.0,
        progress: waits.ProgressCallback | None = None,
    ) -> tuple[ExecResult, str]:
        """Run COMMAND in a new ephemeral container; its logs are the output. Returns the result and its name.

        An ephemeral container's output is read from its log after it ends, so there is no terminal to type
        into: text for stdin is accepted only for a shell (`/bin/sh`, `sh`), which then runs it as a script.
        """
        ns = namespace or self._namespace
        name = container_name or f"debugger-{_random_suffix()}"
        argv = list(command)
        if stdin.strip():
            if not argv or argv[0].rsplit("/", 1)[-1] not in _SHELLS or len(argv) > 1:
                raise Invalid(
                    "a live debug container cannot read stdin; pass the command after `--` "
                    "(e.g. `-- nslookup dest-svc-v1`) or give the lines as a script to `-- /bin/sh`"
                )
            argv = [*argv, "-c", stdin]
        spec: dict[str, Any] = {
            "name": name,
            "image": image,
            "command": argv,
            "stdin": False,
            "tty": False,
            "terminationMessagePolicy": "File",
        }
        if target:
            spec["targetContainerName"] = target
        self.transport.request(
            "PATCH",
            f"/api/v1/namespaces/{ns}/pods/{pod}/ephemeralcontainers",
            body={"spec": {"ephemeralContainers": [spec]}},
            content_type="application/strategic-merge-patch+json",
        )

        def finished(pods: list[Obj]) -> waits.Evaluation:
            for pod_obj in pods:
                for status in (pod_obj.get("status") or {}).get("ephemeralContainerStatuses") or []:
                    if status.get("name") != name:
                        continue
                    state = status.get("state") or {}
                    if state.get("terminated"):
                        return waits.Evaluation(True, "terminated", state["terminated"])
                    reason = (state.get("waiting") or {}).get("reason")
                    if reason in {"ErrImagePull", "ImagePullBackOff", "InvalidImageName"}:
                        raise IngresslabError(
                            f"debug container {name} cannot start: {reason} for image {image!r}; "
                            "check the image name and that the cluster can pull it"
                        )
                    return waits.Evaluation(
                        False, reason or ("running" if state.get("running") else "starting")
                    )
            return waits.Evaluation(False, "waiting for the debug container to be created")

        terminated = waits.wait_for(
            self,
            "pods",
            ns,
            finished,
            what=f"debug container {name} in pod {pod} to finish",
            timeout=timeout,
            field_selector=f"metadata.name={pod}",
            progress=progress,
        )
        output = self.logs(pod, ns, container=name)
        return ExecResult(stdout=output, returncode=int(terminated.get("exitCode") or 0)), name


def _rfc3339(at: datetime) -> str:
    """`sinceTime`'s form: UTC, whole seconds (rounded down, so nothing at that moment is missed)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
