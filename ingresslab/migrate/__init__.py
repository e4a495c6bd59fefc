"""Migrating Ingress rules to the Gateway API: what `ingress2gateway` makes of them (issue 16, "Migration")."""

from ingresslab.migrate.ingress2gateway import (
    EMULATED_VERSION,
    Conversion,
    ConversionFailed,
    NotEmulated,
    Notification,
    convert,
)

__all__ = ["EMULATED_VERSION", "Conversion", "ConversionFailed", "NotEmulated", "Notification", "convert"]
