"""Just enough X.509 to fill istioctl's secret table: serial number, validity, CA flag, SPIFFE trust domain.

Secrets in a config dump carry PEM certificates (base64 in `inline_bytes`). This reads the first PEM block
with a minimal DER walker, so no crypto library is needed. Anything unparsable gives `None`, which istioctl
shows as an invalid secret with empty columns.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["CertInfo", "parse_pem_certificate"]

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)
_BASIC_CONSTRAINTS = "2.5.29.19"
_SUBJECT_ALT_NAME = "2.5.29.17"


@dataclass(frozen=True)
class CertInfo:
    serial_number: str  # lowercase hex, zero-padded to 32 digits (Go's %032x of the serial)
    not_before: datetime
    not_after: datetime
    is_ca: bool
    trust_domain: str  # host of the last spiffe:// URI SAN, or ""

    @property
    def type(self) -> str:
        return "CA" if self.is_ca else "Cert Chain"

    def valid_at(self, now: datetime) -> bool:
        return self.not_before < now < self.not_after


class _DerError(ValueError):
    pass


def _read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the element at `offset`."""
    if offset + 2 > len(data):
        raise _DerError("truncated")
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise _DerError("bad length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    end = offset + length
    if end > len(data):
        raise _DerError("truncated")
    return tag, offset, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, content, stop = _read_tlv(data, start)
        out.append((tag, content, stop))
        start = stop
    return out


def _oid(raw: bytes) -> str:
    if not raw:
        raise _DerError("empty OID")
    parts = [raw[0] // 40, raw[0] % 40]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ; RFC 5280: YY < 50 is 20YY
        year = int(text[:2])
        text = f"{2000 + year if year < 50 else 1900 + year}{text[2:]}"
    elif tag != 0x18:  # GeneralizedTime
        raise _DerError("bad time")
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def parse_pem_certificate(pem: bytes) -> CertInfo | None:
    """The first certificate of a PEM bundle, or None when there is none or it does not parse."""
    match = _PEM.search(pem)
    if match is None:
        return None
    try:
        der = base64.b64decode(b"".join(match.group(2).split()), validate=True)
        return _parse_der(der)
    except (_DerError, binascii.Error, ValueError, IndexError):
        return None


def _parse_der(der: bytes) -> CertInfo:
    _, start, end = _read_tlv(der, 0)
    tbs_tag, tbs_start, tbs_end = _children(der, start, end)[0]
    if tbs_tag != 0x30:
        raise _DerError("no TBSCertificate")
    fields = _children(der, tbs_start, tbs_end)
    index = 1 if fields[0][0] == 0xA0 else 0  # optional explicit [0] version
    _, s_start, s_end = fields[index]
    serial = int.from_bytes(der[s_start:s_end], "big", signed=True)
    validity = _children(der, fields[index + 3][1], fields[index + 3][2])
    not_before = _time(validity[0][0], der[validity[0][1] : validity[0][2]])
    not_after = _time(validity[1][0], der[validity[1][1] : validity[1][2]])
    is_ca, trust_domain = False, ""
    for tag, c_start, _c_end in fields[index + 6 :]:
        if tag != 0xA3:  # [3] extensions
            continue
        _, seq_start, seq_end = _read_tlv(der, c_start)
        for _, e_start, e_end in _children(der, seq_start, seq_end):
            parts = _children(der, e_start, e_end)
            oid = _oid(der[parts[0][1] : parts[0][2]])
            _, v_start, _v_end = parts[-1]  # the OCTET STRING holding the extension value
            if oid == _BASIC_CONSTRAINTS:
                _, b_start, b_end = _read_tlv(der, v_start)
                inner = _children(der, b_start, b_end)
                is_ca = bool(inner) and inner[0][0] == 0x01 and der[inner[0][1]] != 0
            elif oid == _SUBJECT_ALT_NAME:
                _, n_start, n_end = _read_tlv(der, v_start)
                for name_tag, u_start, u_end in _children(der, n_start, n_end):
                    if name_tag == 0x86:  # uniformResourceIdentifier
                        uri = der[u_start:u_end].decode("ascii", "replace")
                        if uri.lower().startswith("spiffe://"):
                            trust_domain = uri[len("spiffe://") :].split("/", 1)[0]
    serial_hex = format(serial, "032x") if serial >= 0 else "-" + format(-serial, "031x")
    return CertInfo(serial_hex, not_before, not_after, is_ca, trust_domain)
