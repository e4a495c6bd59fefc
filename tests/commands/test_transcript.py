"""A command result is one ordered transcript, shown as a terminal would: rows whole, stderr where it was written."""

from __future__ import annotations

import re

import pytest

from ingresslab.commands.result import STDERR, STDOUT, CommandResult, Invocation
from ingresslab.commands.shell import Shell
from ingresslab.commands.textutils import default_commands


def _say(inv: Invocation) -> CommandResult:
    """`say out TEXT err TEXT …`: writes each piece to the named stream, in order."""
    args = inv.argv[1:]
    return CommandResult.from_transcript(
        [(STDOUT if s == "out" else STDERR, t + "\n") for s, t in zip(args[::2], args[1::2], strict=True)],
        returncode=int(inv.env.get("CODE", "0")),
    )


def _legacy(inv: Invocation) -> CommandResult:
    """A command built the old way: stdout and stderr, no transcript."""
    return CommandResult("table\n", "warning\n", 0)


@pytest.fixture
def shell() -> Shell:
    return Shell({"say": _say, "legacy": _legacy, **default_commands()})


def test_several_commands_interleave_in_the_order_written(shell):
    result = shell.run("say out 'NAME  AGE'\nsay err 'No resources found'\nsay out 'row 1'")
    assert result.text == "NAME  AGE\nNo resources found\nrow 1\n"
    assert result.chunks == (
        (STDOUT, "NAME  AGE\n"),
        (STDERR, "No resources found\n"),
        (STDOUT, "row 1\n"),
    )
    # code still reads the streams apart
    assert result.stdout == "NAME  AGE\nrow 1\n" and result.stderr == "No resources found\n"


def test_one_commands_own_order_is_kept(shell):
    result = shell.run("say out a err b out c")
    assert result.text == "a\nb\nc\n"


def test_redirections_apply_per_chunk_and_keep_the_order(shell):
    assert shell.run("say out a err b out c 2>&1").chunks == ((STDOUT, "a\nb\nc\n"),)
    assert shell.run("say out a err b out c >&2").chunks == ((STDERR, "a\nb\nc\n"),)
    assert shell.run("say out a err b out c 2>/dev/null").text == "a\nc\n"


def test_a_pipeline_shows_only_the_last_commands_stdout_but_every_stderr_in_order(shell):
    result = shell.run("say err first out x out y | grep y\nsay out after")
    assert result.chunks == ((STDERR, "first\n"), (STDOUT, "y\nafter\n"))


def test_stderr_of_a_command_substitution_reaches_the_terminal_its_stdout_does_not(shell):
    result = shell.run("say out before\nX=$(say out captured err inside)\nsay out $X")
    assert result.text == "before\ninside\ncaptured\n"


def test_a_result_without_a_transcript_reads_stdout_then_stderr(shell):
    assert shell.run("legacy").text == "table\nwarning\n"
    assert CommandResult("a\n", "b\n").chunks == ((STDOUT, "a\n"), (STDERR, "b\n"))


def test_equality_ignores_the_transcript():
    assert CommandResult.from_transcript([(STDOUT, "a"), (STDERR, "b")]) == CommandResult("a", "b", 0)


def test_html_keeps_rows_whole_marks_stderr_and_flags_a_failure(shell):
    wide = "x" * 300
    result = shell.run(f"say out {wide}\nCODE=3 say err oops\nsay out last\nCODE=3 say out end")
    page = result._repr_html_()
    assert "white-space:pre;" in page and "overflow-x:auto" in page
    assert "pre-wrap" not in page
    # stderr sits between the two stdout pieces, in its own marked span
    assert re.search(r"x{300}\n</span><span class=\"ingresslab-stderr\"[^>]*>oops\n</span>.*last", page)
    assert "exit code 3" in page and "ingresslab-exit-status" in page
    assert "var(--jp-" in page  # theme colours, readable in the dark theme


def test_a_success_shows_no_exit_status_and_repr_flags_a_failure(shell):
    assert "exit code" not in shell.run("say out fine")._repr_html_()
    failed = shell.run("CODE=2 say out half err broke")
    assert repr(failed) == "half\nbroke\n[exit code 2]"
    assert repr(CommandResult(returncode=1)) == "[exit code 1]"


def test_html_escapes_the_output(shell):
    assert "&lt;none&gt;" in shell.run("say out '<none>'")._repr_html_()


def test_from_transcript_rejects_an_unknown_stream():
    with pytest.raises(ValueError):
        CommandResult.from_transcript([("stdin", "x")])
