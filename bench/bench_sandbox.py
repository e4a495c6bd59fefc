"""How the sandbox's control plane scales: apply N Services + N Deployments (10 pods each), then list them.

Reports seconds per size and the growth ratio against the smallest size next to the ideal linear ratio,
measured in one run (these machines are noisy: compare ratios, not absolute times).

    python bench/bench_sandbox.py            # N = 50, 100, 200, 500 (5,000 pods)
    python bench/bench_sandbox.py --quick    # N = 10, 20, 40
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingresslab.backends.sandbox import SandboxBackend


def manifests(n: int) -> list[dict]:
    docs: list[dict] = []
    for i in range(n):
        app = f"app-{i:04d}"
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": f"svc-{i:04d}", "labels": {"app": app}},
                "spec": {
                    "selector": {"app": app},
                    "ports": [{"name": "http", "port": 7777, "targetPort": 5678}],
                },
            }
        )
        docs.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": f"deploy-{i:04d}"},
                "spec": {
                    "replicas": 10,
                    "selector": {"matchLabels": {"app": app}},
                    "template": {
                        "metadata": {"labels": {"app": app}},
                        "spec": {
                            "containers": [
                                {"name": "echo", "image": "hashicorp/http-echo", "args": [f"-text={app}"]}
                            ]
                        },
                    },
                },
            }
        )
    return docs


def measure(n: int, directory: Path) -> dict[str, float]:
    backend = SandboxBackend(directory / f"bench-{n}.json")
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}})
    docs = manifests(n)
    start = time.perf_counter()
    backend.apply_many(docs, namespace="bench")
    applied = time.perf_counter()
    pods = backend.list("pods", "bench")
    services = backend.list("services", "bench")
    endpoints = backend.list("endpoints", "bench")
    listed = time.perf_counter()
    assert len(pods) == 10 * n and len(services) == n and len(endpoints) == n
    assert all(len(e["subsets"][0]["addresses"]) == 10 for e in endpoints)
    return {"apply": applied - start, "list": listed - applied, "pods": len(pods)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args()
    sizes = [10, 20, 40] if args.quick else [50, 100, 200, 500]
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: measure(n, Path(tmp)) for n in sizes}
    base = sizes[0]
    print(f"{'N':>5} {'pods':>6} {'apply s':>9} {'list s':>8} {'growth':>8} {'linear':>7}")
    for n, r in results.items():
        total, base_total = r["apply"] + r["list"], results[base]["apply"] + results[base]["list"]
        print(
            f"{n:>5} {r['pods']:>6.0f} {r['apply']:>9.3f} {r['list']:>8.3f} {total / base_total:>8.2f} {n / base:>7.2f}"
        )


if __name__ == "__main__":
    main()
