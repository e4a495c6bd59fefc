"""Istio's client sample for the egress tasks, served offline for `kubectl apply -f <url>`.

Istio 1.23's docs deploy `samples/sleep/sleep.yaml` (ServiceAccount, Service port 80 `http`, Deployment, all
named `sleep`, container `sleep`, image `curlimages/curl`, `/bin/sleep infinity`); from 1.24 the same sample
is `samples/curl/curl.yaml` with every name `curl`. The release-1.23 branch has no `samples/curl`, so only
the release-1.24 and master URLs serve the `curl` one. Both mount the optional Secret `<name>-secret`.
"""

from __future__ import annotations

__all__ = ["CURL_URLS", "SLEEP_URLS", "client_sample", "client_sample_objects"]

_RAW = "https://raw.githubusercontent.com/istio/istio"
SLEEP_URLS = (f"{_RAW}/release-1.23/samples/sleep/sleep.yaml",)
CURL_URLS = (f"{_RAW}/release-1.24/samples/curl/curl.yaml", f"{_RAW}/master/samples/curl/curl.yaml")

_HEADER = """# Copyright Istio Authors
#
#   Licensed under the Apache License, Version 2.0 (the "License");
#   you may not use this file except in compliance with the License.
#   You may obtain a copy of the License at
#
#       http://www.apache.org/licenses/LICENSE-2.0
#
#   Unless required by applicable law or agreed to in writing, software
#   distributed under the License is distributed on an "AS IS" BASIS,
#   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#   See the License for the specific language governing permissions and
#   limitations under the License.

"""


def client_sample(name: str = "curl") -> str:
    """The sample's YAML text: `name` is `sleep` (Istio 1.23 and earlier) or `curl` (1.24 and later)."""
    title = name.capitalize()
    return (
        _HEADER
        + "#" * 98
        + f"\n# {title} service\n"
        + "#" * 98
        + f"""
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app: {name}
    service: {name}
spec:
  ports:
  - port: 80
    name: http
  selector:
    app: {name}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      terminationGracePeriodSeconds: 0
      serviceAccountName: {name}
      containers:
      - name: {name}
        image: curlimages/curl
        command: ["/bin/sleep", "infinity"]
        imagePullPolicy: IfNotPresent
        volumeMounts:
        - mountPath: /etc/{name}/tls
          name: secret-volume
      volumes:
      - name: secret-volume
        secret:
          secretName: {name}-secret
          optional: true
---
"""
    )


def client_sample_objects(name: str = "curl") -> list[dict]:
    import yaml

    return [doc for doc in yaml.safe_load_all(client_sample(name)) if doc]


def _register() -> None:
    from ingresslab.kube import bundled

    for url in SLEEP_URLS:
        bundled.register_url(url, lambda: client_sample_objects("sleep"), note="Istio's sleep sample (1.23)")
    for url in CURL_URLS:
        bundled.register_url(url, lambda: client_sample_objects("curl"), note="Istio's curl sample (1.24+)")


_register()
