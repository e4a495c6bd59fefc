"""The `ingresslab` command. Each subcommand lives in its own module with a `register(subparsers)` function."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

# Modules that add subcommands; imported lazily so `ingresslab --help` stays fast.
_SUBCOMMAND_MODULES = ("lab", "run", "sandbox", "logs", "trace", "proxyconfig", "doctor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ingresslab", description="See how ingress traffic flows through Kubernetes, hop by hop."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _SUBCOMMAND_MODULES:
        module = importlib.import_module(f"ingresslab.cli.{module_name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
