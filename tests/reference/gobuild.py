"""Build the reference cluster's binaries from their official Go modules, once per set of pins.

Each component has its own small Go module under `go/` (its own dependency graph, as upstream tested it):
`kube` (kube-apiserver, kube-controller-manager, kube-scheduler and kubectl of one Kubernetes release),
`etcd`, `kwok` and `coredns`. Binaries land in `~/.cache/ingresslab-reference/<pins>-<digest>/bin`; the
digest covers every file of those modules and the Go toolchain's version, so a changed pin rebuilds and an
unchanged one costs nothing.

Tools that judge the sandbox without a cluster have a module and a folder each (`<name><version>-<digest>/bin`),
so adding or re-pinning one never rebuilds the cluster: `ingress2gateway` (the oracle of the sandbox's
`ingress2gateway print`).

    python tests/reference/gobuild.py          # build (or find) the binaries, print their folders
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

__all__ = [
    "BINARIES",
    "TIMINGS",
    "TOOLS",
    "BuildError",
    "GoMissing",
    "Module",
    "binaries_dir",
    "build",
    "build_tool",
    "cache_root",
    "crd_files",
    "go_available",
    "pins",
    "tool_dir",
    "tool_path",
    "tool_pin",
]

HERE = Path(__file__).resolve().parent
GO_DIR = HERE / "go"
TIMINGS = "timings.json"  # beside bin/: seconds per module of the build that made these binaries
BUILD_TIMEOUT = 3600  # seconds for one module: a cold kube build on two cores takes ~20 minutes


@dataclass(frozen=True, slots=True)
class Module:
    """One Go module under go/ and the commands it builds."""

    name: str
    packages: tuple[str, ...]
    binaries: tuple[str, ...]
    version_module: str  # the required module whose version names this component


MODULES = (
    Module(
        "kube",
        (
            "k8s.io/kubernetes/cmd/kube-apiserver",
            "k8s.io/kubernetes/cmd/kube-controller-manager",
            "k8s.io/kubernetes/cmd/kube-scheduler",
            "k8s.io/kubernetes/cmd/kubectl",
        ),
        ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"),
        "k8s.io/kubernetes",
    ),
    Module("etcd", ("go.etcd.io/etcd/server/v3",), ("etcd",), "go.etcd.io/etcd/server/v3"),
    Module("kwok", ("sigs.k8s.io/kwok/cmd/kwok",), ("kwok",), "sigs.k8s.io/kwok"),
    Module("coredns", (".",), ("coredns",), "github.com/coredns/coredns"),
)
BINARIES = tuple(b for m in MODULES for b in m.binaries)
TOOLS = (
    Module(
        "ingress2gateway",
        ("github.com/kubernetes-sigs/ingress2gateway",),
        ("ingress2gateway",),
        "github.com/kubernetes-sigs/ingress2gateway",
    ),
)


class GoMissing(RuntimeError):
    """No Go toolchain on PATH: the reference cluster cannot be built here."""


class BuildError(RuntimeError):
    """`go build` failed; the message carries the tail of its output."""


def go_available() -> str | None:
    return shutil.which("go")


def _required_version(module: Module) -> str:
    text = (GO_DIR / module.name / "go.mod").read_text(encoding="utf-8")
    found = re.search(rf"^\s*(?:require\s+)?{re.escape(module.version_module)}\s+(v\S+)", text, re.M)
    if not found:
        raise BuildError(f"go/{module.name}/go.mod does not require {module.version_module}")
    return found.group(1)


def pins() -> dict[str, str]:
    """Component → pinned version, read from the go.mod files (`{"kube": "v1.31.0", …}`)."""
    return {m.name: _required_version(m) for m in MODULES}


def _go_version(go: str) -> str:
    out = subprocess.run([go, "version"], capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip()


def _digest(go: str, modules: tuple[Module, ...] = MODULES) -> str:
    h = hashlib.sha256(_go_version(go).encode())
    built = [path for m in modules for path in (GO_DIR / m.name).rglob("*")]  # go/crds builds nothing
    for path in sorted(built):
        if path.is_file():
            h.update(str(path.relative_to(GO_DIR)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ingresslab-reference"


def binaries_dir(go: str | None = None) -> Path:
    """Where the binaries for the current pins live (built or not)."""
    go = go or go_available()
    if go is None:
        raise GoMissing("no `go` on PATH: install Go 1.24 or newer to build the reference cluster")
    label = "-".join(f"{name}{version}" for name, version in pins().items())
    return cache_root() / f"{label}-{_digest(go)}" / "bin"


def _tool(name: str) -> Module:
    for module in TOOLS:
        if name in module.binaries:
            return module
    raise KeyError(
        f"{name} is not one of the reference tools ({', '.join(b for m in TOOLS for b in m.binaries)})"
    )


def tool_dir(name: str, go: str | None = None) -> Path:
    """Where a reference tool's binary lives for its current pin (built or not)."""
    go = go or go_available()
    if go is None:
        raise GoMissing(f"no `go` on PATH: install Go 1.25 or newer to build {name}")
    module = _tool(name)
    return cache_root() / f"{module.name}{_required_version(module)}-{_digest(go, (module,))}" / "bin"


def tool_path(name: str) -> Path | None:
    """The built binary of a reference tool for its current pin, or None (nothing is built here)."""
    try:
        path = tool_dir(name) / name
    except GoMissing:
        return None
    return path if path.is_file() else None


def tool_pin(name: str) -> str:
    """The pinned version of a reference tool (`v1.1.0`), read from its go.mod."""
    return _required_version(_tool(name))


def build_tool(name: str, *, quiet: bool = False) -> Path:
    """Build a reference tool if its pin has no binary yet; return the binary's path."""
    go = go_available()
    if go is None:
        raise GoMissing(f"no `go` on PATH: install Go 1.25 or newer to build {name}")
    bindir = tool_dir(name, go)
    bindir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(bindir.parent / "build.lock")):
        _build_missing(go, bindir, quiet=quiet, modules=(_tool(name),))
    return bindir / name


def _kube_ldflags(version: str) -> str:
    # What Kubernetes' own build stamps (hack/lib/version.sh), so `kubectl version` names the release.
    major, minor = version.lstrip("v").split(".")[:2]
    values = {
        "gitVersion": version,
        "gitMajor": major,
        "gitMinor": minor,
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
    }
    flags = [
        f"-X k8s.io/{pkg}.{key}={value}"
        for pkg in ("component-base/version", "client-go/pkg/version")
        for key, value in values.items()
    ]
    return " ".join(["-s", "-w", *flags])


def _i2gw_ldflags(version: str) -> str:
    # What the release archives stamp (.goreleaser.yaml: pkg/i2gw.Version={{.Version}}, the tag without its
    # `v`), so `ingress2gateway version` and the generator annotation read `1.1.0`; a plain build says `dev`.
    return f"-s -w -X github.com/kubernetes-sigs/ingress2gateway/pkg/i2gw.Version={version.lstrip('v')}"


def _build_module(go: str, module: Module, out: Path, log: Path) -> None:
    args = [go, "build", "-trimpath", "-o", str(out) + os.sep]
    if module.name == "kube":
        args += ["-ldflags", _kube_ldflags(_required_version(module))]
    elif module.name == "ingress2gateway":
        args += ["-ldflags", _i2gw_ldflags(_required_version(module))]
    else:
        args += ["-ldflags", "-s -w"]
    args += list(module.packages)
    if len(module.binaries) == 1:
        # Name the file: Go would call etcd's `server` (its import path's last element before /v3) and
        # our CoreDNS main `coredns` only by the module folder's name.
        args[args.index("-o") + 1] = str(out / module.binaries[0])
    env = {**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    with log.open("ab") as sink:
        try:
            done = subprocess.run(
                args,
                cwd=GO_DIR / module.name,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                timeout=BUILD_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BuildError(f"building {module.name} took over {BUILD_TIMEOUT} s (log: {log})") from None
    if done.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-20:]
        raise BuildError(f"building {module.name} failed (log: {log}):\n" + "\n".join(tail))


def build(*, quiet: bool = False) -> Path:
    """Build whatever is missing for the current pins; return the folder holding every binary."""
    go = go_available()
    if go is None:
        raise GoMissing("no `go` on PATH: install Go 1.24 or newer to build the reference cluster")
    bindir = binaries_dir(go)
    bindir.parent.mkdir(parents=True, exist_ok=True)
    # Two pytest workers may both ask: one builds, the other waits and finds the binaries.
    with FileLock(str(bindir.parent / "build.lock")):
        return _build_missing(go, bindir, quiet=quiet)


def _build_missing(go: str, bindir: Path, *, quiet: bool, modules: tuple[Module, ...] = MODULES) -> Path:
    missing = [m for m in modules if not all((bindir / b).is_file() for b in m.binaries)]
    if not missing:
        return bindir
    staging = bindir.with_name("bin.partial")
    staging.mkdir(parents=True, exist_ok=True)
    log = bindir.parent / "build.log"
    timings: dict[str, float] = {}
    for module in missing:
        started = time.monotonic()
        if not quiet:
            print(f"building {module.name} {_required_version(module)} …", file=sys.stderr, flush=True)
        _build_module(go, module, staging, log)
        timings[module.name] = round(time.monotonic() - started, 1)
        if not quiet:
            print(f"  {module.name}: {timings[module.name]:.0f} s", file=sys.stderr, flush=True)
    # What building these pins cost, module by module, for bench/bench_fidelity.py (a warm call builds
    # nothing); a partial rebuild updates only the modules it built.
    record = bindir.parent / TIMINGS
    known = json.loads(record.read_text(encoding="utf-8")).get("seconds", {}) if record.is_file() else {}
    record.write_text(json.dumps({"seconds": {**known, **timings}}, indent=2), encoding="utf-8")
    bindir.mkdir(exist_ok=True)
    for name in (b for m in modules for b in m.binaries):
        if (staging / name).is_file():
            os.replace(staging / name, bindir / name)
    shutil.rmtree(staging, ignore_errors=True)
    return bindir


def _module_dir(go: str, module: str) -> Path:
    done = subprocess.run(
        [go, "mod", "download", "-json", module],
        cwd=GO_DIR / "crds",
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "GOFLAGS": "-mod=readonly"},
        check=False,
    )
    info = json.loads(done.stdout or "{}")
    if done.returncode != 0 or "Dir" not in info:
        raise BuildError(f"go mod download {module} failed: {info.get('Error') or done.stderr.strip()}")
    return Path(info["Dir"])


def crd_files() -> dict[str, list[Path]]:
    """The CRD manifests pinned in go/crds: `{"istio": [...], "gateway-api": [...]}` (from the module cache)."""
    go = go_available()
    if go is None:
        raise GoMissing("no `go` on PATH: install Go 1.24 or newer to fetch the reference CRDs")
    istio = _module_dir(go, "istio.io/api") / "kubernetes" / "customresourcedefinitions.gen.yaml"
    gateway = sorted(
        (_module_dir(go, "sigs.k8s.io/gateway-api") / "config" / "crd" / "standard").glob("*.yaml")
    )
    return {"istio": [istio], "gateway-api": gateway}


if __name__ == "__main__":
    try:
        print(build())
        crd_files()  # into the module cache now, so no test waits on a download
        for tool in TOOLS:
            print(build_tool(tool.binaries[0]).parent)
    except (GoMissing, BuildError) as err:
        sys.exit(f"gobuild.py: {err}")
