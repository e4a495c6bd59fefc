"""The front ends a request can enter the cluster through, one registered record each.

    lab.entry_points               # the lab's registry: nginx, istio, nodeport
    lab.entry_points.register(EntryPoint(via="my-gateway", ...))
    lab.request(via="my-gateway")  # resolves, traces and diagnoses through the new record

See `registry.py` for what a record holds and `builtin.py` for the three built-in ones.
"""

from __future__ import annotations

from ingresslab.entrypoints.builtin import default_entry_points
from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoint, EntryPoints, EntryRequest, UnknownEntryPoint

__all__ = [
    "Component",
    "EntryPoint",
    "EntryPoints",
    "EntryRequest",
    "UnknownEntryPoint",
    "default_entry_points",
]
