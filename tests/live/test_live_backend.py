"""LiveBackend end to end through the real kubernetes client, against a loopback fake API server."""

from __future__ import annotations

import threading
import time

import pytest
from live_fakeapi import FakeApiServer
from live_support import SECRETS, write_kubeconfig

from ingresslab.backends.base import ALL_NAMESPACES, Backend
from ingresslab.backends.live import FIELD_MANAGER, ContextInfo, LiveBackend, WaitProgress, WaitTimeout
from ingresslab.errors import AlreadyExists, Conflict, Invalid, NotFound, Unauthorized


def deployment(name: str = "dest-v1", replicas: int = 1, image: str = "hashicorp/http-echo") -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": "hw-v1"}},
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "app", "image": image}]}},
        },
    }


def pod(name: str, namespace: str = "application", ready: bool = True, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "hw-v1"}},
        "spec": {"containers": [{"name": "app", "image": "hashicorp/http-echo"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def test_live_backend_satisfies_the_backend_protocol(backend: LiveBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.context_name() == "minikube"
    assert backend.current_namespace() == "application"  # from the context's namespace


def test_apply_reports_created_then_unchanged_then_configured(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    first = backend.apply(deployment())
    again = backend.apply(deployment())
    changed = backend.apply(deployment(replicas=2))
    assert [first.action, again.action, changed.action] == ["created", "unchanged", "configured"]
    assert api.get("apps", "deployments", "application", "dest-v1")["spec"]["replicas"] == 2
    assert changed.object["metadata"]["namespace"] == "application"


def test_apply_uses_server_side_apply_with_the_ingresslab_field_manager(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    backend.apply(deployment())
    patches = [r for r in api.requests if r.method == "PATCH"]
    assert patches, "apply must be a PATCH"
    assert patches[0].path == "/apis/apps/v1/namespaces/application/deployments/dest-v1"
    assert patches[0].content_type.startswith("application/apply-patch+yaml")
    assert patches[0].query["fieldManager"] == FIELD_MANAGER == "ingresslab"
    assert patches[0].body["kind"] == "Deployment"


def test_apply_handles_a_crd_kind_through_discovery(backend: LiveBackend, api: FakeApiServer) -> None:
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"size": 3},
    }
    result = backend.apply(widget)
    assert result.action == "created"
    assert api.get("example.com", "widgets", "application", "w1")["spec"] == {"size": 3}
    assert backend.get("widgets.example.com", "w1")["spec"]["size"] == 3
    assert [w["metadata"]["name"] for w in backend.list("widget")] == ["w1"]


def test_apply_of_an_unserved_kind_says_to_install_the_crd(backend: LiveBackend) -> None:
    with pytest.raises(NotFound, match="ensure CRDs are installed first"):
        backend.apply({"apiVersion": "nope.example/v1", "kind": "Gizmo", "metadata": {"name": "g"}})


def test_istio_kinds_use_the_version_the_cluster_serves(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("networking.istio.io", "gateways", {"metadata": {"name": "gw", "namespace": "application"}})
    assert backend.get("gw", "gw")["apiVersion"] == "networking.istio.io/v1beta1"
    assert any(r.path.startswith("/apis/networking.istio.io/v1beta1/") for r in api.requests)


def test_apply_many_stores_nothing_when_one_object_is_invalid(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    bad_service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "svc"},
        "spec": {"ports": [{"port": 70000}]},
    }
    with pytest.raises(Invalid, match=r"spec.ports\[0\].port: Invalid value: 70000"):
        backend.apply_many([deployment(), bad_service])
    assert not api.objects


def test_apply_many_accepts_objects_in_a_namespace_created_by_the_same_batch(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fresh"}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "fresh"}}
    original_patch = api._patch

    def missing_namespace(h, key, current, body, content_type, query, kind):
        if key[2] == "fresh" and ("", "namespaces", "", "fresh") not in api.objects:
            api._status(h, 404, "NotFound", 'namespaces "fresh" not found')
            return
        original_patch(h, key, current, body, content_type, query, kind)

    api._patch = missing_namespace
    results = backend.apply_many([namespace, cm])
    assert [r.action for r in results] == ["created", "created"]


def test_create_twice_raises_already_exists(backend: LiveBackend) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}}
    created = backend.create(cm)
    assert created["metadata"]["uid"]
    with pytest.raises(AlreadyExists, match='configmaps "cm" already exists'):
        backend.create(cm)


def test_get_missing_object_raises_not_found_with_the_servers_message(backend: LiveBackend) -> None:
    with pytest.raises(NotFound) as info:
        backend.get("svc", "nope")
    assert info.value.message == 'services "nope" not found'
    assert info.value.kubectl_text() == 'Error from server (NotFound): services "nope" not found'


def test_list_filters_by_label_and_field_selectors_and_fills_kind(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "pods", pod("a", labels={"app": "hw-v1"}))
    api.put("", "pods", pod("b", labels={"app": "hw-v2"}))
    api.put("", "pods", pod("c", namespace="other", labels={"app": "hw-v1"}))
    assert [p["metadata"]["name"] for p in backend.list("po", label_selector="app=hw-v1")] == ["a"]
    assert [p["metadata"]["name"] for p in backend.list("pods", field_selector="metadata.name=b")] == ["b"]
    everywhere = backend.list("pods", ALL_NAMESPACES, label_selector="app=hw-v1")
    assert sorted(p["metadata"]["name"] for p in everywhere) == ["a", "c"]
    assert all(p["kind"] == "Pod" and p["apiVersion"] == "v1" for p in everywhere)
    assert any(r.path == "/api/v1/pods" for r in api.requests)


def test_cluster_scoped_kinds_ignore_the_current_namespace(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "namespaces", {"metadata": {"name": "application"}})
    assert backend.get("ns", "application")["kind"] == "Namespace"
    assert api.requests[-1].path == "/api/v1/namespaces/application"


def test_delete_returns_the_deleted_object_or_its_identity(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "services", {"metadata": {"name": "s", "namespace": "application"}, "spec": {}})
    api.put("", "configmaps", {"metadata": {"name": "c", "namespace": "application"}})
    api.delete_answers_status.add("configmaps")
    assert backend.delete("svc", "s")["metadata"]["name"] == "s"
    assert backend.delete("cm", "c") == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "application"},
    }
    assert not api.objects
    with pytest.raises(NotFound):
        backend.delete("svc", "s")


def test_patch_is_a_json_merge_patch(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put(
        "",
        "configmaps",
        {"metadata": {"name": "c", "namespace": "application"}, "data": {"a": "1", "b": "2"}},
    )
    patched = backend.patch("cm", "c", {"data": {"a": None, "c": "3"}})
    assert patched["data"] == {"b": "2", "c": "3"}
    assert api.requests[-1].content_type == "application/merge-patch+json"


def test_label_sets_removes_and_refuses_to_overwrite_silently(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put(
        "", "namespaces", {"metadata": {"name": "application", "labels": {"istio-injection": "disabled"}}}
    )
    with pytest.raises(
        Invalid, match=r"'istio-injection' already has a value \(disabled\), and --overwrite is false"
    ):
        backend.label("ns", "application", {"istio-injection": "enabled"})
    labelled = backend.label("ns", "application", {"istio-injection": "enabled", "team": "x"}, overwrite=True)
    assert labelled["metadata"]["labels"] == {"istio-injection": "enabled", "team": "x"}
    removed = backend.label("ns", "application", {"team": None})
    assert removed["metadata"]["labels"] == {"istio-injection": "enabled"}


def test_label_sends_the_resource_version_so_concurrent_changes_conflict(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "namespaces", {"metadata": {"name": "application"}})
    original_get = backend.get

    def stale_get(kind, name, namespace=None):
        obj = original_get(kind, name, namespace)
        api.put("", "namespaces", {"metadata": {"name": "application", "labels": {"other": "change"}}})
        return obj

    backend.get = stale_get  # someone else writes between our read and our patch
    with pytest.raises(Conflict, match="the object has been modified"):
        backend.label("ns", "application", {"istio-injection": "enabled"})


def test_logs_pass_container_tail_and_timestamps(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "pods", pod("gw"))
    api.logs[("application", "gw", "app")] = ['{"json": "line"}', "second", "third"]
    assert backend.logs("gw") == '{"json": "line"}\nsecond\nthird\n'  # JSON-looking logs stay text
    assert backend.logs("gw", tail=1) == "third\n"
    stamped = backend.logs("gw", container="app", tail=2, timestamps=True)
    assert stamped.splitlines()[0].startswith("2024-09-15T08:52:00.000000000Z second")
    query = api.requests[-1].query
    assert query["container"] == "app" and query["tailLines"] == "2" and query["timestamps"] == "true"


def test_logs_of_a_missing_pod_raise_not_found(backend: LiveBackend) -> None:
    with pytest.raises(NotFound, match='pods "ghost" not found'):
        backend.logs("ghost")


def test_wait_for_pods_ready_follows_the_watch_until_ready(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "pods", pod("p1", ready=False))
    seen: list[WaitProgress] = []

    def become_ready() -> None:
        time.sleep(0.3)
        api.put("", "pods", pod("p1", ready=True))

    threading.Thread(target=become_ready, daemon=True).start()
    started = time.monotonic()
    ready = backend.wait_for_pods_ready("application", "app=hw-v1", timeout=5, progress=seen.append)
    assert [p["metadata"]["name"] for p in ready] == ["p1"]
    assert time.monotonic() - started < 3  # reacted to the event, not to the timeout
    assert seen[0].status.startswith("0/1 pods ready") and not seen[0].done
    assert seen[-1].done and seen[-1].status == "1/1 pods ready"


def test_wait_times_out_with_the_last_status(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "pods", pod("p1", ready=False))
    started = time.monotonic()
    with pytest.raises(WaitTimeout, match=r"timed out after 1 s .* last seen: 0/1 pods ready"):
        backend.wait_for_pods_ready("application", "app=hw-v1", timeout=1)
    assert time.monotonic() - started < 3


def test_wait_for_ingress_address_returns_the_ip(backend: LiveBackend, api: FakeApiServer) -> None:
    ingress = {"metadata": {"name": "ing", "namespace": "application"}, "status": {"loadBalancer": {}}}
    api.put("networking.k8s.io", "ingresses", ingress)

    def assign() -> None:
        time.sleep(0.2)
        done = {**ingress, "status": {"loadBalancer": {"ingress": [{"ip": "192.168.76.2"}]}}}
        api.put("networking.k8s.io", "ingresses", done)

    threading.Thread(target=assign, daemon=True).start()
    assert backend.wait_for_ingress_address("application", "ing", timeout=5) == "192.168.76.2"


def test_wait_for_rollout_returns_the_rolled_out_deployment(backend: LiveBackend, api: FakeApiServer) -> None:
    dep = deployment()
    dep["metadata"]["namespace"] = "application"
    dep["status"] = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}
    api.put("apps", "deployments", dep)
    assert backend.wait_for_rollout("application", "dest-v1", timeout=3)["metadata"]["name"] == "dest-v1"


def test_debug_runs_an_ephemeral_container_and_returns_its_output(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "pods", pod("dest-v1-abc"))
    api.ephemeral_runs["cat"] = ("nameserver 10.96.0.10\nsearch application.svc.cluster.local\n", 0)
    api.ephemeral_runs["false"] = ("", 1)
    result = backend.debug("dest-v1-abc", ["cat", "/etc/resolv.conf"], timeout=5)
    assert result.stdout == "nameserver 10.96.0.10\nsearch application.svc.cluster.local\n"
    assert result.returncode == 0
    assert result.stderr.startswith("Defaulting debug container name to debugger-")
    patch = next(r for r in api.requests if r.path.endswith("/ephemeralcontainers"))
    container = patch.body["spec"]["ephemeralContainers"][0]
    assert container["image"] == "busybox" and container["command"] == ["cat", "/etc/resolv.conf"]
    failed = backend.debug("dest-v1-abc", ["false"], container_name="dbg", timeout=5)
    assert (failed.returncode, failed.stderr) == (1, "")


def test_wrong_credentials_give_a_clear_unauthorized_error_without_secrets(
    api: FakeApiServer, tmp_path
) -> None:
    path = write_kubeconfig(tmp_path / "config", api.url, token="expired-token-value-xyz")
    stale = LiveBackend(kubeconfig=path)
    with pytest.raises(Unauthorized) as info:
        stale.list("pods")
    text = str(info.value) + repr(info.value) + repr(stale)
    assert "minikube update-context" in text and "127.0.0.1" in text
    for secret in (*SECRETS, "expired-token-value-xyz"):
        assert secret not in text


def test_repr_names_context_and_host_only(backend: LiveBackend, api: FakeApiServer) -> None:
    text = repr(backend)
    assert (
        text
        == f"LiveBackend(context='minikube', server='127.0.0.1:{api.httpd.server_address[1]}', namespace='application')"
    )


def test_set_namespace_changes_the_default_and_rejects_all_namespaces(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    backend.set_namespace("other")
    backend.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    assert ("", "configmaps", "other", "x") in api.objects
    with pytest.raises(Invalid):
        backend.set_namespace("*")


def test_object_namespace_conflicting_with_argument_is_refused(backend: LiveBackend) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "a"}}
    with pytest.raises(Invalid, match="does not match the namespace 'b'"):
        backend.apply(cm, namespace="b")


def test_exec_streams_output_and_reads_the_exit_code_from_the_error_channel(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "pods", pod("dest-v1-abc"))
    api.exec_runs["nslookup"] = ("Server:  10.96.0.10\n", "", 0)
    api.exec_runs["wget"] = ("", "wget: server returned error: HTTP/1.1 404 Not Found\n", 1)
    ok = backend.exec("dest-v1-abc", ["nslookup", "dest-svc-v1"], container="app")
    assert (ok.stdout, ok.stderr, ok.returncode) == ("Server:  10.96.0.10\n", "", 0)
    failed = backend.exec("dest-v1-abc", ["wget", "-qO-", "http://x"])
    assert failed.returncode == 1
    assert (
        failed.stderr
        == "wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n"
    )
    request = next(r for r in api.requests if r.path.endswith("/exec"))
    assert request.query["container"] == "app" and request.query["stdout"] == "true"


def test_exec_in_a_missing_pod_raises_not_found(backend: LiveBackend) -> None:
    with pytest.raises(NotFound, match='pods "ghost" not found'):
        backend.exec("ghost", ["true"])


def test_deleting_a_namespace_on_a_remote_context_is_refused_unless_allowed(
    api: FakeApiServer, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingresslab.safety import ALLOW_ENV_VAR, DestructiveActionRefused

    monkeypatch.delenv(ALLOW_ENV_VAR, raising=False)
    # The fake listens on loopback; describe the context as elsewhere so it counts as remote.
    remote = LiveBackend("prod", kubeconfig=write_kubeconfig(tmp_path / "c", api.url, context="prod"))
    remote.info = ContextInfo("prod", "c0", "https://10.0.0.1:6443")
    api.put("", "namespaces", {"metadata": {"name": "application"}})
    assert not remote.is_local
    with pytest.raises(
        DestructiveActionRefused, match="refusing to delete namespace application on context 'prod'"
    ):
        remote.delete("ns", "application")
    assert ("", "namespaces", "", "application") in api.objects
    remote.allow_destructive = True
    remote.delete("ns", "application")
    assert ("", "namespaces", "", "application") not in api.objects


def test_deleting_a_namespace_on_a_local_cluster_just_happens(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "namespaces", {"metadata": {"name": "application"}})
    assert backend.is_local
    backend.delete("namespace", "application")
    assert not api.objects
