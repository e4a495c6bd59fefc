"""ingresslab: see how ingress traffic really flows through Kubernetes, hop by hop.

import ingresslab
lab = ingresslab.connect()          # a live cluster if one answers, else the offline sandbox
lab.sh("kubectl get pods -A")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Lab", "__version__", "connect", "load_ipython_extension"]

if TYPE_CHECKING:
    from ingresslab.connection import connect
    from ingresslab.lab import Lab


def load_ipython_extension(ipython) -> None:
    """`%load_ext ingresslab`: the %kubectl, %istioctl, %minikube, %curl and %%lab magics."""
    from ingresslab.magics import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str):
    # Lazy: `import ingresslab` stays fast; the kubernetes client and widgets load only when used.
    if name == "connect":
        from ingresslab.connection import connect

        return connect
    if name == "Lab":
        from ingresslab.lab import Lab

        return Lab
    raise AttributeError(f"module 'ingresslab' has no attribute {name!r}")
