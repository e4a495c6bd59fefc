"""The demo's manifests, shipped with the package (and linked from notebooks/ under the tutorial's paths)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_DIR", "demo_manifest"]

DEMO_DIR = Path(__file__).resolve().parent / "istio-deepdive"


def demo_manifest(name: str) -> Path:
    """Path of one of the demo's files, e.g. `demo_manifest("depl-helloworld.yaml")`."""
    path = DEMO_DIR / name
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in DEMO_DIR.glob("*.yaml")))
        raise FileNotFoundError(f"no demo manifest {name!r}; the demo has: {known}")
    return path
