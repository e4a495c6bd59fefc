"""`ingresslab trace` on files saved with kubectl logs --prefix, as a person would on a real cluster."""

from __future__ import annotations

import json

from ingresslab.cli import main

from .reference import GATEWAY_LINE, SIDECAR_LINE, V1_PODS, seed_objects


def test_trace_cli_prints_the_hop_table_and_json(tmp_path, capsys):
    gw = tmp_path / "gateway.log"
    gw.write_text(
        f"[pod/istio-ingressgateway-6c9d5c7d9b-x2k4p/istio-proxy] {GATEWAY_LINE}\nnot an access line\n"
    )
    sc = tmp_path / "sidecar.log"
    sc.write_text(f"2024-09-15T12:35:56.472000000Z stdout F {SIDECAR_LINE}\n")
    objects = tmp_path / "objects.json"
    objects.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": seed_objects()}))
    rid = "3170f1cf-61ea-9166-b63c-35273a31e6f5"
    assert main(["trace", "--request-id", rid, "--objects", str(objects), str(gw), str(sc)]) == 0
    out = capsys.readouterr().out
    assert "via istio" in out and "sidecar inbound" in out and V1_PODS[0] in out
    assert main(["trace", "--request-id", rid, "--json", str(gw), str(sc)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["component"] for h in data["hops"]][:3] == ["client", "node", "istio-ingressgateway"]


def test_trace_cli_unreadable_file_is_exit_2(tmp_path, capsys):
    assert main(["trace", "--request-id", "x", str(tmp_path / "missing.log")]) == 2
    assert "cannot read" in capsys.readouterr().err
