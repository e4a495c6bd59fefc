"""Sandbox emulation of `istioctl` (registered with tools.register_tool)."""
