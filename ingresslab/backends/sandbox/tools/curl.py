"""Sandbox emulation of `curl` 7.81 (Ubuntu 22.04's, the seed's): the learner's machine and inside pods.

Forms covered: `curl URL`, `-i`, `-I`, `-s`, `-S`, `-v`, `-H`/`-HHost:x`, `-A`, `--resolve host:port:ip`,
`-o FILE`, `-w FORMAT` (http_code, time_total, remote_ip, …), `-X`, `-d`, `-f`, `-L`, `--connect-timeout`,
`-m`, and combined short flags (`-sS`, `-sv`). Names resolve only through `--resolve`, IP literals and
`localhost` on the learner's machine (the sandbox resolves no internet names: exit 6); inside a pod through
the pod's resolver. Messages and exit codes are curl's: 6 resolve, 7 refused, 22 `-f`, 28 timeout, 35 TLS
handshake failed, 56 connection reset. `https://` works with the emulated internet's sites (`outside`): TLS
with SNI = the URL's host and HTTP/2 (`HTTP/2 200 `, lowercase headers); `-D FILE|-` dumps every
response's headers (redirects included).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ingresslab.commands.result import CommandResult, Invocation

__all__ = ["CurlOptions", "CurlUsageError", "factory", "parse_args", "run_curl"]

Resolver = Callable[[str], "str | None"]
"""name -> IPv4 address, or None when it does not resolve."""

_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n"
_WITH_VALUE = {
    "-H": "header",
    "--header": "header",
    "-o": "output",
    "--output": "output",
    "-w": "write_out",
    "--write-out": "write_out",
    "-X": "method",
    "--request": "method",
    "-d": "data",
    "--data": "data",
    "--data-raw": "data",
    "--data-binary": "data",
    "--data-ascii": "data",
    "--resolve": "resolve",
    "--connect-timeout": "connect_timeout",
    "-m": "max_time",
    "--max-time": "max_time",
    "-A": "user_agent",
    "--user-agent": "user_agent",
    "-e": "referer",
    "--referer": "referer",
    "-u": "user",
    "--user": "user",
    "--max-redirs": "max_redirs",
    "-D": "dump_header",
    "--dump-header": "dump_header",
}
_FLAGS = {
    "-i": "include",
    "--include": "include",
    "-s": "silent",
    "--silent": "silent",
    "-S": "show_error",
    "--show-error": "show_error",
    "-v": "verbose",
    "--verbose": "verbose",
    "-f": "fail",
    "--fail": "fail",
    "-L": "location",
    "--location": "location",
    "-I": "head",
    "--head": "head",
    "-k": "insecure",
    "--insecure": "insecure",
    "--http1.1": "http11",
    "-4": "ipv4",
    "--ipv4": "ipv4",
    "-N": "no_buffer",
    "--no-buffer": "no_buffer",
    "-#": "progress_bar",
    "--compressed": "compressed",
    "-q": "disable_rc",
}


class CurlUsageError(Exception):
    """A command line curl rejects (exit 2)."""


@dataclass
class CurlOptions:
    urls: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    resolve: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    output: str | None = None
    dump_header: str | None = None
    write_out: str | None = None
    method: str | None = None
    connect_timeout: float | None = None
    max_time: float | None = None
    user_agent: str | None = None
    referer: str | None = None
    user: str | None = None
    max_redirs: int = 50
    include: bool = False
    silent: bool = False
    show_error: bool = False
    verbose: bool = False
    fail: bool = False
    location: bool = False
    head: bool = False


def _set(opts: CurlOptions, key: str, value: str) -> None:
    if key in ("header", "resolve", "data"):
        getattr(opts, key if key != "header" else "headers").append(value)
    elif key in ("connect_timeout", "max_time"):
        try:
            setattr(opts, key, float(value))
        except ValueError:
            raise CurlUsageError(
                f"curl: option --{key.replace('_', '-')}: expected a proper numerical parameter\n"
            ) from None
    elif key == "max_redirs":
        opts.max_redirs = int(value)
    else:
        setattr(opts, key, value)


def parse_args(argv: list[str]) -> CurlOptions:
    """curl's command line (argv without the program name)."""
    opts = CurlOptions()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg.startswith("--"):
            name = arg  # curl takes no `--opt=value` form
            if name in _WITH_VALUE:
                if i >= len(argv):
                    raise CurlUsageError(f"curl: option {name}: requires parameter\n")
                _set(opts, _WITH_VALUE[name], argv[i])
                i += 1
            elif name in _FLAGS:
                if hasattr(opts, _FLAGS[name]):
                    setattr(opts, _FLAGS[name], True)
            elif name == "--url" and i < len(argv):
                opts.urls.append(argv[i])
                i += 1
            else:
                raise CurlUsageError(f"curl: option {arg}: is unknown\n")
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                short = "-" + arg[j]
                if short in _WITH_VALUE:
                    value = arg[j + 1 :]
                    if not value:
                        if i >= len(argv):
                            raise CurlUsageError(f"curl: option {short}: requires parameter\n")
                        value = argv[i]
                        i += 1
                    _set(opts, _WITH_VALUE[short], value)
                    break
                if short in _FLAGS:
                    if hasattr(opts, _FLAGS[short]):
                        setattr(opts, _FLAGS[short], True)
                    j += 1
                    continue
                raise CurlUsageError(f"curl: option {arg}: is unknown\n")
        else:
            opts.urls.append(arg)
    return opts


def _fmt_time(seconds: float) -> str:
    return f"{seconds:.6f}"


def _write_out(fmt: str, info: dict[str, str]) -> str:
    def var(m: re.Match[str]) -> str:
        return info.get(m.group(1), "")

    text = re.sub(r"%\{([a-z_]+)\}", var, fmt)
    return text.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("%%", "%")


def _resolve_table(entries: list[str]) -> dict[tuple[str, int], str]:
    table = {}
    for entry in entries:
        parts = entry.split(":")
        if len(parts) >= 3 and parts[1].isdigit():
            table[(parts[0].lower(), int(parts[1]))] = ":".join(parts[2:]).strip("[]")
    return table


def run_curl(
    cluster,
    argv: list[str],
    *,
    resolver: Resolver,
    client_pod: dict | None = None,
    client_ip: str | None = None,
    user_agent: str = "curl/7.81.0",
    cwd: str | None = None,
) -> tuple[str, str, int]:
    """Run one curl command line in the sandbox; returns (stdout, stderr, exit code)."""
    from ingresslab.backends.sandbox.dataplane.walk import send_request
    from ingresslab.backends.sandbox.outside.internet import is_public
    from ingresslab.backends.sandbox.topology import HOST_IP

    try:
        opts = parse_args(argv[1:])
    except CurlUsageError as exc:
        return "", str(exc) + _HELP, 2
    if not opts.urls:
        return "", "curl: no URL specified!\n" + _HELP, 2
    out: list[str] = []
    err: list[str] = []
    code = 0
    table = _resolve_table(opts.resolve)
    for url_text in opts.urls:
        url = url_text if "://" in url_text else f"http://{url_text}"
        redirects = 0
        while True:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                err.append(f'curl: (1) Protocol "{parts.scheme}" not supported or disabled in libcurl\n')
                code = 1
                break
            host = (parts.hostname or "").lower()
            port = parts.port or (443 if parts.scheme == "https" else 80)
            verbose: list[str] = []
            for entry in opts.resolve:
                if opts.verbose:
                    verbose.append(f"* Added {entry} to DNS cache\n")
            ip = table.get((host, port))
            if ip is not None:
                verbose.append(f"* Hostname {host} was found in DNS cache\n")
            else:
                try:
                    ip = str(ipaddress.ip_address(host.strip("[]")))
                except ValueError:
                    ip = resolver(host)
            if ip is None:
                verbose.append(f"* Could not resolve host: {host}\n* Closing connection 0\n")
                code = _fail(err, opts, verbose, 6, f"Could not resolve host: {host}")
                break
            tls_sni = None
            if parts.scheme == "https":
                if not is_public(ip):
                    verbose.append(f"*   Trying {ip}:{port}...\n")
                    code = _fail(err, opts, verbose, 35, "the sandbox does not emulate TLS; use http://")
                    break
                tls_sni = host  # the emulated internet's sites speak TLS (handshake outcome, not crypto)
            method = opts.method or ("HEAD" if opts.head else "POST" if opts.data else "GET")
            headers: list[tuple[str, str]] = []
            host_header = None
            ua = opts.user_agent if opts.user_agent is not None else user_agent
            for raw in opts.headers:
                name, sep, value = raw.partition(":")
                if not sep:
                    continue
                value = value.strip()
                if name.lower() == "host":
                    host_header = value
                elif name.lower() == "user-agent":
                    ua = value
                else:
                    headers.append((name.strip(), value))
            if opts.referer:
                headers.insert(0, ("Referer", opts.referer))
            body = "&".join(opts.data)
            if body and not any(k.lower() == "content-type" for k, _ in headers):
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            default_host = host if port == 80 else f"{host}:{port}"
            timeout = opts.connect_timeout
            if opts.max_time is not None:
                timeout = min(timeout, opts.max_time) if timeout is not None else opts.max_time
            response = send_request(
                cluster,
                method=method,
                dest=(ip, port),
                path=target,
                host_header=host_header or default_host,
                headers=headers,
                body=body,
                client_ip=client_ip or HOST_IP,
                client_pod=client_pod,
                user_agent=ua or None,
                connect_timeout=timeout,
                tls_sni=tls_sni,
            )
            elapsed = response.ended - response.started
            verbose.append(f"*   Trying {ip}:{port}...\n")
            info = {
                "http_code": "000",
                "response_code": "000",
                "time_total": _fmt_time(elapsed),
                "remote_ip": ip,
                "remote_port": str(port),
                "url_effective": url,
                "size_download": "0",
                "num_connects": "0",
                "content_type": "",
                "time_connect": _fmt_time(0.0),
                "time_namelookup": _fmt_time(0.0),
                "time_starttransfer": _fmt_time(0.0),
                "method": method,
            }
            if response.status is None and response.error in _AFTER_CONNECT:
                exit_code, message = _AFTER_CONNECT[response.error]
                verbose.append(f"* Connected to {host} ({ip}) port {port} (#0)\n")
                code = _fail(err, opts, verbose, exit_code, message.format(host=host, port=port))
                if opts.write_out:
                    out.append(_write_out(opts.write_out, info))
                break
            if response.status is None:
                if response.error == "refused":
                    msg = f"Failed to connect to {host} port {port} after {int(elapsed * 1000)} ms: Connection refused"
                    verbose.append(
                        f"* connect to {ip} port {port} failed: Connection refused\n* {msg}\n* Closing connection 0\n"
                    )
                    code = _fail(err, opts, verbose, 7, msg)
                else:
                    if timeout is not None:
                        msg = f"Connection timed out after {int(elapsed * 1000)} milliseconds"
                    else:
                        msg = f"Failed to connect to {host} port {port} after {int(elapsed * 1000)} ms: Connection timed out"
                    verbose.append(f"* {msg}\n* Closing connection 0\n")
                    code = _fail(err, opts, verbose, 28, msg)
                if opts.write_out:
                    out.append(_write_out(opts.write_out, info))
                break
            verbose.append(f"* Connected to {host} ({ip}) port {port} (#0)\n")
            request_lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header or default_host}"]
            if ua:
                request_lines.append(f"User-Agent: {ua}")
            request_lines.append("Accept: */*")
            request_lines += [f"{k}: {v}" for k, v in headers]
            if body:
                request_lines.append(f"Content-Length: {len(body.encode())}")
            verbose += [f"> {line}\r\n" for line in request_lines] + ["> \r\n"]
            if body:
                verbose.append(
                    f"* upload completely sent off: {len(body.encode())} out of {len(body.encode())} bytes\n"
                )
            verbose.append("* Mark bundle as not supporting multiuse\n")
            status_line = f"{response.version} {response.status} {response.reason}"
            head = [status_line] + [f"{k}: {v}" for k, v in response.headers]
            verbose += [f"< {line}\r\n" for line in head] + ["< \r\n"]
            shown_body = "" if method == "HEAD" else response.body
            info.update(
                http_code=f"{response.status:03d}",
                response_code=f"{response.status:03d}",
                num_connects="1",
                size_download=str(len(shown_body.encode())),
                content_type=response.header("content-type") or "",
                time_connect=_fmt_time(min(elapsed, 0.0002)),
                time_starttransfer=_fmt_time(elapsed * 0.95),
            )
            if opts.dump_header is not None:
                dumped = "".join(f"{line}\r\n" for line in head) + "\r\n"
                if opts.dump_header == "-":
                    out.append(dumped)
                else:
                    target_file = Path(cwd or ".", opts.dump_header)
                    previous = (
                        target_file.read_text(encoding="utf-8") if redirects and target_file.exists() else ""
                    )
                    target_file.write_text(previous + dumped, encoding="utf-8")
            location = response.header("location")
            if opts.location and location and 300 <= response.status < 400 and redirects < opts.max_redirs:
                verbose.append(
                    f"* Connection #0 to host {host} left intact\n* Issue another request to this URL: '{urljoin(url, location)}'\n"
                )
                if opts.verbose:
                    err += verbose
                if opts.include:
                    out.append("".join(f"{line}\r\n" for line in head) + "\r\n")
                url = urljoin(url, location)
                redirects += 1
                continue
            if opts.fail and response.status >= 400:
                verbose.append("* Closing connection 0\n")
                code = _fail(err, opts, verbose, 22, f"The requested URL returned error: {response.status}")
                break
            verbose.append(f"* Connection #0 to host {host} left intact\n")
            if opts.verbose:
                err += verbose
            payload = ""
            if opts.include or opts.head:
                payload += "".join(f"{line}\r\n" for line in head) + "\r\n"
            payload += "" if opts.head else shown_body
            if opts.output and opts.output != "-":
                if opts.output != "/dev/null":
                    Path(cwd or ".", opts.output).write_text(payload, encoding="utf-8")
            else:
                out.append(payload)
            if opts.write_out:
                out.append(_write_out(opts.write_out, info))
            break
    return "".join(out), "".join(err), code


# Failures after the TCP connection was accepted: (exit code, message) as curl 8 with OpenSSL words them.
_AFTER_CONNECT = {
    "reset": (56, "Recv failure: Connection reset by peer"),
    "empty": (52, "Empty reply from server"),
    "tls_syscall": (35, "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {host}:{port} "),
    "tls_version": (35, "OpenSSL/3.3.2: error:0A00010B:SSL routines::wrong version number"),
}


def _fail(err: list[str], opts: CurlOptions, verbose: list[str], code: int, message: str) -> int:
    if opts.verbose:
        err += verbose
    if not opts.silent or opts.show_error:
        err.append(f"curl: ({code}) {message}\n")
    return code


def _host_resolver(name: str) -> str | None:
    # The learner's machine knows only localhost; minikube's IP is reached by address or --resolve.
    return "127.0.0.1" if name in ("localhost", "localhost.localdomain") else None


def factory(backend, cwd: str):
    def run(invocation: Invocation) -> CommandResult:
        with backend.transaction() as cluster:
            stdout, stderr, code = run_curl(
                cluster, list(invocation.argv), resolver=_host_resolver, cwd=invocation.cwd or cwd
            )
        return CommandResult(stdout, stderr, code)

    return run
