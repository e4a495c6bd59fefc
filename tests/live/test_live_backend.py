"""LiveBackend end to end through the real kubernetes client, against a real API server: the reference cluster
(kube-apiserver 1.31, etcd, controller-manager, scheduler, KWOK for the node and pod status).

Each test works in a namespace of its own, so the two xdist workers share the cluster without seeing each
other's objects. Error texts are asserted where the point is that the server words them exactly so (kubectl
prints them verbatim, and so does the tutorial).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from live_reference import kubeconfig_with_token, scratch_namespace

from ingresslab.backends.base import ALL_NAMESPACES, Backend
from ingresslab.backends.live import FIELD_MANAGER, ContextInfo, LiveBackend, WaitProgress, WaitTimeout
from ingresslab.errors import AlreadyExists, BadRequest, Conflict, Invalid, NotFound, Unauthorized
from ingresslab.safety import LOCAL_CONTEXT_NAMES, DestructiveActionRefused


def deployment(name: str = "dest-v1", replicas: int = 1, image: str = "hashicorp/http-echo") -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
        },
    }


def pod(name: str, labels: dict[str, str], *, node_selector: dict[str, str] | None = None) -> dict:
    spec: dict[str, Any] = {"containers": [{"name": "app", "image": "hashicorp/http-echo"}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}, "spec": spec}


def configmap(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


@pytest.fixture
def other_namespace(reference_cluster: Any) -> Iterator[str]:
    yield from scratch_namespace(reference_cluster)


# -- the context -----------------------------------------------------------------------------------------------


def test_live_backend_satisfies_the_backend_protocol(live: LiveBackend, namespace: str) -> None:
    assert isinstance(live, Backend)
    assert live.context_name() == "ingresslab-reference"
    assert live.current_namespace() == namespace


def test_a_loopback_api_server_counts_as_a_local_cluster(live: LiveBackend, reference_cluster: Any) -> None:
    # Not by its name (no local tool names its context so) but by where its server listens.
    assert live.context_name() not in LOCAL_CONTEXT_NAMES
    assert live.info.server == reference_cluster.server and live.info.server.startswith("https://127.0.0.1:")
    assert live.is_local


def test_repr_names_context_and_host_only(live: LiveBackend, reference_cluster: Any, namespace: str) -> None:
    host = reference_cluster.server.removeprefix("https://")
    assert (
        repr(live) == f"LiveBackend(context='ingresslab-reference', server={host!r}, namespace={namespace!r})"
    )


def test_wrong_credentials_give_a_clear_unauthorized_error_without_secrets(
    reference_cluster: Any, tmp_path
) -> None:
    path, real_token = kubeconfig_with_token(
        reference_cluster, tmp_path / "config", "expired-token-value-xyz"
    )
    stale = LiveBackend(kubeconfig=path)
    with pytest.raises(Unauthorized) as info:
        stale.list("pods")
    text = str(info.value) + repr(info.value) + repr(stale)
    assert "minikube update-context" in text and "127.0.0.1" in text
    assert "(Unauthorized)" in text  # the real server's Status.message for a bad bearer token
    for secret in (real_token, "expired-token-value-xyz"):
        assert secret not in text


# -- server-side apply ---------------------------------------------------------------------------------------


def test_apply_reports_created_then_unchanged_then_configured(live: LiveBackend, namespace: str) -> None:
    first = live.apply(deployment())
    again = live.apply(deployment())  # while the deployment controller is still writing its status
    changed = live.apply(deployment(replicas=2))
    assert [first.action, again.action, changed.action] == ["created", "unchanged", "configured"]
    assert live.get("deploy", "dest-v1")["spec"]["replicas"] == 2
    assert changed.object["metadata"]["namespace"] == namespace


def test_apply_says_unchanged_when_only_someone_else_wrote_meanwhile(
    live: LiveBackend, namespace: str, reference_cluster: Any
) -> None:
    live.apply(configmap("c", a="1"))
    original = live.transport.request

    def racing(method: str, path: str, **kwargs: Any) -> Any:
        answer = original(method, path, **kwargs)
        if method == "GET" and path.endswith("/configmaps/c"):
            # Between apply's read and its patch, another client writes a field ingresslab does not own.
            done = reference_cluster.kubectl_run(
                "annotate", "-n", namespace, "configmap", "c", "other=change"
            )
            assert done.returncode == 0, done.stderr
        return answer

    live.transport.request = racing  # type: ignore[method-assign]
    result = live.apply(configmap("c", a="1"))
    assert result.action == "unchanged"
    assert result.object["metadata"]["annotations"] == {"other": "change"}
    live.transport.request = original  # type: ignore[method-assign]
    assert live.apply(configmap("c", a="2")).action == "configured"
    assert live.apply(configmap("c")).action == "configured"  # dropping a field is a change too
    assert "data" not in live.get("cm", "c")


def test_apply_is_server_side_apply_owned_by_the_ingresslab_field_manager(live: LiveBackend) -> None:
    live.apply(deployment())
    managers = live.get("deployments.apps", "dest-v1")["metadata"]["managedFields"]
    ours = [m for m in managers if m["manager"] == FIELD_MANAGER == "ingresslab"]
    assert [m["operation"] for m in ours] == ["Apply"]
    assert "f:replicas" in ours[0]["fieldsV1"]["f:spec"]


def test_apply_many_stores_nothing_when_one_object_is_invalid(live: LiveBackend) -> None:
    bad_service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "svc"},
        "spec": {"ports": [{"port": 70000}]},
    }
    with pytest.raises(Invalid) as info:
        live.apply_many([deployment(), bad_service])
    # targetPort defaults to the port before validation, so the real server reports both fields.
    range_error = "Invalid value: 70000: must be between 1 and 65535, inclusive"
    assert info.value.message == (
        f'Service "svc" is invalid: [spec.ports[0].port: {range_error}, spec.ports[0].targetPort: {range_error}]'
    )
    assert live.list("deployments") == [] and live.list("services") == []


def test_apply_many_accepts_objects_in_a_namespace_created_by_the_same_batch(
    live: LiveBackend, namespace: str
) -> None:
    fresh = f"{namespace}-fresh"
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": fresh}}
    cm = {**configmap("cm", a="1"), "metadata": {"name": "cm", "namespace": fresh}}
    try:
        results = live.apply_many([ns, cm])
        assert [r.action for r in results] == ["created", "created"]
        assert live.get("cm", "cm", fresh)["data"] == {"a": "1"}
    finally:
        live.delete("ns", fresh)


def test_apply_of_an_object_in_a_missing_namespace_says_so(live: LiveBackend, namespace: str) -> None:
    with pytest.raises(NotFound) as info:
        live.apply(configmap("cm"), namespace=f"{namespace}-missing")
    assert info.value.message == f'namespaces "{namespace}-missing" not found'


# -- CRUD and the server's own error messages ----------------------------------------------------------------


def test_create_twice_raises_already_exists(live: LiveBackend) -> None:
    created = live.create(configmap("cm", a="1"))
    assert created["metadata"]["uid"] and created["metadata"]["creationTimestamp"]
    with pytest.raises(AlreadyExists) as info:
        live.create(configmap("cm", a="1"))
    assert info.value.message == 'configmaps "cm" already exists'
    assert info.value.kubectl_text() == 'Error from server (AlreadyExists): configmaps "cm" already exists'


def test_get_missing_object_raises_not_found_with_the_servers_message(live: LiveBackend) -> None:
    with pytest.raises(NotFound) as info:
        live.get("svc", "nope")
    assert info.value.message == 'services "nope" not found'
    assert info.value.kubectl_text() == 'Error from server (NotFound): services "nope" not found'


def test_an_invalid_name_is_refused_with_the_servers_reason(live: LiveBackend) -> None:
    with pytest.raises(Invalid) as info:
        live.apply(configmap("Not_A_Name"))
    assert info.value.message.startswith(
        'ConfigMap "Not_A_Name" is invalid: metadata.name: Invalid value: "Not_A_Name": a lowercase RFC 1123 '
        "subdomain must consist of lower case alphanumeric characters"
    )


def test_list_filters_by_label_and_field_selectors_and_fills_kind(
    live: LiveBackend, namespace: str, other_namespace: str
) -> None:
    run = {"run": namespace}  # only this test's pods, whatever else runs on the cluster
    live.apply(pod("a", {"app": "hw-v1", **run}))
    live.apply(pod("b", {"app": "hw-v2", **run}))
    live.apply(pod("c", {"app": "hw-v1", **run}), namespace=other_namespace)
    v1 = f"app=hw-v1,run={namespace}"
    assert [p["metadata"]["name"] for p in live.list("po", label_selector=v1)] == ["a"]
    assert [p["metadata"]["name"] for p in live.list("pods", field_selector="metadata.name=b")] == ["b"]
    either = f"app in (hw-v1,hw-v2),run={namespace}"
    assert sorted(p["metadata"]["name"] for p in live.list("pods", label_selector=either)) == ["a", "b"]
    everywhere = live.list("pods", ALL_NAMESPACES, label_selector=v1)
    assert sorted((p["metadata"]["namespace"], p["metadata"]["name"]) for p in everywhere) == sorted(
        [(namespace, "a"), (other_namespace, "c")]
    )
    assert all(p["kind"] == "Pod" and p["apiVersion"] == "v1" for p in everywhere)


def test_malformed_selectors_are_bad_requests_in_the_servers_words(live: LiveBackend) -> None:
    with pytest.raises(BadRequest) as info:
        live.list("pods", label_selector="app in (")
    assert info.value.message == "unable to parse requirement: found '', expected: ',', ')' or identifier"
    with pytest.raises(BadRequest) as info:
        live.list("pods", field_selector="spec.bogus=x")
    assert info.value.message == "field label not supported: spec.bogus"


def test_cluster_scoped_kinds_ignore_the_current_namespace(live: LiveBackend, namespace: str) -> None:
    found = live.get("ns", namespace)
    assert found["kind"] == "Namespace" and found["metadata"]["name"] == namespace
    assert "namespace" not in found["metadata"]
    nodes = live.list("nodes")
    assert [n["metadata"]["name"] for n in nodes] == ["minikube"]


def test_delete_returns_the_deleted_object_or_its_identity(live: LiveBackend, namespace: str) -> None:
    live.apply(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}}
    )
    live.apply(configmap("c"))
    # The real server answers a Service's deletion with the object, a ConfigMap's with a Status.
    assert live.delete("svc", "s")["metadata"]["name"] == "s"
    assert live.delete("cm", "c") == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": namespace},
    }
    assert live.list("services") == [] and live.list("configmaps", field_selector="metadata.name=c") == []
    with pytest.raises(NotFound, match='services "s" not found'):
        live.delete("svc", "s")


def test_patch_is_a_json_merge_patch(live: LiveBackend) -> None:
    live.apply(configmap("c", a="1", b="2"))
    patched = live.patch("cm", "c", {"data": {"a": None, "c": "3"}})
    assert patched["data"] == {"b": "2", "c": "3"}
    assert live.get("cm", "c")["data"] == {"b": "2", "c": "3"}


def test_set_namespace_changes_the_default_and_rejects_all_namespaces(
    live: LiveBackend, other_namespace: str
) -> None:
    live.set_namespace(other_namespace)
    live.apply(configmap("x"))
    assert live.get("cm", "x", other_namespace)["metadata"]["namespace"] == other_namespace
    with pytest.raises(Invalid):
        live.set_namespace("*")


def test_object_namespace_conflicting_with_argument_is_refused(live: LiveBackend) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "a"}}
    with pytest.raises(Invalid, match="does not match the namespace 'b'"):
        live.apply(cm, namespace="b")


def test_logs_and_exec_of_a_missing_pod_raise_not_found(live: LiveBackend) -> None:
    # The API server looks the pod up before it would contact a kubelet, so this needs none.
    with pytest.raises(NotFound, match='pods "ghost" not found'):
        live.logs("ghost")
    with pytest.raises(NotFound, match='pods "ghost" not found'):
        live.exec("ghost", ["true"])


# -- labels and optimistic concurrency ---------------------------------------------------------------------


def test_label_sets_removes_and_refuses_to_overwrite_silently(live: LiveBackend, namespace: str) -> None:
    live.label("ns", namespace, {"istio-injection": "disabled"})
    with pytest.raises(
        Invalid, match=r"'istio-injection' already has a value \(disabled\), and --overwrite is false"
    ):
        live.label("ns", namespace, {"istio-injection": "enabled"})
    labelled = live.label("ns", namespace, {"istio-injection": "enabled", "team": "x"}, overwrite=True)
    assert labelled["metadata"]["labels"]["istio-injection"] == "enabled"
    assert labelled["metadata"]["labels"]["team"] == "x"
    removed = live.label("ns", namespace, {"team": None})
    labels = removed["metadata"]["labels"]
    assert "team" not in labels and labels["istio-injection"] == "enabled"
    # The server keeps its own label on every namespace.
    assert labels["kubernetes.io/metadata.name"] == namespace


def test_label_sends_the_resource_version_so_concurrent_changes_conflict(
    live: LiveBackend, namespace: str, reference_cluster: Any
) -> None:
    original_get = live.get

    def stale_get(kind: str, name: str, namespace: str | None = None) -> dict:
        obj = original_get(kind, name, namespace)
        # Someone else writes between our read and our patch.
        done = reference_cluster.kubectl_run("label", "namespace", name, "other=change")
        assert done.returncode == 0, done.stderr
        return obj

    live.get = stale_get  # type: ignore[method-assign]
    with pytest.raises(Conflict) as info:
        live.label("ns", namespace, {"istio-injection": "enabled"})
    assert info.value.message == (
        f'Operation cannot be fulfilled on namespaces "{namespace}": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


# -- watch-based waits -------------------------------------------------------------------------------------------


def test_wait_for_pods_ready_follows_the_watch_until_ready(live: LiveBackend, namespace: str) -> None:
    seen: list[WaitProgress] = []

    def create_later() -> None:
        time.sleep(0.5)
        live.apply(pod("p1", {"app": "hw-v1"}))

    threading.Thread(target=create_later, daemon=True).start()
    started = time.monotonic()
    ready = live.wait_for_pods_ready(namespace, "app=hw-v1", timeout=60, progress=seen.append)
    assert [p["metadata"]["name"] for p in ready] == ["p1"]
    assert time.monotonic() - started < 30  # reacted to the events, not to the timeout
    assert seen[0].status == "no matching pods yet" and not seen[0].done
    assert seen[-1].done and seen[-1].status == "1/1 pods ready"
    # KWOK (the kubelet stand-in) gave it a pod IP (past 256 pods in one run its pool runs on beyond the
    # node's /24, still inside the cluster CIDR).
    assert ipaddress.ip_address(ready[0]["status"]["podIP"]) in ipaddress.ip_network("10.244.0.0/16")


def test_wait_times_out_with_the_last_status(live: LiveBackend) -> None:
    live.apply(pod("p1", {"app": "hw-v1"}, node_selector={"no-such-node": "true"}))  # never scheduled
    started = time.monotonic()
    with pytest.raises(
        WaitTimeout, match=r"timed out after 2 s .* last seen: 0/1 pods ready; waiting for p1 \(Pending\)"
    ):
        live.wait_for_pods_ready(live.current_namespace(), "app=hw-v1", timeout=2)
    assert time.monotonic() - started < 6


def test_wait_for_ingress_address_returns_the_address_a_controller_writes(
    live: LiveBackend, namespace: str
) -> None:
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "ing"},
        "spec": {"defaultBackend": {"service": {"name": "svc", "port": {"number": 80}}}},
    }
    live.apply(ingress)

    def controller() -> None:
        # What an ingress controller does: write the address to the status subresource.
        time.sleep(0.5)
        live.transport.request(
            "PATCH",
            f"/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/ing/status",
            body={"status": {"loadBalancer": {"ingress": [{"ip": "127.0.0.1"}]}}},
            content_type="application/merge-patch+json",
        )

    threading.Thread(target=controller, daemon=True).start()
    assert live.wait_for_ingress_address(namespace, "ing", timeout=30) == "127.0.0.1"


def test_wait_for_rollout_follows_the_real_controllers(live: LiveBackend, namespace: str) -> None:
    live.apply(deployment(replicas=2))
    seen: list[WaitProgress] = []
    rolled = live.wait_for_rollout(namespace, "dest-v1", timeout=90, progress=seen.append)
    assert rolled["status"]["availableReplicas"] == rolled["status"]["updatedReplicas"] == 2
    assert seen[-1].status == 'deployment "dest-v1" successfully rolled out'
    # The chain the tutorial shows: Deployment -> ReplicaSet -> Pods, linked by owner references.
    [rs] = live.list("replicasets", label_selector="app=dest-v1")
    assert rs["metadata"]["ownerReferences"][0]["uid"] == rolled["metadata"]["uid"]
    pods = live.list("pods", label_selector="app=dest-v1")
    assert len(pods) == 2
    assert all(p["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"] for p in pods)


# -- the destructive-step guard ------------------------------------------------------------------------------


def test_deleting_a_namespace_on_a_remote_context_is_refused_unless_allowed(
    live: LiveBackend, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingresslab.safety import ALLOW_ENV_VAR

    monkeypatch.delenv(ALLOW_ENV_VAR, raising=False)
    # The same connection, described as a context that is neither named like a local cluster nor on loopback.
    remote = LiveBackend.from_transport(live.transport, ContextInfo("prod", "prod-cluster", None))
    assert not remote.is_local
    with pytest.raises(
        DestructiveActionRefused, match=f"refusing to delete namespace {namespace} on context 'prod'"
    ):
        remote.delete("ns", namespace)
    assert live.get("ns", namespace)["status"]["phase"] == "Active"
    remote.allow_destructive = True
    remote.delete("ns", namespace)
    assert live.get("ns", namespace)["status"]["phase"] == "Terminating"


def test_deleting_a_namespace_on_a_loopback_cluster_just_happens(live: LiveBackend, namespace: str) -> None:
    assert live.is_local
    deleted = live.delete("namespace", namespace)
    assert deleted["metadata"]["name"] == namespace
    assert deleted["status"]["phase"] == "Terminating"
