"""Text utilities for the lab's shell — grep, head, tail, wc, sort, uniq, cut, tr, column, cat, echo, printf.

They behave like their GNU coreutils/grep namesakes on the options tutorials use, and read only their standard
input: the sandbox has no files, so a file operand is a clear error (pipe text in instead). `cat` here is the
stdin-only form (`… | cat`, `cat -n`); a caller that can read files registers its own `cat` over this one.
Sorting and case folding follow the C locale (code point order).
"""

from __future__ import annotations

from ingresslab.commands.result import CommandFunc
from ingresslab.commands.textutils.columns import column, cut, tr
from ingresslab.commands.textutils.grep import PatternError, grep, translate_regex
from ingresslab.commands.textutils.headtail import head, tail, wc
from ingresslab.commands.textutils.printing import cat, echo, printf
from ingresslab.commands.textutils.sorting import sort, uniq

__all__ = [
    "PatternError",
    "cat",
    "column",
    "cut",
    "default_commands",
    "echo",
    "grep",
    "head",
    "printf",
    "sort",
    "tail",
    "tr",
    "translate_regex",
    "uniq",
    "wc",
]


def default_commands() -> dict[str, CommandFunc]:
    """The text utilities by name, for merging with kubectl/minikube/curl/istioctl handlers."""
    return {
        "cat": cat,
        "column": column,
        "cut": cut,
        "echo": echo,
        "grep": grep,
        "head": head,
        "printf": printf,
        "sort": sort,
        "tail": tail,
        "tr": tr,
        "uniq": uniq,
        "wc": wc,
    }
