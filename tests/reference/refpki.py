"""Certificates, keys and tokens for the reference cluster, made fresh for each cluster directory.

One CA signs the API server's serving certificate (127.0.0.1, localhost and the in-cluster names of the
`kubernetes` Service) and the service-account keys are their own pair, as kubeadm lays them out. Clients
authenticate with static bearer tokens (`--token-auth-file`), so every kubeconfig is token-based.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Pki", "make_pki"]

SERVING_NAMES = (
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)
SERVING_IPS = ("127.0.0.1", "10.96.0.1")  # loopback, and the `kubernetes` Service's ClusterIP (a name only)
USERS = ("admin", "kube-controller-manager", "kube-scheduler", "kwok", "coredns")


@dataclass(frozen=True, slots=True)
class Pki:
    ca_cert: Path
    serving_cert: Path
    serving_key: Path
    sa_key: Path
    sa_pub: Path
    token_file: Path
    tokens: dict[str, str]  # user → bearer token


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, extensions=()) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(directory: Path) -> Pki:
    """Write a CA, the API server's serving pair, the service-account pair and a token file into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(
        _name("ingresslab-reference-ca"),
        _name("ingresslab-reference-ca"),
        ca_key.public_key(),
        ca_key,
        ca=True,
        extensions=[
            (x509.KeyUsage(False, False, False, False, False, True, True, False, False), True),
        ],
    )
    serving_key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in SERVING_NAMES]
        + [x509.IPAddress(ipaddress.ip_address(i)) for i in SERVING_IPS]
    )
    serving = _certificate(
        _name("kube-apiserver"),
        ca.subject,
        serving_key.public_key(),
        ca_key,
        ca=False,
        extensions=[(san, False), (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)],
    )
    # Service-account tokens are signed with RSA, as kubeadm's sa.key is.
    sa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    pki = Pki(
        ca_cert=directory / "ca.crt",
        serving_cert=directory / "apiserver.crt",
        serving_key=directory / "apiserver.key",
        sa_key=directory / "sa.key",
        sa_pub=directory / "sa.pub",
        token_file=directory / "tokens.csv",
        tokens={user: secrets.token_hex(24) for user in USERS},
    )
    pki.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.serving_cert.write_bytes(serving.public_bytes(serialization.Encoding.PEM))
    pki.serving_key.write_bytes(_pem_key(serving_key))
    pki.sa_key.write_bytes(_pem_key(sa_key))
    pki.sa_pub.write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    # token,user,uid,"group1,group2" — every component is a cluster admin here (a test cluster, loopback only).
    pki.token_file.write_text(
        "".join(f'{token},{user},uid-{user},"system:masters"\n' for user, token in pki.tokens.items()),
        encoding="utf-8",
    )
    for path in (pki.serving_key, pki.sa_key, pki.token_file):
        path.chmod(0o600)
    return pki
