"""`ingresslab lab`: open the tutorial in JupyterLab, on the sandbox unless told otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def _say(line: str) -> None:
    print(f"ingresslab lab: {line}", file=sys.stderr)


def _lab(args: argparse.Namespace) -> int:
    from ingresslab.launcher import (
        LaunchError,
        lab_command,
        lab_environment,
        prepare_workspace,
        quiet_settings_dir,
        run_lab,
    )

    try:
        workspace = prepare_workspace(Path(args.dir) if args.dir else None)
    except (LaunchError, FileNotFoundError, OSError) as exc:
        _say(str(exc))
        return 2
    if workspace.from_checkout:
        _say(f"serving the notebooks in place, in {workspace.path}")
    else:
        if workspace.copied:
            _say(f"copied {len(workspace.copied)} file(s) into {workspace.path}")
        if workspace.kept:
            _say(
                f"kept your existing copies of {len(workspace.kept)} file(s) in {workspace.path} "
                "(delete one to get the original back)"
            )
    if args.copy_only:
        return 0
    try:  # JupyterLab's "get Jupyter news?" prompt would sit over the first notebook
        settings_dir = quiet_settings_dir()
    except (ImportError, OSError) as exc:
        _say(f"starting with JupyterLab's own settings ({exc})")
        settings_dir = None
    command = lab_command(
        workspace.path, port=args.port, open_browser=not args.no_browser, settings_dir=settings_dir
    )
    _say(f"starting JupyterLab on the {args.backend} backend; press Ctrl-C to stop it")
    try:
        status = run_lab(command, lab_environment(args.backend), cwd=workspace.path)
    except LaunchError as exc:
        _say(str(exc))
        return 2
    _say("JupyterLab stopped")
    return status


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1–65535")
    return port


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("lab", help="open the tutorial in JupyterLab (sandbox by default)")
    parser.add_argument(
        "--backend",
        choices=("sandbox", "live", "auto"),
        default="sandbox",
        help='what notebooks with backend="auto" use (default: sandbox)',
    )
    parser.add_argument(
        "--port", type=_port, help="the server's port (default: JupyterLab's, 8888 or next free)"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="print the URL instead of opening a browser"
    )
    parser.add_argument(
        "--dir",
        metavar="DIR",
        help="copy the notebooks into DIR and serve it (default: the checkout's notebooks, "
        "or ~/ingresslab-notebooks for an installed package); existing files are kept",
    )
    parser.add_argument(
        "--copy-only",
        action="store_true",
        help="lay out the working folder and exit, without starting JupyterLab (e.g. on a JupyterHub)",
    )
    parser.set_defaults(handler=_lab)
