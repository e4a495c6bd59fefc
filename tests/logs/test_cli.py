"""`ingresslab logs parse`: JSON Lines out, a summary on stderr, clear errors with exit code 2."""

from __future__ import annotations

import io
import json

from ingresslab.cli import main

NGINX = (
    '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 '
    "[application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450"
)
DNS = '[INFO] 10.244.0.10:54152 - 19147 "A IN a.b.svc.cluster.local. udp 59 false 512" NOERROR qr,aa,rd 116 0.000088042s'
KLOG = "I0825 16:19:13.160557       7 controller.go:190] Configuration changes detected"


def test_parse_file_writes_one_json_object_per_record(tmp_path, capsys):
    log = tmp_path / "mixed.log"
    log.write_text(f"{KLOG}\n2024-09-15T08:52:37.000000001Z {NGINX}\n{DNS}\n", encoding="utf-8")
    assert main(["logs", "parse", str(log)]) == 0
    out, err = capsys.readouterr()
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["format"] for o in objects] == ["ingress-nginx", "coredns"]
    assert (
        objects[0]["upstream_addr"] == ["10.244.0.10:5678"]
        and objects[0]["time"] == "2024-09-15T08:52:37+00:00"
    )
    assert objects[0]["envelope"]["sources"] == ["kubectl-timestamps"]
    assert objects[1]["class"] == "IN" and objects[1]["rflags"] == ["qr", "aa", "rd"]
    assert "3 lines: 2 records" in err and "klog 1" in err


def test_parse_reads_stdin_like_a_kubectl_pipe(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NGINX}\n{KLOG}\n"))
    assert main(["logs", "parse", "--format", "ingress-nginx"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["req_id"] == "5b0de41158eb9e86c19b0fc0174e4450"


def test_parse_reads_stdin_bytes_with_a_dash(monkeypatch, capsys):
    class Stdin:
        buffer = io.BytesIO(f"{DNS}\n".encode())

    monkeypatch.setattr("sys.stdin", Stdin())
    assert main(["logs", "parse", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "a.b.svc.cluster.local."


def test_stats_prints_the_report_instead_of_records(tmp_path, capsys):
    log = tmp_path / "c.log"
    log.write_text(f"{DNS}\n{DNS}\n{KLOG}\n", encoding="utf-8")
    assert main(["logs", "parse", "--stats", str(log)]) == 0
    out, _ = capsys.readouterr()
    assert "{" not in out and "coredns" in out and "skipped klog" in out and KLOG in out


def test_unknown_format_is_a_clear_error(tmp_path, capsys):
    assert main(["logs", "parse", "--format", "apache", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown log format 'apache'" in err and "ingress-nginx" in err and "Traceback" not in err


def test_unreadable_file_is_a_clear_error(tmp_path, capsys):
    assert main(["logs", "parse", str(tmp_path / "missing.log")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["logs", "parse", str(tmp_path)]) == 2  # a directory


def test_many_records_come_out_in_order_as_compact_json_lines(tmp_path, capsys):
    log = tmp_path / "big.log"
    lines = [NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", f"id{i}") for i in range(300)]
    log.write_text("\n".join([*lines[:150], KLOG, DNS, *lines[150:]]) + "\n", encoding="utf-8")
    assert main(["logs", "parse", str(log)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 301 and out[0].startswith('{"remote_addr":"192.168.76.1",')
    objects = [json.loads(line) for line in out]
    assert [o.get("req_id") for o in objects if o["format"] == "ingress-nginx"] == [
        f"id{i}" for i in range(300)
    ]
    assert objects[150]["format"] == "coredns"


def test_bytes_that_are_not_utf8_are_written_as_json_escapes(tmp_path, capsys):
    log = tmp_path / "odd.log"
    log.write_text(NGINX.replace("curl/7.81.0", "curl \\xFF") + "\n", encoding="utf-8")
    assert main(["logs", "parse", str(log)]) == 0
    out = capsys.readouterr().out
    assert "\\udcff" in out and json.loads(out)["http_user_agent"] == "curl \udcff"
