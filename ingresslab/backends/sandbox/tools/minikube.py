"""Sandbox emulation of `minikube` (registered with tools.register_tool)."""
