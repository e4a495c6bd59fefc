"""The text utilities: GNU-compatible output on the options tutorials use, and clear refusals for the rest."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils import PatternError, default_commands, translate_regex

LOGS = """\
192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 [application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450
192.168.76.1 - - [15/Sep/2024:08:52:38 +0000] "GET /v2 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.002 [application-dest-svc-v2-http-v2] [] 10.244.0.11:5678 33 0.001 200 0c6b6b0a4d7b9e0e9c0f7e7d6b5a4c3b
192.168.76.1 - - [15/Sep/2024:08:52:39 +0000] "POST /v1 HTTP/1.1" 404 548 "-" "curl/7.81.0" 90 0.000 [upstream-default-backend] [] 127.0.0.1:8181 548 0.000 404 9f8e7d6c5b4a39281706f5e4d3c2b1a0
[INFO] 10.244.0.10:54152 - 19147 "A IN dest-svc-v1.application.svc.cluster.local. udp 59 false 512" NOERROR qr,aa,rd 116 0.000088042s
[INFO] 10.244.0.10:54152 - 36587 "AAAA IN dest-svc-v1.application.svc.cluster.local. udp 59 false 512" NOERROR qr,aa,rd 152 0.000044833s
[INFO] 10.244.0.10:41234 - 1201 "A IN example.com.application.svc.cluster.local. udp 48 false 512" NXDOMAIN qr,aa,rd 141 0.000101s

a+b (x) {y} a{2} ^caret$ end
a+b (x) {y} a{2} ^caret$ end
"""
TABLE = """\
NAMESPACE       NAME                                        READY   STATUS    RESTARTS   AGE   IP            NODE
application     dest-deployment-v1-5c8c9f7d8-x2x7q          2/2     Running   0          5m    10.244.0.10   minikube
application     dest-deployment-v1-5c8c9f7d8-k9p2m          2/2     Running   0          5m    10.244.0.11   minikube
istio-system    istio-ingressgateway-7d8f9c6b5-abcde        1/1     Running   0          9m    10.244.0.8    minikube
kube-system     coredns-6f6b679f8f-qwert                    1/1     Running   1          2d    10.244.0.2    minikube
"""
NUMBERS = "10 b\n9 a\n100 c\n-3 d\n9 a\n2.5 e\nx f\n10 b\n"
NO_NEWLINE = "beta 2\nalpha 10\ngamma"
INPUTS = {"logs": LOGS, "table": TABLE, "numbers": NUMBERS, "no-newline": NO_NEWLINE, "empty": ""}

CASES = [
    (["grep", "dest-svc-v1.application.svc.cluster"], "logs"),
    (["grep", "-i", "get"], "logs"),
    (["grep", "-v", "INFO"], "logs"),
    (["grep", "-c", "NOERROR"], "logs"),
    (["grep", "GET", "-c"], "logs"),
    (["grep", "-ci", "get"], "logs"),
    (["grep", "-o", r"10\.244\.0\.[0-9]*"], "logs"),
    (["grep", "-oE", r"[0-9]+\.[0-9]+s"], "logs"),
    (["grep", "-o", "-i", r"get\|post"], "logs"),
    (["grep", "-on", "[^ ]*$"], "logs"),
    (["grep", "-w", "A"], "logs"),
    (["grep", "-n", "-e", "AAAA", "-e", "v2"], "logs"),
    (["grep", "-F", "[INFO]"], "logs"),
    (["grep", "-x", "a+b (x) {y} a{2} ^caret$ end"], "logs"),
    (["grep", r"\(GET\|POST\) /v[12]"], "logs"),
    (["grep", "a+b (x) {y}"], "logs"),
    (["grep", "a{2} ^caret$"], "logs"),
    (["grep", r"a\{2\}"], "logs"),
    (["grep", "-E", "a{2}"], "logs"),
    (["grep", "-E", "a+b"], "logs"),
    (["grep", "-E", r"a\+b \(x\)"], "logs"),
    (["grep", "-E", "(GET|POST) /v[[:digit:]]"], "logs"),
    (["grep", "-E", '"(A|AAAA) IN'], "logs"),
    (["grep", r"^\[INFO\]"], "logs"),
    (["grep", r"end$"], "logs"),
    (["grep", r"\<v1\>"], "logs"),
    (["grep", "-A1", "POST"], "logs"),
    (["grep", "-B1", "-n", "AAAA"], "logs"),
    (["grep", "-C1", "v2"], "logs"),
    (["grep", "-A", "1", "-e", "v1"], "logs"),
    (["grep", "-m1", "GET"], "logs"),
    (["grep", "-q", "GET"], "logs"),
    (["grep", "nomatch"], "logs"),
    (["grep", "-c", "nomatch"], "logs"),
    (["grep", "x*"], "no-newline"),
    (["grep", "-e", ""], "no-newline"),
    (["grep", "-H", "Running"], "table"),
    (["grep", "10.244.0.8"], "table"),
    (["grep", "-E", "2/2|1/1"], "table"),
    (["grep", "-E", "a{"], "logs"),
    (["grep", "[[:upper:]]\\{4\\}"], "logs"),
    (["grep", "-E", "^(application|istio-system) "], "table"),
    (["grep", "ALPHA"], "no-newline"),
    (["grep", "-i", "ALPHA"], "no-newline"),
    (["grep", "-v", "a"], "empty"),
    (["head", "-n", "3"], "table"),
    (["head", "-3"], "logs"),
    (["head", "-n", "-2"], "table"),
    (["head", "-c", "20"], "table"),
    (["head"], "logs"),
    (["head", "-n0"], "table"),
    (["head", "-n", "5"], "no-newline"),
    (["head", "--lines=2"], "table"),
    (["tail", "-n", "2"], "table"),
    (["tail", "-2"], "logs"),
    (["tail", "-n", "+3"], "table"),
    (["tail", "-c", "15"], "table"),
    (["tail"], "logs"),
    (["tail", "-n", "0"], "table"),
    (["tail", "-c", "+5"], "no-newline"),
    (["tail", "-n", "1"], "no-newline"),
    (["tail", "-n1"], "empty"),
    (["wc", "-l"], "logs"),
    (["wc", "-w"], "table"),
    (["wc", "-c"], "table"),
    (["wc"], "logs"),
    (["wc", "-lw"], "table"),
    (["wc", "-l"], "no-newline"),
    (["wc", "-L"], "table"),
    (["wc", "-l"], "empty"),
    (["sort"], "table"),
    (["sort", "-r"], "numbers"),
    (["sort", "-u"], "numbers"),
    (["sort", "-n"], "numbers"),
    (["sort", "-nr"], "numbers"),
    (["sort", "-n", "-u"], "numbers"),
    (["sort", "-k2"], "numbers"),
    (["sort", "-k2,2", "-r"], "numbers"),
    (["sort", "-k", "6", "-n"], "table"),
    (["sort", "-t", ":", "-k2", "-n"], "logs"),
    (["sort"], "no-newline"),
    (["uniq"], "numbers"),
    (["uniq", "-c"], "logs"),
    (["uniq", "-d"], "logs"),
    (["uniq", "-u"], "logs"),
    (["cut", "-d", " ", "-f1"], "logs"),
    (["cut", "-d", " ", "-f", "1,3-4"], "numbers"),
    (["cut", "-c", "1-5"], "table"),
    (["cut", "-d:", "-f2-"], "logs"),
    (["cut", "-s", "-d,", "-f1"], "logs"),
    (["cut", "-d", "/", "-f", "-2"], "table"),
    (["tr", "a-z", "A-Z"], "table"),
    (["tr", "-d", "[:digit:]"], "table"),
    (["tr", "-s", " "], "table"),
    (["tr", "-cd", "0-9\\n"], "numbers"),
    (["tr", "[:lower:]", "[:upper:]"], "no-newline"),
    (["tr", " ", "\\n"], "numbers"),
    (["tr", "-s", " ", "\\t"], "table"),
    (["tr", "abc", "x"], "numbers"),
    (["column", "-t"], "numbers"),
    (["column", "-t"], "table"),
    (["cat"], "no-newline"),
    (["cat", "-n"], "numbers"),
]


def lab(argv: list[str], text: str) -> CommandResult:
    return default_commands()[argv[0]](Invocation(argv, text))


@pytest.mark.parametrize(("argv", "source"), CASES, ids=[" ".join(a) + f" <{s}" for a, s in CASES])
def test_output_matches_gnu(argv, source):
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed")
    text = INPUTS[source]
    gnu = subprocess.run(
        argv,
        input=text,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
        env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    ours = lab(argv, text)
    assert (ours.stdout, ours.returncode) == (gnu.stdout, gnu.returncode)


def test_default_commands_are_the_text_tools_and_echo_printf():
    assert sorted(default_commands()) == [
        "cat",
        "column",
        "cut",
        "echo",
        "grep",
        "head",
        "printf",
        "sort",
        "tail",
        "tr",
        "uniq",
        "wc",
    ]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["grep", "x", "app.log"], 2),
        (["head", "-n", "3", "app.log"], 1),
        (["tail", "app.log"], 1),
        (["wc", "-l", "app.log"], 1),
        (["sort", "app.log"], 2),
        (["cat", "/etc/resolv.conf"], 1),
    ],
)
def test_file_operands_are_refused_with_a_pipe_hint(argv, code):
    result = lab(argv, "text\n")
    assert result.returncode == code
    assert "reading files is not available in the lab's shell" in result.stderr
    assert "pipe text in instead" in result.stderr


def test_stdin_dash_is_accepted_as_a_file_operand():
    assert lab(["cat", "-"], "x\n").stdout == "x\n"
    assert lab(["grep", "x", "-"], "x\ny\n").stdout == "x\n"


@pytest.mark.parametrize("flag", ["-f", "-F", "--follow", "-fn10", "--follow=name"])
def test_tail_follow_is_refused_clearly(flag):
    result = lab(["tail", flag], "a\n")
    assert result.returncode == 1
    assert "following (-f) is not available" in result.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grep"], "Usage: grep"),
        (["grep", "-Z", "x"], "grep: invalid option -- 'Z'"),
        (["grep", "--frobnicate", "x"], "grep: unrecognized option '--frobnicate'"),
        (["grep", "-e"], "grep: option requires an argument -- 'e'"),
        (["grep", "\\(x"], "grep: Unmatched ( or \\("),
        (["grep", "-E", "(x"], "grep: Unmatched ( or \\("),
        (["grep", "[x"], "grep: Unmatched ["),
        (["grep", "x\\"], "grep: Trailing backslash"),
        (["grep", "[[:nope:]]"], "invalid character class"),
        (["grep", "-A", "x", "y"], "invalid number of context lines"),
        (["head", "-n", "ten"], "head: invalid number of lines: 'ten'"),
        (["sort", "-k", "0"], "sort: invalid field specification '0'"),
        (["cut", "-f", "0"], "cut: fields are numbered from 1"),
        (["cut", "-d", "ab", "-f1"], "the delimiter must be a single character"),
        (["cut"], "you must specify a list"),
        (["tr", "a"], "missing operand after SET1"),
    ],
)
def test_bad_usage_names_the_problem(argv, message):
    result = lab(argv, "x\n")
    assert result.returncode in (1, 2)
    assert message in result.stderr


def test_grep_exit_codes():
    assert lab(["grep", "a"], "a\n").returncode == 0
    assert lab(["grep", "b"], "a\n").returncode == 1
    assert lab(["grep", "-q", "a"], "a\n") == CommandResult("", "", 0)
    assert lab(["grep", "("], "(\n").stdout == "(\n"  # literal in BRE


def test_grep_only_matching_with_invert_prints_nothing_but_succeeds():
    result = lab(["grep", "-ov", "a"], "a\nb\n")
    assert (result.stdout, result.returncode) == ("", 0)


@pytest.mark.parametrize(
    ("pattern", "extended", "matches", "misses"),
    [
        ("a+b", False, ["a+b"], ["ab", "aab"]),
        ("a\\+b", False, ["ab", "aaab"], ["a+b"]),
        ("a+b", True, ["ab", "aaab"], ["a+b"]),
        ("(x)", False, ["(x)"], ["x"]),
        ("\\(x\\)\\1", False, ["xx"], ["x"]),
        ("x|y", False, ["x|y"], ["x"]),
        ("x\\|y", False, ["y"], ["z"]),
        ("*a", False, ["*a"], ["a"]),
        ("^*a", False, ["*a"], ["a"]),
        ("a^b$c", False, ["a^b$c"], ["ab"]),
        ("[]x]", False, ["]"], ["y"]),
        ("[^]x]", False, ["y"], ["]"]),
        ("[a\\]", True, ["\\"], ["]"]),
        ("[[:digit:]-]", True, ["-", "5"], ["a"]),
        ("a+?", True, ["a"], ["b"]),
        ("a{2,}", True, ["aa"], ["a"]),
        ("a{,2}b", True, ["b", "aab"], []),
        ("{", True, ["{"], ["x"]),
        ("a)", True, ["a)"], ["a"]),
    ],
)
def test_translate_regex(pattern, extended, matches, misses):
    rx = re.compile(translate_regex(pattern, extended))
    assert all(rx.search(s) for s in matches)
    assert not any(rx.fullmatch(s) for s in misses)


def test_translate_regex_rejects_bad_patterns():
    for bad, extended in [("\\(", False), ("(", True), ("a\\{1", False), ("a\\{2,1\\}", False), ("[", False)]:
        with pytest.raises(PatternError):
            translate_regex(bad, extended)


def test_echo_options_and_escapes():
    echo = default_commands()["echo"]
    assert echo(Invocation(["echo", "-n", "a", "b"])).stdout == "a b"
    assert echo(Invocation(["echo", "-e", "a\\tb\\x41\\0101\\cignored"])).stdout == "a\tbAA"
    assert echo(Invocation(["echo", "-x", "a\\tb"])).stdout == "-x a\\tb\n"


def test_printf_reuses_the_format_and_reports_bad_numbers():
    printf = default_commands()["printf"]
    assert printf(Invocation(["printf", "%s=%s\\n", "a", "1", "b"])).stdout == "a=1\nb=\n"
    result = printf(Invocation(["printf", "%d\\n", "abc"]))
    assert (result.stdout, result.returncode) == ("0\n", 1)
    assert "abc: invalid number" in result.stderr
    assert printf(Invocation(["printf", "%c%%%x", "hello", "255"])).stdout == "h%ff"
