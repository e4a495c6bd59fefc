"""The Go-equivalent primitives: text/tabwriter layout and sort.Slice ordering."""

from __future__ import annotations

import random

from ingresslab.proxyconfig.gosort import go_sort_slice
from ingresslab.proxyconfig.tabwriter import TabWriter, tabulate


def _tw(text: str, padding: int = 1) -> str:
    writer = TabWriter(padding=padding)
    writer.write(text)
    return writer.flush()


def test_text_after_last_tab_is_not_padded_but_tab_terminated_cells_are() -> None:
    assert _tw("a\tbb\ncc\td\n") == "a  bb\ncc d\n"
    # a row that ends in a tab has an empty last cell: the cell before it is padded (istioctl's trailing spaces)
    assert _tw("NAME\tRULE\nx\t\n", padding=5) == "NAME     RULE\nx        \n"


def test_a_line_with_fewer_cells_ends_the_column_block() -> None:
    # the middle line has no cell in column 1, so lines 1 and 3 size column 1 independently
    assert _tw("a\tlong\tz\nbbbbbb\tq\nc\tx\ty\n") == "a      long z\nbbbbbb q\nc      x y\n"


def test_a_line_without_tabs_flushes_all_blocks() -> None:
    assert _tw("aaaa\tb\nheader\nc\td\n") == "aaaa b\nheader\nc d\n"


def test_widths_count_characters_not_bytes_and_open_last_line_is_written() -> None:
    assert _tw("é\tx\nab\ty") == "é  x\nab y"


def test_tabulate_joins_rows_with_padding() -> None:
    assert tabulate([["A", "B"], ["ccc", "d"]], padding=5) == "A       B\nccc     d\n"


def test_go_sort_matches_a_total_order_and_keeps_small_ties_in_input_order() -> None:
    rng = random.Random(7)
    for size in (0, 1, 5, 12, 13, 40, 300):
        values = [rng.randrange(10_000) for _ in range(size)]
        assert go_sort_slice(list(values), lambda a, b: a < b) == sorted(values)
    # up to 12 elements Go uses insertion sort, which never swaps equal keys
    pairs = [(k, i) for i, k in enumerate([3, 1, 3, 2, 1, 3, 2, 1, 3, 2, 1, 3])]
    assert go_sort_slice(list(pairs), lambda a, b: a[0] < b[0]) == sorted(pairs)


def test_go_sort_with_many_ties_is_a_deterministic_valid_permutation() -> None:
    items = [(i % 3, i) for i in range(60)]
    first = go_sort_slice(list(items), lambda a, b: a[0] > b[0])
    second = go_sort_slice(list(items), lambda a, b: a[0] > b[0])
    assert first == second
    assert sorted(first) == sorted(items)
    assert [k for k, _ in first] == sorted((k for k, _ in items), reverse=True)


def test_go_sort_with_partial_comparator_only_orders_comparable_neighbours() -> None:
    # retrieveSortedRouteSlice's comparator: numeric names compare, anything else is "not less"
    names = ["7777", "80", "http.8080", "15010", ""]

    def less(a: str, b: str) -> bool:
        return a.isdigit() and b.isdigit() and int(a) < int(b)

    assert go_sort_slice(names, less) == ["80", "7777", "http.8080", "15010", ""]
