"""Running scripts: variables across runs, substitution, lists, pipes, exit codes, redirections, builtins."""

from __future__ import annotations

import json

import pytest

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.shell import Shell
from ingresslab.commands.textutils import default_commands


def argv_json(inv: Invocation) -> CommandResult:
    return CommandResult(json.dumps(inv.argv[1:]) + "\n")


def status(inv: Invocation) -> CommandResult:
    """`status N [out] [err]`: exit with N, printing out/err."""
    args = [*inv.argv[1:], "", ""]
    return CommandResult(args[1], args[2], int(args[0]))


def stdin_json(inv: Invocation) -> CommandResult:
    return CommandResult(json.dumps(inv.stdin) + "\n")


def env_json(inv: Invocation) -> CommandResult:
    return CommandResult(json.dumps({k: inv.env.get(k) for k in inv.argv[1:]}) + "\n")


@pytest.fixture
def shell() -> Shell:
    commands = {"args": argv_json, "status": status, "stdin": stdin_json, "envof": env_json}
    return Shell({**default_commands(), **commands})


def out(shell: Shell, script: str) -> str:
    result = shell.run(script)
    assert result.stderr == "", result.stderr
    return result.stdout


def test_variables_persist_between_runs(shell):
    shell.run("X=one")
    shell.run("export Y=two")
    assert out(shell, "args $X $Y") == '["one", "two"]\n'
    assert shell.env == {"X": "one", "Y": "two"}


def test_env_dict_given_by_the_caller_is_shared():
    env = {"CLUSTER_IP": "192.168.76.2"}
    shell = Shell({"args": argv_json}, env=env)
    shell.run("PORT=30154")
    assert env["PORT"] == "30154"
    assert shell.run("args $CLUSTER_IP:$PORT").stdout == '["192.168.76.2:30154"]\n'


def test_prefix_assignment_reaches_only_that_command(shell):
    assert out(shell, "KUBECONFIG=/tmp/k envof KUBECONFIG") == '{"KUBECONFIG": "/tmp/k"}\n'
    assert out(shell, "envof KUBECONFIG") == '{"KUBECONFIG": null}\n'
    assert "KUBECONFIG" not in shell.env


def test_prefix_assignment_is_not_seen_by_expansion_on_the_same_line(shell):
    shell.run("X=old")
    assert out(shell, "X=new args $X") == '["old"]\n'


def test_unset_removes_a_variable(shell):
    shell.run("X=1; unset X")
    assert out(shell, 'args "[$X]"') == '["[]"]\n'


def test_command_substitution_nested_quotes_and_trailing_newlines(shell):
    script = """V=$(echo "$(printf '%s\\n\\n\\n' "a 'b' \\"c\\"")")"""
    shell.run(script)
    assert shell.env["V"] == "a 'b' \"c\""


def test_unquoted_substitution_is_split_quoted_is_not(shell):
    assert out(shell, 'args $(echo a  b) "$(echo a  b)"') == '["a", "b", "a b"]\n'


def test_substitution_status_becomes_the_assignment_status(shell):
    result = shell.run("X=$(status 3 out)")
    assert (result.returncode, shell.env["X"]) == (3, "out")


def test_substitution_changes_do_not_leak_out(shell):
    shell.run("X=$(Y=inner; cd /elsewhere; echo done)")
    assert "Y" not in shell.env and shell.cwd == "."


def test_substitution_stderr_reaches_the_script_stderr(shell):
    result = shell.run("X=$(status 0 out err)")
    assert (result.stdout, result.stderr) == ("", "err")


def test_backticks_substitute_too(shell):
    assert out(shell, "args `echo a b`") == '["a", "b"]\n'


def test_and_or_short_circuit(shell):
    assert out(shell, "status 0 && echo yes || echo no") == "yes\n"
    assert out(shell, "status 1 && echo yes || echo no") == "no\n"
    assert out(shell, "status 1 || status 0 && echo both") == "both\n"
    assert out(shell, "status 1 && echo never") == ""


def test_exit_code_is_the_last_command_run(shell):
    assert shell.run("status 4; status 0").returncode == 0
    assert shell.run("status 0; status 4").returncode == 4
    assert shell.run("status 1 && echo x").returncode == 1


def test_dollar_question_mark(shell):
    assert out(shell, "status 3; echo $?; echo $?") == "3\n0\n"


def test_negation(shell):
    assert shell.run("! status 0").returncode == 1
    assert shell.run("! status 5").returncode == 0


def test_pipes_hand_stdout_to_stdin(shell):
    assert out(shell, "printf 'b\\na\\nb\\n' | sort | uniq -c | stdin") == '"      1 a\\n      2 b\\n"\n'


def test_pipeline_status_is_the_last_command_unless_pipefail(shell):
    assert shell.run("status 3 | status 0").returncode == 0
    assert shell.run("set -o pipefail; status 3 | status 0").returncode == 3


def test_pipeline_members_run_in_subshells(shell):
    shell.run("X=1 | true; export Y=2 | cat")
    assert shell.env == {}


def test_first_command_of_a_pipeline_reads_empty_stdin(shell):
    assert out(shell, "stdin | cat") == '""\n'


def test_stderr_bypasses_the_pipe(shell):
    result = shell.run("status 0 out err | stdin")
    assert (result.stdout, result.stderr) == ('"out"\n', "err")


@pytest.mark.parametrize(
    ("script", "stdout", "stderr"),
    [
        ("status 0 out err >/dev/null", "", "err"),
        ("status 0 out err 2>/dev/null", "out", ""),
        ("status 0 out err &>/dev/null", "", ""),
        ("status 0 out err 2>&1", "outerr", ""),
        ("status 0 out err >&2", "", "outerr"),
        ("status 0 out err 1>/dev/stderr", "", "outerr"),
        ("status 0 out err > /dev/null 2>&1", "", ""),
        ("status 0 out err 2>&1 > /dev/null", "err", ""),
        ("status 0 out err 2>&1 | stdin", '"outerr"\n', ""),
        ("status 0 out err |& stdin", '"outerr"\n', ""),
    ],
)
def test_redirections_follow_bash_order(shell, script, stdout, stderr):
    result = shell.run(script)
    assert (result.stdout, result.stderr) == (stdout, stderr)


def test_input_from_dev_null_and_here_documents(shell):
    assert out(shell, "echo x | stdin </dev/null") == '""\n'
    shell.run("NAME=dest")
    assert out(shell, "stdin <<EOF\nsvc $NAME\n  'q'\nEOF") == "\"svc dest\\n  'q'\\n\"\n"
    assert out(shell, "stdin <<'EOF'\n$NAME\nEOF") == '"$NAME\\n"\n'
    assert out(shell, "stdin <<-EOF\n\t\tx\n\tEOF\necho after") == '"x\\n"\nafter\n'
    assert out(shell, 'stdin <<< "$NAME"') == '"dest\\n"\n'


def test_here_document_feeds_a_pipeline_and_the_next_line_runs(shell):
    script = "cat <<EOF | grep -c b\na\nb\nb\nEOF\necho next"
    assert out(shell, script) == "2\nnext\n"


def test_set_e_stops_at_the_first_failure(shell):
    result = shell.run("set -e\necho one\nstatus 3\necho two")
    assert (result.stdout, result.returncode) == ("one\n", 3)


def test_set_e_ignores_failures_guarded_by_and_or(shell):
    result = shell.run("set -e; status 1 && echo no; status 1 || echo guarded; ! status 0; echo end")
    assert (result.stdout, result.returncode) == ("guarded\nend\n", 0)


def test_set_e_persists_into_the_next_run_like_a_session(shell):
    shell.run("set -e")
    assert shell.run("status 2; echo unreachable").stdout == ""


def test_set_x_traces_commands_to_stderr(shell):
    result = shell.run("set -x; args 'a b' $(echo c)")
    assert result.stderr == "++ echo c\n+ args 'a b' c\n"


def test_set_u_stops_on_an_unset_variable(shell):
    result = shell.run("set -u; echo $MISSING; echo after")
    assert (result.stdout, result.returncode) == ("", 127)
    assert "MISSING: unbound variable" in result.stderr


def test_exit_stops_the_script_with_its_code(shell):
    result = shell.run("echo a; exit 7; echo b")
    assert (result.stdout, result.returncode) == ("a\n", 7)


def test_exit_in_a_substitution_ends_only_the_substitution(shell):
    assert out(shell, "X=$(exit 3); echo $? done") == "3 done\n"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('args "${UNSET:-d e}" ${UNSET:-d e}', '["d e", "d", "e"]\n'),
        ("X=; args ${X:-empty} ${X-set-but-empty}", '["empty"]\n'),
        ("X=abc; args ${#X} ${X:+alt} ${UNSET:+alt}", '["3", "alt"]\n'),
        ("args ${NEW:=assigned}; args $NEW", '["assigned"]\n["assigned"]\n'),
        ("args $$ x$", '["4242", "x$"]\n'),
        ("args $'a\\tb' $\"c\"", '["a\\tb", "c"]\n'),
    ],
)
def test_parameter_forms(shell, script, expected):
    assert out(shell, script) == expected


def test_parameter_question_form_stops_with_the_message(shell):
    result = shell.run("echo ${NEED:?set NEED first}; echo after")
    assert result.returncode == 127 and "NEED: set NEED first" in result.stderr and result.stdout == ""


def test_export_keeps_assignment_arguments_whole(shell):
    shell.run("export A=$(echo x y) B='p q'")
    assert (shell.env["A"], shell.env["B"]) == ("x y", "p q")


def test_export_without_arguments_lists_variables(shell):
    shell.run("X='say \"hi\"'")
    assert out(shell, "export") == 'declare -x X="say \\"hi\\""\n'


def test_export_rejects_an_invalid_name(shell):
    result = shell.run("export 1X=2")
    assert result.returncode == 1 and "not a valid identifier" in result.stderr


def test_cd_and_pwd_only_move_the_working_directory():
    seen: list[str] = []

    def where(inv: Invocation) -> CommandResult:
        seen.append(inv.cwd)
        return CommandResult()

    shell = Shell({"where": where}, cwd="/home/learner/lab")
    assert shell.run("cd istio-deepdive && pwd && where").stdout == "/home/learner/lab/istio-deepdive\n"
    assert shell.run("cd ..; cd -").stdout == "/home/learner/lab/istio-deepdive\n"
    assert seen == ["/home/learner/lab/istio-deepdive"]


def test_echo_and_printf_builtins_work_without_a_registry():
    shell = Shell({})
    result = shell.run('echo -n a; echo -e "\\tb"; printf "%s=%d;" x 1 y 2; printf "%5s|%-3s|\\n" ab c')
    assert result.stdout == "a\tb\nx=1;y=2;   ab|c  |\n"


def test_command_v_reports_what_exists(shell):
    result = shell.run("command -v args echo nope")
    assert (result.stdout, result.returncode) == ("args\necho\n", 1)


def test_set_lists_and_rejects_unknown_options(shell):
    shell.run("X='a b'")
    assert out(shell, "set") == "X='a b'\n"
    result = shell.run("set -k")
    assert result.returncode == 2 and "set -e, set -u, set -x, set -o pipefail" in result.stderr


def test_empty_script_and_comments_only_succeed(shell):
    shell.run("status 4")
    assert shell.run("").returncode == 0
    assert shell.run("  # just a comment\n\n").returncode == 0


def test_leading_indentation_and_continuations(shell):
    script = "  args one \\\n    two   # trailing comment\n\targs three"
    assert out(shell, script) == '["one", "two"]\n["three"]\n'


def test_commands_registered_after_construction_are_found():
    commands: dict = {}
    shell = Shell(commands)
    commands["late"] = lambda inv: CommandResult("here\n")
    assert shell.run("late").stdout == "here\n"


def test_windows_line_endings_are_read_as_newlines(shell):
    assert out(shell, "args a\r\nargs b\r\n") == '["a"]\n["b"]\n'
