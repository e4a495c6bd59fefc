"""Command-line parsing the way kubectl's pflag does it: `-n ns`, `-nns`, `--namespace=ns`, `-owide`,
grouped booleans (`-it`), repeated flags (`-f a -f b`), and `--` ending the flags."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Flag", "FlagError", "Parsed", "parse_flags"]


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    short: str | None = None
    value: bool = True  # takes a value; False for booleans
    repeat: bool = False
    default: object = None


class FlagError(ValueError):
    """kubectl's wording: `unknown flag: --x`, `flag needs an argument: 'n' in -n`."""


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    opts: dict[str, object] = field(default_factory=dict)
    after_dash: list[str] = field(default_factory=list)  # what follows `--`
    dash_at: int | None = None  # how many positionals came before `--`

    def get(self, name: str, default: object = None) -> object:
        return self.opts.get(name, default)


_TRUE = {"true", "1", "t", "T", "TRUE", "True"}
_FALSE = {"false", "0", "f", "F", "FALSE", "False"}


def parse_flags(argv: list[str], flags: list[Flag], *, interspersed: bool = True) -> Parsed:
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    out = Parsed()
    for f in flags:
        if f.repeat:
            out.opts[f.name] = []
        elif f.default is not None:
            out.opts[f.name] = f.default

    def store(flag: Flag, value: object) -> None:
        if flag.repeat:
            out.opts[flag.name].append(value)  # type: ignore[union-attr]
        else:
            out.opts[flag.name] = value

    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.dash_at = len(out.args)
            out.after_dash = argv[i + 1 :]
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise FlagError(f"unknown flag: --{name}")
            if flag.value:
                if not eq:
                    if i + 1 >= len(argv):
                        raise FlagError(f"flag needs an argument: --{name}")
                    i += 1
                    value = argv[i]
                store(flag, value)
            else:
                if eq and value not in _TRUE | _FALSE:
                    raise FlagError(
                        f'invalid argument "{value}" for "--{name}" flag: strconv.ParseBool: parsing "{value}": invalid syntax'
                    )
                store(flag, not eq or value in _TRUE)
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                ch = arg[j]
                flag = by_short.get(ch)
                if flag is None:
                    raise FlagError(f"unknown shorthand flag: '{ch}' in {arg}")
                if flag.value:
                    rest = arg[j + 1 :]
                    if rest.startswith("="):
                        rest = rest[1:]
                    if not rest:
                        if i + 1 >= len(argv):
                            raise FlagError(f"flag needs an argument: '{ch}' in {arg}")
                        i += 1
                        rest = argv[i]
                    store(flag, rest)
                    break
                store(flag, True)
                j += 1
        else:
            out.args.append(arg)
            if not interspersed:
                out.after_dash = argv[i + 1 :]
                break
        i += 1
    return out
