"""The request panel's Send stays instant however many requests came before it.

One Send is what a click does in the kernel: the request through the sandbox's data plane, its trace, and the
HTML the panel shows (status, per-pod counts, hop table and the hop diagram as inline SVG). It is timed on a sandbox with a state file (as a
notebook has) after 0, 1,000, 10,000 and 100,000 earlier requests, for the NGINX and the Istio entry point.
The earlier requests go through the same `lab.request` and data plane, so the logs hold the lines real Sends
write (with log rotation past 10 MiB per container); they are sent in batches of one state transaction each
instead of one click each, which only saves time filling (and the disk is synced after a fill, so its
writes are not still being flushed while Sends are timed). The first Send after a fill reads what the fill
logged, at most the last 2,000 lines of each log ("catch-up", not part of the target). Then every row's lab is
timed in turn, one Send each, `repeat` times over, so that a busy moment on this shared machine falls on all
rows alike; the process's median CPU time per Send is shown beside the wall-clock figures.

For comparison, "re-read" is the old way, every log's tail read and parsed again for one trace; "png" is the
matplotlib PNG the panel used to draw on every Send (reported, not part of a Send any more).

Targets: every median ≤ 30 ms, and the median after 100,000 within 1.5× of the empty one.

    python bench/bench_widgets.py            # 0, 1,000, 10,000, 100,000 earlier requests
    python bench/bench_widgets.py --quick    # 0, 100, 1,000, 5,000
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.widgets import RequestPanel
from ingresslab.widgets._html import figure_png

TARGET_MS = 30.0
FLAT = 1.5
BATCH = 1_000


def new_lab(state: Path, via: str):
    lab = ingresslab.connect("sandbox", state=str(state), seed=3, cwd=DEMO_DIR.parent)
    (tutorial.ensure_istio if via == "istio" else tutorial.ensure_nginx_ingress)(lab)
    return lab


def fill(lab, via: str, n: int) -> None:
    """`n` requests through the data plane, as Sends would make them, a batch per state transaction."""
    backend = lab.backend
    while n > 0:
        batch = min(n, BATCH)
        with backend.transaction() as cluster:
            for _ in range(batch):
                cluster.store.advance(0.25)  # a burst of clicks, a quarter second apart
                response = lab.request(via=via)
                if response.status != 200:
                    raise SystemExit(f"fill: unexpected answer {response!r}")
        n -= batch


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_send(panel: RequestPanel) -> tuple[float, float]:
    """Wall and CPU milliseconds of one Send, checked to have traced its request to the app."""
    began, began_cpu = time.perf_counter(), time.process_time()
    panel.send(1)
    wall = (time.perf_counter() - began) * 1000
    cpu = (time.process_time() - began_cpu) * 1000
    trace = panel.report().results[-1][1]
    if not trace.complete or "<table" not in panel.hops.value or "<svg" not in panel.picture.value:
        raise SystemExit(f"a Send did not trace its request: {trace.stopped}")
    return wall, cpu


def time_reread(lab, via: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        response = lab.request(via=via)
        began = time.perf_counter()
        lab.trace(response, follow=False)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def prepare(via: str, level: int, workdir: Path) -> dict:
    """A lab with `level` earlier requests via `via`, and a panel that has caught up with them."""
    lab = new_lab(workdir / f"{via}-{level}.json", via)
    began = time.perf_counter()
    fill(lab, via, level)
    filled = time.perf_counter() - began
    os.sync()  # the fill wrote in seconds what a session writes over days: let the disk catch up first
    panel = RequestPanel(lab, via=via)
    began = time.perf_counter()
    panel.send(1)  # the first Send reads what the fill logged
    catch_up = (time.perf_counter() - began) * 1000
    print(f"  {via:6s} {level:>7,d} earlier requests sent in {filled:.0f} s", flush=True)
    return {
        "via": via,
        "prior": level,
        "lab": lab,
        "panel": panel,
        "catch_up": catch_up,
        "wall": [],
        "cpu": [],
    }


def measure(rows: list[dict], repeat: int) -> None:
    """`repeat` Sends on every row, taken in turn (row after row, then again), so that a busy moment on this
    shared machine falls on all rows alike instead of on whichever row was being timed."""
    for _ in range(repeat):
        for row in rows:
            wall, cpu = time_send(row["panel"])
            row["wall"].append(wall)
            row["cpu"].append(cpu)
    for row in rows:
        trace = row["panel"].report().results[-1][1]
        began = time.perf_counter()
        figure_png(trace.diagram())
        row["png"] = (time.perf_counter() - began) * 1000
        row["reread"] = time_reread(row["lab"], row["via"], 5)
        row["median"] = statistics.median(row["wall"])
        row["p95"] = percentile(row["wall"], 0.95)
        row["cpu_median"] = statistics.median(row["cpu"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer earlier requests, for CI")
    parser.add_argument("--repeat", type=int, default=100, help="Sends timed per row")
    args = parser.parse_args()
    levels = [0, 100, 1_000, 5_000] if args.quick else [0, 1_000, 10_000, 100_000]

    with tempfile.TemporaryDirectory(prefix="bench-widgets-") as tmp:
        rows = [prepare(via, level, Path(tmp)) for via in ("nginx", "istio") for level in levels]
        measure(rows, args.repeat)

    print()
    print(
        f"Send round trip in the kernel (request + trace + hop table + SVG diagram), ms, {args.repeat} Sends per row taken in turn"
    )
    head = (
        f"{'via':6s} {'earlier':>8s} {'median':>7s} {'p95':>7s} {'cpu':>6s} {'catch-up':>9s} {'re-read':>8s} "
        f"{'png':>8s}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['via']:6s} {r['prior']:>8,d} {r['median']:7.1f} {r['p95']:7.1f} {r['cpu_median']:6.1f} {r['catch_up']:9.1f} "
            f"{r['reread']:8.1f} {r['png']:8.1f}"
        )
    print()
    met = True
    for via in ("nginx", "istio"):
        mine = [r for r in rows if r["via"] == via]
        worst = max(r["median"] for r in mine)
        ratio = mine[-1]["median"] / mine[0]["median"]
        ok_abs, ok_flat = worst <= TARGET_MS, ratio <= FLAT
        met &= ok_abs and ok_flat
        print(
            f"{via}: slowest median {worst:.1f} ms (target ≤ {TARGET_MS:.0f}: {'met' if ok_abs else 'NOT met'}); "
            f"after {mine[-1]['prior']:,} vs none {ratio:.2f}x (target ≤ {FLAT}x: {'met' if ok_flat else 'NOT met'})"
        )
    print("targets met" if met else "targets NOT met")


if __name__ == "__main__":
    main()
