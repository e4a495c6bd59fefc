"""Errors shared by every layer, shaped like the Kubernetes API's `Status` so kubectl wording can be rebuilt."""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "IngresslabError",
    "Invalid",
    "NotAvailableInSandbox",
    "NotFound",
    "StateFileError",
    "Unauthorized",
]


class IngresslabError(Exception):
    """Base class: every error ingresslab raises on purpose carries a message a learner can act on."""


class ApiError(IngresslabError):
    """An error the API server would answer with; `reason` and `code` follow `metav1.Status`."""

    reason = "InternalError"
    code = 500

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def kubectl_text(self, context: str | None = None) -> str:
        """What kubectl prints for this error (`Error from server (NotFound): ...`)."""
        message = f"error when {context}: {self.message}" if context else self.message
        return f"Error from server ({self.reason}): {message}"


class NotFound(ApiError):
    reason, code = "NotFound", 404


class AlreadyExists(ApiError):
    reason, code = "AlreadyExists", 409


class Conflict(ApiError):
    reason, code = "Conflict", 409


class BadRequest(ApiError):
    reason, code = "BadRequest", 400


class Unauthorized(ApiError):
    reason, code = "Unauthorized", 401


class Forbidden(ApiError):
    reason, code = "Forbidden", 403


class Invalid(ApiError):
    """422: kubectl prints the message alone (`The Service "x" is invalid: ...`)."""

    reason, code = "Invalid", 422

    def kubectl_text(self, context: str | None = None) -> str:
        # kubectl drops the "error when creating" context for Invalid and prints the causes instead.
        return f"The {self.message}" if " is invalid: " in self.message else self.message


class StateFileError(IngresslabError):
    """The sandbox's state file cannot be used; the message says how to recover."""


class NotAvailableInSandbox(IngresslabError):
    """A command or option the sandbox does not emulate (it never runs host processes)."""
