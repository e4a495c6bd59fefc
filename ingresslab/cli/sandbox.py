"""`ingresslab sandbox reset|path`: manage the offline cluster's state file."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def _backend(args: argparse.Namespace):
    from ingresslab.backends.sandbox import SandboxBackend

    return SandboxBackend(args.state, seed=args.seed)


def _reset(args: argparse.Namespace) -> int:
    backend = _backend(args)
    backend.reset()
    print(f"sandbox reset: a fresh minikube in {backend.state_path}")
    return 0


def _path(args: argparse.Namespace) -> int:
    print(_backend(args).state_path)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="manage the offline sandbox cluster")
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    for name, func, text in (
        ("reset", _reset, "start over from a freshly booted cluster (also repairs a damaged state file)"),
        ("path", _path, "print where the sandbox's state file is"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--state", default="default", help="sandbox name or state file path (default: %(default)s)"
        )
        p.add_argument("--seed", type=int, default=0, help="seed for names, IPs and timings (default: 0)")
        p.set_defaults(handler=func)
