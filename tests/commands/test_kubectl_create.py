"""`kubectl create <generator>`: the sandbox's client dry runs and errors equal real kubectl's (which builds
these objects without a cluster), and without --dry-run the objects land in the sandbox."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation

# Commands real kubectl runs with no cluster: the generators' client dry runs and their flag errors.
ORACLE_CASES = [
    "create deployment web --image=nginx --dry-run=client -o yaml",
    "create deployment web --image=nginx --dry-run=client -o json",
    "create deployment web --image=nginx --dry-run=client",
    "create deployment web --image=nginx --dry-run=client -o name",
    "create deployment web --image=nginx --dry-run",
    "create deploy web --image=gcr.io/google-samples/hello-app:1.0 --replicas=3 --port=8080 -n shop --dry-run=client -o yaml",
    "create deployment web --image=busybox --dry-run=client -o json -- sleep 3600",
    "create deployment web --image=nginx --image=busybox --dry-run=client -o yaml",
    "create deployment web --image=nginx --image=busybox --dry-run=client -o yaml -- sleep 1",
    "create deployment web --dry-run=client -o yaml",
    "create deployment --image=nginx --dry-run=client -o yaml",
    "create deployment a b --image=nginx --dry-run=client -o yaml",
    "create deployment web --image=nginx --replicas=x --dry-run=client",
    "create deployment web --image=nginx --dry-run=bogus",
    "create deployment web --image=nginx --dry-run=client -o wide",
    "create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
    "create service clusterip web --tcp=80:8080 --tcp=443 --dry-run=client -o json",
    "create service clusterip web --clusterip=None --dry-run=client -o yaml",
    "create service clusterip web --dry-run=client -o yaml",
    "create service clusterip web --tcp=80:http --dry-run=client -o yaml",
    "create service clusterip web --tcp=abc --dry-run=client -o yaml",
    "create svc nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml",
    "create service nodeport web --tcp=80 --dry-run=client -o json",
    "create service loadbalancer web --tcp=80:8080 --dry-run=client -o yaml",
    "create service loadbalancer web --tcp=80:8080 --dry-run=client",
    "create service externalname web --external-name=example.com --dry-run=client -o yaml",
    "create service externalname web --dry-run=client -o yaml",
    "create -n shop service clusterip web --tcp=80 --dry-run=client -o yaml",
    "create ingress web --class=nginx --rule=foo.com/bar*=svc:8080,tls=sec --dry-run=client -o yaml",
    "create ingress web --class=nginx --rule=foo.com/bar*=svc:8080,tls=sec --dry-run=client -o json",
    "create ingress web --rule=/=svc:http --rule=a.com/x=svc2:80 --annotation=a=b --default-backend=def:80 --dry-run=client -o yaml",
    "create ingress web --rule=a.com/=svc:80,tls --rule=a.com/admin*=adm:80 --rule=b.com/=svc:80,tls --dry-run=client -o yaml",
    "create ing web --rule=/hello*=hello:8080 --annotation nginx.ingress.kubernetes.io/rewrite-target=/ --dry-run=client -o json",
    "create ingress web --dry-run=client -o yaml",
    "create ingress web --rule=foo --dry-run=client -o yaml",
    "create ingress web --rule=/=s:80 --annotation=x --dry-run=client -o yaml",
    "create ingress web --default-backend=x --dry-run=client -o yaml",
    "create ingress web --rule=/=s:80 --dry-run=client",
    "create configmap cfg --from-literal=a=1 --from-literal=b=two --dry-run=client -o yaml",
    "create configmap cfg --from-literal=a=1 --from-file=app.conf --from-file=k=app.conf --dry-run=client -o json",
    "create cm cfg --dry-run=client -o yaml",
    "create configmap cfg --from-literal=a --dry-run=client -o yaml",
    "create configmap cfg --from-literal=a=1 --dry-run=client",
    "create secret generic s --from-literal=password=hunter2 --dry-run=client -o yaml",
    "create secret generic s --from-literal=a=1 --type=Opaque --dry-run=client -o json",
    "create secret generic s --dry-run=client -o yaml",
    "create secret generic s --from-literal=a=1 --dry-run=client",
    "create namespace shop --dry-run=client -o yaml",
    "create ns shop --dry-run=client -o json",
    "create namespace --dry-run=client -o yaml",
    "create namespace shop --dry-run=client",
    "create serviceaccount bot --dry-run=client -o yaml",
    "create sa bot -n shop --dry-run=client -o json",
    "create serviceaccount bot --dry-run=client",
]


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "app.conf").write_text("listen 80;\nserver_name _;\n")
    return tmp_path


@pytest.fixture
def sandbox_kubectl(sandbox, workdir):
    tool = Kubectl(sandbox, cwd=str(workdir))

    def run(line: str):
        return tool(Invocation(["kubectl", *shlex.split(line)], cwd=str(workdir)))

    return run


@pytest.mark.parametrize("line", ORACLE_CASES)
def test_client_dry_run_equals_real_kubectl(line, kubectl_oracle, sandbox_kubectl, workdir):
    env = {**os.environ, "KUBECONFIG": os.devnull}
    real = subprocess.run(
        [kubectl_oracle, *shlex.split(line)], capture_output=True, text=True, env=env, cwd=workdir, timeout=60
    )
    # `--dry-run` alone makes kubectl log a deprecation warning (klog, with a time stamp): not compared.
    real_err = "".join(ln for ln in real.stderr.splitlines(True) if "--dry-run is deprecated" not in ln)
    ours = sandbox_kubectl(line)
    assert (ours.stdout, ours.stderr, ours.returncode) == (real.stdout, real_err, real.returncode)


def test_created_objects_land_in_the_sandbox(sandbox_kubectl):
    assert sandbox_kubectl("create namespace shop").stdout == "namespace/shop created\n"
    assert (
        sandbox_kubectl("create deployment web --image=nginx --replicas=2 --port=80 -n shop").stdout
        == "deployment.apps/web created\n"
    )
    again = sandbox_kubectl("create deployment web --image=nginx -n shop")
    assert again.returncode == 1
    assert again.stderr == 'error: failed to create deployment: deployments.apps "web" already exists\n'
    assert (
        sandbox_kubectl("create service clusterip web --tcp=80:80 -n shop").stdout == "service/web created\n"
    )
    assert (
        sandbox_kubectl("create ingress web --class=nginx --rule=web.local/*=web:80 -n shop").stdout
        == "ingress.networking.k8s.io/web created\n"
    )
    assert (
        sandbox_kubectl("create configmap cfg --from-literal=a=1 -n shop").stdout == "configmap/cfg created\n"
    )
    assert (
        sandbox_kubectl("create secret generic s --from-literal=a=1 -n shop").stdout == "secret/s created\n"
    )
    assert sandbox_kubectl("create sa bot -n shop").stdout == "serviceaccount/bot created\n"
    pods = sandbox_kubectl("get pods -n shop -l app=web -o name").stdout.split()
    assert len(pods) == 2
    assert sandbox_kubectl("get endpoints web -n shop -o jsonpath={.subsets[0].ports[0].port}").stdout == "80"
    dup_ns = sandbox_kubectl("create namespace shop")
    assert dup_ns.stderr == 'Error from server (AlreadyExists): namespaces "shop" already exists\n'
    dup_svc = sandbox_kubectl("create service clusterip web --tcp=80 -n shop")
    assert dup_svc.stderr == 'error: failed to create ClusterIP service: services "web" already exists\n'
    server = sandbox_kubectl("create deployment web --image=nginx -n shop --dry-run=server")
    assert server.stderr == 'error: failed to create deployment: deployments.apps "web" already exists\n'
    fresh = sandbox_kubectl("create deployment api --image=nginx -n shop --dry-run=server")
    assert fresh.stdout == "deployment.apps/api created (server dry run)\n"
    assert sandbox_kubectl("get deploy api -n shop").returncode == 1
