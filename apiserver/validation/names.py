"""Kubernetes' name and value formats, with the exact messages kube-apiserver prints.

Each `*_msgs` function returns a tuple of messages (empty when the value is fine), like
`k8s.io/apimachinery/pkg/util/validation`; a caller turns each message into one
`Invalid value` cause. Results are cached: the same names recur in every object.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = _LABEL_FMT + r"(\." + _LABEL_FMT + ")*"
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QNAME_FMT + ")?"
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_PERCENT_FMT = "[0-9]+%"

DNS1123_LABEL = re.compile(_LABEL_FMT, re.ASCII)
DNS1123_SUBDOMAIN = re.compile(_SUBDOMAIN_FMT, re.ASCII)
DNS1035_LABEL = re.compile(_DNS1035_FMT, re.ASCII)
QUALIFIED_NAME = re.compile(_QNAME_FMT, re.ASCII)
LABEL_VALUE = re.compile(_LABEL_VALUE_FMT, re.ASCII)
CONFIG_KEY = re.compile(_CONFIG_KEY_FMT, re.ASCII)
PERCENT = re.compile(_PERCENT_FMT, re.ASCII)
_PORT_NAME_CHARS = re.compile("[-a-z0-9]+", re.ASCII)
_HAS_LETTER = re.compile("[a-z]", re.ASCII)


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """Kubernetes' RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is '...')`."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


NEGATIVE = "must be greater than or equal to 0"
IMMUTABLE = "field is immutable"
PORT_RANGE = "must be between 1 and 65535, inclusive"

_LABEL_MSG = regex_error(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character",
    _LABEL_FMT,
    "my-name",
    "123-abc",
)
_SUBDOMAIN_MSG = regex_error(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character",
    _SUBDOMAIN_FMT,
    "example.com",
)
_DNS1035_MSG = regex_error(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character",
    _DNS1035_FMT,
    "my-name",
    "abc-123",
)
_QNAME_MSG = regex_error(
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character",
    _QNAME_FMT,
    "MyName",
    "my.name",
    "123-abc",
)
_LABEL_VALUE_MSG = regex_error(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character",
    _LABEL_VALUE_FMT,
    "MyValue",
    "my_value",
    "12345",
)
_CONFIG_KEY_MSG = regex_error(
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
    _CONFIG_KEY_FMT,
    "key.name",
    "KEY_NAME",
    "key-name",
)
PERCENT_MSG = regex_error(
    "a valid percent string must be a numeric string followed by an ending '%'",
    _PERCENT_FMT,
    "1%",
    "93%",
)
ENV_NAME_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='"
)


@lru_cache(maxsize=8192)
def dns1123_label_msgs(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not DNS1123_LABEL.fullmatch(value):
        errs.append(_LABEL_MSG)
    return tuple(errs)


@lru_cache(maxsize=8192)
def dns1123_subdomain_msgs(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not DNS1123_SUBDOMAIN.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return tuple(errs)


@lru_cache(maxsize=1024)
def dns1035_label_msgs(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not DNS1035_LABEL.fullmatch(value):
        errs.append(_DNS1035_MSG)
    return tuple(errs)


@lru_cache(maxsize=8192)
def qualified_name_msgs(value: str) -> tuple[str, ...]:
    """Label/annotation keys: `[prefix/]name`, prefix a DNS subdomain, name <= 63 chars."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in dns1123_subdomain_msgs(prefix))
    else:
        return (
            "a qualified name "
            + _QNAME_MSG
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        )
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not QUALIFIED_NAME.fullmatch(name):
        errs.append("name part " + _QNAME_MSG)
    return tuple(errs)


@lru_cache(maxsize=8192)
def label_value_msgs(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not LABEL_VALUE.fullmatch(value):
        errs.append(_LABEL_VALUE_MSG)
    return tuple(errs)


@lru_cache(maxsize=1024)
def port_name_msgs(value: str) -> tuple[str, ...]:
    """IANA_SVC_NAME: at most 15 of [-a-z0-9], one letter, no `--`, no edge hyphen."""
    errs = []
    if len(value) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_CHARS.fullmatch(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(value):
        errs.append("must contain at least one letter (a-z)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return tuple(errs)


@lru_cache(maxsize=4096)
def config_key_msgs(value: str) -> tuple[str, ...]:
    """ConfigMap/Secret keys."""
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not CONFIG_KEY.fullmatch(value):
        errs.append(_CONFIG_KEY_MSG)
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return tuple(errs)


@lru_cache(maxsize=4096)
def env_var_name_msgs(value: str) -> tuple[str, ...]:
    """The relaxed rule (GA in Kubernetes 1.34): printable ASCII except '='."""
    for ch in value:
        if not (" " <= ch <= "~") or ch == "=":
            return (ENV_NAME_MSG,)
    return ()


@lru_cache(maxsize=4096)
def ip_msgs(value: str, *, family: int = 0) -> tuple[str, ...]:
    """A plain IP (no leading zeros, no zone), optionally of one family (4 or 6)."""
    try:
        if "%" in value:
            raise ValueError(value)
        ip = ipaddress.ip_address(value)
    except ValueError:
        if family == 4:
            return ("must be a valid IPv4 address",)
        if family == 6:
            return ("must be a valid IPv6 address",)
        return ("must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",)
    if family and ip.version != family:
        return (f"must be a valid IPv{family} address",)
    return ()


@lru_cache(maxsize=1024)
def cidr_msgs(value: str) -> tuple[str, ...]:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return ("must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",)
    if "/" not in value:
        return ("must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",)
    return ()


def special_ip_msgs(value: str) -> tuple[str, ...]:
    """Endpoint IPs may not be loopback, link-local, link-local multicast or unspecified."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return ()
    if ip.is_unspecified:
        return ("may not be unspecified (0.0.0.0, ::)",)
    if ip.is_loopback:
        return ("may not be in the loopback range (127.0.0.0/8, ::1/128)",)
    if ip.is_link_local:
        return ("may not be in the link-local range (169.254.0.0/16, fe80::/10)",)
    if ip in _LL_MCAST4 or ip in _LL_MCAST6:
        return ("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",)
    return ()


_LL_MCAST4 = ipaddress.ip_network("224.0.0.0/24")
_LL_MCAST6 = ipaddress.ip_network("ff02::/10", strict=False)
