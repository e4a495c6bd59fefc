"""Every way a script can go wrong gives a clear message and an exit code, and never a host process."""

from __future__ import annotations

import pytest

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.shell import Shell, ShellSyntaxError, UnsupportedSyntax, parse


class Spy:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, inv: Invocation) -> CommandResult:
        self.calls.append(inv.argv)
        return CommandResult("ran\n")


@pytest.fixture
def spy() -> Spy:
    return Spy()


@pytest.fixture
def shell(spy: Spy) -> Shell:
    return Shell({"kubectl": spy, "minikube": spy})


@pytest.mark.parametrize(
    ("script", "line", "expected"),
    [
        ("kubectl get\necho 'unterminated", 2, "unterminated single quote: expected a closing '"),
        ('kubectl get "pods', 1, 'unterminated double quote: expected a closing "'),
        ("X=$(kubectl get pods\nkubectl logs", 1, "unterminated $(…): expected a closing )"),
        ("kubectl get pods)", 1, "unexpected `)`"),
        ("echo `date", 1, "unterminated backquote"),
        ("echo ${X", 1, "unterminated ${…}: expected a closing }"),
        ("echo ${", 1, "bad substitution: expected a variable name"),
        ("kubectl get &&", 1, "expected a command after `&&`, found the end of the script"),
        ("kubectl get |\n", 2, "expected a command after `|`"),
        ("; kubectl get", 1, "expected a command, found `;`"),
        ("kubectl get ;; x", 1, "unexpected `;;` after a command"),
        ("echo a >", 1, "expected a file name after `>`"),
        ("echo (a)", 1, "unexpected `(`"),
        ("cat <<EOF\nno end", 1, "here-document is not closed: expected a line reading 'EOF'"),
        ("echo $'x", 1, "unterminated $'…' quote"),
    ],
)
def test_syntax_errors_name_the_line_and_what_was_expected(shell, spy, script, line, expected):
    result = shell.run(script)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"ingresslab sh: syntax error on line {line}: ")
    assert expected in result.stderr
    assert spy.calls == []  # nothing of the script ran


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("kubectl get pods > pods.txt", "cannot write to 'pods.txt': the lab's shell writes no files"),
        ("kubectl get pods >> log", "cannot write to 'log'"),
        ("kubectl apply -f - < app.yaml", "cannot read 'app.yaml': the lab's shell reads no files"),
        ("kubectl get 3>/dev/null", "file descriptor 3 is not available"),
        ("kubectl get 2>&3", "file descriptor 3 is not available"),
        ("for p in a b; do kubectl get $p; done", "`for` loops are not supported"),
        ("if kubectl get; then echo; fi", "`if … fi` blocks are not supported"),
        ("(kubectl get)", "subshells `( … )` are not supported"),
        ("kubectl get pods &", "background jobs (`&`) are not supported"),
        ("echo $((1 + 2))", "arithmetic expansion $((…)) is not supported"),
        ("echo ${X/a/b}", "${X/…} is not supported"),
        ("cat <<$END\nx\n$END", "delimiter must be plain text"),
    ],
)
def test_unsupported_constructs_are_refused_before_anything_runs(shell, spy, script, expected):
    result = shell.run("kubectl first\n" + script)
    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stderr.startswith("ingresslab sh: line ")
    assert spy.calls == []


def test_redirect_to_a_file_named_by_a_variable_fails_that_command_only(shell, spy):
    result = shell.run("OUT=pods.txt\nkubectl get >$OUT\necho after")
    assert result.stdout == "after\n"
    assert result.returncode == 0
    assert "line 2: cannot write to 'pods.txt'" in result.stderr
    assert spy.calls == []


def test_unknown_command_lists_what_is_available_and_exits_127(shell):
    result = shell.run("helm install x")
    assert result.returncode == 127
    assert (
        result.stderr == "ingresslab sh: helm: not available in the sandbox (available: kubectl, minikube)\n"
    )


def test_unknown_command_message_names_the_place_given(spy):
    shell = Shell({"kubectl": spy}, where="this lab")
    assert "helm: not available in this lab" in shell.run("helm").stderr


def test_absolute_paths_are_never_run_on_the_host(shell):
    result = shell.run("/bin/echo hi")
    assert (result.stdout, result.returncode) == ("", 127)


def test_a_raising_command_becomes_a_short_message_and_exit_1():
    def broken(inv: Invocation) -> CommandResult:
        raise KeyError("spec")

    result = Shell({"kubectl": broken}).run("kubectl get pods; echo still here")
    assert result.stdout == "still here\n"
    assert result.stderr == "ingresslab sh: kubectl: internal error: KeyError: 'spec'\n"
    assert result.returncode == 0
    assert "Traceback" not in result.stderr


def test_a_command_returning_the_wrong_type_is_reported():
    result = Shell({"kubectl": lambda inv: "text"}).run("kubectl")
    assert result.returncode == 1 and "returned str, not a result" in result.stderr


def test_exit_with_a_non_numeric_argument(shell):
    result = shell.run("exit soon; echo no")
    assert result.returncode == 2 and "exit: soon: numeric argument required" in result.stderr


def test_run_requires_text(shell):
    with pytest.raises(TypeError, match="expects the script as a str"):
        shell.run(["kubectl"])  # type: ignore[arg-type]


def test_parse_raises_syntax_errors_with_the_line():
    with pytest.raises(ShellSyntaxError) as info:
        parse("echo ok\n\necho 'x")
    assert info.value.line == 3
    with pytest.raises(UnsupportedSyntax):
        parse("while true; do echo; done")


def test_deep_nesting_is_a_syntax_error_not_a_crash(shell):
    result = shell.run("echo " + "$(" * 2000 + ")" * 2000)
    assert result.returncode == 2 and "nested too deeply" in result.stderr


def test_a_failed_syntax_check_sets_dollar_question(shell):
    shell.run("echo 'x")
    assert shell.run("echo $?").stdout == "2\n"
