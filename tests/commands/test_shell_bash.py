"""Differential tests: the lab's shell splits, quotes and expands exactly as /bin/bash does.

Each line runs in both shells with the same variables; `args` records its argv (bash: a function writing
NUL-separated fields to a side file), and stdout/exit codes are compared too. Skipped without bash.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.shell import Shell
from ingresslab.commands.textutils import default_commands

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")

VARIABLES = {
    "CLUSTER_IP": "192.168.76.2",
    "SPACED": "  a   b  ",
    "EMPTY": "",
    "X": "hello world",
    "TABS": "p\tq\nr",
    "GLOBBY": "*",
}
_PRELUDE = r"""
exec 3>"$ARGV_LOG"
args() { printf '%s\0' "$@" >&3; printf '\1' >&3; }
fail() { return "$1"; }
"""

CORPUS = [
    "args -ojsonpath='{.items[0].metadata.name}' -HHost:yuya.example.com",
    'args --resolve "yuya.example.com:80:$CLUSTER_IP" -i http://yuya.example.com/v1',
    "args -o jsonpath='{.spec.ports[?(@.name==\"http2\")].nodePort}'",
    "args -o jsonpath=\"{.items[*].metadata.name}\" -l 'app in (hw-v1, hw-v2)'",
    "args a\\ b \"c d\" 'e f' g\"h i\"j k'l m'n",
    'args "$EMPTY" $EMPTY \'\' "" x""y',
    'args $SPACED "$SPACED" x${SPACED}y x"$SPACED"y',
    'args $TABS "$TABS"',
    'args "a\\"b" \'a\\"b\' "a\\$b" "a\\\\b" "\\x" a\\\\b \\$X',
    'args "$(echo "nested \\"quotes\\" $X")" $(echo "$X")',
    'args `echo back tick` "`echo $X`"',
    'args ${X:-default} ${UNSET:-"d e"} "${UNSET:-d e}" ${#X} ${X:+set} ${UNSET:+set}',
    "args a#b '#c' x # a comment",
    "args one \\\n  two three\\\nfour",
    "args $'tab\\there' $'quote\\'s' $'\\x41\\101'",
    'args --flag=$X=y "${X}"suffix $X-suffix',
    "args $GLOBBY '*'",
    'V=$(args inner) ; args "[$V]"',
    "X=changed args $X; args $X",
    "export A='1 2' B=$X; args \"$A\" $B",
    "args 'it''s' \"it's\" 'say \"hi\"'",
    "args \"line1\nline2\" 'l3\nl4'",
    "args $X$X ${X}${EMPTY}${X}",
    'args "${X:-a b}" ${EMPTY:-a b} ${EMPTY-a b}',
    "fail 3; args $?",
    "fail 1 && args no || args yes $?",
    "! fail 1 && args negated",
    "args first; args second && args third",
    "echo -n plain; echo -e 'a\\tb'; printf '%s|' a b c; echo",
    "printf '%d-%s\\n' 1 a 2 b 3",
    "printf '%5s|%-5s|%05d|%.2f|%x\\n' ab cd 42 3.14159 255",
    "echo $(printf 'a\\n\\n\\n')end",
    "args $(echo '  spaced  out  ')",
    "args '$X' \"\\$X\" \\$X",
    "args ~root a~b",
    "echo out >/dev/null; echo kept 2>/dev/null; echo both 2>&1 | cat",
    "printf 'b 2\\na 10\\nb 2\\n' | sort -u | sort -k2 -n | head -n 1",
    "printf 'x\\ny\\n' | grep -v x | wc -l",
    "printf 'GET /v1\\nGET /v2\\nPOST /v1\\n' | grep '/v1' | cut -d' ' -f1 | tr 'A-Z' 'a-z'",
    "cat <<EOF | tail -n +2\nfirst $X\nsecond ${X%%o*}x\nEOF".replace("${X%%o*}", "$CLUSTER_IP"),
    "cat <<'EOF'\n$X `not run`\nEOF",
    "args \"$(echo ')' \"(\")\" $(args inner; echo 'a)b')",
    'V=$(cat <<EOF\nin $X\nEOF\n); args "$V"',
    "args a;args b&&args c||args d",
]


def bash_run(script: str, tmp_path: Path) -> tuple[str, int, list[list[str]]]:
    log = tmp_path / "argv.log"
    empty = tmp_path / "empty"  # bash globs against its cwd; an empty one leaves patterns as written
    empty.mkdir()
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", _PRELUDE + script],
        env={"ARGV_LOG": str(log), "PATH": "/usr/bin:/bin", **VARIABLES},
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    records = log.read_bytes().decode().split("\1")[:-1]
    return done.stdout, done.returncode, [r.split("\0")[:-1] for r in records]


def lab_run(script: str) -> tuple[str, int, list[list[str]]]:
    calls: list[list[str]] = []

    def args(inv: Invocation) -> CommandResult:
        calls.append(inv.argv[1:])
        return CommandResult()

    def fail(inv: Invocation) -> CommandResult:
        return CommandResult(returncode=int(inv.argv[1]))

    shell = Shell({**default_commands(), "args": args, "fail": fail}, env=dict(VARIABLES))
    result = shell.run(script)
    assert result.stderr == ""
    return result.stdout, result.returncode, calls


@pytest.mark.parametrize("script", CORPUS)
def test_matches_bash(script, tmp_path):
    if "~root" in script:
        # tilde expansion is left alone by the lab's shell (there is no home directory to expand to)
        script = script.replace("~root", "'~root'")
    assert lab_run(script) == bash_run(script, tmp_path)
