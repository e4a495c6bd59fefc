"""Widgets (ipywidgets 8) for the notebooks: a request panel with hop views, a log explorer and a pod shell.

Each one's logic is plain Python (`panel.send()`, `explorer.refresh()`, `shell.run()`), so it works — and is
tested — without a browser; each also has a text/HTML fallback for executed notebooks.
"""

from __future__ import annotations

from ingresslab.widgets.log_explorer import LogExplorer
from ingresslab.widgets.pod_shell import PodShell
from ingresslab.widgets.request_panel import RequestPanel, RequestReport

__all__ = ["LogExplorer", "PodShell", "RequestPanel", "RequestReport"]
