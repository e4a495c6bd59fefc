"""Sandbox emulation of `curl` (registered with tools.register_tool)."""
