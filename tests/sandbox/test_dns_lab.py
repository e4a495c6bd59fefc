"""The seed's DNS section, pasted verbatim into `lab.sh` against the sandbox."""

from __future__ import annotations

import re

import pytest
import yaml

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")
pytest.importorskip(
    "ingresslab.commands.textutils", reason="the lab's text tools are not in this checkout yet"
)

import ingresslab
from ingresslab.manifests import DEMO_DIR

SEED_RESOLV = "nameserver 10.96.0.10\nsearch application.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"
POD = "POD=$(kubectl get pod -l app=hw-v1 -ojsonpath='{.items[].metadata.name}')"


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    backend = lab.backend
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    backend.set_namespace("application")
    backend.apply_many(list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())))
    return lab


def test_debug_cat_resolv_conf_verbatim(lab):
    result = lab.sh(f"{POD}\nkubectl debug $POD -it --image=busybox -- cat /etc/resolv.conf")
    assert result.stdout == SEED_RESOLV
    assert re.match(r"Defaulting debug container name to debugger-\w{5}\.\n", result.stderr)


def test_nslookup_then_coredns_log_grep_shows_a_and_aaaa_noerror(lab):
    ip = lab.backend.get("services", "dest-svc-v1", "application")["spec"]["clusterIP"]
    found = lab.sh(f"{POD}\nkubectl debug $POD -it --image=busybox -- nslookup dest-svc-v1")
    assert found.stdout.startswith(
        f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tdest-svc-v1.application.svc.cluster.local\nAddress: {ip}\n"
    )
    pod_ip = lab.sh(f"{POD}\nkubectl get pod $POD -o jsonpath='{{.status.podIP}}'").stdout.strip()
    logs = lab.sh(
        "kubectl logs --namespace=kube-system -l k8s-app=kube-dns --tail 100 | grep dest-svc-v1.application.svc.cluster"
    ).stdout.splitlines()
    pattern = (
        rf'\[INFO\] {re.escape(pod_ip)}:(\d+) - \d+ "(A|AAAA) IN dest-svc-v1\.application\.svc\.cluster\.local\. '
        r'udp 59 false 512" NOERROR qr,aa,rd (116|152) 0\.\d+s'
    )
    matches = [re.fullmatch(pattern, line) for line in logs]
    assert all(matches) and [m[2] for m in matches] == ["A", "AAAA"]  # type: ignore[index]
    assert matches[0][1] == matches[1][1]  # type: ignore[index]


def test_exec_into_the_http_echo_container_has_no_cat(lab):
    result = lab.sh(f"{POD}\nkubectl exec $POD -- cat /etc/resolv.conf")
    assert result.returncode != 0
    assert 'exec: "cat": executable file not found in $PATH' in result.stderr
