"""HTTP clients inside the sandbox's containers: BusyBox `wget` and `curl`, listed by `programs()`.

They run only where the image ships them (BusyBox userlands have `wget`; curlimages/curl and Istio's proxy
image have `curl`), resolve names through the pod's own resolver (resolv.conf search list, ndots:5, queries
in CoreDNS's log) and send from the pod's IP — through its sidecar when the pod is injected.
"""

from __future__ import annotations

from collections.abc import Callable

from ingresslab.backends.base import ExecResult
from ingresslab.backends.sandbox.dataplane.walk import send_request
from ingresslab.backends.sandbox.dns import getaddrinfo
from ingresslab.backends.sandbox.podexec import _repository, exec_not_found, image_profile

__all__ = ["curl_in_pod", "wget"]


def _container(pod: dict, name: str) -> dict:
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in pod["spec"].get(key) or []:
            if c["name"] == name:
                return c
    return {}


def _resolver(cluster, pod: dict, libc: str):
    def resolve(name: str) -> str | None:
        found = getaddrinfo(cluster, pod, name, libc=libc or "glibc")
        return next((a for a in found.addresses if ":" not in a), None)

    return resolve


def curl_in_pod(backend, cluster, pod: dict, container: str, argv: list[str], stdin: str = "") -> ExecResult:
    from ingresslab.backends.sandbox.tools.curl import run_curl

    image = _container(pod, container).get("image", "")
    profile = image_profile(image)
    if "curl" not in profile.programs:
        return exec_not_found(argv[0])
    repo, tag = _repository(image)
    version = (
        tag
        if repo == "curlimages/curl" and tag[:1].isdigit()
        else "8.10.1"
        if repo == "curlimages/curl"
        else "7.81.0"
    )
    out, err, code = run_curl(
        cluster,
        argv,
        resolver=_resolver(cluster, pod, profile.libc),
        client_pod=pod,
        client_ip=pod["status"]["podIP"],
        user_agent=f"curl/{version}",
    )
    return ExecResult(out, err, code)


def _split_url(url: str) -> tuple[str, int, str]:
    rest = url.split("://", 1)[1] if "://" in url else url
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port) if port.isdigit() else 80, "/" + path


def wget(backend, cluster, pod: dict, container: str, argv: list[str], stdin: str = "") -> ExecResult:
    """BusyBox wget: `-q`, `-O FILE`/`-O-`, `-S`, `-T SEC`, `--header`, `-U`; messages as BusyBox words them."""
    image = _container(pod, container).get("image", "")
    profile = image_profile(image)
    if profile.userland != "busybox":
        return exec_not_found(argv[0])
    quiet = show_headers = False
    output = None
    headers: list[tuple[str, str]] = []
    agent = "Wget"
    timeout = None
    urls: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-O", "--output-document"):
            output = next(args, "-")
        elif arg.startswith("-O") and len(arg) > 2:
            output = arg[2:]
        elif arg in ("-T", "--timeout"):
            timeout = float(next(args, "900"))
        elif arg in ("-U", "--user-agent"):
            agent = next(args, agent)
        elif arg == "--header":
            name, _, value = next(args, "").partition(":")
            headers.append((name.strip(), value.strip()))
        elif arg.startswith("-") and not arg.startswith("--"):
            for i, flag in enumerate(arg[1:], start=1):
                if flag == "q":
                    quiet = True
                elif flag == "S":
                    show_headers = True
                elif flag == "O":
                    output = arg[i + 1 :] or next(args, "-")  # `-qO-`: the rest of the word is the file
                    break
        else:
            urls.append(arg)
    if not urls:
        return ExecResult(
            "",
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n",
            1,
        )
    host, port, path = _split_url(urls[0])
    ip = _resolver(cluster, pod, profile.libc)(host)
    if ip is None:
        return ExecResult("", f"wget: bad address '{host}'\n", 1)
    err = [] if quiet else [f"Connecting to {host}{'' if port == 80 else f':{port}'} ({ip}:{port})\n"]
    host_header = host if port == 80 else f"{host}:{port}"
    response = send_request(
        cluster,
        dest=(ip, port),
        path=path,
        host_header=host_header,
        headers=[*headers, ("Connection", "close")],
        client_ip=pod["status"]["podIP"],
        client_pod=pod,
        user_agent=agent,
        accept=None,
        connect_timeout=timeout,
    )
    if response.status is None:
        reason = "Connection refused" if response.error == "refused" else "Connection timed out"
        return ExecResult("", "".join(err) + f"wget: can't connect to remote host ({ip}): {reason}\n", 1)
    if show_headers:
        err.append(f"  HTTP/1.1 {response.status} {response.reason}\n")
        err += [f"  {k}: {v}\n" for k, v in response.headers]
    if response.status >= 400:
        return ExecResult(
            "",
            "".join(err) + f"wget: server returned error: HTTP/1.1 {response.status} {response.reason}\n",
            1,
        )
    to_stdout = output == "-"
    if not quiet:
        size = len(response.body.encode())
        target = "stdout" if to_stdout else f"'{output or path.rsplit('/', 1)[-1] or 'index.html'}'"
        err.append(f"writing to {target}\n")
        err.append(
            f"{'-' if to_stdout else target.strip(chr(39)):<20} 100% |********************************| {size:>5}  0:00:00 ETA\n"
        )
        err.append(f"written to {target}\n")
    return ExecResult(response.body if to_stdout else "", "".join(err), 0)


def programs() -> dict[str, Callable[..., ExecResult]]:
    """The data plane's programs inside containers, by name."""
    return {"wget": wget, "curl": curl_in_pod}
