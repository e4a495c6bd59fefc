"""The sandbox's compact Gateway API CRDs against upstream's real files (v1.1.0, from the Go module cache).

Everything the sandbox declares must be what upstream declares: names, scope, versions (served, storage,
deprecation), printer columns, subresources, the status default, and — wherever the compact schema spells a
field out — its type, enum, required list and default. And every default upstream declares below a field the
compact schema spells out must be there too (else `-o yaml` after a create would differ).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ingresslab.backends.sandbox.addons.gateway_api_crds import standard_install


def _version_facts(crd: dict) -> list[tuple]:
    return [
        (
            v["name"],
            v["served"],
            v["storage"],
            v.get("deprecated"),
            v.get("deprecationWarning"),
            [
                (c["name"], c["type"], c["jsonPath"], c.get("priority"))
                for c in v.get("additionalPrinterColumns") or []
            ],
            v.get("subresources"),
            v["schema"]["openAPIV3Schema"].get("properties", {}).get("status", {}).get("default"),
            v["schema"]["openAPIV3Schema"].get("required"),
        )
        for v in crd["spec"]["versions"]
    ]


def _walk(ours: dict, theirs: dict, path: str, problems: list[str]) -> None:
    for key in (
        "type",
        "enum",
        "default",
        "required",
        "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys",
    ):
        if key in ours and ours[key] != theirs.get(key):
            problems.append(f"{path}: {key} {ours[key]!r} != upstream {theirs.get(key)!r}")
    for rule in ours.get("x-kubernetes-validations") or ():
        messages = [r.get("message") for r in theirs.get("x-kubernetes-validations") or ()]
        if rule["message"] not in messages:
            problems.append(f"{path}: CEL message {rule['message']!r} not upstream's")
    props = ours.get("properties")
    if isinstance(props, dict) and props:
        upstream = theirs.get("properties") or {}
        for name, sub in props.items():
            if name not in upstream:
                problems.append(f"{path}.{name}: not in upstream's schema")
            else:
                _walk(sub, upstream[name], f"{path}.{name}", problems)
        for name, sub in upstream.items():
            if name not in props and "default" in sub:
                problems.append(f"{path}.{name}: upstream's default {sub['default']!r} is missing")
    if isinstance(ours.get("items"), dict) and isinstance(theirs.get("items"), dict):
        _walk(ours["items"], theirs["items"], f"{path}[]", problems)


def compare(ours: list[dict], theirs: list[dict]) -> list[str]:
    problems: list[str] = []
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in theirs}
    assert [(d["kind"], d["metadata"]["name"]) for d in ours] == list(by_name)
    for mine in ours:
        name = mine["metadata"]["name"]
        real = by_name[(mine["kind"], name)]
        if mine["kind"] != "CustomResourceDefinition":
            if mine["metadata"] != real["metadata"]:
                problems.append(f"{mine['kind']} {name}: metadata differs")
            continue
        for key in ("annotations", "name"):
            if mine["metadata"][key] != real["metadata"][key]:
                problems.append(f"{name}: metadata.{key} differs")
        for key in ("group", "names", "scope"):
            if mine["spec"][key] != real["spec"][key]:
                problems.append(f"{name}: spec.{key} {mine['spec'][key]!r} != {real['spec'][key]!r}")
        if _version_facts(mine) != _version_facts(real):
            problems.append(f"{name}: versions {_version_facts(mine)!r} != {_version_facts(real)!r}")
        if mine.get("status") != real.get("status"):
            problems.append(f"{name}: the file's status stub differs")
        for mv, rv in zip(mine["spec"]["versions"], real["spec"]["versions"], strict=True):
            spec_mine = mv["schema"]["openAPIV3Schema"]["properties"]["spec"]
            spec_real = rv["schema"]["openAPIV3Schema"]["properties"]["spec"]
            _walk(spec_mine, spec_real, f"{name}/{mv['name']}:spec", problems)
    return problems


@pytest.fixture(scope="module")
def upstream_v110() -> list[dict[str, Any]]:
    from gobuild import GoMissing, crd_files
    from oracles import missing

    try:
        files = crd_files()["gateway-api"]
    except GoMissing as err:
        missing(f"upstream CRDs unavailable: {err}")
    docs: list[dict[str, Any]] = []
    for path in files:  # the release script's order: the files, alphabetically
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]
    return docs


def test_v1_1_0_descriptions_say_what_upstream_says(upstream_v110):
    assert compare(standard_install("v1.1.0"), upstream_v110) == []
