"""`ingresslab run`: execute the tutorial end to end, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ingresslab.runner import NotebookFailed, find_notebooks, run_notebooks

    try:
        notebooks = find_notebooks(args.notebooks)
    except FileNotFoundError as exc:
        print(f"ingresslab run: {exc}", file=sys.stderr)
        return 2
    if not notebooks:
        print("ingresslab run: no notebooks to run", file=sys.stderr)
        return 2
    print(f"executing {len(notebooks)} notebook(s) on the {args.backend} backend", file=sys.stderr)
    try:
        results = run_notebooks(
            notebooks,
            backend=args.backend,
            output_dir=Path(args.output) if args.output else None,
            seed=args.seed,
            progress=lambda line: print(line, file=sys.stderr),
        )
    except NotebookFailed as exc:
        print(f"ingresslab run: {exc}", file=sys.stderr)
        return 1
    total = sum(r.seconds for r in results)
    print(
        f"all {len(results)} notebook(s) passed in {total:.1f} s; executed copies in {results[0].output.parent}"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="execute the tutorial's notebooks headless, in order")
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="names or numbers (default: all)")
    parser.add_argument("--backend", choices=("sandbox", "live", "auto"), default="sandbox")
    parser.add_argument(
        "--output", metavar="DIR", help="where executed copies go (default: a temporary folder)"
    )
    parser.add_argument("--seed", type=int, default=0, help="sandbox seed (default: 0)")
    parser.set_defaults(handler=_run)
