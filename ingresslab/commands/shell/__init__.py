"""The small shell behind `lab.sh(...)`: variables, quoting, `$(…)`, `&&`/`||`, pipes and /dev/null redirections.

Every command name is looked up in a registry of Python functions (`CommandFunc`); nothing ever runs on the
host. The whole script is parsed first, so a syntax error runs nothing (exit code 2); an unknown command
answers with exit code 127 and the list of what is available.

    shell = Shell({"kubectl": kubectl, **default_commands()})
    shell.run("POD=$(kubectl get pod -l app=hw-v1 -ojsonpath='{.items[].metadata.name}')")
    shell.run("kubectl logs $POD | grep GET | tail -n 3")

Not supported (a clear error, before anything runs): loops, `if`, `case`, functions, subshells `( … )`,
background `&`, arithmetic `$((…))`, and redirections to or from files.
"""

from __future__ import annotations

from ingresslab.commands.shell.builtins import BUILTINS
from ingresslab.commands.shell.errors import ShellSyntaxError, UnsupportedSyntax
from ingresslab.commands.shell.interpreter import Options, Shell
from ingresslab.commands.shell.parser import parse

__all__ = ["BUILTINS", "Options", "Shell", "ShellSyntaxError", "UnsupportedSyntax", "parse"]
