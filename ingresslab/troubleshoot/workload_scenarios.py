"""Scenarios where the pods themselves never become ready — the faults `kubectl describe pod`'s Events explain.

- `image-typo`: a Deployment rolled out with an image that does not exist (and the Recreate strategy, so the old
  pods are gone first): ErrImagePull, then ImagePullBackOff; 503 at every front end.
- `crash-loop`: a container whose command exits at once: the kubelet restarts it with back-off
  (CrashLoopBackOff); 503 at every front end.
diagnose() names them from the pods' waiting reason and their Warning Events, as an engineer reads them.
"""

from __future__ import annotations

from collections.abc import Callable

from ingresslab.troubleshoot.faults import Patch
from ingresslab.troubleshoot.scenarios import Scenario, register_scenario

__all__ = ["CRASH_LOOP", "IMAGE_TYPO"]

_DEPLOYMENT = ("deployments", "dest-depl-v1", "application")


def _roll_out(change: Callable[[dict], dict]) -> Callable[[dict], dict]:
    """A merge patch switching to Recreate and changing the first container (the whole list, as merge patches
    replace lists)."""

    def edit(dep: dict) -> dict:
        containers = [dict(c) for c in dep["spec"]["template"]["spec"]["containers"]]
        containers[0] = change(containers[0])
        return {
            "spec": {
                "strategy": {"type": "Recreate", "rollingUpdate": None},
                "template": {"spec": {"containers": containers}},
            }
        }

    return edit


IMAGE_TYPO = Scenario(
    "image-typo",
    "A Deployment rolled out with an image that does not exist",
    "503 from NGINX and 503 UH from the gateway; the pods stay Pending with ErrImagePull / ImagePullBackOff",
    "image-pull-failed",
    (Patch(*_DEPLOYMENT, _roll_out(lambda c: dict(c, image="hashicorp/http-ecko"))),),
)
CRASH_LOOP = Scenario(
    "crash-loop",
    "A container whose command exits at once",
    "503 from NGINX and 503 UH from the gateway; the pods restart again and again (CrashLoopBackOff)",
    "container-crash-looping",
    (
        Patch(
            *_DEPLOYMENT,
            _roll_out(
                lambda c: {
                    **{k: v for k, v in c.items() if k != "args"},
                    "image": "busybox",
                    "command": ["sh", "-c", "echo missing config; exit 1"],
                }
            ),
        ),
    ),
)

for _scenario in (IMAGE_TYPO, CRASH_LOOP):
    register_scenario(_scenario)
