"""The files the kubelet writes into every container: /etc/resolv.conf, /etc/hosts, /etc/hostname.

resolv.conf follows the pod's dnsPolicy the way the kubelet's DNS configurer does:
- ClusterFirst (the default): the cluster DNS Service, the namespace's search list, `ndots:5`;
- Default: the node's own resolv.conf (minikube's node asks the docker network's gateway);
- ClusterFirst on a hostNetwork pod falls back to Default; ClusterFirstWithHostNet keeps the cluster DNS;
- None: only what `dnsConfig` says. `dnsConfig` is merged into the others (extra nameservers and search
  domains appended without duplicates, options overriding by name).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingresslab.backends.sandbox.topology import CLUSTER_DOMAIN, HOST_IP, KUBE_DNS_IP, NODE_IP, NODE_NAME

__all__ = [
    "NODE_RESOLV",
    "ResolvConf",
    "effective_policy",
    "hostname",
    "hosts_entries",
    "hosts_file",
    "resolv_conf",
]

MAX_NAMESERVERS = 3  # the kubelet keeps at most three, as glibc uses no more


@dataclass(frozen=True)
class ResolvConf:
    nameservers: tuple[str, ...]
    searches: tuple[str, ...]
    options: tuple[str, ...]

    @property
    def ndots(self) -> int:
        for opt in reversed(self.options):
            if opt.startswith("ndots:") and opt[6:].isdigit():
                return min(int(opt[6:]), 15)
        return 1  # the resolver's default when resolv.conf says nothing

    def text(self) -> str:
        """The file as the kubelet writes it: nameservers, then search, then options."""
        lines = [f"nameserver {ns}" for ns in self.nameservers]
        if self.searches:
            lines.append("search " + " ".join(self.searches))
        if self.options:
            lines.append("options " + " ".join(self.options))
        return "".join(f"{line}\n" for line in lines)


# minikube's node (a docker container): the docker network's gateway answers DNS; "search ." is dropped by
# the kubelet and docker's options are kept.
NODE_RESOLV = ResolvConf((HOST_IP,), (), ("edns0", "trust-ad", "ndots:0"))

_NODE_HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n"
    "fe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\n"
    "ff02::1\tip6-allnodes\n"
    "ff02::2\tip6-allrouters\n"
    f"{NODE_IP}\t{NODE_NAME}\n"
    f"{HOST_IP}\thost.minikube.internal\n"
    f"{NODE_IP}\tcontrol-plane.minikube.internal\n"
)


def effective_policy(pod: dict) -> str:
    spec = pod.get("spec", {})
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        return "Default"
    if policy == "ClusterFirstWithHostNet":
        return "ClusterFirst"
    return policy


def _unique(items) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return tuple(out)


def _merge_options(base: tuple[str, ...], extra: list[dict]) -> tuple[str, ...]:
    merged: dict[str, str] = {}
    for opt in base:
        merged[opt.partition(":")[0]] = opt
    for opt in extra:
        name = opt.get("name", "")
        if name:
            merged[name] = f"{name}:{opt['value']}" if opt.get("value") not in (None, "") else name
    return tuple(merged.values())


def resolv_conf(pod: dict) -> ResolvConf:
    """The pod's resolver configuration."""
    policy = effective_policy(pod)
    ns = pod.get("metadata", {}).get("namespace", "default")
    if policy == "Default":
        base = NODE_RESOLV
    elif policy == "None":
        base = ResolvConf((), (), ())
    else:
        searches = (
            f"{ns}.svc.{CLUSTER_DOMAIN}",
            f"svc.{CLUSTER_DOMAIN}",
            CLUSTER_DOMAIN,
            *NODE_RESOLV.searches,
        )
        base = ResolvConf((KUBE_DNS_IP,), searches, ("ndots:5",))
    config = pod.get("spec", {}).get("dnsConfig") or {}
    return ResolvConf(
        _unique([*base.nameservers, *(config.get("nameservers") or [])])[:MAX_NAMESERVERS],
        _unique([*base.searches, *(config.get("searches") or [])]),
        _merge_options(base.options, config.get("options") or []),
    )


def hostname(pod: dict) -> str:
    """spec.hostname, else the pod's name (cut to 63 characters, a DNS label)."""
    spec = pod.get("spec", {})
    if spec.get("hostNetwork"):
        return NODE_NAME
    return spec.get("hostname") or pod["metadata"]["name"][:63].rstrip("-.")


def hosts_file(pod: dict) -> str:
    """/etc/hosts as the kubelet manages it (the node's file for hostNetwork pods)."""
    spec = pod.get("spec", {})
    if spec.get("hostNetwork"):
        return "# Kubernetes-managed hosts file (host network).\n" + _NODE_HOSTS
    out = [
        "# Kubernetes-managed hosts file.\n",
        "127.0.0.1\tlocalhost\n",
        "::1\tlocalhost ip6-localhost ip6-loopback\n",
        "fe00::0\tip6-localnet\n",
        "fe00::0\tip6-mcastprefix\n",
        "fe00::1\tip6-allnodes\n",
        "fe00::2\tip6-allrouters\n",
    ]
    name = hostname(pod)
    ips = [p["ip"] for p in pod.get("status", {}).get("podIPs") or [] if p.get("ip")]
    if not ips and pod.get("status", {}).get("podIP"):
        ips = [pod["status"]["podIP"]]
    sub = spec.get("subdomain")
    for ip in ips:
        if sub:
            ns = pod["metadata"].get("namespace", "default")
            out.append(f"{ip}\t{name}.{sub}.{ns}.svc.{CLUSTER_DOMAIN}\t{name}\n")
        else:
            out.append(f"{ip}\t{name}\n")
    aliases = spec.get("hostAliases") or []
    if aliases:
        out.append("\n# Entries added by HostAliases.\n")
        for alias in aliases:
            out.append(f"{alias.get('ip', '')}\t" + "\t".join(alias.get("hostnames") or []) + "\n")
    return "".join(out)


def hosts_entries(pod: dict) -> list[tuple[str, list[str]]]:
    """(address, names) pairs of the pod's /etc/hosts, for resolvers that read it before DNS."""
    entries = []
    for line in hosts_file(pod).splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            entries.append((words[0], [w.lower() for w in words[1:]]))
    return entries
