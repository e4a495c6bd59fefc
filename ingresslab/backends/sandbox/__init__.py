"""The offline sandbox: an emulated minikube that behaves like a real one and writes the same logs."""

from ingresslab.backends.sandbox import podexec  # noqa: F401  (registers the in-container programs)
from ingresslab.backends.sandbox.backend import SandboxBackend
from ingresslab.backends.sandbox.dataplane import podprograms  # noqa: F401  (wget and curl inside pods)

__all__ = ["SandboxBackend"]
