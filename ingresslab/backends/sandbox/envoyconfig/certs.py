"""The certificates an Istio proxy holds: istiod's self-signed root (`ROOTCA`) and the workload's SPIFFE
certificate (`default`), as real X.509 DER in PEM, deterministic for a sandbox.

Facts modelled (Istio 1.23 defaults): the root is `O=cluster.local`, valid 10 years from istiod's first start;
a workload certificate has an empty subject, the SAN `spiffe://cluster.local/ns/<ns>/sa/<service account>`,
is valid 24 hours with `NotBefore` backdated 2 minutes for clock skew, and is rotated when half its life has
passed. Serial numbers are 128 bit. Keys and signatures are filler bytes of the right shape: nothing here is
meant to verify, only to read like the real thing (`openssl x509 -text`, istioctl's secret table).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = [
    "ROOT_LIFETIME",
    "ROTATE_AFTER",
    "WORKLOAD_LIFETIME",
    "Certificate",
    "root_certificate",
    "workload_certificate",
]

ROOT_LIFETIME = timedelta(days=3650)
WORKLOAD_LIFETIME = timedelta(hours=24)
ROTATE_AFTER = WORKLOAD_LIFETIME / 2
_SKEW = timedelta(minutes=2)

_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
_SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
_ORGANIZATION = "2.5.4.10"
_KEY_USAGE = "2.5.29.15"
_EXT_KEY_USAGE = "2.5.29.37"
_BASIC_CONSTRAINTS = "2.5.29.19"
_SUBJECT_KEY_ID = "2.5.29.14"
_AUTHORITY_KEY_ID = "2.5.29.35"
_SUBJECT_ALT_NAME = "2.5.29.17"
_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"


# -- DER ------------------------------------------------------------------------------------------------
def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _int(value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return _tlv(0x02, raw)


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def _time(when: datetime) -> bytes:
    # RFC 5280: UTCTime through 2049, GeneralizedTime after
    if when.year < 2050:
        return _tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode())
    return _tlv(0x18, when.strftime("%Y%m%d%H%M%SZ").encode())


def _bits(data: bytes) -> bytes:
    return _tlv(0x03, b"\x00" + data)


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _name(organization: str | None) -> bytes:
    if organization is None:
        return _seq()
    attribute = _seq(_oid(_ORGANIZATION), _tlv(0x13, organization.encode()))
    return _seq(_tlv(0x31, attribute))


def _extension(oid: str, value: bytes, *, critical: bool = False) -> bytes:
    flag = _tlv(0x01, b"\xff") if critical else b""
    return _seq(_oid(oid), flag, _octets(value))


def _filler(seed: str, size: int) -> bytes:
    """Deterministic bytes standing in for key material and signatures."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return out[:size]


def _rsa_public_key(seed: str) -> bytes:
    modulus = int.from_bytes(b"\xc0" + _filler(seed + "/n", 255), "big")  # 2048 bits, top bit set
    key = _seq(_int(modulus), _int(65537))
    algorithm = _seq(_oid(_RSA_ENCRYPTION), _tlv(0x05, b""))
    return _seq(algorithm, _bits(key))


def _serial(seed: str) -> int:
    # 128 random bits, kept positive
    return int.from_bytes(hashlib.sha256(("serial/" + seed).encode()).digest()[:16], "big") >> 1


@dataclass(frozen=True)
class Certificate:
    der: bytes
    serial: int
    not_before: datetime
    not_after: datetime

    @property
    def pem(self) -> str:
        body = base64.b64encode(self.der).decode("ascii")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def _certificate(
    seed: str,
    *,
    issuer: str,
    subject: str | None,
    not_before: datetime,
    not_after: datetime,
    extensions: list[bytes],
) -> Certificate:
    serial = _serial(seed)
    algorithm = _seq(_oid(_SHA256_WITH_RSA), _tlv(0x05, b""))
    tbs = _seq(
        _tlv(0xA0, _int(2)),  # v3
        _int(serial),
        algorithm,
        _name(issuer),
        _seq(_time(not_before), _time(not_after)),
        _name(subject),
        _rsa_public_key(seed),
        _tlv(0xA3, _seq(*extensions)),
    )
    der = _seq(tbs, algorithm, _bits(_filler(seed + "/signature", 256)))
    return Certificate(der, serial, not_before, not_after)


def _key_id(seed: str) -> bytes:
    return hashlib.sha1(("key/" + seed).encode()).digest()  # a key identifier, not a security use


def root_certificate(trust_domain: str, issued: datetime, seed: str) -> Certificate:
    """istiod's self-signed CA (`istio-ca-root-cert`), issued when istiod first started."""
    issued = issued.astimezone(timezone.utc).replace(microsecond=0)
    extensions = [
        _extension(_KEY_USAGE, _tlv(0x03, b"\x02\x04"), critical=True),  # keyCertSign
        _extension(_BASIC_CONSTRAINTS, _seq(_tlv(0x01, b"\xff")), critical=True),
        _extension(_SUBJECT_KEY_ID, _octets(_key_id("root/" + seed))),
    ]
    return _certificate(
        "root/" + seed,
        issuer=trust_domain,
        subject=trust_domain,
        not_before=issued,
        not_after=issued + ROOT_LIFETIME,
        extensions=extensions,
    )


def workload_certificate(
    trust_domain: str,
    namespace: str,
    service_account: str,
    started: datetime,
    now: datetime,
    seed: str,
    root_seed: str,
) -> Certificate:
    """The pod's current SPIFFE certificate: the one issued at start, or its latest rotation before `now`."""
    started = started.astimezone(timezone.utc).replace(microsecond=0)
    rotations = max(0, int((now - started) / ROTATE_AFTER))
    issued = started + rotations * ROTATE_AFTER
    spiffe = f"spiffe://{trust_domain}/ns/{namespace}/sa/{service_account}".encode()
    extensions = [
        _extension(_KEY_USAGE, _tlv(0x03, b"\x05\xa0"), critical=True),  # digitalSignature, keyEncipherment
        _extension(_EXT_KEY_USAGE, _seq(_oid(_SERVER_AUTH), _oid(_CLIENT_AUTH))),
        _extension(_BASIC_CONSTRAINTS, _seq(), critical=True),
        _extension(_AUTHORITY_KEY_ID, _seq(_tlv(0x80, _key_id("root/" + root_seed)))),
        _extension(_SUBJECT_ALT_NAME, _seq(_tlv(0x86, spiffe)), critical=True),
    ]
    return _certificate(
        f"workload/{seed}/{rotations}",
        issuer=trust_domain,
        subject=None,
        not_before=issued - _SKEW,
        not_after=issued + WORKLOAD_LIFETIME,
        extensions=extensions,
    )
