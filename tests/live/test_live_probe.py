"""Kubeconfig discovery and the bounded reachability probe (all on loopback; a real API server where one
answers: the reference cluster)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_reference import kubeconfig_with_token
from live_support import SECRETS, TOKEN, write_kubeconfig

from ingresslab.backends.live import KubeconfigError, LiveBackend, probe_context
from ingresslab.backends.live.kubeconfig import find_kubeconfig_files, read_kubeconfig, server_host


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A listening socket that never accepts: the kernel completes the handshake, nobody ever answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_no_kubeconfig_is_reported_with_where_we_looked(tmp_path: Path) -> None:
    probe = probe_context(environ={}, home=tmp_path)
    assert not probe.reachable and not probe
    assert probe.reason == "no kubeconfig found (looked in $KUBECONFIG / ~/.kube/config)"


def test_kubeconfig_env_lists_several_files_and_skips_missing_ones(tmp_path: Path) -> None:
    a = write_kubeconfig(tmp_path / "a", "https://127.0.0.1:8443", context="minikube")
    b = write_kubeconfig(tmp_path / "b", "https://127.0.0.1:9443", context="kind-dev")
    listed = os.pathsep.join([str(a), str(tmp_path / "missing"), str(b)])
    assert find_kubeconfig_files({"KUBECONFIG": listed}) == [a, b]


def test_default_kubeconfig_is_home_kube_config(tmp_path: Path) -> None:
    (tmp_path / ".kube").mkdir()
    config = write_kubeconfig(tmp_path / ".kube" / "config", "https://127.0.0.1:8443")
    assert find_kubeconfig_files({}, home=tmp_path) == [config]


def test_merged_kubeconfigs_keep_the_first_definition_and_current_context(tmp_path: Path) -> None:
    a = write_kubeconfig(tmp_path / "a", "https://127.0.0.1:8443", context="minikube")
    b = write_kubeconfig(
        tmp_path / "b",
        "https://10.0.0.1:6443",
        context="minikube",
        extra_contexts={"prod": "https://10.0.0.2:6443"},
    )
    view = read_kubeconfig([a, b])
    assert view.current_context == "minikube"
    assert view.context().server == "https://127.0.0.1:8443"
    assert view.context("prod").host == "10.0.0.2:6443"
    assert TOKEN in view.secrets and all(s not in repr(view) for s in SECRETS)


def test_unknown_context_lists_the_available_ones(tmp_path: Path) -> None:
    config = write_kubeconfig(
        tmp_path / "c", "https://127.0.0.1:8443", extra_contexts={"kind-a": "https://127.0.0.1:1"}
    )
    with pytest.raises(KubeconfigError, match=r"context 'nope' is not defined .*available: kind-a, minikube"):
        LiveBackend("nope", kubeconfig=config)
    probe = probe_context("nope", kubeconfig=config)
    assert not probe.reachable and "available: kind-a, minikube" in probe.reason


def test_server_host_drops_credentials_and_keeps_the_port() -> None:
    assert server_host("https://admin:pw@10.0.0.1:6443/prefix") == "10.0.0.1:6443"
    assert server_host("https://[::1]:8443") == "[::1]:8443"
    assert server_host("https://example.com") == "example.com"
    assert server_host(None) is None


def test_refused_connection_is_reported_quickly(tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "c", "http://127.0.0.1:1")
    started = time.monotonic()
    probe = probe_context(timeout=2.0, kubeconfig=config)
    assert time.monotonic() - started < 2.5
    assert not probe.reachable
    assert probe.context == "minikube" and probe.server == "127.0.0.1:1"
    assert probe.reason == "context minikube unreachable: connection refused (127.0.0.1:1)"


def test_a_server_that_never_answers_is_given_up_on_within_the_timeout(
    tmp_path: Path, silent_server: str
) -> None:
    config = write_kubeconfig(tmp_path / "c", silent_server)
    started = time.monotonic()
    probe = probe_context(timeout=0.5, kubeconfig=config)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"probe took {elapsed:.2f} s"
    assert not probe.reachable
    assert "unreachable" in probe.reason and "0.5 s" in probe.reason


def test_answering_server_is_reachable(reference_cluster: Any) -> None:
    probe = probe_context(kubeconfig=reference_cluster.kubeconfig)
    assert probe.reachable
    assert probe.server == reference_cluster.server.removeprefix("https://")
    assert probe.reason.startswith("context ingresslab-reference answered")


def test_rejected_credentials_make_the_context_unusable(reference_cluster: Any, tmp_path: Path) -> None:
    path, _ = kubeconfig_with_token(reference_cluster, tmp_path / "c", "not-the-right-token")
    probe = probe_context(kubeconfig=path)
    assert not probe.reachable and "rejected the credentials" in probe.reason
    assert "not-the-right-token" not in probe.reason


def test_no_credential_ever_appears_in_probe_results_or_errors(tmp_path: Path) -> None:
    config = write_kubeconfig(
        tmp_path / "c", "http://127.0.0.1:1", extra_contexts={"other": "http://127.0.0.1:1"}
    )
    texts = []
    for context in ("minikube", "other"):
        probe = probe_context(context, kubeconfig=config)
        texts += [probe.reason, repr(probe)]
        backend = LiveBackend(context, kubeconfig=config)
        texts.append(repr(backend))
        with pytest.raises(Exception) as info:
            backend.list("pods")
        texts += [str(info.value), repr(info.value)]
    joined = "\n".join(texts)
    assert "connection refused" in joined
    for secret in SECRETS:
        assert secret not in joined


def test_unreadable_kubeconfig_error_does_not_quote_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken"
    config.write_text(f"users:\n- name: u\n  user: {{token: {TOKEN}\n", encoding="utf-8")
    probe = probe_context(kubeconfig=config)
    assert not probe.reachable and "cannot read kubeconfig" in probe.reason
    assert TOKEN not in probe.reason


def test_backend_requests_to_a_silent_server_time_out_naming_context_and_host(
    tmp_path: Path, silent_server: str
) -> None:
    from ingresslab.backends.live import ClusterUnreachable

    backend = LiveBackend(kubeconfig=write_kubeconfig(tmp_path / "c", silent_server), request_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable) as info:
        backend.get("pods", "p")
    assert time.monotonic() - started < 2
    host = silent_server.removeprefix("http://")
    assert str(info.value).startswith(
        f"cannot reach the API server of context 'minikube' at {host}: no answer"
    )
