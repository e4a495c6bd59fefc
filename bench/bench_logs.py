"""How fast the log parsers are, next to plain line iteration of the same file in the same run.

For each format, N realistic lines are written with the package's own emitters to a temporary file, then
timed (best of interleaved rounds), each way reading the whole file:

    iterate   plain `for line in file` iteration: the baseline every ratio (x) is taken against
    parse     `parse_lines(file, format=NAME)`: a record per line, every other line reported
    auto      the same with format auto-detection
    read      parse and read one field of every record (records of the compiled path convert on first use)
    python    `parse_lines(..., fast=False)`: every line parsed eagerly in Python

Ratios are what to compare (these machines are noisy); the target for ingress-nginx and istio is a parse
speed of at least a quarter of plain iteration.

    python bench/bench_logs.py            # 200,000 lines per format
    python bench/bench_logs.py --quick    # 5,000 lines per format, one round (smoke test)
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ingresslab.logs import (
    FORMATS,
    CoreDNSQuery,
    EnvoyAccess,
    HttpEchoRequest,
    NginxAccess,
    format_line,
    parse_lines,
)
from ingresslab.logs.fastpath import accelerated

T0 = datetime(2024, 9, 15, 8, 52, 37, tzinfo=timezone.utc)
AGENTS = (
    "curl/7.81.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
    "Go-http-client/1.1",
)
PATHS = ("/v1", "/v2", "/", "/health", "/api/items?page=2", "/static/app.js")


def _ip(rng: random.Random) -> str:
    return f"10.244.{rng.randrange(4)}.{rng.randrange(2, 250)}"


def nginx(rng: random.Random, i: int) -> NginxAccess:
    tries = 1 if rng.random() < 0.95 else 3
    return NginxAccess(
        remote_addr="192.168.76.1",
        time=T0 + timedelta(seconds=i // 20),
        method="GET",
        path=rng.choice(PATHS),
        protocol="HTTP/1.1",
        status=rng.choice((200, 200, 200, 404, 503)),
        body_bytes_sent=rng.randrange(2000),
        http_user_agent=rng.choice(AGENTS),
        request_length=rng.randrange(60, 600),
        request_time=rng.randrange(50) / 1000,
        proxy_upstream_name="application-dest-svc-v1-http-v1",
        upstream_addr=[f"{_ip(rng)}:5678" for _ in range(tries)],
        upstream_response_length=[33] * tries,
        upstream_response_time=[0.001] * tries,
        upstream_status=[200] * tries,
        req_id=f"{rng.getrandbits(128):032x}",
    )


def istio(rng: random.Random, i: int) -> EnvoyAccess:
    return EnvoyAccess(
        start_time=T0 + timedelta(milliseconds=i * 7),
        method="GET",
        path=rng.choice(PATHS),
        protocol="HTTP/1.1",
        response_code=200,
        response_code_details="via_upstream",
        bytes_sent=33,
        duration=rng.randrange(5),
        upstream_service_time=rng.randrange(5),
        x_forwarded_for="10.244.0.1",
        user_agent=rng.choice(AGENTS),
        request_id=f"{rng.getrandbits(64):016x}-61ea-9166-b63c-35273a31e6f5",
        authority="yuya.example.com",
        upstream_host=f"{_ip(rng)}:5678",
        upstream_cluster="outbound|7777||dest-svc-v1.application.svc.cluster.local",
        upstream_local_address=f"10.244.0.8:{rng.randrange(30000, 60000)}",
        downstream_local_address="10.244.0.8:8080",
        downstream_remote_address=f"10.244.0.1:{rng.randrange(1024, 65535)}",
    )


def envoy(rng: random.Random, i: int) -> EnvoyAccess:
    rec = istio(rng, i)
    rec.format = "envoy"
    return rec


def istio_json(rng: random.Random, i: int) -> EnvoyAccess:
    rec = istio(rng, i)
    rec.format = "istio-json"
    return rec


def coredns(rng: random.Random, i: int) -> CoreDNSQuery:
    return CoreDNSQuery(
        remote=_ip(rng),
        port=rng.randrange(1024, 65535),
        id=rng.randrange(65536),
        type=rng.choice(("A", "AAAA")),
        name="dest-svc-v1.application.svc.cluster.local.",
        size=59,
        rcode=rng.choice(("NOERROR", "NXDOMAIN")),
        rflags=["qr", "aa", "rd"],
        rsize=116,
        duration=rng.randrange(20_000, 200_000) / 1e9,
    )


def http_echo(rng: random.Random, i: int) -> HttpEchoRequest:
    return HttpEchoRequest(
        time=T0 + timedelta(seconds=i // 20),
        host="yuya.example.com",
        remote_addr=f"{_ip(rng)}:{rng.randrange(1024, 65535)}",
        path=rng.choice(PATHS),
        length=33,
        user_agent=rng.choice(AGENTS),
        duration=rng.randrange(20_000, 90_000) / 1e9,
    )


MAKERS: dict[str, Callable[[random.Random, int], object]] = {
    "ingress-nginx": nginx,
    "istio": istio,
    "envoy": envoy,
    "istio-json": istio_json,
    "coredns": coredns,
    "http-echo": http_echo,
}


def write_lines(name: str, count: int, directory: Path) -> Path:
    rng = random.Random(7)
    path = directory / f"{name}.log"
    maker = MAKERS[name]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(format_line(maker(rng, i)) + "\n")
    return path


def timed(path: Path, count: int, consume: Callable[[object], int]) -> float:
    with path.open(encoding="utf-8") as handle:
        start = time.perf_counter()
        seen = consume(handle)
        elapsed = time.perf_counter() - start
    assert seen == count, f"{path.name}: {seen} of {count} lines handled"
    return elapsed


def _iterate(handle) -> int:
    n = 0
    for _ in handle:
        n += 1
    return n


def _parser(fmt: str, *, fast: bool = True) -> Callable[[object], int]:
    def consume(handle) -> int:
        n = 0
        for _ in parse_lines(handle, format=fmt, fast=fast):
            n += 1
        return n

    return consume


def _reader(fmt: str, field: str) -> Callable[[object], int]:
    """Parse and read one field of every record: what a consumer pays when it looks at the records."""

    def consume(handle) -> int:
        n = 0
        for record in parse_lines(handle, format=fmt):
            getattr(record, field)
            n += 1
        return n

    return consume


# A field each format's records are commonly filtered on.
FIELD = {"ingress-nginx": "status", "coredns": "rcode", "http-echo": "path"}


def measure(name: str, path: Path, count: int, rounds: int) -> dict[str, float]:
    """Best rate of each way of reading the file; the ways take turns so that load hits them alike."""
    ways = {
        "iterate": _iterate,
        "parse": _parser(name),
        "auto": _parser("auto"),
        "read": _reader(name, FIELD.get(name, "response_code")),
        "python": _parser(name, fast=False),
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(rounds):
        for way, consume in ways.items():
            best[way] = min(best[way], timed(path, count, consume))
    return {way: count / seconds for way, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few lines, one round: a smoke test")
    parser.add_argument(
        "--lines", type=int, default=None, help="lines per format (default 200000, quick 5000)"
    )
    parser.add_argument("--rounds", type=int, default=None, help="rounds per way (default 5, quick 1)")
    args = parser.parse_args()
    count = args.lines or (5_000 if args.quick else 200_000)
    rounds = args.rounds or (1 if args.quick else 5)
    assert set(MAKERS) == set(FORMATS), "every registered format needs a line maker here"
    print(
        f"{count} lines per format, best of {rounds} interleaved rounds; rates in lines/s, x = rate / iterate"
    )
    print(f"compiled line checks: {'in use' if accelerated() else 'not built (pure Python)'}")
    columns = ("parse", "auto", "read", "python")
    print(f"{'format':<14} {'iterate':>10} " + " ".join(f"{c:>10} {'x':>5}" for c in columns))
    with tempfile.TemporaryDirectory() as tmp:
        for name in MAKERS:
            path = write_lines(name, count, Path(tmp))
            rates = measure(name, path, count, rounds)
            plain = rates["iterate"]
            cells = " ".join(f"{rates[c]:>10,.0f} {rates[c] / plain:>5.3f}" for c in columns)
            print(f"{name:<14} {plain:>10,.0f} {cells}")


if __name__ == "__main__":
    main()
