"""The building blocks of a scenario's fault. Each step changes the cluster through the lab and remembers just
enough to put it back, so any scenario can be undone on the sandbox and on a live cluster alike."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingresslab.errors import NotFound

__all__ = ["Create", "Patch", "Relabel", "Remove", "Sh", "Step"]


class Step:
    """One reversible change. `apply` returns what `undo` needs (or None when nothing was changed)."""

    def apply(self, lab: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def undo(self, lab: Any, memo: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def _clean(obj: dict) -> dict:
    """An object as a manifest: without the fields the API server owns."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    meta = out.get("metadata", {})
    for key in ("resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "selfLink"):
        meta.pop(key, None)
    return out


@dataclass(frozen=True)
class Patch(Step):
    """A JSON merge patch computed from the object; undo patches the touched keys back to their old values."""

    kind: str
    name: str
    namespace: str
    edit: Callable[[dict], dict]
    optional: bool = False  # skip when the object does not exist

    def apply(self, lab: Any) -> Any:
        try:
            obj = lab.backend.get(self.kind, self.name, self.namespace)
        except NotFound:
            if self.optional:
                return None
            raise
        patch = self.edit(obj)
        inverse = _inverse(obj, patch)
        lab.backend.patch(self.kind, self.name, patch, self.namespace)
        return inverse

    def undo(self, lab: Any, memo: Any) -> None:
        if memo is not None:
            lab.backend.patch(self.kind, self.name, memo, self.namespace)


def _inverse(obj: dict, patch: dict) -> dict:
    out: dict = {}
    for key, value in patch.items():
        old = obj.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _inverse(old, value)
        else:
            out[key] = copy.deepcopy(old)  # None removes a key the fault added
    return out


@dataclass(frozen=True)
class Create(Step):
    """Create an object the fault needs; undo deletes it (only if this step created it)."""

    manifest: dict

    def apply(self, lab: Any) -> Any:
        meta = self.manifest["metadata"]
        try:
            lab.backend.get(self.manifest["kind"], meta["name"], meta.get("namespace"))
            return None
        except NotFound:
            lab.backend.create(copy.deepcopy(self.manifest))
            return True

    def undo(self, lab: Any, memo: Any) -> None:
        if memo:
            meta = self.manifest["metadata"]
            lab.backend.delete(self.manifest["kind"], meta["name"], meta.get("namespace"))


@dataclass(frozen=True)
class Remove(Step):
    """Delete an object; undo creates it again from the snapshot."""

    kind: str
    name: str
    namespace: str

    def apply(self, lab: Any) -> Any:
        try:
            obj = lab.backend.get(self.kind, self.name, self.namespace)
        except NotFound:
            return None
        lab.backend.delete(self.kind, self.name, self.namespace)
        return _clean(obj)

    def undo(self, lab: Any, memo: Any) -> None:
        if memo is not None:
            lab.backend.create(memo)


@dataclass(frozen=True)
class Sh(Step):
    """Shell text the learner could type (shown as the fault's commands); undo runs its own text."""

    script: str
    undo_script: str = ""

    def apply(self, lab: Any) -> Any:
        result = lab.sh(self.script)
        if result.returncode != 0:
            raise RuntimeError(f"the fault's commands failed:\n{self.script}\n{result.stdout}{result.stderr}")
        return True

    def undo(self, lab: Any, memo: Any) -> None:
        if self.undo_script:
            lab.sh(self.undo_script)


@dataclass(frozen=True)
class Relabel(Step):
    """Recreate a workload's pods while the namespace is not labelled for injection, then label it again: the
    new pods predate the label as far as the webhook is concerned (no sidecar). Undo recreates them injected."""

    namespace: str
    selector: str
    label: tuple[str, str] = ("istio-injection", "enabled")

    def _recreate(self, lab: Any) -> None:
        for pod in lab.backend.list("pods", self.namespace, label_selector=self.selector):
            lab.backend.delete("pods", pod["metadata"]["name"], self.namespace)

    def apply(self, lab: Any) -> Any:
        key, value = self.label
        ns = lab.backend.get("namespaces", self.namespace)
        old = (ns["metadata"].get("labels") or {}).get(key)
        lab.backend.label("namespaces", self.namespace, {key: None}, overwrite=True)
        self._recreate(lab)
        lab.backend.label("namespaces", self.namespace, {key: value}, overwrite=True)
        return old

    def undo(self, lab: Any, memo: Any) -> None:
        key, _ = self.label
        lab.backend.label("namespaces", self.namespace, {key: memo}, overwrite=True)
        self._recreate(lab)
