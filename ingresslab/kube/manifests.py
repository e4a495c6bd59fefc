"""Reading manifests the way `kubectl apply -f` does: files, directories, multi-document YAML or JSON, stdin, and
the URLs the sandbox carries offline (`kube.bundled`; any other URL is an error naming the ones it has).

Everything is read and checked before anything is applied, so a typo in the third document of a file leaves
the cluster untouched; errors name the file and the line, in kubectl's words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml

from ingresslab.kube import bundled

__all__ = ["Manifest", "ManifestError", "load_manifests"]

_EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Manifest:
    obj: dict
    source: str  # the path as the user typed it (or "STDIN")


class _GoYamlConstructor(yaml.constructor.SafeConstructor):
    bool_values: ClassVar[dict[str, bool]] = {
        **yaml.constructor.SafeConstructor.bool_values,
        "y": True,
        "n": False,
    }


class GoYamlLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _GoYamlConstructor,
    yaml.resolver.Resolver,
):
    """PyYAML's safe loader with go-yaml v2's booleans (sigs.k8s.io/yaml, what kubectl reads manifests with):
    besides yes/no/on/off/true/false, a plain `y`, `Y`, `n` or `N` is a boolean too (the "Norway problem")."""

    def __init__(self, stream) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _GoYamlConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


GoYamlLoader.yaml_implicit_resolvers = {
    key: list(value) for key, value in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))


class ManifestError(ValueError):
    """A message kubectl would print after `error: `."""


def _documents(text: str, source: str) -> list[dict]:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(
                f"error parsing {source}: invalid JSON at line {exc.lineno}: {exc.msg}"
            ) from None
        docs = data if isinstance(data, list) else [data]
    else:
        try:
            docs = list(yaml.load_all(text, Loader=GoYamlLoader))
        except yaml.YAMLError as exc:
            line, problem = _go_yaml_error(exc)
            raise ManifestError(
                f"error parsing {source}: error converting YAML to JSON: yaml: {line}{problem}"
            ) from None
    out: list[dict] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ManifestError(
                f'error validating "{source}": error validating data: invalid object to validate; '
                "a manifest must be a mapping with apiVersion, kind and metadata"
            )
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(d for d in doc["items"] if isinstance(d, dict))
            continue
        out.append(doc)
    for doc in out:
        missing = [k for k in ("apiVersion", "kind") if not doc.get(k)]
        if missing:
            what = " and ".join(f"{k} not set" for k in missing)
            raise ManifestError(
                f'error validating "{source}": error validating data: {what}; if you choose to ignore these '
                "errors, turn validation off with --validate=false"
            )
    return out


def _files(path: Path, shown: str, recursive: bool) -> list[tuple[Path, str]]:
    if path.is_dir():
        pattern = "**/*" if recursive else "*"
        return [
            (p, str(Path(shown) / p.relative_to(path)))
            for p in sorted(path.glob(pattern))
            if p.is_file() and p.suffix in _EXTENSIONS
        ]
    return [(path, shown)]


def _go_yaml_error(exc: yaml.YAMLError) -> tuple[str, str]:
    """go-yaml's `line N: problem` for a PyYAML error (both are ports of libyaml, worded apart in places).

    go-yaml numbers a parser error's line from the 0-based problem mark (a scanner error's from the next
    line), and libyaml says "did not find expected key" where PyYAML says "expected <block end>, but found …".
    """
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return "", problem
    scanner = isinstance(exc, yaml.scanner.ScannerError)
    number = mark.line + 1 if scanner else mark.line
    if not scanner and problem.startswith("expected <block end>, but found"):
        context = getattr(exc, "context", "") or ""
        problem = (
            "did not find expected '-' indicator" if "sequence" in context else "did not find expected key"
        )
    return (f"line {number}: " if number else ""), problem


def load_manifests(
    paths: list[str], *, cwd: str | Path = ".", stdin: str = "", recursive: bool = False
) -> list[Manifest]:
    """All objects in `paths` (`-` is stdin), in order; raises ManifestError before returning any."""
    found: list[Manifest] = []
    for shown in paths:
        if shown == "-":
            found += [Manifest(d, "STDIN") for d in _documents(stdin, "STDIN")]
            continue
        if bundled.is_url(shown):
            try:
                found += [Manifest(d, shown) for d in bundled.url_objects(shown)]
            except bundled.OfflineError as exc:
                raise ManifestError(str(exc)) from None
            continue
        path = Path(cwd) / shown
        if not path.exists():
            raise ManifestError(f'the path "{shown}" does not exist')
        for file, name in _files(path, shown, recursive):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ManifestError(f"error reading {name}: {exc}") from None
            found += [Manifest(d, name) for d in _documents(text, name)]
    return found
