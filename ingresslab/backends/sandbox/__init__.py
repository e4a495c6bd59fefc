"""The offline sandbox: an emulated minikube that behaves like a real one and writes the same logs."""

from ingresslab.backends.sandbox.backend import SandboxBackend
from ingresslab.backends.sandbox import podexec  # noqa: F401,E402  (registers the in-container programs)

__all__ = ["SandboxBackend"]
