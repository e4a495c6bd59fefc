"""How fast the log parsers are where programs read the fields, next to a naive regex loop, in one run.

For each format (ingress-nginx, istio, envoy, coredns), N realistic lines are written with the package's own
emitters to a temporary file; then each way reads the whole file, in interleaved rounds (best kept):

    iterate   plain `for line in file`
    naive     the ten-line loop: one compiled regex, `groupdict()`, three integer fields converted
    every     `parse_lines(file, format=NAME)` and every field of every record read (typed: times, lists, numbers)
    one       the same, one field of every record read (status, response_code, rcode)
    cli       `ingresslab logs parse --format NAME FILE > out.jsonl` end to end (a process, its start included)

and `ingresslab trace` once over a log set of R requests (controller, two sidecars, two apps: 3R lines).

Rates are lines/s of CPU time by default (this process's; the CLI's and trace's child process's), since these
machines are shared and wall-clock time counts the neighbours' work too; `--wall` uses wall-clock time.
Targets, for every format: every >= 1.0x naive, one >= 2.0x naive, cli >= 150,000 lines/s.

    python bench/bench_logs.py            # 200,000 lines per format, trace over 100,000 requests
    python bench/bench_logs.py --quick    # 5,000 lines per format, one round (smoke test)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from operator import attrgetter
from pathlib import Path

from ingresslab.logs import (
    CoreDNSQuery,
    EnvoyAccess,
    HttpEchoRequest,
    NginxAccess,
    format_line,
    parse_lines,
)

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


BENCHED = ("ingress-nginx", "istio", "envoy", "coredns")

# The naive baseline: what one writes in ten lines without the package (named groups, `\S+` and `[^"]*`).
_ENVOY = (
    r'\[(?P<start_time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) (?P<protocol>\S+)" (?P<response_code>\d+) '
    r"(?P<response_flags>\S+) {middle}(?P<bytes_received>\d+) (?P<bytes_sent>\d+) (?P<duration>\S+) "
    r'(?P<upstream_service_time>\S+) "(?P<x_forwarded_for>[^"]*)" "(?P<user_agent>[^"]*)" '
    r'"(?P<request_id>[^"]*)" "(?P<authority>[^"]*)" "(?P<upstream_host>[^"]*)"{tail}$'
)
NAIVE: dict[str, tuple[str, tuple[str, ...]]] = {
    "ingress-nginx": (
        r'(?P<remote_addr>\S+) - (?P<remote_user>\S+) \[(?P<time_local>[^\]]+)\] "(?P<request>[^"]*)" '
        r'(?P<status>\d+) (?P<body_bytes_sent>\d+) "(?P<http_referer>[^"]*)" "(?P<http_user_agent>[^"]*)" '
        r"(?P<request_length>\d+) (?P<request_time>\S+) \[(?P<proxy_upstream_name>[^\]]*)\] "
        r"\[(?P<proxy_alternative_upstream_name>[^\]]*)\] (?P<upstream_addr>.+?) "
        r"(?P<upstream_response_length>\S+) (?P<upstream_response_time>\S+) (?P<upstream_status>\S+) "
        r"(?P<req_id>\S+)$",
        ("status", "body_bytes_sent", "request_length"),
    ),
    "istio": (
        _ENVOY.format(
            middle=r"(?P<response_code_details>\S+) (?P<connection_termination_details>\S+) "
            r'"(?P<upstream_transport_failure_reason>[^"]*)" ',
            tail=r" (?P<upstream_cluster>\S+) (?P<upstream_local_address>\S+) (?P<downstream_local_address>\S+)"
            r" (?P<downstream_remote_address>\S+) (?P<requested_server_name>\S+) (?P<route_name>\S+)",
        ),
        ("response_code", "bytes_received", "bytes_sent"),
    ),
    "envoy": (_ENVOY.format(middle="", tail=""), ("response_code", "bytes_received", "bytes_sent")),
    "coredns": (
        r'\[INFO\] (?P<remote>\S+) - (?P<id>\d+) "(?P<type>\S+) (?P<class>\S+) (?P<name>\S+) (?P<proto>\S+) '
        r'(?P<size>\d+) (?P<do>\S+) (?P<bufsize>\d+)" (?P<rcode>\S+) (?P<rflags>\S+) (?P<rsize>\d+) '
        r"(?P<duration>\S+)$",
        ("id", "size", "rsize"),
    ),
}
# The field a consumer filters on, read alone.
FIELD = {"ingress-nginx": "status", "istio": "response_code", "envoy": "response_code", "coredns": "rcode"}
RECORD_TYPE = {
    "ingress-nginx": NginxAccess,
    "istio": EnvoyAccess,
    "envoy": EnvoyAccess,
    "coredns": CoreDNSQuery,
}
TARGET_EVERY, TARGET_ONE, TARGET_CLI = 1.0, 2.0, 150_000


def write_lines(name: str, count: int, directory: Path) -> Path:
    rng = random.Random(7)
    path = directory / f"{name}.log"
    maker = MAKERS[name]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(format_line(maker(rng, i)) + "\n")
    return path


class Clock:
    """Seconds of CPU time (this process, or its finished children) or of wall-clock time."""

    def __init__(self, wall: bool) -> None:
        self.wall = wall

    def now(self, children: bool = False) -> float:
        if self.wall:
            return time.perf_counter()
        if children:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        return time.process_time()


def _iterate(handle, name: str) -> int:
    n = 0
    for _ in handle:
        n += 1
    return n


def _naive(handle, name: str) -> int:
    pattern, numbers = NAIVE_COMPILED[name]
    match = pattern.match
    n = 0
    for line in handle:
        row = match(line.rstrip("\n")).groupdict()
        for key in numbers:
            row[key] = int(row[key])
        n += 1
    return n


def _every(handle, name: str) -> int:
    read = attrgetter(*(f.name for f in fields(RECORD_TYPE[name])))
    n = 0
    for record in parse_lines(handle, format=name):
        read(record)
        n += 1
    return n


def _one(handle, name: str) -> int:
    read = attrgetter(FIELD[name])
    n = 0
    for record in parse_lines(handle, format=name):
        read(record)
        n += 1
    return n


NAIVE_COMPILED = {name: (re.compile(pattern), numbers) for name, (pattern, numbers) in NAIVE.items()}
IN_PROCESS: dict[str, Callable[[object, str], int]] = {
    "iterate": _iterate,
    "naive": _naive,
    "every": _every,
    "one": _one,
}
_CLI = [sys.executable, "-m", "ingresslab"]


def timed(clock: Clock, path: Path, name: str, count: int, way: str) -> float:
    if way == "cli":
        out = path.with_suffix(".jsonl")
        with out.open("wb") as sink:
            start = clock.now(children=True)
            subprocess.run(
                [*_CLI, "logs", "parse", "--format", name, str(path)],
                stdout=sink,
                stderr=subprocess.DEVNULL,
                check=True,
            )
            elapsed = clock.now(children=True) - start
        with out.open("rb") as written:
            seen = sum(1 for _ in written)
        out.unlink()
    else:
        consume = IN_PROCESS[way]
        with path.open(encoding="utf-8") as handle:
            start = clock.now()
            seen = consume(handle, name)
            elapsed = clock.now() - start
    assert seen == count, f"{path.name} {way}: {seen} of {count} lines handled"
    return elapsed


def measure(clock: Clock, name: str, path: Path, count: int, rounds: int) -> dict[str, float]:
    """Best rate of each way of reading the file; the ways take turns so that load hits them alike."""
    ways = (*IN_PROCESS, "cli")
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(rounds):
        for way in ways:
            best[way] = min(best[way], timed(clock, path, name, count, way))
    return {way: count / seconds for way, seconds in best.items()}


def measure_trace(clock: Clock, requests: int, directory: Path) -> tuple[int, float, int, str]:
    """`ingresslab trace` over a log set of `requests` requests: (lines, seconds, exit code, the error's
    last line when it crashed)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_trace import sources

    paths, lines = [], 0
    for i, source in enumerate(sources(requests)):
        path = directory / f"trace-{i}-{source.container}.log"
        path.write_text(source.text + "\n", encoding="utf-8")
        paths.append(str(path))
        lines += source.text.count("\n") + 1
    request_id = f"{requests // 2:032x}"
    start = clock.now(children=True)
    done = subprocess.run(
        [*_CLI, "trace", "--request-id", request_id, *paths],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = clock.now(children=True) - start
    crash = done.stderr.strip().splitlines()[-1] if "Traceback" in done.stderr else ""
    return lines, seconds, done.returncode, crash


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few lines, one round: a smoke test")
    parser.add_argument(
        "--lines", type=int, default=None, help="lines per format (default 200000, quick 5000)"
    )
    parser.add_argument("--rounds", type=int, default=None, help="rounds per way (default 3, quick 1)")
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests in the trace log set (default 100000, quick 2000)",
    )
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = parser.parse_args()
    count = args.lines or (5_000 if args.quick else 200_000)
    rounds = args.rounds or (1 if args.quick else 3)
    requests = args.requests or (2_000 if args.quick else 100_000)
    clock = Clock(args.wall)
    kind = "wall-clock" if args.wall else "CPU"
    print(
        f"{count} lines per format, best of {rounds} interleaved rounds, {kind} time; rates in lines/s, "
        f"x = rate / naive; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print("parsing: pure Python (no compiled code)")
    columns = ("every", "one")
    print(
        f"{'format':<14} {'iterate':>10} {'naive':>10} "
        + " ".join(f"{c:>10} {'x':>5}" for c in columns)
        + f" {'cli':>10}"
    )
    verdicts: list[tuple[str, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in BENCHED:
            path = write_lines(name, count, Path(tmp))
            rates = measure(clock, name, path, count, rounds)
            naive = rates["naive"]
            cells = " ".join(f"{rates[c]:>10,.0f} {rates[c] / naive:>5.2f}" for c in columns)
            print(f"{name:<14} {rates['iterate']:>10,.0f} {naive:>10,.0f} {cells} {rates['cli']:>10,.0f}")
            every, one = rates["every"] / naive, rates["one"] / naive
            cli = rates["cli"]
            verdicts.append(
                (f"{name}: every field {every:.2f}x naive (>= {TARGET_EVERY}x)", every >= TARGET_EVERY)
            )
            verdicts.append((f"{name}: one field {one:.2f}x naive (>= {TARGET_ONE}x)", one >= TARGET_ONE))
            verdicts.append((f"{name}: cli {cli:,.0f} lines/s (>= {TARGET_CLI:,})", cli >= TARGET_CLI))
        lines, seconds, code, crash = measure_trace(clock, requests, Path(tmp))
    head = f"trace: `ingresslab trace` over {requests:,} requests ({lines:,} lines in 5 files):"
    if crash:
        print(f"{head} failed (exit {code}): {crash}")
    else:
        print(f"{head} {seconds:.2f} s, {lines / seconds:,.0f} lines/s (exit {code})")
    print("targets:")
    for text, ok in verdicts:
        print(f"  {_verdict(ok):<7} {text}")
    met = sum(ok for _, ok in verdicts)
    print(f"{met} of {len(verdicts)} targets met")


if __name__ == "__main__":
    main()
