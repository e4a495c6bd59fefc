"""`ingresslab lab` end to end: a working copy, a real JupyterLab with the sandbox default, a clean Ctrl-C."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingresslab.cli import lab as lab_cli

# The subcommand through its own module, so this test does not depend on how the CLI lists its modules.
RUN_LAB = (
    "import argparse, sys\n"
    "from ingresslab.cli import lab\n"
    "parser = argparse.ArgumentParser(prog='ingresslab')\n"
    "lab.register(parser.add_subparsers())\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.handler(args))\n"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ingresslab")
    lab_cli.register(parser.add_subparsers())
    return parser


def test_lab_defaults_to_the_sandbox_and_refuses_a_port_out_of_range(capsys):
    args = _parser().parse_args(["lab"])
    assert (args.backend, args.port, args.no_browser, args.dir, args.copy_only) == (
        "sandbox",
        None,
        False,
        None,
        False,
    )
    with pytest.raises(SystemExit):
        _parser().parse_args(["lab", "--port", "70000"])
    assert "port 70000 is outside 1–65535" in capsys.readouterr().err


def test_copy_only_lays_out_the_working_folder_and_starts_no_server(tmp_path):
    work = tmp_path / "work"
    result = subprocess.run(
        [sys.executable, "-c", RUN_LAB, "lab", "--copy-only", "--dir", str(work)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (work / "00-start-here.ipynb").is_file() and (work / "istio-deepdive").is_dir()
    assert "starting JupyterLab" not in result.stderr
    again = subprocess.run(
        [sys.executable, "-c", RUN_LAB, "lab", "--copy-only", "--dir", str(work)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "kept your existing copies" in again.stderr and "copied" not in again.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}; output:\n{log.read_text(errors='replace')[-3000:]}")


def test_lab_serves_a_working_copy_with_the_sandbox_default_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, work, log = _free_port(), tmp_path / "work", tmp_path / "lab.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "INGRESSLAB_BACKEND"))}
    env.update(HOME=str(tmp_path / "home"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    command = [sys.executable, "-c", RUN_LAB, "lab", "--no-browser", "--port", str(port), "--dir", str(work)]
    with log.open("wb") as out:
        launcher = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        token = _wait_for(
            lambda: re.search(r"\?token=(\w+)", log.read_text(errors="replace")), 60, "the server's URL", log
        ).group(1)
        text = log.read_text()
        assert re.search(rf"copied \d+ file\(s\) into {re.escape(str(work))}", text), text
        assert f"127.0.0.1:{port}/lab/tree/00-start-here.ipynb?token=" in text

        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=10
        ) as answer:
            served = {item["name"] for item in json.load(answer)["content"]}
        assert {"00-start-here.ipynb", "istio-deepdive"} <= served

        server_pid = int(json.loads(next((tmp_path / "runtime").glob("jpserver-*.json")).read_text())["pid"])
        if Path(f"/proc/{server_pid}/environ").exists():
            environ = Path(f"/proc/{server_pid}/environ").read_bytes().split(b"\0")
            assert b"INGRESSLAB_BACKEND=sandbox" in environ

        launcher.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert launcher.wait(timeout=30) == 0
        assert "JupyterLab stopped" in log.read_text()
        assert "Traceback" not in log.read_text()
        with pytest.raises(ProcessLookupError):
            os.kill(server_pid, 0)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait(timeout=30)
