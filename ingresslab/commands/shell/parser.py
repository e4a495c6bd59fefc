"""The grammar: a script is `&&`/`||` lists of pipelines of simple commands, separated by `;` or newlines;
`{ …; }` groups are spliced into that shape where bash's meaning allows (see `_group`).

The whole script is parsed before anything runs, so a syntax error (or a construct the lab's shell does not
run, such as a loop or a file redirection) stops it with nothing executed.
"""

from __future__ import annotations

import re

from ingresslab.commands.shell.errors import ShellSyntaxError, UnsupportedSyntax
from ingresslab.commands.shell.lexer import NAME_RE, Lexer
from ingresslab.commands.shell.nodes import AndOr, Command, Lit, Pipeline, Redirect, Script, Word
from ingresslab.commands.shell.redirects import RedirectError, classify

__all__ = ["Parser", "parse", "split_assignment"]

_IO_NUMBER = re.compile(r"\d+(?=[<>])")
_ASSIGNMENT = re.compile(rf"({NAME_RE.pattern})=")
_REDIRECT_OPS = frozenset({"<", ">", ">>", ">|", ">&", "<&", "&>", "&>>", "<<", "<<-", "<<<"})
_INPUT_OPS = frozenset({"<", "<&", "<<", "<<-", "<<<"})
_RESERVED = {
    "if": "`if … fi` blocks",
    "then": "`if … fi` blocks",
    "elif": "`if … fi` blocks",
    "else": "`if … fi` blocks",
    "fi": "`if … fi` blocks",
    "for": "`for` loops",
    "while": "`while` loops",
    "until": "`until` loops",
    "do": "loops",
    "done": "loops",
    "case": "`case … esac` blocks",
    "esac": "`case … esac` blocks",
    "select": "`select` menus",
    "function": "function definitions",
    "{": "`{ …; }` groups inside a pipeline",
    "}": "`{ …; }` groups",
    "[[": "`[[ … ]]` tests",
}


def parse(text: str) -> Script:
    """Parse a whole script; raises ShellSyntaxError (or UnsupportedSyntax) naming the line."""
    return Parser(text).parse()


def split_assignment(word: Word) -> tuple[str, Word] | None:
    """`NAME=value` → (NAME, value word); None when the word is not an assignment."""
    first = word.parts[0]
    if not isinstance(first, Lit) or first.quoted:
        return None
    m = _ASSIGNMENT.match(first.text)
    if not m:
        return None
    rest = first.text[m.end() :]
    parts = ((Lit(rest),) if rest else ()) + word.parts[1:]
    return m.group(1), Word(parts or (Lit("", True),), word.line)


def _describe(op: str | None) -> str:
    if op is None:
        return "the end of the script"
    return "a newline" if op == "\n" else f"`{op}`"


class Parser(Lexer):
    def parse(self) -> Script:
        script = self.parse_script(until_paren=False)
        if not self.at_end():  # only a stray `)` can stop the top level early
            raise ShellSyntaxError(self.line, "unexpected `)`: there is no `$(` or `(` it would close")
        return script

    def _parse_subscript(self) -> Script:
        return self.parse_script(until_paren=True)

    def _sub_parser(self, text: str, line: int) -> Parser:
        return Parser(text, first_line=line)

    # -- grammar ---------------------------------------------------------------------------------------
    def parse_script(self, *, until_paren: bool, until_brace: bool = False) -> Script:
        items: list[AndOr] = []
        self._skip_newlines()
        while True:
            self.skip_blanks()
            op = self.peek_operator()
            if self.at_end() or (op == ")" and until_paren) or (until_brace and self._at_reserved("}")):
                break
            if op == ")":
                raise ShellSyntaxError(self.line, "unexpected `)`: there is no `$(` or `(` it would close")
            if self._at_reserved("}"):
                raise ShellSyntaxError(self.line, "unexpected `}`: there is no `{` it would close")
            items.extend(self._and_or_items())
            self.skip_blanks()
            op = self.peek_operator()
            if op == ";":
                self._advance()
                self._skip_newlines()
            elif op == "\n":
                self._skip_newlines()
            elif op == "&":
                raise UnsupportedSyntax(
                    self.line, "background jobs (`&`) are not supported; run the command in the foreground"
                )
            elif not (self.at_end() or op == ")" or (until_brace and self._at_reserved("}"))):
                raise ShellSyntaxError(self.line, f"unexpected {_describe(op)} after a command")
        if self.pending_heredocs:
            redirect, delimiter, _, _ = self.pending_heredocs[0]
            raise ShellSyntaxError(
                redirect.line, f"here-document is not closed: expected a line reading {delimiter!r}"
            )
        return Script(tuple(items))

    def _skip_newlines(self) -> None:
        while True:
            self.skip_blanks()
            if self._char() != "\n":
                return
            self._advance()
            if self.pending_heredocs:
                self.read_heredocs()

    # -- `{ list; }` groups, run as the commands they hold --------------------------------------------------
    # The interpreter runs lists of pipelines; a group is spliced into that shape where doing so keeps bash's
    # meaning: a whole statement `{ a; b; }` becomes its statements; a group that starts an `&&`/`||` list
    # and holds one list joins it (the operators group to the left: `{ a || b; } && c` is `a || b && c`);
    # after `&&`/`||` a group must hold a single pipeline (`x || { kubectl kustomize … | kubectl apply -f -; }`).
    # Others (piped or redirected groups, `a && { b || c; }`) are refused before anything runs.
    def _at_reserved(self, word: str) -> bool:
        """Whether the next word is the unquoted reserved word `word` (`{` or `}`)."""
        if not self.src.startswith(word, self.pos):
            return False
        after = self._char(len(word))
        return after == "" or after in " \t\n;&|)<>"

    def _group(self) -> list[AndOr]:
        line = self.line
        self._advance()  # `{`
        body = self.parse_script(until_paren=False, until_brace=True)
        if not self._at_reserved("}"):
            raise ShellSyntaxError(line, "`{` is not closed: expected `}` (after a `;` or a newline)")
        self._advance()
        self.skip_blanks()
        op = self.peek_operator()
        if op in ("|", "|&") or op in _REDIRECT_OPS or _IO_NUMBER.match(self.src, self.pos):
            raise UnsupportedSyntax(
                line, "piping or redirecting a `{ …; }` group is not supported; pipe or redirect each command"
            )
        if not body.items:
            raise ShellSyntaxError(line, "a `{ …; }` group needs at least one command")
        return list(body.items)

    def _unsupported_group(self) -> UnsupportedSyntax:
        return UnsupportedSyntax(
            self.line,
            "this use of a `{ …; }` group is not supported by the lab's shell; after `&&` or `||` a group may "
            "hold one pipeline — run the commands one by one",
        )

    def _and_or_items(self) -> list[AndOr]:
        """One `&&`/`||` list — or, for a group standing alone, the several lists it holds."""
        self.skip_blanks()
        if self._at_reserved("{"):
            items = self._group()
            self.skip_blanks()
            if self.peek_operator() not in ("&&", "||"):
                return items
            if len(items) != 1:
                raise self._unsupported_group()
            return [self._and_or_rest(items[0].first, list(items[0].rest))]
        return [self._and_or()]

    def _and_or(self) -> AndOr:
        return self._and_or_rest(self._pipeline(), [])

    def _and_or_rest(self, first: Pipeline, rest: list[tuple[str, Pipeline]]) -> AndOr:
        while True:
            self.skip_blanks()
            op = self.peek_operator()
            if op not in ("&&", "||"):
                return AndOr(first, tuple(rest))
            self._advance(2)
            self._skip_newlines()
            if self._at_reserved("{"):
                items = self._group()
                if len(items) != 1 or items[0].rest:
                    raise self._unsupported_group()
                rest.append((op, items[0].first))
                continue
            rest.append((op, self._pipeline(after=op)))

    def _pipeline(self, after: str | None = None) -> Pipeline:
        self.skip_blanks()
        line = self.line
        negated = False
        if self._char() == "!" and self._char(1) in (" ", "\t"):
            negated = True
            self._advance()
        commands = [self._command(after)]
        while True:
            self.skip_blanks()
            op = self.peek_operator()
            if op not in ("|", "|&"):
                return Pipeline(tuple(commands), negated, line)
            self._advance(len(op))
            if op == "|&":  # bash's shorthand for `2>&1 |`
                last = commands[-1]
                dup = Redirect(2, ">&", Word((Lit("1"),), last.line), last.line)
                commands[-1] = Command(last.assigns, last.words, (*last.redirects, dup), last.line)
            self._skip_newlines()
            commands.append(self._command(op))

    def _command(self, after: str | None) -> Command:
        self.skip_blanks()
        line = self.line
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        op: str | None = None
        while True:
            self.skip_blanks()
            if self.at_end():
                op = None
                break
            m = _IO_NUMBER.match(self.src, self.pos)
            if m:
                self._advance(len(m.group()))
                redirects.append(self._redirect(int(m.group()), self.peek_operator() or ">"))
                continue
            op = self.peek_operator()
            if op in _REDIRECT_OPS:
                redirects.append(self._redirect(None, op))
                continue
            if op is not None:
                break
            word = self.read_word()
            if word is None:  # pragma: no cover - read_word only stops at metacharacters
                break
            if not words:
                lit = word.unquoted_literal
                if lit in _RESERVED:
                    raise UnsupportedSyntax(
                        word.line,
                        f"{_RESERVED[lit]} are not supported by the lab's shell; "
                        "run the commands one by one (or loop in Python)",
                    )
                assignment = split_assignment(word)
                if assignment:
                    assigns.append(assignment)
                    continue
            words.append(word)
        if op == "(":
            if not (words or assigns or redirects):
                raise UnsupportedSyntax(
                    self.line, "subshells `( … )` are not supported; run the commands without parentheses"
                )
            raise ShellSyntaxError(
                self.line,
                "unexpected `(`: quote it if it belongs to an argument, e.g. '(…)' "
                "(function definitions are not supported)",
            )
        if not (words or assigns or redirects):
            where = f" after `{after}`" if after else ""
            raise ShellSyntaxError(self.line, f"expected a command{where}, found {_describe(op)}")
        return Command(tuple(assigns), tuple(words), tuple(redirects), line)

    def _redirect(self, fd: int | None, op: str) -> Redirect:
        line = self.line
        self._advance(len(op))
        if fd is None:
            fd = 0 if op in _INPUT_OPS else (-1 if op in ("&>", "&>>") else 1)
        self.skip_blanks()
        target = self.read_word()
        if target is None:
            raise ShellSyntaxError(
                line, f"expected a file name after `{op}`, found {_describe(self.peek_operator())}"
            )
        redirect = Redirect(fd, op, target, line)
        if op in ("<<", "<<-"):
            delimiter = target.literal
            if delimiter is None:
                raise UnsupportedSyntax(line, "a here-document delimiter must be plain text, e.g. <<EOF")
            quoted = any(isinstance(p, Lit) and p.quoted for p in target.parts)
            self.pending_heredocs.append((redirect, delimiter, quoted, op == "<<-"))
            return redirect
        text = target.literal
        if text is not None:  # a literal target can be judged now, before anything runs
            try:
                classify(op, fd, text)
            except RedirectError as exc:
                raise UnsupportedSyntax(line, str(exc)) from None
        return redirect
