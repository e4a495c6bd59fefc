"""Coloured command output renders as a terminal would show it, in the theme's ANSI classes, and stays escaped."""

from __future__ import annotations

from ingresslab.commands.ansi import ansi_to_html, strip_ansi
from ingresslab.commands.result import STDERR, CommandResult

BOX = "\x1b[90m┌─ \x1b[33mWARN \x1b[90m ──\x1b[0m\n\x1b[90m│\x1b[0m  <b>not html</b>"


def test_colour_runs_become_spans_with_jupyterlab_ansi_classes():
    out = ansi_to_html(BOX)
    assert '<span class="ansi-black-intense-fg">┌─ </span>' in out
    assert '<span class="ansi-yellow-fg">WARN </span>' in out
    assert "&lt;b&gt;not html&lt;/b&gt;" in out and "\x1b" not in out
    assert out.endswith("  &lt;b&gt;not html&lt;/b&gt;")  # after a reset: no span


def test_bold_and_resets_and_plain_text():
    assert ansi_to_html("\x1b[1;31mfail\x1b[22m red\x1b[39m plain") == (
        '<span class="ansi-bold ansi-red-fg">fail</span><span class="ansi-red-fg"> red</span> plain'
    )
    assert ansi_to_html("a < b") == "a &lt; b"
    assert strip_ansi(BOX).startswith("┌─ WARN")


def test_a_results_html_shows_colours_not_escape_codes():
    result = CommandResult.from_transcript([(STDERR, BOX)], 0)
    page = result._repr_html_()
    assert "ansi-yellow-fg" in page and "\x1b" not in page and "[90m" not in page
