"""The sandbox's `ingress2gateway` against the real one (v1.1.0, built by tests/reference/gobuild.py).

Both convert the same files (`--input-file`, no cluster) with the same arguments; stdout, stderr and the exit
code must match. The real tool walks Go maps in three places, so its order changes from run to run: the
printed Gateways and HTTPRoutes (within each kind), and the report's boxes within a source. Only those orders
are normalised (documents sorted within their kind, boxes sorted); every byte inside a document or a box is
compared as it is, colours included. A case with one document per kind and one box per source is compared
without any normalisation.

The oracle is missing locally → skip; with CI=true → fail.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from ingresslab.backends.sandbox.tools.ingress2gateway import Ingress2Gateway
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.manifests import DEMO_DIR

SEED_INGRESS = (DEMO_DIR / "ingress.yaml").read_text(encoding="utf-8")
SEED_APP = (DEMO_DIR / "depl-helloworld.yaml").read_text(encoding="utf-8")
SEED_WITH_CLASS = SEED_INGRESS.replace("spec:\n  rules:", "spec:\n  ingressClassName: nginx\n  rules:", 1)
SEED_NUMERIC_PORTS = re.sub(r"name: http-(v1|v2|error)\n", "number: 7777\n", SEED_WITH_CLASS)
SEED_CLASS_ANNOTATION = SEED_NUMERIC_PORTS.replace("  ingressClassName: nginx\n", "", 1).replace(
    "  name: my-nginx-ingress\n",
    "  name: my-nginx-ingress\n  annotations:\n    kubernetes.io/ingress.class: nginx\n",
    1,
)

SHOP = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: web
  annotations:
    nginx.ingress.kubernetes.io/limit-rps: "5"
    nginx.ingress.kubernetes.io/configuration-snippet: "more_set_headers 'X: y';"
    kubernetes.io/ingress.class: ignored-because-ingressClassName-wins
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
  tls:
  - hosts: [secure.example.com]
    secretName: secure-cert
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /api/, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
      - {path: /login, pathType: Exact, backend: {service: {name: auth, port: {number: 80}}}}
  - host: "*.example.com"
    http:
      paths:
      - {path: /, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
  - http:
      paths:
      - {path: /health, pathType: Exact, backend: {service: {name: health, port: {number: 8080}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: blog
  namespace: web
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /blog, pathType: Prefix, backend: {service: {name: blog, port: {number: 80}}}}
"""

TEAMS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: regex
  namespace: team-a
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "true"
spec:
  ingressClassName: nginx
  rules:
  - host: app.example.com
    http:
      paths:
      - {path: "/api/v[0-9]+", pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 8080}}}}
      - {path: /docs/, pathType: Prefix, backend: {service: {name: docs, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: only-default
  namespace: team-b
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: plain
  namespace: team-b
spec:
  ingressClassName: nginx
  rules:
  - host: b.example.com
    http:
      paths:
      - {path: /x/, pathType: Exact, backend: {service: {name: x, port: {number: 80}}}}
      - {path: /y/, pathType: Prefix, backend: {service: {name: why, port: {number: 80}}}}
      - {path: /y/z/, pathType: Prefix, backend: {service: {name: why, port: {number: 80}}}}
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: root, port: {number: 80}}}}
"""

SHARED_HOST = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: b-second, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: a-first, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}
      - {path: /pay, pathType: Exact, backend: {service: {name: pay, port: {number: 443}}}}
"""

# Two Ingresses on one host with different paths: one route, named after the first Ingress by name.
SHARED_HOST_DISTINCT = SHARED_HOST.replace(
    "      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}\n      - {path: /pay",
    "      - {path: /pay",
)

TLS_VARIANTS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: hostless-tls
  namespace: edge
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
spec:
  ingressClassName: nginx
  tls:
  - hosts: [only.example.com]
    secretName: only-cert
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: no-redirect
  namespace: edge
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
spec:
  ingressClassName: nginx
  tls:
  - secretName: wild-cert
  rules:
  - host: quiet.example.com
    http:
      paths:
      - {path: /docs/, pathType: Prefix, backend: {service: {name: docs, port: {number: 80}}}}
"""

# rewrite-target: a URLRewrite filter, regex paths on its hosts; `\$2` on a regex host is reported instead.
REWRITE = r"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rw
  namespace: r
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$1
    nginx.ingress.kubernetes.io/x-forwarded-prefix: /app
spec:
  ingressClassName: nginx
  rules:
  - host: r.example.com
    http:
      paths:
      - {path: /app/(.*), pathType: ImplementationSpecific, backend: {service: {name: app, port: {number: 80}}}}
  - http:
      paths:
      - {path: /x/, pathType: Prefix, backend: {service: {name: x, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rw2
  namespace: r
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: '/\$2'
spec:
  ingressClassName: nginx
  rules:
  - host: s.example.com
    http:
      paths:
      - {path: /s, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}
"""

NO_NAMESPACE_LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: listed
    annotations:
      nginx.ingress.kubernetes.io/auth-url: http://auth.example.com/
  spec:
    ingressClassName: nginx
    rules:
    - host: list.example.com
      http:
        paths:
        - {path: /, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: static}}}
"""

JSON_INGRESS = """{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "Ingress",
  "metadata": {"name": "from-json", "namespace": "j"},
  "spec": {"ingressClassName": "custom", "rules": [{"host": "json.example.com", "http": {"paths": [
    {"path": "/", "pathType": "Exact", "backend": {"service": {"name": "j", "port": {"number": 8080}}}}]}}]}
}
"""

MISSING_PATH_TYPE = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: old-style, namespace: legacy}
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: gone, port: {name: http}}
  rules:
  - host: legacy.example.com
    http:
      paths:
      - path: /a
        backend: {service: {name: a, port: {number: 80}}}
      - path: /b
        pathType: Prefix
        backend: {service: {name: b, port: {name: web}}}
"""

FILES = {
    "seed-ingress.yaml": SEED_INGRESS,
    "seed-app.yaml": SEED_APP,
    "seed-class.yaml": SEED_WITH_CLASS,
    "seed-class-and-services.yaml": SEED_WITH_CLASS + "---\n" + SEED_APP,
    "seed-numeric.yaml": SEED_NUMERIC_PORTS,
    "seed-annotation.yaml": SEED_CLASS_ANNOTATION,
    "shop.yaml": SHOP,
    "teams.yaml": TEAMS,
    "shared-host.yaml": SHARED_HOST,
    "shared-host-distinct.yaml": SHARED_HOST_DISTINCT,
    "tls.yaml": TLS_VARIANTS,
    "list.yaml": NO_NAMESPACE_LIST,
    "rewrite.yaml": REWRITE,
    "ingress.json": JSON_INGRESS,
    "missing-path-type.yaml": MISSING_PATH_TYPE,
}

P = "--providers=ingress-nginx"
CASES = {
    # The seed as it is: no class, so nothing to convert.
    "seed-classless": [P, "--input-file", "seed-ingress.yaml"],
    "seed-classless-no-color-namespace": [
        P,
        "--input-file",
        "seed-ingress.yaml",
        "--no-color",
        "-n",
        "default",
    ],
    # With ingressClassName nginx: its named ports cannot be resolved from files, Services or not.
    "seed-named-ports": [P, "--input-file", "seed-class.yaml"],
    "seed-named-ports-services-same-file": [P, "--input-file", "seed-class-and-services.yaml"],
    "seed-named-ports-services-other-file": [
        P,
        "--input-file",
        "seed-app.yaml",
        "--input-file",
        "seed-class.yaml",
    ],
    # Numeric ports: the wildcard host, Exact and Prefix paths.
    "seed-numeric": [P, "--input-file", "seed-numeric.yaml"],
    "seed-numeric-no-color": [P, "--input-file=seed-numeric.yaml", "--no-color"],
    "seed-class-annotation": [P, "--input-file", "seed-annotation.yaml", "--no-color"],
    "seed-other-class": [P, "--input-file", "seed-numeric.yaml", "--ingress-nginx-ingress-class=traefik"],
    # TLS host, default backend, hostless rule, unsupported annotations, two Ingresses on one host.
    "shop": [P, "--input-file", "shop.yaml"],
    "shop-namespace": [P, "--input-file", "shop.yaml", "-n", "web", "--no-color"],
    "shop-other-namespace": [P, "--input-file", "shop.yaml", "-n", "elsewhere"],
    # Several namespaces, use-regex, trailing-slash redirects, a defaultBackend-only Ingress.
    "teams": [P, "--input-file", "teams.yaml", "--no-color"],
    "teams-all-namespaces": [P, "-A", "--input-file", "teams.yaml"],
    "teams-one-namespace": [P, "--input-file", "teams.yaml", "-n", "team-b", "--no-color"],
    # One host and path to two backends: v1.1.0's canary feature refuses it.
    "shared-host-same-path": [P, "--input-file", "shared-host.yaml", "--no-color"],
    "shared-host": [P, "--input-file", "shared-host-distinct.yaml", "--no-color"],
    "tls-variants": [P, "--input-file", "tls.yaml", "--no-color"],
    "rewrite": [P, "--input-file", "rewrite.yaml"],
    "list-without-namespace": [P, "--input-file", "list.yaml"],
    "list-filtered-by-namespace": [P, "--input-file", "list.yaml", "-n", "default"],
    "json-custom-class": [P, "--input-file", "ingress.json", "--ingress-nginx-ingress-class", "custom"],
    "two-files": [P, "--input-file", "teams.yaml,shared-host-distinct.yaml", "--no-color"],
    "missing-path-type": [P, "--input-file", "missing-path-type.yaml"],
    # cobra's and print's own errors
    "no-providers": ["--input-file", "shop.yaml"],
    "unknown-provider": ["--providers=ingress-nginx,contour", "--input-file", "shop.yaml"],
    "missing-file": [P, "--input-file", "nope.yaml"],
    "directory": [P, "--input-file", "."],
    "namespace-and-all": [P, "--input-file", "shop.yaml", "-n", "web", "-A"],
    "unknown-flag": [P, "--input-file", "shop.yaml", "--dry-run"],
    "unknown-shorthand": [P, "-x"],
    "flag-without-value": [P, "--input-file"],
    "bad-output": [P, "--input-file", "shop.yaml", "-o", "wide"],
    "bad-emitter": [P, "--input-file", "shop.yaml", "--emitter", "nginx"],
    "help": ["-h"],
    "kubeconfig-ignored-with-files": ["--kubeconfig", "/nonexistent", P, "--input-file", "teams.yaml"],
}


@pytest.fixture(scope="module")
def real_ingress2gateway() -> str:
    from gobuild import tool_path  # tests/reference, on sys.path through tests/conftest.py
    from oracles import missing

    path = tool_path("ingress2gateway")
    if path is None:
        missing("no real ingress2gateway: build it (python tests/reference/gobuild.py)")
    return str(path)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("i2g-inputs")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _documents(stdout: str) -> list[str]:
    docs = stdout.split("\n---\n")
    return [d if i == len(docs) - 1 else d + "\n" for i, d in enumerate(docs)]


def _boxes(stderr: str) -> list[str]:
    return [b for b in re.split(r"(?=^(?:\x1b\[\d+m)?┌─)", stderr, flags=re.M) if b]


def _kind(doc: str) -> str:
    found = re.search(r"^kind: (\S+)$", doc, re.M)
    return found.group(1) if found else ""


def _source(box: str) -> str:
    found = re.search(r"source:(?:\x1b\[\d+m)? (?:\x1b\[\d+m)?([A-Z_-]+)", box)
    return found.group(1) if found else ""


def normalised(result: CommandResult) -> tuple[str, str, int]:
    """Only the orders that come from Go maps: documents within a kind, boxes within a source."""
    docs = _documents(result.stdout)
    kinds = list(dict.fromkeys(_kind(d) for d in docs))  # the printed kind order itself is fixed
    stdout = "---\n".join(sorted(docs, key=lambda d: (kinds.index(_kind(d)), d)))
    boxes = _boxes(result.stderr)
    sources = list(dict.fromkeys(_source(b) for b in boxes))
    stderr = "".join(sorted(boxes, key=lambda b: (sources.index(_source(b)), b)))
    return stdout, stderr, result.returncode


def deterministic(result: CommandResult) -> bool:
    """No Go map order shows: at most one document per kind and one box per source."""
    kinds = [_kind(d) for d in _documents(result.stdout)]
    sources = [_source(b) for b in _boxes(result.stderr)]
    return len(kinds) == len(set(kinds)) and len(sources) == len(set(sources))


def run_real(binary: str, args: list[str], cwd: Path) -> CommandResult:
    done = subprocess.run(
        [binary, "print", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    return CommandResult(done.stdout, done.stderr, done.returncode)


def run_sandbox(args: list[str], cwd: Path) -> CommandResult:
    return Ingress2Gateway(None, str(cwd))(Invocation(["ingress2gateway", "print", *args], cwd=str(cwd)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_print_matches_the_real_ingress2gateway(case: str, real_ingress2gateway: str, inputs: Path) -> None:
    real = run_real(real_ingress2gateway, CASES[case], inputs)
    emulated = run_sandbox(CASES[case], inputs)
    assert normalised(emulated) == normalised(real)
    if deterministic(real):
        assert (emulated.stdout, emulated.stderr, emulated.returncode) == (
            real.stdout,
            real.stderr,
            real.returncode,
        )


def test_the_cases_cover_what_the_brief_names(real_ingress2gateway: str, inputs: Path) -> None:
    """Guard the fixtures themselves: each behaviour the chapter relies on shows in the real output."""
    out = {case: run_real(real_ingress2gateway, args, inputs) for case, args in CASES.items()}
    assert out["seed-classless"].stdout == "No resources found\n"
    assert (
        "cannot find port with name http-v1 in service dest-svc-v1"
        in out["seed-named-ports-services-same-file"].stderr
    )
    assert "name: example-com-http" in out["seed-numeric"].stdout
    assert (
        "name: secure-example-com-https" in out["shop"].stdout
        and "shop-default-backend" in out["shop"].stdout
    )
    assert "Unsupported annotation nginx.ingress.kubernetes.io/limit-rps" in out["shop"].stderr
    assert "name: http\n" in out["teams"].stdout and "RegularExpression" in out["teams"].stdout
    assert "namespace: team-a" in out["teams"].stdout and "namespace: team-b" in out["teams"].stdout
    assert "name: a-first-shop-example-com" in out["shared-host"].stdout
    assert "at most one non-canary backend" in out["shared-host-same-path"].stderr
    assert "gateway.networking.k8s.io/generator: ingress2gateway-1.1.0" in out["shop"].stdout


def test_version_names_the_release(real_ingress2gateway: str) -> None:
    done = subprocess.run(
        [real_ingress2gateway, "version"], capture_output=True, text=True, timeout=60, check=False
    )
    emulated = Ingress2Gateway(None)(Invocation(["ingress2gateway", "version"]))
    # The second line names the Go that built the binary: the release's go1.25.9 here, this machine's there.
    assert emulated.stdout.splitlines()[0] == done.stdout.splitlines()[0] == "ingress2gateway version: 1.1.0"
    assert done.stdout.splitlines()[1].startswith("Built with Go version: go")
    assert emulated.returncode == done.returncode == 0


def test_an_unknown_path_type_crashes_both(real_ingress2gateway: str, tmp_path: Path) -> None:
    """v1.1.0 panics on a pathType the API server would have refused; the head of the panic is compared (the
    rest is a stack trace with goroutine addresses, the program counter depends on the build)."""
    (tmp_path / "fancy.yaml").write_text(SEED_NUMERIC_PORTS.replace("pathType: Exact", "pathType: Fancy", 1))
    args = [P, "--input-file", "fancy.yaml"]
    real, emulated = run_real(real_ingress2gateway, args, tmp_path), run_sandbox(args, tmp_path)
    assert (emulated.returncode, emulated.stdout) == (real.returncode, real.stdout) == (2, "")
    head = lambda text: [text.splitlines()[i] for i in (0, 2, 3)]  # noqa: E731 (line 1 has the pc)
    assert head(emulated.stderr) == head(real.stderr)
    assert emulated.stderr.splitlines()[:4] == [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x14324af]",
        "",
        "goroutine 1 [running]:",
    ]


# ---------------------------------------------------------------------------------------- random inputs
_HOSTS = ["a.example.com", "*.example.com", "", "b.example.com", "example.com"]
_PATHS = ["/", "/api", "/api/", "/v1", "/docs/", "/docs/x/", "/a/b"]
_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/use-regex": ["true", "false"],
    "nginx.ingress.kubernetes.io/ssl-redirect": ["false", "true", "bogus"],
    "nginx.ingress.kubernetes.io/limit-rps": ["5"],
    "nginx.ingress.kubernetes.io/configuration-snippet": ["x"],
    "nginx.ingress.kubernetes.io/rewrite-target": ["/", "/$1", "/new/\\$2"],
    "nginx.ingress.kubernetes.io/x-forwarded-prefix": ["/old"],
}


def _random_ingress(rng, index: int) -> dict:
    annotations = {k: rng.choice(v) for k, v in _ANNOTATIONS.items() if rng.random() < 0.25}
    spec: dict = {}
    roll = rng.random()
    if roll < 0.7:
        spec["ingressClassName"] = "nginx"
    elif roll < 0.85:
        annotations["kubernetes.io/ingress.class"] = rng.choice(["nginx", "other"])
    rules = []
    for _ in range(rng.randint(0, 3)):
        paths = []
        for path in rng.sample(_PATHS, rng.randint(1, 3)):
            port = {"name": "web"} if rng.random() < 0.03 else {"number": rng.choice([80, 8080])}
            paths.append(
                {
                    "path": path,
                    "pathType": rng.choice(["Exact", "Prefix", "ImplementationSpecific"]),
                    "backend": {"service": {"name": f"svc{rng.randint(0, 3)}", "port": port}},
                }
            )
        host = rng.choice(_HOSTS)
        rules.append({"host": host, "http": {"paths": paths}} if host else {"http": {"paths": paths}})
    if rules:
        spec["rules"] = rules
    if rng.random() < 0.3:
        hosts = [h for h in _HOSTS if h and rng.random() < 0.4]
        spec["tls"] = [{"secretName": "cert", **({"hosts": hosts} if hosts else {})}]
    if rng.random() < 0.2:
        spec["defaultBackend"] = {"service": {"name": "fallback", "port": {"number": 80}}}
    meta = {"name": f"ing{index}", "namespace": rng.choice(["one", "two"])}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


def _with_error_parts_sorted(result: CommandResult) -> tuple:
    """`normalised`, and the aggregated errors as a set: the canary check also walks a Go map."""
    stdout, stderr, code = normalised(result)
    head, _, usage = stderr.partition("\nUsage:")
    if code == 1 and head.startswith("Error: \n"):
        parts = head.split(" # ")
        return stdout, parts[0], sorted(parts[1:]), usage, code
    return stdout, stderr, code


@pytest.mark.parametrize("seed", range(60))
def test_random_ingress_sets_convert_alike(seed: int, real_ingress2gateway: str, tmp_path: Path) -> None:
    rng = random.Random(seed)
    docs = [_random_ingress(rng, i) for i in range(rng.randint(1, 4))]
    (tmp_path / "in.yaml").write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    args = [P, "--input-file", "in.yaml", *(["--no-color"] if seed % 2 else [])]
    real, emulated = run_real(real_ingress2gateway, args, tmp_path), run_sandbox(args, tmp_path)
    assert _with_error_parts_sorted(emulated) == _with_error_parts_sorted(real)
