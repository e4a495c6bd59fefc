"""kubectl's flag syntax, as pflag parses it."""

from __future__ import annotations

import pytest

from ingresslab.commands.kubectl.flags import Flag, FlagError, parse_flags

FLAGS = [
    Flag("namespace", "n"),
    Flag("output", "o"),
    Flag("selector", "l"),
    Flag("filename", "f", repeat=True),
    Flag("stdin", "i", value=False),
    Flag("tty", "t", value=False),
    Flag("all-namespaces", "A", value=False),
]


@pytest.mark.parametrize(
    ("argv", "opts"),
    [
        (["-n", "kube-system"], {"namespace": "kube-system"}),
        (["-nkube-system"], {"namespace": "kube-system"}),
        (["--namespace=kube-system"], {"namespace": "kube-system"}),
        (["--namespace", "kube-system"], {"namespace": "kube-system"}),
        (["-owide"], {"output": "wide"}),
        (["-o=wide"], {"output": "wide"}),
        (["-ojsonpath={.items[0].metadata.name}"], {"output": "jsonpath={.items[0].metadata.name}"}),
        (["-it"], {"stdin": True, "tty": True}),
        (["-A"], {"all-namespaces": True}),
        (["--all-namespaces=false"], {"all-namespaces": False}),
    ],
)
def test_flag_forms(argv, opts):
    parsed = parse_flags(argv, FLAGS)
    for key, value in opts.items():
        assert parsed.get(key) == value


def test_repeated_flags_and_interspersed_positionals():
    parsed = parse_flags(["apply", "-f", "a.yaml", "x", "-f=b.yaml"], FLAGS)
    assert parsed.get("filename") == ["a.yaml", "b.yaml"]
    assert parsed.args == ["apply", "x"]


def test_double_dash_ends_flags():
    parsed = parse_flags(["pod", "-it", "--", "cat", "-n", "/etc/resolv.conf"], FLAGS)
    assert parsed.args == ["pod"] and parsed.after_dash == ["cat", "-n", "/etc/resolv.conf"]
    assert parsed.dash_at == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bogus"], "unknown flag: --bogus"),
        (["-x"], "unknown shorthand flag: 'x' in -x"),
        (["-n"], "flag needs an argument: 'n' in -n"),
        (["--namespace"], "flag needs an argument: --namespace"),
    ],
)
def test_kubectl_wording_for_bad_flags(argv, message):
    with pytest.raises(FlagError, match=message):
        parse_flags(argv, FLAGS)
