"""The differential corpus: each case's kubectl commands run through the sandbox and through real kubectl.

    cases.yaml     the corpus (setup commands, compared commands, which streams count)
    accepted.yaml  differences that stay, each with its reason, as rules applied to both sides' output

A case gets its own namespace(s) (`$NS`, `$NS2`), its own copy of the demo's manifests with its own NodePorts
(`$NP1`..`$NP3`; the shared reference cluster allocates NodePorts cluster-wide) and, on the reference side, its
own kubeconfig (so `kubectl config set-context` never touches another test's). The sandbox does synchronously
what the real controllers and KWOK do eventually, so after every command that may change state the reference
side *settles*: it polls the API server until Deployments, ReplicaSets, Pods, Endpoints and EndpointSlices of the
case's namespaces have converged (bounded by a deadline; never a blind sleep).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from diffnorm import Tally, compare_text

from ingresslab.kube.pods import pod_ready

__all__ = ["Case", "Outcome", "load_accepted", "load_cases", "run_case"]

HERE = Path(__file__).resolve().parent
MANIFESTS = HERE.parents[1] / "ingresslab" / "manifests" / "istio-deepdive"
SETTLE_TIMEOUT = 60.0
DEMO_PORTS = (30001, 30002, 30003)
PORT_BASE = 30100  # the contract suite applies the demo with its own 30001–30003 on the same cluster
READ_ONLY = re.compile(
    r"^\s*(?:[A-Z_]+=\$\()?kubectl\s+(?:get|describe|explain|api-resources|api-versions|version|config\s+view|wait)\b"
)


@dataclass(frozen=True)
class Step:
    run: str
    compare: tuple[str, ...]  # of stdout, stderr, rc
    tables: bool  # parse tables into cells
    only_case_rows: (
        bool  # keep only lines/rows that name one of the case's namespaces (cluster-wide listings)
    )


@dataclass(frozen=True)
class Case:
    id: str
    index: int
    steps: tuple[Step, ...]
    files: dict[str, str]  # extra files written into the case's directory

    @property
    def namespaces(self) -> tuple[str, str]:
        return (f"diff-{self.id}", f"diff-{self.id}-b")

    @property
    def ports(self) -> tuple[int, int, int]:
        base = PORT_BASE + 3 * self.index
        return (base, base + 1, base + 2)

    def substitute(self, text: str) -> str:
        ns, ns2 = self.namespaces
        values = {
            "NS2": ns2,
            "NS": ns,
            "NP1": str(self.ports[0]),
            "NP2": str(self.ports[1]),
            "NP3": str(self.ports[2]),
        }
        return re.sub(r"\$(NS2|NS|NP1|NP2|NP3)\b", lambda m: values[m.group(1)], text)


@dataclass
class Outcome:
    case: Case
    sandbox: list[dict] = field(default_factory=list)
    reference: list[dict] = field(default_factory=list)
    diff: str = ""  # unified diff of the normalised outputs ("" when they agree)
    accepted: list[str] = field(default_factory=list)  # ids of accepted rules that made a difference
    seconds: float = 0.0

    @property
    def identical(self) -> bool:
        return not self.diff and not self.accepted


def load_cases(path: Path = HERE / "cases.yaml") -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    common = dict(data.get("files") or {})
    cases: list[Case] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["cases"]):
        if raw["id"] in seen:
            raise ValueError(f"duplicate case id {raw['id']}")
        seen.add(raw["id"])
        defaults = {"compare": ("stdout", "stderr", "rc"), "tables": True, "only_case_rows": False}
        steps: list[Step] = []
        for text in raw.get("setup", []):
            steps.append(Step(text, (), False, False))
        for entry in raw["commands"]:
            if isinstance(entry, str):
                entry = {"run": entry}
            steps.append(
                Step(
                    entry["run"],
                    tuple(entry.get("compare", raw.get("compare", defaults["compare"]))),
                    bool(entry.get("tables", defaults["tables"])),
                    bool(entry.get("only_case_rows", raw.get("only_case_rows", defaults["only_case_rows"]))),
                )
            )
        cases.append(Case(raw["id"], index, tuple(steps), {**common, **raw.get("files", {})}))
    return cases


def load_accepted(path: Path = HERE / "accepted.yaml") -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = data.get("accepted") or []
    for rule in rules:
        if not rule.get("reason") or not rule.get("id"):
            raise ValueError(f"accepted rule without id or reason: {rule}")
        rule["_pattern"] = re.compile(rule["pattern"], re.M)
        rule.setdefault("replace", "")
    return rules


# -- the case's directory -----------------------------------------------------------------------------------
def prepare_directory(case: Case, directory: Path) -> None:
    """The demo's manifests with this case's NodePorts, plus the case's own files, under `directory`."""
    target = directory / "istio-deepdive"
    target.mkdir(parents=True, exist_ok=True)
    for source in MANIFESTS.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        for demo, mine in zip(DEMO_PORTS, case.ports, strict=True):
            text = text.replace(f"nodePort: {demo}", f"nodePort: {mine}")
        (target / source.name).write_text(text, encoding="utf-8")
    for name, text in case.files.items():
        (directory / name).write_text(case.substitute(text), encoding="utf-8")


# -- sandbox side ------------------------------------------------------------------------------------------
class SandboxSide:
    def __init__(self, case: Case, directory: Path) -> None:
        from ingresslab import Lab
        from ingresslab.backends.sandbox import SandboxBackend

        self.lab = Lab(SandboxBackend(None, seed=1000 + case.index), cwd=directory)

    def run(self, text: str) -> dict:
        result = self.lab.sh(text)
        return {"stdout": result.stdout, "stderr": result.stderr, "rc": result.returncode}

    def close(self) -> None:
        pass


# -- reference side ----------------------------------------------------------------------------------------
class Api:
    """Just enough of the API server for settling: GET with the kubeconfig's token."""

    def __init__(self, kubeconfig: Path) -> None:
        config = yaml.safe_load(kubeconfig.read_text(encoding="utf-8"))
        cluster = config["clusters"][0]["cluster"]
        self.server = cluster["server"].rstrip("/")
        self.token = config["users"][0]["user"]["token"]
        self.context = ssl.create_default_context(cafile=cluster["certificate-authority"])

    def get(self, path: str) -> dict | None:
        request = urllib.request.Request(
            self.server + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return None
            raise


def _matches(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _ready(pod: dict) -> bool:
    return pod_ready(pod) and bool(pod.get("status", {}).get("podIP"))


def unsettled(api: Api, namespace: str) -> str | None:
    """What has not converged yet in `namespace` (None when everything has)."""
    ns = api.get(f"/api/v1/namespaces/{namespace}")
    if ns is None:
        return None
    if ns["metadata"].get("deletionTimestamp"):
        return f"namespace {namespace} terminating"
    if api.get(f"/api/v1/namespaces/{namespace}/serviceaccounts/default") is None:
        return "serviceaccount default"
    if api.get(f"/api/v1/namespaces/{namespace}/configmaps/kube-root-ca.crt") is None:
        return "configmap kube-root-ca.crt"
    for kind, path in (("deployment", "/apis/apps/v1"), ("replicaset", "/apis/apps/v1")):
        for obj in api.get(f"{path}/namespaces/{namespace}/{kind}s")["items"]:
            spec, status = obj["spec"], obj.get("status", {})
            want = spec.get("replicas", 1)
            if status.get("observedGeneration", 0) < obj["metadata"]["generation"]:
                return f"{kind} {obj['metadata']['name']} generation"
            counts = [status.get(k, 0) for k in ("replicas", "readyReplicas", "availableReplicas")]
            if kind == "deployment":
                if not spec.get("paused"):  # a paused Deployment keeps its old pods: none is "updated"
                    counts.append(status.get("updatedReplicas", 0))
                if want and not any(
                    c["type"] == "Available" and c["status"] == "True" for c in status.get("conditions", [])
                ):
                    return f"deployment {obj['metadata']['name']} not Available"
            else:
                counts.append(status.get("fullyLabeledReplicas", 0))
            if any(c != want for c in counts):
                return f"{kind} {obj['metadata']['name']} replicas {counts} != {want}"
    pods = api.get(f"/api/v1/namespaces/{namespace}/pods")["items"]
    owners = {
        o["metadata"]["uid"]
        for kind in ("deployments", "replicasets")
        for o in api.get(f"/apis/apps/v1/namespaces/{namespace}/{kind}")["items"]
    }
    for kind, path in (("replicasets", "/apis/apps/v1"), ("pods", "/api/v1")):
        for obj in api.get(f"{path}/namespaces/{namespace}/{kind}")["items"] if kind != "pods" else pods:
            refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("controller")]
            if refs and refs[0]["uid"] not in owners:
                return f"{kind} {obj['metadata']['name']} waits for the garbage collector"
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            return f"pod {pod['metadata']['name']} terminating"
        if _unschedulable(pod):
            # Pending for good (no node fits); settled once the scheduler's Event about it is written.
            events = api.get(
                f"/api/v1/namespaces/{namespace}/events?fieldSelector=involvedObject.name%3D"
                f"{pod['metadata']['name']},reason%3DFailedScheduling"
            )["items"]
            if not events:
                return (
                    f"pod {pod['metadata']['name']} unschedulable, its FailedScheduling Event not written yet"
                )
            continue
        if pod.get("status", {}).get("phase") != "Running" or not _ready(pod):
            return f"pod {pod['metadata']['name']} not ready"
    endpoints = {
        e["metadata"]["name"]: e for e in api.get(f"/api/v1/namespaces/{namespace}/endpoints")["items"]
    }
    slices = api.get(f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices")["items"]
    for svc in api.get(f"/api/v1/namespaces/{namespace}/services")["items"]:
        selector = svc["spec"].get("selector")
        if not selector or svc["spec"].get("type") == "ExternalName":
            continue
        name = svc["metadata"]["name"]
        want = sum(1 for p in pods if _matches(selector, p["metadata"].get("labels", {})) and _ready(p))
        ep = endpoints.get(name)
        if ep is None:
            return f"endpoints {name} missing"
        have = sum(len(s.get("addresses", [])) for s in ep.get("subsets", []) or [])
        if have != want:
            return f"endpoints {name}: {have} != {want}"
        mine = [
            s for s in slices if s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == name
        ]
        if not mine:
            return f"endpointslice {name} missing"
        have = sum(1 for s in mine for e in s.get("endpoints") or [] if e.get("conditions", {}).get("ready"))
        if have != want:
            return f"endpointslices {name}: {have} != {want}"
    return None


def _unschedulable(pod: dict) -> bool:
    return any(
        c.get("type") == "PodScheduled" and c.get("status") == "False" and c.get("reason") == "Unschedulable"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def settle(api: Api, namespaces: tuple[str, ...], timeout: float = SETTLE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        waiting = [w for w in (unsettled(api, ns) for ns in namespaces) if w]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"reference cluster did not settle within {timeout:.0f}s: {waiting}")
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def wait_gone(api: Api, namespaces: tuple[str, ...], timeout: float = SETTLE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while any(api.get(f"/api/v1/namespaces/{ns}") is not None for ns in namespaces):
        if time.monotonic() > deadline:
            raise TimeoutError(f"namespaces {namespaces} still exist after {timeout:.0f}s")
        time.sleep(0.2)


class ReferenceSide:
    """A persistent bash (shell variables carry over between steps, as in `lab.sh`) running real kubectl."""

    def __init__(self, case: Case, directory: Path, cluster) -> None:
        self.case = case
        self.directory = directory
        home = directory / "home"
        home.mkdir(exist_ok=True)
        config = yaml.safe_load(Path(cluster.kubeconfig).read_text(encoding="utf-8"))
        # The same names as minikube's context, so `kubectl config …` prints what it prints there.
        for section in ("clusters", "users", "contexts"):
            config[section][0]["name"] = "minikube"
        config["contexts"][0]["context"].update({"cluster": "minikube", "user": "minikube"})
        config["current-context"] = "minikube"
        self.kubeconfig = home / "kubeconfig"
        self.kubeconfig.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        self.api = Api(self.kubeconfig)
        bindir = directory / "bin"
        bindir.mkdir(exist_ok=True)
        (bindir / "kubectl").symlink_to(cluster.kubectl)
        env = {
            "PATH": f"{bindir}:/usr/bin:/bin",
            "KUBECONFIG": str(self.kubeconfig),
            "HOME": str(home),
            "LANG": "C.UTF-8",
        }
        wait_gone(self.api, case.namespaces)  # a previous run's copy, still terminating
        self.shell = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=directory,
            env=env,
            text=True,
        )
        self.count = 0

    def run(self, text: str) -> dict:
        self.count += 1
        out, err = self.directory / f"out.{self.count}", self.directory / f"err.{self.count}"
        assert self.shell.stdin is not None and self.shell.stdout is not None
        self.shell.stdin.write(
            f'{{\n{text}\n}} >{shlex.quote(str(out))} 2>{shlex.quote(str(err))}\necho "__rc $?"\n'
        )
        self.shell.stdin.flush()
        line = self.shell.stdout.readline()
        if not line.startswith("__rc "):
            raise RuntimeError(f"reference shell died running {text!r}")
        result = {"stdout": out.read_text(), "stderr": err.read_text(), "rc": int(line.split()[1])}
        if not READ_ONLY.match(text):
            settle(self.api, self.case.namespaces)
        return result

    def close(self) -> None:
        if self.shell.stdin:
            self.shell.stdin.close()
        self.shell.wait(timeout=10)
        # Cluster-scoped objects a case creates are named after its namespace (an IngressClass): gone too.
        cluster_scoped = (
            ["ingressclass", self.case.namespaces[0]] if "IngressClass" in str(self.case.files) else []
        )
        for what in (["namespace", *self.case.namespaces], cluster_scoped):
            if what:
                self._delete(what)

    def _delete(self, what: list[str]) -> None:
        subprocess.run(
            ["kubectl", "delete", *what, "--ignore-not-found", "--wait=false"],
            env={
                "PATH": str(self.directory / "bin"),
                "KUBECONFIG": str(self.kubeconfig),
                "HOME": str(self.directory),
            },
            capture_output=True,
            check=False,
            timeout=30,
        )


# -- comparing ---------------------------------------------------------------------------------------------
def _render(case: Case, results: list[dict], tally: Tally, rules: list[dict], applied: set[str]) -> list[str]:
    ns = set(case.namespaces)
    ports = frozenset(case.ports)

    def keep(line: str) -> bool:
        return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", line) for n in ns)

    lines: list[str] = []
    for step, result in zip(case.steps, results, strict=True):
        if not step.compare:
            continue
        lines.append(f"$ {case.substitute(step.run)}")
        for stream in ("stdout", "stderr"):
            if stream not in step.compare:
                continue
            text, problems = compare_text(
                result[stream],
                tally,
                ports,
                tables=step.tables and stream == "stdout",
                keep=keep if step.only_case_rows else None,
                headerless="--no-headers" in step.run,
            )
            for rule in rules:
                if rule.get("cases") and case.id not in rule["cases"]:
                    continue
                reduced = rule["_pattern"].sub(rule["replace"], text)
                if reduced != text:
                    applied.add(rule["id"])
                    text = reduced
            lines.extend(f"[{stream}] {line}" for line in text.splitlines())
            lines.extend(f"[layout] {p}" for p in problems)
        if "rc" in step.compare:
            lines.append(f"[rc] {result['rc']}")
    lines.append("[distinct values] " + json.dumps(tally.counts()))
    return lines


def compare(
    case: Case, sandbox: list[dict], reference: list[dict], rules: list[dict]
) -> tuple[str, list[str]]:
    import difflib

    def diff(active: list[dict]) -> tuple[str, set[str]]:
        applied: set[str] = set()
        left = _render(case, sandbox, Tally(), active, applied)
        right = _render(case, reference, Tally(), active, applied)
        text = "\n".join(
            difflib.unified_diff(right, left, "reference (real kubectl)", "sandbox", lineterm="", n=3)
        )
        return text, applied

    plain, _ = diff([])
    if not plain:
        return "", []
    reduced, applied = diff(rules)
    return reduced, sorted(applied) if not reduced else []


def run_case(case: Case, cluster, workdir: Path, rules: list[dict]) -> Outcome:
    started = time.monotonic()
    outcome = Outcome(case)
    sandbox_dir, reference_dir = workdir / "sandbox", workdir / "reference"
    for d in (sandbox_dir, reference_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        prepare_directory(case, d)
    sandbox = SandboxSide(case, sandbox_dir)
    for step in case.steps:
        outcome.sandbox.append(sandbox.run(case.substitute(step.run)))
    reference = ReferenceSide(case, reference_dir, cluster)
    try:
        for step in case.steps:
            outcome.reference.append(reference.run(case.substitute(step.run)))
    finally:
        reference.close()
    outcome.diff, outcome.accepted = compare(case, outcome.sandbox, outcome.reference, rules)
    outcome.seconds = time.monotonic() - started
    return outcome
