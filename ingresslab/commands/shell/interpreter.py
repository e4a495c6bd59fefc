"""Running a parsed script: every command name is looked up in a registry of Python functions.

No host process is ever started. Output is gathered per stream and, as a terminal shows it, in one transcript
in the order written; a pipeline hands one command's stdout to the next as its stdin; a command that raises
becomes a short stderr message and exit code 1.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from ingresslab.commands.result import STDERR, STDOUT, CommandFunc, CommandResult, Invocation
from ingresslab.commands.shell.builtins import BUILTINS
from ingresslab.commands.shell.errors import ShellExit, ShellSyntaxError
from ingresslab.commands.shell.expand import Expander, ExpansionError
from ingresslab.commands.shell.nodes import AndOr, Command, CommandSub, Pipeline, Redirect, Script
from ingresslab.commands.shell.parser import parse, split_assignment
from ingresslab.commands.shell.redirects import RedirectError, classify

__all__ = ["Options", "Shell"]

_DECLARATION_BUILTINS = frozenset({"export"})
_PID = "4242"  # `$$`: a stable stand-in, since there is no process


@dataclass(slots=True)
class Options:
    """`set -e`, `set -u`, `set -x`, `set -o pipefail`."""

    errexit: bool = False
    nounset: bool = False
    xtrace: bool = False
    pipefail: bool = False


@dataclass(slots=True)
class _Streams:
    """Where output goes: `out` and `err` per stream, and `transcript`, both streams in the order written.

    Inside `$(…)` stdout is captured (`record_out` False: it never reaches the terminal) while stderr still
    goes to the caller's terminal, in order."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    record_out: bool = True

    def write_out(self, text: str, into: list[str]) -> None:
        into.append(text)
        if into is self.out and self.record_out:
            self.transcript.append((STDOUT, text))

    def write_err(self, text: str) -> None:
        self.err.append(text)
        self.transcript.append((STDERR, text))


class Shell:
    """A small POSIX-ish shell over a registry of command functions.

    `env` holds every variable and persists between `run` calls (assigned and exported variables alike are
    passed to commands, which are functions, not processes). Pass a dict to share it with the caller.
    `where` completes the message for unknown commands: "not available in <where>".
    """

    def __init__(
        self,
        commands: Mapping[str, CommandFunc],
        env: dict[str, str] | None = None,
        cwd: str = ".",
        *,
        where: str = "the sandbox",
    ) -> None:
        self.commands = commands
        self.env: dict[str, str] = {} if env is None else env
        self.cwd = cwd
        self.oldpwd = cwd
        self.where = where
        self.options = Options()
        self.status = 0
        self._streams = _Streams()
        self._sub_status: int | None = None
        self._depth = 0

    @property
    def vars(self) -> dict[str, str]:
        """The same mapping as `env`: the lab's shell does not keep unexported variables apart."""
        return self.env

    # -- public ------------------------------------------------------------------------------------------
    def run(self, text: str) -> CommandResult:
        """Parse the whole script, then run it; the output in the order written, exit code of the last command."""
        if not isinstance(text, str):
            raise TypeError(f"Shell.run expects the script as a str, got {type(text).__name__}")
        # notebooks pasted from Windows editors carry CRLF; bash would make "\r" part of the last word
        text = text.replace("\r\n", "\n")
        try:
            script = parse(text)
        except ShellSyntaxError as exc:
            self.status = 2
            return CommandResult("", f"ingresslab sh: {exc}\n", 2)
        except RecursionError:
            self.status = 2
            return CommandResult("", "ingresslab sh: syntax error: the script is nested too deeply\n", 2)
        streams, saved = _Streams(), self._streams
        self._streams = streams
        try:
            self._run_script(script)
        except ShellExit as exc:
            self.status = exc.code
        finally:
            self._streams = saved
        code = self.status if script.items else 0
        return CommandResult.from_transcript(streams.transcript, code)

    def call(self, argv: list[str], stdin: str = "") -> CommandResult:
        """Run one command by name (builtin or registered), as `command NAME …` does."""
        return self._invoke(argv, stdin, [])

    def write_stderr(self, text: str) -> None:
        self._streams.write_err(text)

    # -- VarScope for the expander -----------------------------------------------------------------------
    def lookup(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "$":
            return _PID
        if name == "0":
            return "sh"
        if name == "#":
            return "0"
        if name == "-":
            return "".join(f for f, on in (("e", self.options.errexit), ("u", self.options.nounset)) if on)
        if name in "@*" or name.isdigit():
            return None if name.isdigit() else ""
        if name == "!":
            return None
        return self.env.get(name)

    def assign(self, name: str, value: str) -> None:
        self.env[name] = value

    # -- execution ---------------------------------------------------------------------------------------
    def _run_script(self, script: Script) -> None:
        for item in script.items:
            self._run_and_or(item)

    def _run_and_or(self, item: AndOr) -> None:
        status = self._run_pipeline(item.first)
        last_run = 0
        for index, (op, pipeline) in enumerate(item.rest, start=1):
            if (op == "&&") == (status == 0):
                status = self._run_pipeline(pipeline)
                last_run = index
        # set -e ignores failures on the left of && / || and negated pipelines, as bash does
        final = item.rest[-1][1] if item.rest else item.first
        if status != 0 and self.options.errexit and last_run == len(item.rest) and not final.negated:
            raise ShellExit(status)

    def _run_pipeline(self, pipeline: Pipeline) -> int:
        stdin = ""
        statuses: list[int] = []
        many = len(pipeline.commands) > 1
        for i, command in enumerate(pipeline.commands):
            last = i == len(pipeline.commands) - 1
            out = self._streams.out if last else []
            if many:  # each member of a pipeline runs in a subshell: its variables do not stick
                with self._isolated():
                    try:
                        status = self._run_command(command, stdin, out)
                    except ShellExit as exc:
                        status = exc.code
            else:
                status = self._run_command(command, stdin, out)
            statuses.append(status)
            stdin = "".join(out)
        status = statuses[-1]
        if self.options.pipefail:
            status = next((s for s in reversed(statuses) if s), 0)
        if pipeline.negated:
            status = 0 if status else 1
        self.status = status
        return status

    def _run_command(self, command: Command, stdin: str, out: list[str]) -> int:
        expander = Expander(self, self._substitute, nounset=self.options.nounset)
        self._sub_status = None
        try:
            argv = self._expand_words(command, expander)
            fds, stdin_override = self._redirections(command.redirects, expander)
            assigns = [(name, expander.text(word)) for name, word in command.assigns]
        except ExpansionError as exc:
            self.write_stderr(f"ingresslab sh: line {command.line}: {exc}\n")
            raise ShellExit(127) from None
        except RedirectError as exc:
            self.write_stderr(f"ingresslab sh: line {command.line}: {exc}\n")
            return 1
        if stdin_override is not None:
            stdin = stdin_override
        if self.options.xtrace:
            shown = [f"{n}={v}" for n, v in assigns] + argv
            self.write_stderr("+" * (self._depth + 1) + " " + " ".join(shlex.quote(a) for a in shown) + "\n")
        if not argv:
            self.env.update(assigns)
            return self._sub_status if self._sub_status is not None else 0
        result = self._invoke(argv, stdin, assigns)
        for stream, text in result.chunks:  # in the order the command wrote them
            target = fds[1 if stream == STDOUT else 2]
            if target == "out":
                self._streams.write_out(text, out)
            elif target == "err":
                self._streams.write_err(text)
        return result.returncode

    def _expand_words(self, command: Command, expander: Expander) -> list[str]:
        argv: list[str] = []
        declaration = False
        for i, word in enumerate(command.words):
            # `export X=$(…)` keeps the value whole, as bash does for declaration builtins
            if declaration and split_assignment(word) is not None:
                argv.append(expander.text(word))
                continue
            argv.extend(expander.fields(word))
            if i == 0 and argv and argv[0] in _DECLARATION_BUILTINS:
                declaration = True
        return argv

    def _redirections(
        self, redirects: tuple[Redirect, ...], expander: Expander
    ) -> tuple[dict[int, str], str | None]:
        fds = {1: "out", 2: "err"}
        stdin: str | None = None
        for r in redirects:
            if r.op in ("<<", "<<-"):
                stdin = expander.text(r.body) if r.body is not None else ""
                continue
            assert r.target is not None
            if r.op == "<<<":
                stdin = expander.text(r.target) + "\n"
                continue
            kind, source = classify(r.op, r.fd, expander.text(r.target))
            targets = (1, 2) if r.fd == -1 else (r.fd,)
            if kind == "stdin-null":
                stdin = ""
            elif kind == "null":
                for fd in targets:
                    fds[fd] = "null"
            elif kind == "dup" and source in (1, 2):
                dest = fds[source]
                for fd in targets:
                    if fd in (1, 2):
                        fds[fd] = dest
        return fds, stdin

    def _invoke(self, argv: list[str], stdin: str, assigns: list[tuple[str, str]]) -> CommandResult:
        name = argv[0]
        builtin = BUILTINS.get(name)
        if builtin is not None:
            saved = {n: self.env.get(n) for n, _ in assigns}
            self.env.update(assigns)
            try:
                return builtin(self, argv, stdin)
            finally:
                for n, value in saved.items():
                    if value is None:
                        self.env.pop(n, None)
                    else:
                        self.env[n] = value
        func = self.commands.get(name)
        if func is None:
            available = ", ".join(sorted(self.commands)) or "none"
            return CommandResult(
                "", f"ingresslab sh: {name}: not available in {self.where} (available: {available})\n", 127
            )
        env = dict(self.env)
        env.update(assigns)
        try:
            result = func(Invocation(list(argv), stdin, env, self.cwd))
        except Exception as exc:  # a broken command must not take the shell (or the notebook) down
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
            return CommandResult("", f"ingresslab sh: {name}: internal error: {detail}\n", 1)
        if not isinstance(result, CommandResult):
            return CommandResult(
                "",
                f"ingresslab sh: {name}: internal error: returned {type(result).__name__}, not a result\n",
                1,
            )
        return result

    def _substitute(self, sub: CommandSub) -> str:
        captured: list[str] = []
        saved = self._streams
        self._streams = _Streams(captured, saved.err, saved.transcript, record_out=False)
        self._depth += 1
        try:
            with self._isolated():
                try:
                    self._run_script(sub.body)
                    status = self.status
                except ShellExit as exc:
                    status = exc.code
        finally:
            self._depth -= 1
            self._streams = saved
        self.status = status
        self._sub_status = status
        return "".join(captured).rstrip("\n")

    @contextmanager
    def _isolated(self) -> Iterator[None]:
        """A subshell: variables, cwd and options changed inside are put back afterwards."""
        env, cwd, oldpwd, options = dict(self.env), self.cwd, self.oldpwd, replace(self.options)
        try:
            yield
        finally:
            if self.env != env:  # restore in place: callers may hold a reference to this dict
                self.env.clear()
                self.env.update(env)
            self.cwd, self.oldpwd, self.options = cwd, oldpwd, options
