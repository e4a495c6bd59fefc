"""ingresslab: see how ingress traffic really flows through Kubernetes, hop by hop."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
