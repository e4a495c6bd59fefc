"""Files the sandbox carries for URLs the docs apply: `kubectl apply -f <url>` and `kubectl kustomize <target>` offline.

The sandbox has no network, so a URL means something only when a module registered what it serves:

    bundled.register_url(url, objects, note="Gateway API v1.1.0, standard channel")
    bundled.register_kustomization(target, objects, note=...)

`objects` is a function returning the file's objects in the file's order (built when asked, so nothing is
generated at import). Providers register themselves when imported; the modules listed in `PROVIDERS` are
imported on the first look-up, so a new bundle (NGINX Gateway Fabric's deploy files, Istio's samples,
kubernetes.io's examples) needs only its module added there. Any other URL fails with `OfflineError`, whose
message says the sandbox is offline and lists what it carries.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "PROVIDERS",
    "Bundle",
    "OfflineError",
    "is_url",
    "known",
    "kustomization",
    "register_kustomization",
    "register_url",
    "url_objects",
]

PROVIDERS: list[str] = [
    "ingresslab.backends.sandbox.addons.gateway_api_crds",
    "ingresslab.backends.sandbox.addons.ngf_manifests",
    "ingresslab.backends.sandbox.examples",
    "ingresslab.backends.sandbox.outside.samples",
]
"""Modules that register bundles when imported (imported on the first look-up)."""


@dataclass(frozen=True)
class Bundle:
    key: str  # the URL (or kustomize target) as registered
    objects: Callable[[], list[dict]]
    note: str = ""


class OfflineError(LookupError):
    """A URL (or remote kustomization) the sandbox does not carry; the message says what it does carry."""


_URLS: dict[str, Bundle] = {}
_KUSTOMIZATIONS: dict[str, Bundle] = {}
_loaded = False


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _url_key(url: str) -> str:
    return url.strip()


def _target_key(target: str) -> str:
    """A remote kustomize target in one spelling: no scheme, no `.git`, no `//` subdirectory marker."""
    text = re.sub(r"^(?:https?://|git::https?://|ssh://git@|git@)", "", target.strip())
    text = text.replace("github.com:", "github.com/")
    base, _, query = text.partition("?")
    base = base.replace(".git/", "/").replace("//", "/").rstrip("/")
    base = base.removesuffix(".git")
    params = dict(p.partition("=")[::2] for p in query.split("&") if p)
    ref = params.get("ref") or params.get("version") or ""
    return f"{base}?ref={ref}" if ref else base


def register_url(url: str, objects: Callable[[], list[dict]], *, note: str = "") -> None:
    """Serve `objects()` for `kubectl apply -f url` (and `curl`-like readers that ask this registry)."""
    _URLS[_url_key(url)] = Bundle(url, objects, note)


def register_kustomization(target: str, objects: Callable[[], list[dict]], *, note: str = "") -> None:
    """Serve `objects()` for `kubectl kustomize target` / `kubectl apply -k target` (a remote kustomization)."""
    _KUSTOMIZATIONS[_target_key(target)] = Bundle(target, objects, note)


def _load_providers() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in PROVIDERS:
        importlib.import_module(module)


def known() -> tuple[list[Bundle], list[Bundle]]:
    """Every registered (URL bundles, kustomizations), in registration order."""
    _load_providers()
    return list(_URLS.values()), list(_KUSTOMIZATIONS.values())


def _carried(bundles: list[Bundle]) -> str:
    return "\n".join(f"  {b.key}" + (f"  ({b.note})" if b.note else "") for b in bundles)


def url_objects(url: str) -> list[dict]:
    """The objects the file at `url` holds (fresh copies); OfflineError for a URL the sandbox does not carry."""
    _load_providers()
    found = _URLS.get(_url_key(url))
    if found is None:
        raise OfflineError(
            f'unable to read URL "{url}": the sandbox is offline and carries only these files:\n'
            + _carried(list(_URLS.values()))
        )
    return copy.deepcopy(found.objects())


def kustomization(target: str) -> list[dict]:
    """The objects `kubectl kustomize target` builds; OfflineError for a target the sandbox does not carry."""
    _load_providers()
    found = _KUSTOMIZATIONS.get(_target_key(target))
    if found is None:
        raise OfflineError(
            f'unable to fetch "{target}": the sandbox is offline and carries only these kustomizations:\n'
            + _carried(list(_KUSTOMIZATIONS.values()))
        )
    return copy.deepcopy(found.objects())
