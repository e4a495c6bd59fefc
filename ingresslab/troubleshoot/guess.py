"""The guess box: the learner picks the cause they suspect, presses Check, and sees what `diagnose` found.

The logic lives in `check(cause)` so it runs (and is tested) without a browser; `button.click()` does the same
from code, and the text/HTML fallback shows every guess made so far in executed notebooks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ingresslab.troubleshoot.findings import CAUSES, Diagnosis, cause_title

__all__ = ["Guess", "GuessBox"]

NO_FAULT = "none"


@dataclass(frozen=True, slots=True)
class Guess:
    guessed: str
    found: str | None

    @property
    def right(self) -> bool:
        return self.guessed == (self.found or NO_FAULT)

    def __str__(self) -> str:
        verdict = "right" if self.right else f"not quite: diagnose found {cause_title(self.found)}"
        return f"you guessed {cause_title(None if self.guessed == NO_FAULT else self.guessed)} — {verdict}"


class GuessBox:
    """`GuessBox(lab, evidence)`: a Dropdown of causes and a Check button; the diagnosis is made on first check."""

    def __init__(self, lab: Any, evidence: Any) -> None:
        import ipywidgets as w

        self.lab = lab
        self.evidence = evidence
        self.diagnosis: Diagnosis | None = None
        self.guesses: list[Guess] = []
        options = [(cause_title(None), NO_FAULT)] + [(title, cause) for cause, title in CAUSES.items()]
        self.dropdown = w.Dropdown(options=options, value=NO_FAULT, description="cause")
        self.dropdown.layout = w.Layout(width="34em")
        self.button = w.Button(description="Check", button_style="info")
        self.output = w.HTML()
        self.button.on_click(lambda _: self._clicked())
        self.widget = w.VBox([w.HBox([self.dropdown, self.button]), self.output])

    def _clicked(self) -> None:
        try:
            self.check(self.dropdown.value)
        except Exception as exc:  # a widget callback has nowhere to raise to: show it
            self.output.value = f'<span style="color:#b00">{html.escape(str(exc))}</span>'

    def check(self, cause: str) -> Guess:
        """Record a guess (a cause id, or "none") and compare it with the diagnosis."""
        if cause != NO_FAULT and cause not in CAUSES:
            raise ValueError(f"unknown cause {cause!r}; pick one of: {NO_FAULT}, {', '.join(CAUSES)}")
        if self.diagnosis is None:
            self.diagnosis = self.lab.diagnose(self.evidence)
        guess = Guess(cause, self.diagnosis.cause)
        self.guesses.append(guess)
        self.output.value = self._html()
        return guess

    def _html(self) -> str:
        if not self.guesses:
            return "<p>pick a cause and press Check</p>"
        last = self.guesses[-1]
        color = "#2a7a2a" if last.right else "#b00020"
        out = f'<p style="color:{color}"><b>{html.escape(str(last))}</b></p>'
        return out + (self.diagnosis._repr_html_() if self.diagnosis is not None else "")

    def __repr__(self) -> str:
        if not self.guesses:
            return "<GuessBox: no guess yet>"
        return "\n".join(str(g) for g in self.guesses) + "\n\n" + str(self.diagnosis)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = repr(self)
        return bundle

    def html_snapshot(self) -> str:
        return self._html()
