"""Control-plane behaviour of the sandbox, one concern per module; `controlplane.control_plane()` lists them."""

from ingresslab.backends.sandbox.controllers import core, endpoints, services, workloads

__all__ = ["core", "endpoints", "services", "workloads"]
