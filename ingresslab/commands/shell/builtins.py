"""Commands the shell runs itself because they read or change its own state (variables, options, cwd).

`echo` and `printf` are here too, so a shell with an empty registry can still print; they share their
implementation with the text utilities.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.shell.errors import ShellExit
from ingresslab.commands.shell.lexer import NAME_RE

if TYPE_CHECKING:
    from ingresslab.commands.shell.interpreter import Shell

__all__ = ["BUILTINS", "Builtin"]

Builtin = Callable[["Shell", list[str], str], CommandResult]

_SET_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace"}
_SET_NAMES = {"errexit", "nounset", "xtrace", "pipefail"}


def _fail(name: str, message: str, code: int = 1) -> CommandResult:
    return CommandResult("", f"ingresslab sh: {name}: {message}\n", code)


def _true(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    return CommandResult()


def _false(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    return CommandResult(returncode=1)


def _echo(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    from ingresslab.commands.textutils import echo

    return echo(Invocation(argv, stdin, shell.env, shell.cwd))


def _printf(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    from ingresslab.commands.textutils import printf

    return printf(Invocation(argv, stdin, shell.env, shell.cwd))


def _declare_line(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
    return f'declare -x {name}="{escaped}"\n'


def _export(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    args = argv[1:]
    if args and args[0] == "-p":
        args = args[1:]
        if not args:
            return CommandResult("".join(_declare_line(k, v) for k, v in sorted(shell.env.items())))
    if not args:
        return CommandResult("".join(_declare_line(k, v) for k, v in sorted(shell.env.items())))
    if args[0] == "--":
        args = args[1:]
    elif args[0].startswith("-"):
        return _fail("export", f"{args[0]}: option not supported (use `export NAME=value`)", 2)
    err: list[str] = []
    for arg in args:
        name, eq, value = arg.partition("=")
        if not NAME_RE.fullmatch(name):
            err.append(f"ingresslab sh: export: `{arg}': not a valid identifier\n")
        elif eq:
            shell.env[name] = value
        # `export NAME` with no value: every variable is already passed to commands
    return CommandResult("", "".join(err), 1 if err else 0)


def _unset(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    args = argv[1:]
    if args and args[0] == "-v":
        args = args[1:]
    elif args and args[0] == "-f":
        return _fail("unset", "-f: the lab's shell has no functions to unset", 2)
    err: list[str] = []
    for name in args:
        if not NAME_RE.fullmatch(name):
            err.append(f"ingresslab sh: unset: `{name}': not a valid identifier\n")
        else:
            shell.env.pop(name, None)
    return CommandResult("", "".join(err), 1 if err else 0)


def _cd(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    args = argv[1:]
    if len(args) > 1:
        return _fail("cd", "too many arguments")
    if not args:
        target = shell.env.get("HOME")
        if not target:
            return _fail("cd", "HOME not set")
    elif args[0] == "-":
        target = shell.oldpwd
    else:
        target = args[0]
    shell.oldpwd, shell.cwd = shell.cwd, os.path.normpath(os.path.join(shell.cwd, target))
    return CommandResult(f"{shell.cwd}\n" if args and args[0] == "-" else "")


def _pwd(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    return CommandResult(f"{shell.cwd}\n")


def _set(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    args = argv[1:]
    if not args:
        return CommandResult("".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(shell.env.items())))
    supported = "supported: set -e, set -u, set -x, set -o pipefail (and their + forms)"
    i = 0
    while i < len(args):
        arg = args[i]
        if len(arg) < 2 or arg[0] not in "-+":
            return _fail("set", f"{arg}: positional parameters are not supported; {supported}", 2)
        on = arg[0] == "-"
        for flag in arg[1:]:
            if flag == "o":
                i += 1
                if i >= len(args):
                    return _fail("set", f"{arg}: option name expected after -o; {supported}", 2)
                if args[i] not in _SET_NAMES:
                    return _fail("set", f"-o {args[i]}: not supported; {supported}", 2)
                setattr(shell.options, args[i], on)
            elif flag in _SET_FLAGS:
                setattr(shell.options, _SET_FLAGS[flag], on)
            else:
                return _fail("set", f"{arg[0]}{flag}: not supported; {supported}", 2)
        i += 1
    return CommandResult()


def _exit(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    if len(argv) > 2:
        return _fail("exit", "too many arguments")
    if len(argv) == 1:
        raise ShellExit(shell.status)
    try:
        code = int(argv[1])
    except ValueError:
        shell.write_stderr(f"ingresslab sh: exit: {argv[1]}: numeric argument required\n")
        raise ShellExit(2) from None
    raise ShellExit(code & 0xFF)


def _command(shell: Shell, argv: list[str], stdin: str) -> CommandResult:
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        found = [name for name in args[1:] if name in BUILTINS or name in shell.commands]
        return CommandResult("".join(f"{n}\n" for n in found), "", 0 if len(found) == len(args) - 1 else 1)
    if not args:
        return CommandResult()
    return shell.call(args, stdin)


BUILTINS: dict[str, Builtin] = {
    ":": _true,
    "true": _true,
    "false": _false,
    "echo": _echo,
    "printf": _printf,
    "export": _export,
    "unset": _unset,
    "cd": _cd,
    "pwd": _pwd,
    "set": _set,
    "exit": _exit,
    "command": _command,
}
