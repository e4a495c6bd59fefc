"""kubectl's JSONPath dialect: the seed's templates, kubectl's quirks and error texts, checked against kubectl.

The differential tests run `kubectl label --local -f OBJ x=y -o jsonpath=T`, which evaluates a template with
no cluster (the label it adds is added to our copy too). kubectl turns any object with a top-level `items`
into a list of objects, so list-shaped data is given to kubectl under `itemz` and the template rewritten.
"""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from oracles import kubectl_path

from ingresslab.kube.jsonpath import JsonPathError, evaluate

from .demo_objects import istio_gateway_service, nginx_ingress, pods_v1, service_v1

KUBECTL = kubectl_path()


def pod_list() -> dict:
    return {"apiVersion": "v1", "items": pods_v1(), "kind": "List", "metadata": {"resourceVersion": ""}}


# ------------------------------------------------------------------------------------ the seed's lines
def test_seed_nodeport_filter_on_gateway_service():
    template = '{.spec.ports[?(@.name=="http2")].nodePort}'
    assert evaluate(template, istio_gateway_service()) == "30736"


def test_empty_index_on_a_list_yields_only_the_first_pod():
    assert evaluate("{.items[].metadata.name}", pod_list()) == "dest-depl-v1-7d9c8b6f4-2xkqp"


def test_wildcard_yields_every_pod_space_separated():
    out = evaluate("{.items[*].status.podIP}", pod_list())
    assert out == "10.244.0.10 10.244.0.11"


def test_map_values_print_as_compact_json():
    listing = {"apiVersion": "v1", "items": [nginx_ingress()], "kind": "List", "metadata": {}}
    assert evaluate("{.items[0].status}", listing) == '{"loadBalancer":{"ingress":[{"ip":"192.168.76.2"}]}}'


def test_range_with_escapes_prints_one_line_per_item():
    out = evaluate('{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}', pod_list())
    assert out == "dest-depl-v1-7d9c8b6f4-2xkqp\t10.244.0.10\ndest-depl-v1-7d9c8b6f4-9hmzt\t10.244.0.11\n"


def test_literal_text_between_actions_is_kept():
    assert evaluate("svc {.metadata.name} is {.spec.type}", service_v1()) == "svc dest-svc-v1 is NodePort"


def test_dollar_root_and_quoted_key_reach_the_same_field():
    obj = service_v1()
    assert evaluate("{$.metadata['name']}", obj) == evaluate("{.metadata.name}", obj) == "dest-svc-v1"


def test_quoted_key_with_dots_splits_like_kubectl_but_escaped_dots_do_not():
    obj = {"metadata": {"labels": {"app.kubernetes.io/name": "x"}}}
    assert evaluate("{['metadata.labels']}", obj) == '{"app.kubernetes.io/name":"x"}'
    assert evaluate("{.metadata.labels.app\\.kubernetes\\.io/name}", obj) == "x"


def test_negative_slice_and_step():
    obj = {"a": [1, 2, 3, 4, 5]}
    assert evaluate("{.a[-1:]}", obj) == "5"
    assert evaluate("{.a[0:5:2]}", obj) == "1 3 5"
    assert evaluate("{.a[-2]}", obj) == "4"


def test_filters_compare_numbers_and_test_existence():
    obj = istio_gateway_service()
    assert evaluate("{.spec.ports[?(@.port>100)].name}", obj) == "status-port https"
    assert evaluate("{.spec.ports[?(@.port<100)].name}", obj) == "http2"
    assert evaluate('{.spec.ports[?(@.name!="http2")].port}', obj) == "15021 443"
    assert evaluate("{.spec.ports[?(@.nodePort)].name}", obj) == "status-port http2 https"


def test_recursive_descent_finds_nested_keys():
    assert sorted(evaluate("{..ip}", nginx_ingress()).split()) == ["192.168.76.2"]


def test_missing_key_prints_nothing_by_default_and_errors_when_disallowed():
    assert evaluate("{.spec.nothing}", service_v1()) == ""
    with pytest.raises(JsonPathError) as err:
        evaluate("{.spec.nothing}", service_v1(), allow_missing_keys=False)
    assert str(err.value).startswith(
        'error: error executing jsonpath "{.spec.nothing}": Error executing template: nothing is not found.'
    )


def test_index_out_of_range_is_an_error_with_kubectl_wording():
    with pytest.raises(JsonPathError) as err:
        evaluate("{.items[0].metadata.name}", {"apiVersion": "v1", "items": [], "kind": "List"})
    message = err.value.message
    assert "array index out of bounds: index 0, length 0" in message
    assert (
        '\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "items":[]interface {}{}, "kind":"List"}\n\n'
        in message
    )


def test_parse_errors_name_the_template():
    with pytest.raises(
        JsonPathError, match=r"^error: error parsing jsonpath \{.items\[0\], unclosed action$"
    ):
        evaluate("{.items[0]", pod_list())
    with pytest.raises(JsonPathError, match="unrecognized character in action: U\\+007E '~'"):
        evaluate('{.items[?(@.a=~"x")]}', pod_list())


def test_incompatible_filter_types_are_reported():
    with pytest.raises(JsonPathError, match="incompatible types for comparison"):
        evaluate('{.spec.ports[?(@.port=="80")].name}', istio_gateway_service())


def test_jsonpath_as_json_wraps_each_result_in_an_indented_array():
    assert (
        evaluate("{.spec.ports[*].port}", istio_gateway_service(), as_json=True)
        == "[\n    15021,\n    80,\n    443\n]\n"
    )


def test_stray_end_is_rejected():
    with pytest.raises(JsonPathError, match="not in range, nothing to end"):
        evaluate("{end}", {})


# ------------------------------------------------------------------------------------- differential
TEMPLATES = [
    "{.metadata.name}",
    "{.spec.ports[*].name}",
    "{.spec.ports[]}",
    "{.spec.ports[0]}",
    "{.spec.ports[-1:].nodePort}",
    "{.spec.ports[0:2].port}",
    "{.spec.ports[::2].port}",
    "{.spec.ports[1,2].name}",
    '{.spec.ports[?(@.name=="http2")].nodePort}',
    "{.spec.ports[?(@.port>=443)].name}",
    "{.spec.ports[?(@.port<=80)].name}",
    "{.spec.ports[?(@.targetPort)].targetPort}",
    '{.spec.ports[?(@.name=="none")].port}',
    "{.spec}",
    "{.status}",
    "{.metadata.labels}",
    "{.metadata['labels']}",
    "{$.kind}/{@.metadata.name}",
    "x{\"\\n\"}y{'\\t'}z",
    '{range .spec.ports[*]}{.name}={.port}{"\\n"}{end}',
    "{range .spec.ports[*]}[{.nodePort}]{end}",
    "{.spec.type.x}",
    "{.missing}",
    "{.spec.ports[9]}",
    "{.spec.ports[1:0]}",
    "{.spec.ports[0:0]}",
    "{.spec.type[0]}",
    '{.spec.ports[?(@.port=="80")]}',
    "{.spec.ports[0]",
    "{.spec.ports[x]}",
    "{.spec.ports[?(@.port>1}",
    "{#}",
    "{range .spec.ports[*]}{.name}",
    "{end}",
    "{..nodePort}",
    "{.spec.ports[0].port}{.spec.ports[1].port}",
    "{.spec.ports[*].port}{' '}{.spec.clusterIP}",
    '{"a\\u00e9b"}',
    "{true}",
    "{5}",
]

LIST_TEMPLATES = [
    "{.items[].metadata.name}",
    "{.items[*].metadata.name}",
    "{.items[0].status.podIP}",
    '{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}',
    '{.items[?(@.status.podIP=="10.244.0.11")].metadata.name}',
    "{.items[*].spec.containers[0].args}",
    "{.items[5].metadata.name}",
    "{range .items[*]}{range .spec.containers[*]}{.name}:{.image}{end};{end}",
]


def _kubectl_jsonpath(obj: dict, template: str, tmp_path, *strict: str) -> tuple[int, str, str]:
    path = tmp_path / "obj.json"
    path.write_text(json.dumps(obj))
    proc = subprocess.run(
        [KUBECTL, "label", "--local", "-f", str(path), "x=y", *strict, "-o", f"jsonpath={template}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _ours(obj: dict, template: str, strict: bool) -> tuple[int, str, str]:
    try:
        return 0, evaluate(template, obj, allow_missing_keys=not strict), ""
    except JsonPathError as exc:
        return 1, "", exc.stderr


def _labelled(obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    obj["metadata"].setdefault("labels", {})["x"] = "y"
    return obj


needs_kubectl = pytest.mark.usefixtures("kubectl_oracle")


def _same(ours: tuple[int, str, str], theirs: tuple[int, str, str], template: str) -> None:
    if ".." in template:
        # `..` walks Go maps, whose order is random in kubectl: compare the words.
        assert (ours[0], sorted(ours[1].split())) == (theirs[0], sorted(theirs[1].split()))
    else:
        assert ours == theirs


@needs_kubectl
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_matches_kubectl_on_a_service(template, strict, tmp_path):
    obj = istio_gateway_service()
    obj["spec"]["ports"][1]["targetPort"] = "http"  # a string and an int in one list
    flags = ("--allow-missing-template-keys=false",) if strict else ()
    _same(
        _ours(_labelled(obj), template, strict), _kubectl_jsonpath(obj, template, tmp_path, *flags), template
    )


@needs_kubectl
@pytest.mark.parametrize("template", LIST_TEMPLATES)
def test_matches_kubectl_on_a_pod_list(template, tmp_path):
    holder = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "holder"}, "itemz": pods_v1()}
    theirs = _kubectl_jsonpath(holder, template.replace(".items", ".itemz"), tmp_path)
    theirs = (theirs[0], theirs[1], theirs[2].replace("itemz", "items"))
    data = _labelled(holder)
    data["items"] = data.pop("itemz")
    _same(_ours(data, template, False), theirs, template)


@needs_kubectl
def test_matches_kubectl_on_floats_nulls_and_html_characters(tmp_path):
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "odd"},
        "data": {"html": "<a&b>", "n": None, "f": 1.5, "big": 12345678.5, "tiny": 0.00001, "e": 1e21},
    }
    for template in ["{.data}", "{.data.f} {.data.big} {.data.tiny} {.data.e} {.data.n}", "{.data.html}"]:
        _same(_ours(_labelled(obj), template, False), _kubectl_jsonpath(obj, template, tmp_path), template)
