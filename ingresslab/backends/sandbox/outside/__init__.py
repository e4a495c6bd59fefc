"""The emulated internet the sandbox's cluster reaches out to: public sites, their addresses, their DNS.

- `sites`: the hosts (edition.cnn.com, httpbin.org, www.google.com, developers.google.com, www.baidu.com),
  their fixed public IPv4 addresses and what they answer on :80 and :443;
- `resolver`: the upstream resolver CoreDNS's `forward . /etc/resolv.conf` reaches (A records for those
  names, NXDOMAIN for every other name);
- `internet`: a connection to a public address (TCP, TLS handshake outcome, one HTTP exchange);
- `samples`: Istio's `sleep`/`curl` client sample for `kubectl apply -f <url>`.
Nothing here opens a socket: addresses are data.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.outside.sites import PUBLIC_SOURCE_IP, SITES, Site, by_address, by_name

__all__ = ["PUBLIC_SOURCE_IP", "SITES", "Site", "by_address", "by_name"]
