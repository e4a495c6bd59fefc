"""kubectl emulation over the sandbox: what each verb prints, its errors and exit codes."""

from __future__ import annotations

import json

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation
from ingresslab.manifests import DEMO_DIR


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox, cwd=str(DEMO_DIR.parent))

    def run(line: str, stdin: str = ""):
        import shlex

        return tool(Invocation(["kubectl", *shlex.split(line)], stdin=stdin, cwd=str(DEMO_DIR.parent)))

    return run


@pytest.fixture
def demo(kubectl):
    assert kubectl("create namespace application").stdout == "namespace/application created\n"
    assert (
        kubectl("config set-context --current --namespace=application").stdout
        == 'Context "minikube" modified.\n'
    )
    return kubectl


def test_apply_prints_kind_group_and_action_per_object(demo):
    first = demo("apply -f istio-deepdive/depl-helloworld.yaml")
    assert first.returncode == 0
    assert first.stdout.splitlines() == [
        "service/dest-svc-v1 created",
        "deployment.apps/dest-depl-v1 created",
        "service/dest-svc-v2 created",
        "deployment.apps/dest-depl-v2 created",
        "service/dest-svc-error created",
        "deployment.apps/dest-error-depl created",
    ]
    again = demo("apply -f istio-deepdive/depl-helloworld.yaml")
    assert all(line.endswith(" unchanged") for line in again.stdout.splitlines())


def test_apply_of_a_directory_reads_every_manifest(demo):
    result = demo("apply -f istio-deepdive/ -n application")
    # istio-gateway.yaml needs Istio's CRDs: kubectl maps every object first and applies nothing.
    assert result.returncode == 1
    assert 'no matches for kind "Gateway" in version "networking.istio.io/v1alpha3"' in result.stderr
    assert "ensure CRDs are installed first" in result.stderr
    assert demo("get svc -o name").stdout == ""


def test_delete_prints_kubectl_wording_and_not_found_errors(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    done = demo("delete -f istio-deepdive/depl-helloworld.yaml")
    assert done.stdout.splitlines()[:2] == [
        'service "dest-svc-v1" deleted',
        'deployment.apps "dest-depl-v1" deleted',
    ]
    again = demo("delete svc dest-svc-v1")
    assert again.returncode == 1
    assert again.stderr == 'Error from server (NotFound): services "dest-svc-v1" not found\n'
    assert demo("delete svc dest-svc-v1 --ignore-not-found").returncode == 0


def test_unknown_resource_type_and_unknown_verb(kubectl):
    bad = kubectl("get foo")
    assert (bad.returncode, bad.stderr) == (1, 'error: the server doesn\'t have a resource type "foo"\n')
    verb = kubectl("gett pods")
    assert verb.returncode == 1 and 'unknown command "gett" for "kubectl"' in verb.stderr


def test_get_missing_object_is_not_found_with_exit_code_1(demo):
    result = demo("get svc nope")
    assert (result.returncode, result.stderr) == (
        1,
        'Error from server (NotFound): services "nope" not found\n',
    )


def test_empty_namespace_says_no_resources_found_on_stderr(demo):
    result = demo("get pods")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == "No resources found in application namespace.\n"


def test_jsonpath_filter_and_first_item(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    assert (
        demo("get svc dest-svc-v1 -o jsonpath='{.spec.ports[?(@.name==\"http-v1\")].nodePort}'").stdout
        == "30001"
    )
    name = demo("get pod -l app=hw-v1 -ojsonpath={.items[].metadata.name}").stdout
    assert name.startswith("dest-depl-v1-") and " " not in name


def test_get_json_single_object_and_list(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    one = json.loads(demo("get svc dest-svc-v1 -o json").stdout)
    assert one["kind"] == "Service" and one["metadata"]["name"] == "dest-svc-v1"
    many = json.loads(demo("get svc -o json").stdout)
    assert many["kind"] == "List" and len(many["items"]) == 3


def test_get_name_output(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    assert demo("get deploy -o name").stdout.splitlines() == [
        "deployment.apps/dest-depl-v1",
        "deployment.apps/dest-depl-v2",
        "deployment.apps/dest-error-depl",
    ]


def test_label_and_overwrite(kubectl):
    assert kubectl("label namespace default istio-injection=enabled").stdout == "namespace/default labeled\n"
    clash = kubectl("label namespace default istio-injection=disabled")
    assert clash.returncode == 1
    assert (
        clash.stderr == "error: 'istio-injection' already has a value (enabled), and --overwrite is false\n"
    )
    assert kubectl("label ns default istio-injection-").stdout == "namespace/default unlabeled\n"
    assert kubectl("label ns default team=a team=a").stdout == "namespace/default labeled\n"
    assert kubectl("label ns default team=a --overwrite").stdout == "namespace/default not labeled\n"


def test_malformed_yaml_names_file_and_line_and_applies_nothing(demo, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: [\n"
    )
    result = demo(f"apply -f {bad}")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: error parsing {bad}: error converting YAML to JSON: yaml: line ")
    # only the root CA every namespace gets (root-ca-cert-publisher), nothing from the broken file
    assert demo("get configmap -o name").stdout == "configmap/kube-root-ca.crt\n"


def test_manifest_without_kind_is_a_validation_error(demo, tmp_path):
    bad = tmp_path / "nokind.yaml"
    bad.write_text("apiVersion: v1\nmetadata:\n  name: a\n")
    result = demo(f"apply -f {bad}")
    assert "error validating data: kind not set" in result.stderr and result.returncode == 1


def test_missing_file(demo):
    result = demo("apply -f nope.yaml")
    assert (result.returncode, result.stderr) == (1, 'error: the path "nope.yaml" does not exist\n')


def test_apply_into_missing_namespace(kubectl, tmp_path):
    cm = tmp_path / "cm.yaml"
    cm.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ghost\n")
    result = kubectl(f"apply -f {cm}")
    assert result.returncode == 1
    assert (
        result.stderr
        == f'Error from server (NotFound): error when creating "{cm}": namespaces "ghost" not found\n'
    )


def test_duplicate_node_port_through_kubectl(demo, tmp_path):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: copy\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30001\n"
    )
    result = demo(f"apply -f {dup}")
    assert result.returncode == 1
    assert result.stderr == (
        'The Service "copy" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated\n'
    )


def test_invalid_selector_through_kubectl(demo):
    result = demo("get pods -l 'app in (a'")
    assert result.returncode == 1
    assert result.stderr.startswith(
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match'
    )


def test_bad_flag_uses_kubectl_wording(kubectl):
    result = kubectl("get pods --bogus")
    assert result.returncode == 1
    assert result.stderr == "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"


def test_scale_and_rollout_status(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    assert (
        demo("scale deployment dest-depl-v1 --replicas=3").stdout == "deployment.apps/dest-depl-v1 scaled\n"
    )
    assert (
        demo("rollout status deployment/dest-depl-v1").stdout
        == 'deployment "dest-depl-v1" successfully rolled out\n'
    )
    assert len(demo("get pods -l app=hw-v1 -o name").stdout.splitlines()) == 3


def test_namespace_flag_before_the_verb(kubectl):
    result = kubectl("-n kube-system get svc kube-dns -o name")
    assert (result.returncode, result.stdout) == (0, "service/kube-dns\n")


def test_patch_merges_json_and_reports_no_change(demo):
    demo("apply -f istio-deepdive/depl-helloworld.yaml")
    result = demo("""patch svc dest-svc-v1 -p '{"spec":{"selector":{"app":"hw-v2"}}}'""")
    assert result.stdout == "service/dest-svc-v1 patched\n"
    assert demo("get svc dest-svc-v1 -o jsonpath={.spec.selector.app}").stdout == "hw-v2"
    again = demo("""patch svc dest-svc-v1 --type merge -p '{"spec":{"selector":{"app":"hw-v2"}}}'""")
    assert again.stdout == "service/dest-svc-v1 patched (no change)\n"
    bad = demo("patch svc dest-svc-v1 -p '{not json'")
    assert bad.returncode == 1 and bad.stderr.startswith("error: unable to parse")


def test_label_without_a_key_is_an_invalid_spec(kubectl):
    result = kubectl("label ns default =x")
    assert (result.returncode, result.stderr) == (1, "error: invalid label spec: =x\n")
