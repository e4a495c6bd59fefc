"""Backends: the Backend protocol (base.py), the offline sandbox and a live cluster."""

__all__: list[str] = []
