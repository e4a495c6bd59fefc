"""Requests per second through each sandbox path, and how much log memory many requests keep.

Paths, measured in the same run: direct NodePort (kube-proxy → http-echo), NGINX (hostPort → ingress-nginx →
pod) and Istio (NodePort → gateway → sidecar → http-echo). Then N requests through NGINX and Istio with the
kubelet's retention (10 MiB per container file plus one rotated file) and with a small cap, to show that the
logs kept stay bounded however many requests a lesson sends. Compare ratios, not absolute times.

    python bench/bench_dataplane.py            # 2,000 requests per path, 10,000 for the memory check
    python bench/bench_dataplane.py --quick    # 200 and 1,000
"""

from __future__ import annotations

import argparse
import time

import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.addons import ingress_nginx, istio
from ingresslab.backends.sandbox.dataplane.walk import send_request
from ingresslab.manifests import DEMO_DIR

NODE = "192.168.76.2"


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEMO_DIR / name).read_text()) if d]


def lab() -> SandboxBackend:
    """The seed's end state: NGINX ingress, Istio with injected pods, both Ingresses."""
    backend = SandboxBackend(None, seed=1)
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    backend.set_namespace("application")
    with backend.transaction() as cluster:
        ingress_nginx.enable(cluster)
        istio.install(cluster)
    backend.label("namespaces", "application", {"istio-injection": "enabled"})
    for name in ("depl-helloworld.yaml", "ingress.yaml", "istio-ingress.yaml"):
        backend.apply_many(_docs(name))
    return backend


def targets(backend: SandboxBackend) -> dict[str, dict]:
    svc = backend.get("services", "istio-ingressgateway", "istio-system")
    port = next(p["nodePort"] for p in svc["spec"]["ports"] if p["name"] == "http2")
    return {
        "nodeport": {"url": f"http://{NODE}:30001/v1"},
        "nginx": {"url": f"http://{NODE}/v1", "host_header": "yuya.example.com"},
        "istio": {"url": f"http://{NODE}:{port}/v1", "host_header": "yuya.example.com"},
    }


def rate(backend: SandboxBackend, kwargs: dict, n: int) -> float:
    with backend.transaction() as cluster:
        began = time.perf_counter()
        for _ in range(n):
            if send_request(cluster, **kwargs).status != 200:
                raise SystemExit(f"unexpected failure on {kwargs}")
        return n / (time.perf_counter() - began)


def retained(backend: SandboxBackend) -> tuple[int, int]:
    """(bytes, lines) the log store holds right now."""
    store = backend.logstore
    return sum(store._sizes.values()), sum(len(v) for v in store._logs.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests, for CI")
    args = parser.parse_args()
    per_path, many = (200, 1_000) if args.quick else (2_000, 10_000)

    backend = lab()
    paths = targets(backend)
    print(f"requests per second, {per_path} requests per path (same run):")
    rates = {name: rate(backend, kw, per_path) for name, kw in paths.items()}
    for name, value in rates.items():
        print(f"  {name:9s} {value:8.0f} req/s   ({value / rates['nodeport']:.2f} x nodeport)")

    for cap in (None, 64 * 1024):
        backend = lab()
        if cap is not None:
            backend.logstore.max_bytes = cap
        limit = backend.logstore.max_bytes
        paths = targets(backend)
        began = time.perf_counter()
        rate(backend, paths["nginx"], many // 2)
        rate(backend, paths["istio"], many - many // 2)
        took = time.perf_counter() - began
        size, lines = retained(backend)
        biggest = max(backend.logstore._sizes.values())
        print(
            f"{many} requests (nginx + istio), rotation at {limit / 1024:.0f} KiB per container: "
            f"{took:.2f} s, logs kept {size / 1024:.0f} KiB in {lines} lines, "
            f"largest container {biggest / 1024:.0f} KiB (bound {2 * limit / 1024:.0f} KiB)"
        )
        assert biggest <= 2 * limit


if __name__ == "__main__":
    main()
