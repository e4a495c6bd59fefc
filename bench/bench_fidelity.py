"""How faithful the sandbox is: the differential corpus (tests/differential) against a real control plane.

Starts a reference cluster of its own (tests/reference, in a temporary directory), runs every case of the corpus
through the sandbox and through real kubectl, and prints `N cases, K identical (K/N)`, the accepted differences,
the cases that still differ, and what the reference cost: the last cold build of its binaries (timings.json,
written by gobuild beside them), a warm `gobuild.build()` call (finds everything, builds nothing) and `up()`.

    python bench/bench_fidelity.py            # the whole corpus
    python bench/bench_fidelity.py --quick    # the first 10 cases
    python bench/bench_fidelity.py --workers 1   # one case at a time (default: 2, like pytest -n 2)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reference"))
sys.path.insert(0, str(ROOT / "tests" / "differential"))

import gobuild  # noqa: E402
from cluster import down, up  # noqa: E402
from diffrunner import load_accepted, load_cases, run_case  # noqa: E402


def cold_build_seconds() -> dict[str, float] | None:
    path = gobuild.binaries_dir().parent / gobuild.TIMINGS
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("seconds")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run only the first 10 cases")
    parser.add_argument("--workers", type=int, default=2, help="cases run at once, as pytest -n (default 2)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    gobuild.build(quiet=True)  # the first call may build cold; the timed call below is the warm one
    first_build = time.monotonic() - started
    started = time.monotonic()
    gobuild.build(quiet=True)
    warm = time.monotonic() - started
    cold = cold_build_seconds()

    cases = load_cases()
    if args.quick:
        cases = cases[:10]
    rules = load_accepted()
    with tempfile.TemporaryDirectory(prefix="bench-fidelity-") as tmp:
        directory = Path(tmp)
        started = time.monotonic()
        cluster = up(directory / "cluster", quiet=True)
        startup = time.monotonic() - started
        try:
            started = time.monotonic()
            with ThreadPoolExecutor(max(1, args.workers)) as pool:
                outcomes = list(
                    pool.map(
                        lambda case: run_case(case, cluster, directory / "cases" / case.id, rules), cases
                    )
                )
            corpus = time.monotonic() - started
        finally:
            down(directory / "cluster")

    identical = [o for o in outcomes if o.identical]
    accepted = [o for o in outcomes if not o.diff and o.accepted]
    differing = [o for o in outcomes if o.diff]
    n = len(outcomes)
    print(
        f"{n} cases, {len(identical)} identical ({len(identical)}/{n}), {len(accepted)} accepted, "
        f"{len(differing)} differing"
    )
    used = sorted({rule for o in accepted for rule in o.accepted})
    if used:
        print("accepted differences:")
        for rule in rules:
            if rule["id"] in used:
                cases_hit = [o.case.id for o in accepted if rule["id"] in o.accepted]
                print(f"  {rule['id']}: {rule['reason'].strip()}  [{', '.join(cases_hit)}]")
    for outcome in differing:
        print(f"differs: {outcome.case.id}")
    print("reference cluster:")
    if cold:
        total = sum(cold.values())
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in cold.items())
        print(f"  cold build (last, timings.json): {total:.0f} s ({parts})")
    else:
        print("  cold build: no timings.json beside the binaries")
    if first_build > 5:
        print(f"  this run's first build() call: {first_build:.1f} s")
    print(f"  warm build() call: {warm:.2f} s")
    print(f"  up(): {startup:.1f} s")
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(
        f"corpus: {corpus:.1f} s for {n} cases on {args.workers} worker(s) (slowest {slowest.case.id} "
        f"{slowest.seconds:.1f} s)"
    )
    return 0 if not differing else 1


if __name__ == "__main__":
    raise SystemExit(main())
