"""What a diagnosis says: the broken link (a cause id from `CAUSES`), the evidence that proves it and the fix.

A `Diagnosis` prints as text in a terminal and as HTML in a notebook; `ok` is True when nothing is broken.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

__all__ = ["CAUSES", "Clue", "Diagnosis", "cause_title"]

# Every cause `diagnose` can name, with the words a learner picks from. Order = the order a request travels.
CAUSES: dict[str, str] = {
    "no-gateway-listener": "No Gateway or Istio Ingress opens the gateway's port",
    "ingress-controller-missing": "No ingress controller is running",
    "ingress-class-not-served": "The Ingress names a class no controller serves",
    "host-not-matched": "No rule matches the request's Host",
    "path-not-matched": "A rule matches the Host but none matches the path",
    "exact-path-misses-subpath": "An Exact path does not match sub-paths (Prefix vs Exact)",
    "gateway-hosts-match-nothing": "The hand-written Gateway's hosts match nothing sent",
    "gateway-without-virtualservice": "The Gateway has no VirtualService bound to it",
    "gateway-address-not-assigned": "The Gateway API Gateway has no address: its LoadBalancer is pending",
    "gateway-not-programmed": "No controller has programmed the Gateway API Gateway",
    "httproute-not-attached": "No HTTPRoute is attached to the Gateway",
    "httproute-not-allowed": "The Gateway's listener does not allow routes from the HTTPRoute's namespace",
    "httproute-hostname-mismatch": "The HTTPRoute's hostnames match no listener of the Gateway",
    "backend-ref-not-permitted": "A cross-namespace backendRef has no ReferenceGrant",
    "backend-not-found": "The HTTPRoute's backendRef names a Service that does not exist",
    "egress-blocked-registry-only": "REGISTRY_ONLY blocks a host no ServiceEntry declares",
    "egress-subset-not-found": "The route names a DestinationRule subset that does not exist (missing or misspelt)",
    "egress-destinationrule-wrong-namespace": "The DestinationRule is in a namespace the client's sidecar does not read",
    "egress-gateway-hosts-mismatch": "The egress Gateway's hosts do not match the external host",
    "egress-gateway-bypassed": "Traffic skips the egress gateway: no mesh route sends it there",
    "selector-matches-no-pod": "The Service's selector matches no pod",
    "deployment-scaled-to-zero": "The Deployment is scaled to zero",
    "pods-not-ready": "The Service's pods are not ready",
    "image-pull-failed": "The pods' image cannot be pulled (ErrImagePull / ImagePullBackOff)",
    "container-crash-looping": "The pods' container keeps crashing (CrashLoopBackOff)",
    "wrong-target-port": "The Service's targetPort is not where the app listens",
    "pod-missing-sidecar": "Pods created before the injection label have no sidecar",
    "ndots-skips-search-list": "ndots makes a partly qualified name skip the search list",
    "dns-name-not-found": "The name does not exist in cluster DNS",
    "unknown": "Something else (the evidence is shown)",
}


def cause_title(cause: str | None) -> str:
    """The learner-facing words for a cause id (None = no fault)."""
    if cause is None:
        return "No fault"
    return CAUSES.get(cause, cause)


@dataclass(slots=True)
class Clue:
    """One piece of evidence: where it was read (a log, an object, a command) and the line itself."""

    source: str
    text: str

    def __str__(self) -> str:
        return f"{self.source}: {self.text}"


@dataclass(slots=True)
class Diagnosis:
    """The broken link, or `cause=None` when the request went through as it should."""

    cause: str | None
    summary: str
    evidence: list[Clue] = field(default_factory=list)
    fix: str = ""
    checked: list[str] = field(default_factory=list)  # what was looked at, in order

    @property
    def ok(self) -> bool:
        return self.cause is None

    @property
    def title(self) -> str:
        return cause_title(self.cause)

    def to_dict(self) -> dict:
        return {
            "cause": self.cause,
            "title": self.title,
            "summary": self.summary,
            "evidence": [{"source": c.source, "text": c.text} for c in self.evidence],
            "fix": self.fix,
            "checked": list(self.checked),
        }

    def to_text(self) -> str:
        head = f"{'OK' if self.ok else 'FAULT'} [{self.cause or 'none'}] {self.title}"
        lines = [head, f"  {self.summary}"]
        if self.evidence:
            lines.append("evidence:")
            lines += [f"  - {clue}" for clue in self.evidence]
        if self.fix:
            lines.append("fix:")
            lines += [f"  {line}" for line in self.fix.splitlines()]
        if self.checked:
            lines.append("checked: " + " → ".join(self.checked))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        color = "#2a7a2a" if self.ok else "#b00020"
        parts = [
            f'<div><p><b style="color:{color}">{"OK" if self.ok else "FAULT"}</b> '
            f"<code>{html.escape(self.cause or 'none')}</code> — {html.escape(self.title)}</p>",
            f"<p>{html.escape(self.summary)}</p>",
        ]
        if self.evidence:
            items = "".join(
                f"<li><i>{html.escape(c.source)}</i><br><code>{html.escape(c.text)}</code></li>"
                for c in self.evidence
            )
            parts.append(f"<p>Evidence:</p><ul>{items}</ul>")
        if self.fix:
            parts.append(f"<p>Fix:</p><pre>{html.escape(self.fix)}</pre>")
        if self.checked:
            parts.append(f"<p><small>checked: {html.escape(' → '.join(self.checked))}</small></p>")
        return "".join(parts) + "</div>"
