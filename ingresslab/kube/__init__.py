"""Kubernetes knowledge shared by every layer: resource kinds, selectors, apply, printers, jsonpath, describe."""

__all__: list[str] = []
