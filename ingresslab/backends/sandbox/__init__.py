"""The offline sandbox: an emulated minikube that behaves like a real one and writes the same logs."""

from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["SandboxBackend"]
