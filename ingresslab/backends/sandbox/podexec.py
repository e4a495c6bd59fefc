"""Programs inside the sandbox's containers (`kubectl exec`, `kubectl debug`): listed by `programs()`.

A program runs only where the container's image really ships it. The demo app's `hashicorp/http-echo` and
CoreDNS are built FROM scratch — no shell, no `cat`, no `nslookup` — so exec into them fails the way the
container runtime fails, which is why the tutorial attaches a `busybox` debug container instead. BusyBox
images (busybox, alpine, curlimages/curl, the ingress-nginx controller) get BusyBox's applets and messages;
Debian/Ubuntu-based images (istio's proxyv2 and pilot, nginx, …) get coreutils and dash wording.
Every program sees the pod's network and DNS: its resolv.conf, its hosts file, its IP as the source.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from ingresslab.backends.base import ExecResult
from ingresslab.backends.sandbox.controllers.workloads import container_status
from ingresslab.backends.sandbox.dns import hostname, hosts_file, nslookup, resolv_conf
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.errors import Invalid

__all__ = [
    "ImageProfile",
    "PodContext",
    "exec_not_found",
    "image_profile",
    "pod_env",
    "run_debug",
    "run_program",
    "run_script",
]


@dataclass(frozen=True)
class ImageProfile:
    """What an image ships: its userland ("busybox", "coreutils" or "none"), C library, extra tools."""

    userland: str
    libc: str = "glibc"
    extra: frozenset[str] = frozenset()
    entrypoint: tuple[str, ...] = ("sh",)

    @property
    def programs(self) -> frozenset[str]:
        return _USERLAND_PROGRAMS[self.userland] | self.extra


_BUSYBOX_APPLETS = frozenset(
    [
        "sh",
        "wget",
        "ash",
        "cat",
        "echo",
        "env",
        "printenv",
        "hostname",
        "ls",
        "nslookup",
        "true",
        "false",
        "sleep",
        "pwd",
        "grep",
        "head",
        "tail",
        "wc",
    ]
)
_COREUTILS = frozenset(
    [
        "sh",
        "dash",
        "bash",
        "cat",
        "echo",
        "env",
        "printenv",
        "hostname",
        "ls",
        "true",
        "false",
        "sleep",
        "pwd",
        "grep",
        "head",
        "tail",
        "wc",
    ]
)
_USERLAND_PROGRAMS = {"busybox": _BUSYBOX_APPLETS, "coreutils": _COREUTILS, "none": frozenset()}

# Images built FROM scratch or distroless: nothing to exec but their own binary.
_SCRATCH = (
    "hashicorp/http-echo",
    "coredns/coredns",
    "kube-proxy",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
    "storage-provisioner",
    "ingress-nginx/kube-webhook-certgen",
    "pause",
)
_ALPINE = ("alpine", "curlimages/curl", "ingress-nginx/controller", "nicolaka/netshoot")


def _repository(image: str) -> tuple[str, str]:
    """(repository path without registry, tag) of an image reference."""
    ref = image.split("@", 1)[0]
    name, _, tag = ref.rpartition(":") if ":" in ref.rpartition("/")[2] else (ref, "", "latest")
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts), tag


def image_profile(image: str) -> ImageProfile:
    """The userland an image ships, from its name (unknown images are taken as Debian-based)."""
    repo, tag = _repository(image)
    if repo == "busybox":
        libc = "musl" if "musl" in tag else "glibc"
        return ImageProfile("busybox", libc)
    if (
        any(repo == s or repo.endswith("/" + s) for s in _SCRATCH)
        or "distroless" in tag
        or "distroless" in repo
    ):
        return ImageProfile("none", "", entrypoint=())
    if repo == "curlimages/curl":
        return ImageProfile("busybox", "musl", frozenset({"curl"}), ("curl",))
    if any(repo == s or repo.endswith("/" + s) for s in _ALPINE) or "alpine" in tag:
        return ImageProfile("busybox", "musl")
    if repo.endswith("istio/proxyv2") or repo.endswith("istio/pilot"):
        return ImageProfile("coreutils", "glibc", frozenset({"curl"}))
    return ImageProfile("coreutils", "glibc")


@dataclass
class PodContext:
    """One program's view: the pod, the container, the image, the environment."""

    backend: object
    cluster: object
    pod: dict
    container: str
    profile: ImageProfile
    env: dict[str, str] = field(default_factory=dict)

    @property
    def busybox(self) -> bool:
        return self.profile.userland == "busybox"


Program = Callable[[PodContext, list[str], str], ExecResult]
_PROGRAMS: dict[str, Program] = {}


def _program(*names: str) -> Callable[[Program], Program]:
    def deco(func: Program) -> Program:
        for name in names:
            _PROGRAMS[name] = func
        return func

    return deco


def exec_not_found(program: str) -> ExecResult:
    """The container runtime's answer to exec of a binary the image does not have (as `backend.exec` words it)."""
    return ExecResult(
        "",
        "error: Internal error occurred: error executing command in container: failed to exec in "
        "container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container "
        f'process: exec: "{program}": executable file not found in $PATH: unknown\n',
        126,
    )


# -- files the kubelet mounts -----------------------------------------------------------------------
def _files(ctx: PodContext) -> dict[str, str]:
    ns = ctx.pod["metadata"].get("namespace", "default")
    return {
        "/etc/resolv.conf": resolv_conf(ctx.pod).text(),
        "/etc/hosts": hosts_file(ctx.pod),
        "/etc/hostname": hostname(ctx.pod) + "\n",
        "/var/run/secrets/kubernetes.io/serviceaccount/namespace": ns,
    }


_DIRS = {
    "busybox": {
        "/": "bin dev etc home lib lib64 proc root sys tmp usr var",
        "/etc": "group hostname hosts localtime network passwd resolv.conf shadow",
    },
    "coreutils": {
        "/": "bin boot dev etc home lib lib64 media mnt opt proc root run sbin srv sys tmp usr var",
        "/etc": "hostname hosts passwd group resolv.conf os-release",
    },
}


def _path(ctx: PodContext, arg: str) -> str:
    path = arg if arg.startswith("/") else "/" + arg
    return re.sub(r"/+", "/", path).rstrip("/") or "/"


@_program("cat")
def _cat(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    files = _files(ctx)
    out, err, code = [], [], 0
    for arg in argv[1:] or ["-"]:
        if arg == "-":
            out.append(stdin)
            continue
        path = _path(ctx, arg)
        if path in files:
            out.append(files[path])
        elif path in _DIRS.get(ctx.profile.userland, {}):
            err.append(
                "cat: read error: Is a directory\n" if ctx.busybox else f"cat: {arg}: Is a directory\n"
            )
            code = 1
        else:
            err.append(
                f"cat: can't open '{arg}': No such file or directory\n"
                if ctx.busybox
                else f"cat: {arg}: No such file or directory\n"
            )
            code = 1
    return ExecResult("".join(out), "".join(err), code)


@_program("ls")
def _ls(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    args = [a for a in argv[1:] if not a.startswith("-")] or ["."]
    dirs = _DIRS.get(ctx.profile.userland, {})
    files = _files(ctx)
    out, err, code = [], [], 0
    for arg in args:
        path = "/" if arg == "." else _path(ctx, arg)
        if path in dirs:
            entries = sorted(dirs[path].split())
            out.append(("" if len(args) == 1 else f"{arg}:\n") + "".join(f"{e}\n" for e in entries))
        elif path in files:
            out.append(f"{arg}\n")
        else:
            err.append(
                f"ls: {arg}: No such file or directory\n"
                if ctx.busybox
                else f"ls: cannot access '{arg}': No such file or directory\n"
            )
            code = 1 if ctx.busybox else 2
    return ExecResult("\n".join(out) if len(args) > 1 else "".join(out), "".join(err), code)


@_program("echo")
def _echo(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    args, newline, escapes = argv[1:], True, not ctx.busybox  # dash's echo always reads escapes
    while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
        flag = args.pop(0)
        newline = newline and "n" not in flag
        escapes = escapes or "e" in flag
    text = " ".join(args)
    if escapes:
        text = text.replace("\\n", "\n").replace("\\t", "\t")
        if "\\c" in text:
            text, newline = text.split("\\c", 1)[0], False
    return ExecResult(text + ("\n" if newline else ""))


@_program("hostname")
def _hostname(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    if "-i" in argv[1:]:
        return ExecResult(f"{ctx.pod.get('status', {}).get('podIP', '')}\n")
    return ExecResult(hostname(ctx.pod) + "\n")


@_program("env", "printenv")
def _env(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    if argv[0].endswith("printenv") and len(argv) > 1:
        values = [ctx.env[k] for k in argv[1:] if k in ctx.env]
        return ExecResult("".join(f"{v}\n" for v in values), "", 0 if len(values) == len(argv) - 1 else 1)
    return ExecResult("".join(f"{k}={v}\n" for k, v in ctx.env.items()))


@_program("nslookup")
def _nslookup(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    return nslookup(ctx.cluster, ctx.pod, argv, libc=ctx.profile.libc)


@_program("true", "sleep", "pwd", "false")
def _trivial(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    name = argv[0].rpartition("/")[2]
    if name == "pwd":
        return ExecResult("/\n")
    return ExecResult("", "", 1 if name == "false" else 0)


@_program("grep")
def _grep(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and len(a) > 1)
    words = [a for a in argv[1:] if not (a.startswith("-") and len(a) > 1)]
    if not words:
        return ExecResult("", "Usage: grep [-ivc] PATTERN [FILE]...\n", 2)
    try:
        pattern = re.compile(
            words[0] if "F" not in flags else re.escape(words[0]), re.I if "i" in flags else 0
        )
    except re.error:
        pattern = re.compile(re.escape(words[0]), re.I if "i" in flags else 0)
    text = stdin
    if len(words) > 1:
        got = _cat(ctx, ["cat", *words[1:]], "")
        if got.returncode:
            return ExecResult("", got.stderr.replace("cat:", "grep:"), 2)
        text = got.stdout
    lines = [ln for ln in text.splitlines() if bool(pattern.search(ln)) != ("v" in flags)]
    out = f"{len(lines)}\n" if "c" in flags else "".join(f"{ln}\n" for ln in lines)
    return ExecResult(out, "", 0 if lines else 1)


@_program("head", "tail", "wc")
def _text_tools(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    name = argv[0].rpartition("/")[2]
    lines = stdin.splitlines(keepends=True)
    if name == "wc":
        return ExecResult(
            f"{len(lines)}\n" if "-l" in argv else f"{len(lines)} {len(stdin.split())} {len(stdin)}\n"
        )
    count = 10
    for i, arg in enumerate(argv[1:], 1):
        if arg == "-n" and i + 1 < len(argv) and argv[i + 1].lstrip("-").isdigit():
            count = int(argv[i + 1].lstrip("-"))
        elif arg.startswith("-") and arg[1:].isdigit():
            count = int(arg[1:])
    chosen = lines[:count] if name == "head" else lines[-count:] if count else []
    return ExecResult("".join(chosen))


# -- the environment ---------------------------------------------------------------------------------
def _link_vars(svc: dict) -> list[tuple[str, str]]:
    spec = svc.get("spec", {})
    ip = spec.get("clusterIP")
    ports = spec.get("ports") or []
    if not ip or ip == "None" or not ports:
        return []
    prefix = svc["metadata"]["name"].upper().replace("-", "_")
    first = ports[0]
    out = [(f"{prefix}_SERVICE_HOST", ip), (f"{prefix}_SERVICE_PORT", str(first["port"]))]
    out += [
        (f"{prefix}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}", str(p["port"]))
        for p in ports
        if p.get("name")
    ]
    out.append((f"{prefix}_PORT", f"{first.get('protocol', 'TCP').lower()}://{ip}:{first['port']}"))
    for p in ports:
        proto = p.get("protocol", "TCP")
        key = f"{prefix}_PORT_{p['port']}_{proto}"
        out += [
            (key, f"{proto.lower()}://{ip}:{p['port']}"),
            (f"{key}_PROTO", proto.lower()),
            (f"{key}_PORT", str(p["port"])),
            (f"{key}_ADDR", ip),
        ]
    return out


def _container(pod: dict, name: str) -> dict:
    spec = pod.get("spec", {})
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return c
    return {}


def pod_env(cluster, pod: dict, container: str) -> dict[str, str]:
    """The environment a container process starts with: image defaults, service links, `env:` entries."""
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": hostname(pod),
    }
    ns = pod["metadata"].get("namespace", "default")
    services = (
        list(cluster.list("services", ns)) if pod.get("spec", {}).get("enableServiceLinks", True) else []
    )
    master = cluster.get("services", "kubernetes", "default")
    if master is not None and all(s["metadata"]["uid"] != master["metadata"]["uid"] for s in services):
        services.append(master)
    for svc in services:
        env.update(_link_vars(svc))
    fields = {
        "metadata.name": pod["metadata"]["name"],
        "metadata.namespace": ns,
        "status.podIP": pod.get("status", {}).get("podIP", ""),
        "spec.nodeName": pod.get("spec", {}).get("nodeName", ""),
        "spec.serviceAccountName": pod.get("spec", {}).get("serviceAccountName", ""),
        "status.hostIP": pod.get("status", {}).get("hostIP", ""),
    }
    for var in _container(pod, container).get("env") or []:
        if "value" in var:
            env[var["name"]] = re.sub(
                r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m[1], m[0]), str(var["value"])
            )
        elif (var.get("valueFrom") or {}).get("fieldRef"):
            env[var["name"]] = fields.get(var["valueFrom"]["fieldRef"].get("fieldPath", ""), "")
    env["HOME"] = "/root"
    return env


# -- the shell ---------------------------------------------------------------------------------------
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?))")


def _expand(text: str, env: dict[str, str], status: int) -> str:
    """Expand $VAR, ${VAR} and $? outside single quotes (the parts of expansion the sandbox needs)."""
    out, quote, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "'" and quote != '"':
            quote = "" if quote == "'" else "'"
        elif ch == '"' and quote != "'":
            quote = "" if quote == '"' else '"'
        elif ch == "\\" and quote != "'" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            continue
        elif ch == "$" and quote != "'":
            m = _VAR.match(text, i)
            if m:
                value = str(status) if m[3] else env.get(m[1] or m[2], "")
                out.append(shlex.quote(value) if not quote and value and " " not in value else value)
                i = m.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _segments(line: str) -> list[tuple[str, str]]:
    """Split a line at unquoted `;`, `&`, `&&`, `||`, `|` (and drop a `#` comment): (command text, operator)."""
    out: list[tuple[str, str]] = []
    quote, start, i = "", 0, 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if ch in "'\"" and quote in ("", ch):
            quote = "" if quote else ch
        elif not quote and ch == "#" and (i == 0 or line[i - 1].isspace()):
            break
        elif not quote and ch in ";&|":
            op = line[i : i + 2] if line[i : i + 2] in ("&&", "||") else ch
            out.append((line[start:i], op))
            i += len(op)
            start = i
            continue
        i += 1
    if quote:
        raise ValueError("unterminated quoted string")
    out.append((line[start:i], ";"))
    return out


def _words(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def run_program(ctx: PodContext, argv: list[str], stdin: str = "") -> ExecResult:
    """One command inside the container, as the shell would run it (not-found → 127)."""
    name = argv[0].rpartition("/")[2]
    if name not in ctx.profile.programs:
        where = "" if ctx.busybox else "1: "
        return ExecResult("", f"sh: {where}{argv[0]}: not found\n", 127)
    if name in ("sh", "ash", "dash", "bash"):
        return _shell(ctx, argv, stdin)
    if name in _PROGRAMS:
        return _PROGRAMS[name](ctx, argv, stdin)
    other = ctx.backend.pod_commands.get(name)  # a program the data plane provides (curl inside a pod, …)
    if other is not None and other is not _exec_entry:
        return other(ctx.backend, ctx.cluster, ctx.pod, ctx.container, argv)
    return ExecResult("", f"sh: {argv[0]}: the image has it, but the sandbox does not emulate it\n", 127)


def _shell(ctx: PodContext, argv: list[str], stdin: str) -> ExecResult:
    if len(argv) > 2 and argv[1] == "-c":
        return run_script(ctx, argv[2])
    if len(argv) > 1 and not argv[1].startswith("-"):
        return ExecResult("", f"sh: can't open '{argv[1]}': No such file or directory\n", 2)
    return run_script(ctx, stdin)


def run_script(ctx: PodContext, script: str) -> ExecResult:
    """Lines and `;`, `&&`, `||`, `|` between simple commands; `exit`, `cd`, `export`, NAME=value.

    Each command is expanded just before it runs, so `$?` is the status of the command before it.
    """
    out, err, status = [], [], 0
    for raw in script.splitlines():
        try:
            segments = _segments(raw)
        except ValueError as exc:
            err.append(f"sh: syntax error: {exc}\n")
            return ExecResult("".join(out), "".join(err), 2)
        op = ";"
        pipeline: list[str] = []
        for text, token in segments:
            pipeline.append(text)
            if token == "|":
                continue
            skip = (op == "&&" and status != 0) or (op == "||" and status == 0)
            if not skip and any(t.strip() for t in pipeline):
                data = ""
                for i, part in enumerate(pipeline):
                    words = _words(_expand(part, ctx.env, status))
                    result = _simple(ctx, words, data)
                    if result is None:  # exit
                        code = int(words[1]) if len(words) > 1 and words[1].isdigit() else status
                        return ExecResult("".join(out), "".join(err), code)
                    err.append(result.stderr)
                    data = result.stdout
                    status = result.returncode
                    if i == len(pipeline) - 1:
                        out.append(data)
            pipeline, op = [], token
    return ExecResult("".join(out), "".join(err), status)


def _simple(ctx: PodContext, words: list[str], stdin: str) -> ExecResult | None:
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        key, _, value = words.pop(0).partition("=")
        ctx.env[key] = value
    if not words:
        return ExecResult("")
    name = words[0]
    if name == "exit":
        return None
    if name in ("cd", ":", "export", "set", "unset"):
        for word in words[1:]:
            if name == "export" and "=" in word:
                key, _, value = word.partition("=")
                ctx.env[key] = value
            elif name == "unset":
                ctx.env.pop(word, None)
        return ExecResult("")
    return run_program(ctx, words, stdin)


# -- entry points: kubectl exec and kubectl debug ----------------------------------------------------
def _context(backend, cluster, pod: dict, container: str) -> PodContext:
    image = _container(pod, container).get("image", "")
    return PodContext(
        backend, cluster, pod, container, image_profile(image), pod_env(cluster, pod, container)
    )


def _exec_entry(backend, cluster, pod: dict, container: str, argv: list[str], stdin: str = "") -> ExecResult:
    ctx = _context(backend, cluster, pod, container)
    name = argv[0].rpartition("/")[2]
    if name not in ctx.profile.programs:
        return exec_not_found(argv[0])
    return run_program(ctx, argv, stdin)


def programs() -> dict[str, Callable[..., ExecResult]]:
    """The shells and utilities this module emulates, by name (each still runs only where the image has it)."""
    return dict.fromkeys(sorted(_BUSYBOX_APPLETS | _COREUTILS), _exec_entry)


_PROMPT_NOTE = "If you don't see a command prompt, try pressing enter.\n"
_SANDBOX_NOTE = (
    "(sandbox) the debug shell read no input and exited; run one command per debug container instead, e.g.\n"
    "  kubectl debug POD -it --image=busybox -- nslookup dest-svc-v1\n"
)


def run_debug(
    backend, cluster, pod: dict, image: str, command: list[str], name: str | None, stdin: str = ""
) -> tuple[ExecResult, str]:
    """`kubectl debug POD -it --image=IMAGE [-c NAME] -- COMMAND`: add an ephemeral container and run COMMAND.

    The container shares the pod's network namespace and DNS files, so `nslookup` asks CoreDNS from the pod's
    IP. Its output is also the new container's log. Returns (result, container name).
    """
    spec = pod.get("spec", {})
    taken = {
        c["name"]
        for key in ("containers", "initContainers", "ephemeralContainers")
        for c in spec.get(key) or []
    }
    container = name or f"debugger-{cluster.store.rng.suffix(5)}"
    if container in taken:
        index = len(spec.get("ephemeralContainers") or [])
        raise Invalid(
            f'Pod "{pod["metadata"]["name"]}" is invalid: spec.ephemeralContainers[{index}].name: '
            f'Duplicate value: "{container}"'
        )
    profile = image_profile(image)
    argv = list(command) or list(profile.entrypoint)
    updated = clone(pod)
    entry = {
        "name": container,
        "image": image,
        "imagePullPolicy": "Always"
        if ":" not in image.rpartition("/")[2] or image.endswith(":latest")
        else "IfNotPresent",
        "resources": {},
        "stdin": True,
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "tty": True,
    }
    if command:
        entry["command"] = list(command)
    updated["spec"].setdefault("ephemeralContainers", []).append(entry)

    ctx = PodContext(backend, cluster, updated, container, profile, pod_env(cluster, updated, container))
    now = format_time(cluster.store.now)
    status = container_status(cluster, entry, now)
    status["ready"] = False
    if not argv or argv[0].rpartition("/")[2] not in profile.programs:
        program = argv[0] if argv else "sh"
        result = ExecResult(
            "",
            f'error: failed to start container "{container}": exec: "{program}": executable file not found in $PATH\n',
            1,
        )
        status["state"] = {
            "terminated": {
                "exitCode": 128,
                "reason": "StartError",
                "message": f'failed to create task for container: exec: "{program}": executable file not found in $PATH: unknown',
                "startedAt": "1970-01-01T00:00:00Z",
                "finishedAt": now,
            }
        }
    else:
        interactive = argv[0].rpartition("/")[2] in ("sh", "ash", "dash", "bash") and len(argv) == 1
        result = run_program(ctx, argv, stdin)
        if interactive and not stdin:
            result = ExecResult(
                result.stdout, _PROMPT_NOTE + _SANDBOX_NOTE + result.stderr, result.returncode
            )
        text = (result.stdout + result.stderr).rstrip("\n") if not interactive else result.stdout.rstrip("\n")
        if text:
            meta = updated["metadata"]
            cluster.log(meta["namespace"], meta["name"], container, text)
        status["state"] = {
            "terminated": {
                "exitCode": result.returncode,
                "reason": "Completed" if result.returncode == 0 else "Error",
                "startedAt": now,
                "finishedAt": format_time(cluster.store.now),
                "containerID": status["containerID"],
            }
        }
    status["started"] = False
    updated.setdefault("status", {}).setdefault("ephemeralContainerStatuses", []).append(status)
    cluster.update_status(updated)
    return result, container
