"""In-container programs and `kubectl debug`: what runs where, and what the tutorial's DNS section sees."""

from __future__ import annotations

import re

import pytest
import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.podexec import image_profile
from ingresslab.errors import Invalid
from ingresslab.manifests import DEMO_DIR

SEED_RESOLV = "nameserver 10.96.0.10\nsearch application.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"


@pytest.fixture
def demo(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())))
    return sandbox


def app_pod(b: SandboxBackend) -> str:
    return b.list("pods", "application", label_selector="app=hw-v1")[0]["metadata"]["name"]


def tool_pod(b: SandboxBackend, image: str, name: str = "tools") -> str:
    b.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "application"},
            "spec": {"containers": [{"name": "main", "image": image, "command": ["sleep", "3600"]}]},
        }
    )
    return name


def test_debug_cat_resolv_conf_prints_the_seeds_file_from_a_named_debugger(demo):
    result, container = demo.debug(app_pod(demo), "busybox", ["cat", "/etc/resolv.conf"], "application")
    assert (result.stdout, result.stderr, result.returncode) == (SEED_RESOLV, "", 0)
    assert re.fullmatch(r"debugger-[bcdfghjklmnpqrstvwxz2456789]{5}", container)


def test_debug_adds_an_ephemeral_container_with_status_and_log(demo):
    name = app_pod(demo)
    _, container = demo.debug(name, "busybox", ["cat", "/etc/resolv.conf"], "application")
    stored = demo.get("pods", name)
    entry = stored["spec"]["ephemeralContainers"][-1]
    assert (entry["name"], entry["image"], entry["command"], entry["stdin"], entry["tty"]) == (
        container,
        "busybox",
        ["cat", "/etc/resolv.conf"],
        True,
        True,
    )
    status = stored["status"]["ephemeralContainerStatuses"][-1]
    assert status["name"] == container and status["state"]["terminated"]["reason"] == "Completed"
    with demo.transaction(write=False, tick=False) as cluster:
        logged = [ln.split(" ", 1)[1] for ln in cluster.logs.read("application", name, container)]
    assert logged == SEED_RESOLV.splitlines()


def test_each_debug_run_gets_a_new_container_and_a_given_name_must_be_unique(demo):
    name = app_pod(demo)
    _, first = demo.debug(name, "busybox", ["hostname"], "application")
    _, second = demo.debug(name, "busybox", ["hostname"], "application")
    assert first != second
    demo.debug(name, "busybox", ["hostname"], "application", name="dbg")
    with pytest.raises(Invalid, match='Duplicate value: "dbg"'):
        demo.debug(name, "busybox", ["hostname"], "application", name="dbg")


def test_debug_nslookup_prints_busyboxs_reply_per_search_domain(demo):
    ip = demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]
    result, _ = demo.debug(app_pod(demo), "busybox", ["nslookup", "dest-svc-v1"], "application")
    seed_block = f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tdest-svc-v1.application.svc.cluster.local\nAddress: {ip}\n\n"
    nx = "** server can't find dest-svc-v1.svc.cluster.local: NXDOMAIN\n\n** server can't find dest-svc-v1.cluster.local: NXDOMAIN\n\n"
    # A for each search domain, then AAAA for each: the AAAA NODATA reply is a bare blank line.
    assert result.stdout == seed_block + nx + "\n" + nx
    assert result.returncode == 1  # BusyBox fails when any reply was an error


def test_nslookup_of_a_dotted_name_skips_the_search_list(demo):
    result, _ = demo.debug(app_pod(demo), "busybox", ["nslookup", "google.com"], "application")
    assert result.stdout.endswith(
        "** server can't find google.com: NXDOMAIN\n\n** server can't find google.com: NXDOMAIN\n\n"
    )
    full, _ = demo.debug(
        app_pod(demo), "busybox", ["nslookup", "dest-svc-v1.application.svc.cluster.local"], "application"
    )
    assert full.returncode == 0 and "Address: " in full.stdout


def test_nslookup_of_an_address_asks_ptr_and_usage_errors_go_to_stderr(demo):
    result, _ = demo.debug(app_pod(demo), "busybox", ["nslookup", "10.96.0.10"], "application")
    assert "10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local\n" in result.stdout
    bad, _ = demo.debug(app_pod(demo), "busybox", ["nslookup"], "application")
    assert (
        bad.returncode == 1 and "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]" in bad.stderr
    )


def test_interactive_shell_without_input_exits_with_the_prompt_note(demo):
    result, _ = demo.debug(app_pod(demo), "busybox", ["/bin/sh"], "application")
    assert result.stdout == "" and result.returncode == 0
    assert result.stderr.startswith("If you don't see a command prompt, try pressing enter.\n")


def test_exec_into_the_scratch_http_echo_image_fails_like_the_runtime(demo):
    for program in ("cat", "sh", "nslookup"):
        result = demo.exec(app_pod(demo), [program, "/etc/resolv.conf"])
        assert result.returncode == 126
        assert f'exec: "{program}": executable file not found in $PATH' in result.stderr


def test_debug_with_an_image_lacking_the_program_fails_to_start(demo):
    result, container = demo.debug(app_pod(demo), "hashicorp/http-echo", ["cat", "/etc/hosts"], "application")
    assert result.returncode == 1 and 'exec: "cat": executable file not found in $PATH' in result.stderr
    status = demo.get("pods", app_pod(demo))["status"]["ephemeralContainerStatuses"][-1]
    assert status["name"] == container and status["state"]["terminated"]["reason"] == "StartError"


def test_exec_in_a_busybox_pod_reads_the_kubelets_hosts_file_and_busybox_errors(demo):
    name = tool_pod(demo, "busybox:1.36")
    ip = demo.get("pods", name)["status"]["podIP"]
    hosts = demo.exec(name, ["cat", "/etc/hosts"])
    assert hosts.stdout.startswith("# Kubernetes-managed hosts file.\n") and hosts.stdout.endswith(
        f"{ip}\t{name}\n"
    )
    missing = demo.exec(name, ["cat", "/x"])
    assert (missing.stderr, missing.returncode) == ("cat: can't open '/x': No such file or directory\n", 1)
    assert demo.exec(name, ["hostname"]).stdout == f"{name}\n"


def test_debian_based_images_speak_coreutils_and_have_no_nslookup(demo):
    name = tool_pod(demo, "docker.io/istio/proxyv2:1.23.2")
    assert demo.exec(name, ["cat", "/x"]).stderr == "cat: /x: No such file or directory\n"
    assert demo.exec(name, ["nslookup", "x"]).returncode == 126
    shell = demo.exec(name, ["sh", "-c", "nslookup x"])
    assert (shell.stderr, shell.returncode) == ("sh: 1: nslookup: not found\n", 127)


def test_shell_runs_lists_pipes_and_variables_with_the_in_pod_programs(demo):
    name = tool_pod(demo, "busybox")
    script = (
        "cat /etc/resolv.conf | grep search; false || echo fallback $?; nope && echo never\necho $HOSTNAME"
    )
    result = demo.exec(name, ["sh", "-c", script])
    assert result.stdout == (
        "search application.svc.cluster.local svc.cluster.local cluster.local\nfallback 1\n" + f"{name}\n"
    )
    assert result.stderr == "sh: nope: not found\n"
    assert demo.exec(name, ["sh", "-c", "exit 3"]).returncode == 3


def test_env_carries_service_links_of_the_namespace(demo):
    name = tool_pod(demo, "busybox")
    env = dict(line.split("=", 1) for line in demo.exec(name, ["env"]).stdout.splitlines())
    svc = demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]
    assert env["DEST_SVC_V1_SERVICE_HOST"] == svc
    assert env["DEST_SVC_V1_PORT_7777_TCP"] == f"tcp://{svc}:7777"
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"


@pytest.mark.parametrize(
    ("image", "userland", "libc"),
    [
        ("busybox", "busybox", "glibc"),
        ("busybox:1.36-musl", "busybox", "musl"),
        ("curlimages/curl:8.10.1", "busybox", "musl"),
        ("registry.k8s.io/ingress-nginx/controller:v1.11.2", "busybox", "musl"),
        ("docker.io/istio/proxyv2:1.23.2", "coreutils", "glibc"),
        ("hashicorp/http-echo", "none", ""),
        ("registry.k8s.io/coredns/coredns:v1.11.1", "none", ""),
        ("nginx:1.27", "coreutils", "glibc"),
    ],
)
def test_image_profiles(image, userland, libc):
    profile = image_profile(image)
    assert (profile.userland, profile.libc) == (userland, libc)


def test_programs_the_image_ships_but_dns_does_not_implement_go_to_the_data_planes_registry(
    demo, monkeypatch
):
    from ingresslab.backends.base import ExecResult

    pod_commands = demo.pod_commands  # the backend's own table of programs
    calls = []

    def fake_curl(backend, cluster, pod, container, argv):
        calls.append((pod["metadata"]["name"], container, argv))
        return ExecResult("ok\n")

    monkeypatch.delitem(pod_commands, "curl", raising=False)
    name = tool_pod(demo, "curlimages/curl:8.10.1")
    unregistered = demo.exec(name, ["sh", "-c", "curl -s http://dest-svc-v1:7777/"])
    assert unregistered.returncode == 127 and "does not emulate" in unregistered.stderr
    monkeypatch.setitem(pod_commands, "curl", fake_curl)
    result = demo.exec(name, ["sh", "-c", "curl -s http://dest-svc-v1:7777/"])
    assert result.stdout == "ok\n" and calls == [(name, "main", ["curl", "-s", "http://dest-svc-v1:7777/"])]
    busybox = tool_pod(demo, "busybox", "bb")
    assert demo.exec(busybox, ["sh", "-c", "curl x"]).stderr == "sh: curl: not found\n"
