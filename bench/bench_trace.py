"""Correlating many requests' logs stays linear: N requests through NGINX into sidecar-injected pods
(controller, sidecar and app lines, written with the real formats), then a Trace for every request id.

    python bench/bench_trace.py            # N = 12,500 … 100,000
    python bench/bench_trace.py --quick    # N = 1,000 … 4,000
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

from ingresslab.logs import EnvoyAccess, HttpEchoRequest, NginxAccess, format_line
from ingresslab.trace import LogSource, Topology, correlate_all, parse_sources

PODS = [("dest-depl-v1-7b74f64fcf-8k5xq", "10.244.0.10"), ("dest-depl-v1-7b74f64fcf-fhwss", "10.244.0.11")]


def topology() -> Topology:
    objs = [
        {
            "kind": "Pod",
            "metadata": {"name": n, "namespace": "application"},
            "spec": {"containers": [{"name": "app"}, {"name": "istio-proxy"}]},
            "status": {"podIP": ip},
        }
        for n, ip in PODS
    ]
    objs.append(
        {
            "kind": "Service",
            "metadata": {"name": "dest-svc-v1", "namespace": "application"},
            "spec": {
                "clusterIP": "10.108.78.105",
                "ports": [{"name": "http-v1", "port": 7777, "targetPort": 5678}],
            },
        }
    )
    return Topology.from_objects(objs)


def sources(n: int) -> list[LogSource]:
    start = datetime(2024, 9, 15, 8, 52, tzinfo=timezone.utc)
    nginx, sidecars, apps = [], {p: [] for p, _ in PODS}, {p: [] for p, _ in PODS}
    for i in range(n):
        pod, ip = PODS[i % 2]
        at = start + timedelta(milliseconds=10 * i)
        rid = f"{i:032x}"
        nginx.append(
            format_line(
                NginxAccess(
                    remote_addr="192.168.76.1",
                    time=at,
                    method="GET",
                    path="/v1",
                    protocol="HTTP/1.1",
                    status=200,
                    body_bytes_sent=33,
                    http_user_agent="curl/7.81.0",
                    request_length=82,
                    request_time=0.001,
                    proxy_upstream_name="application-dest-svc-v1-http-v1",
                    upstream_addr=[f"{ip}:5678"],
                    upstream_response_length=[33],
                    upstream_response_time=[0.0],
                    upstream_status=[200],
                    req_id=rid,
                )
            )
        )
        sidecars[pod].append(
            format_line(
                EnvoyAccess(
                    start_time=at,
                    method="GET",
                    path="/v1",
                    protocol="HTTP/1.1",
                    response_code=200,
                    response_code_details="via_upstream",
                    bytes_sent=33,
                    duration=0,
                    x_forwarded_for="192.168.76.1",
                    user_agent="curl/7.81.0",
                    request_id=rid,
                    authority="yuya.example.com",
                    upstream_host=f"{ip}:5678",
                    upstream_cluster="inbound|5678||",
                    upstream_local_address="127.0.0.6:42109",
                    downstream_local_address=f"{ip}:5678",
                    downstream_remote_address="10.244.0.5:40000",
                    route_name="default",
                )
            )
        )
        apps[pod].append(
            format_line(
                HttpEchoRequest(
                    time=at,
                    host="yuya.example.com",
                    remote_addr="127.0.0.6:42109",
                    path="/v1",
                    status=200,
                    length=33,
                    user_agent="curl/7.81.0",
                    duration=0.00005,
                )
            )
        )
    out = [
        LogSource(
            "ingress-nginx", "ingress-nginx", "ingress-nginx-controller-x", "controller", "\n".join(nginx)
        )
    ]
    for pod, ip in PODS:
        out.append(LogSource("sidecar", "application", pod, "istio-proxy", "\n".join(sidecars[pod]), ip))
        out.append(LogSource("app", "application", pod, "app", "\n".join(apps[pod]), ip))
    return out


def measure(n: int) -> tuple[float, float, int]:
    srcs = sources(n)
    topo = topology()
    t0 = time.perf_counter()
    lines = list(parse_sources(srcs))
    t1 = time.perf_counter()
    traces = correlate_all(lines, topo)
    t2 = time.perf_counter()
    complete = sum(1 for t in traces.values() if t.complete)
    assert len(traces) == n and complete == n, (len(traces), complete)
    return t1 - t0, t2 - t1, complete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [1000, 2000, 4000] if args.quick else [12_500, 25_000, 50_000, 100_000]
    results = {n: measure(n) for n in sizes}
    base = sizes[0]
    print(f"{'requests':>9} {'parse s':>8} {'correlate s':>12} {'traces/s':>9} {'growth':>7} {'linear':>7}")
    for n, (parse, corr, _) in results.items():
        print(
            f"{n:>9} {parse:>8.2f} {corr:>12.2f} {n / corr:>9.0f} {corr / results[base][1]:>7.2f} {n / base:>7.2f}"
        )


if __name__ == "__main__":
    main()
