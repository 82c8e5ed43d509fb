"""Label and field selectors, parsed, printed and matched exactly as Kubernetes does.

`?labelSelector=` and `?fieldSelector=` reach the API server as strings, controllers hold
`spec.selector` objects, and the watch cache tests every event against both. One
implementation serves all of them, so that kubectl, the Python client and our own
components see the same syntax, the same canonical form (requirements sorted by key) and
the same error messages as apimachinery's `labels.Parse`, `LabelSelectorAsSelector` and
`fields.ParseSelector`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple


class Operator(StrEnum):
    """apimachinery's `selection.Operator` values."""

    IN = "in"
    NOT_IN = "notin"
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


_BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"
_INT64_RE = re.compile(r"[+-]?[0-9]+")


# --- Go-compatible rendering of bad values -------------------------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", "\\": "\\\\", '"': '\\"'}  # fmt: skip


def go_quote(s: str) -> str:
    """Go's `%q` for a string, as Kubernetes' messages print bad values."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _go_json(values: list[str]) -> str:
    """json.Marshal of a []string (nil when empty, as apimachinery's copies are)."""
    if not values:
        return "null"
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _invalid(path: str, shown: str, detail: str) -> str:
    return f"{path}: Invalid value: {shown}: {detail}"


def _aggregate(errors: list[str]) -> str:
    """utilerrors.Aggregate.Error(): one message bare, several de-duplicated in brackets."""
    unique = list(dict.fromkeys(errors))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


# --- label key and value validation (k8s.io/apimachinery/pkg/util/validation) --------------

_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NAME_RE = re.compile(_NAME_FMT)
_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
    " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
    f" validation is '{_NAME_FMT}')"
)
_VALUE_FMT = f"({_NAME_FMT})?"
_VALUE_RE = re.compile(_VALUE_FMT)
_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
    " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
    f" 'my_value',  or '12345', regex used for validation is '{_VALUE_FMT}')"
)
_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = _DNS1123_LABEL + "(\\." + _DNS1123_LABEL + ")*"
_SUBDOMAIN_RE = re.compile(_SUBDOMAIN_FMT)
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
    " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
    f" used for validation is '{_SUBDOMAIN_FMT}')"
)


def _max_len(n: int) -> str:
    return f"must be no more than {n} characters"


def label_key_errors(key: str) -> list[str]:
    """validation.IsQualifiedName: why `key` is not a valid label key (empty when it is)."""
    parts = key.split("/")
    if len(parts) > 2:
        return [
            "a qualified name " + _NAME_MSG + " with an optional DNS subdomain prefix and '/'"
            " (e.g. 'example.com/MyName')"
        ]
    errs: list[str] = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            if len(prefix.encode()) > 253:
                errs.append("prefix part " + _max_len(253))
            if not _SUBDOMAIN_RE.fullmatch(prefix):
                errs.append("prefix part " + _SUBDOMAIN_MSG)
    if not name:
        errs.append("name part must be non-empty")
    elif len(name.encode()) > 63:
        errs.append("name part " + _max_len(63))
    if not _NAME_RE.fullmatch(name):
        errs.append("name part " + _NAME_MSG)
    return errs


def label_value_errors(value: str) -> list[str]:
    """validation.IsValidLabelValue: why `value` is not a valid label value."""
    errs: list[str] = []
    if len(value.encode()) > 63:
        errs.append(_max_len(63))
    if not _VALUE_RE.fullmatch(value):
        errs.append(_VALUE_MSG)
    return errs


# --- requirements ---------------------------------------------------------------------------


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None when it would fail."""
    if not _INT64_RE.fullmatch(text):
        return None
    n = int(text)
    return n if -(2**63) <= n < 2**63 else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One `key op values` term of a label selector (labels.Requirement)."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        value = labels.get(self.key)
        if op is Operator.IN or op is Operator.EQUALS or op is Operator.DOUBLE_EQUALS:
            return value is not None and value in self.values
        if op is Operator.NOT_IN or op is Operator.NOT_EQUALS:
            return value is None or value not in self.values
        if op is Operator.EXISTS:
            return value is not None
        if op is Operator.DOES_NOT_EXIST:
            return value is None
        if value is None or len(self.values) != 1:
            return False
        have, want = _parse_int64(value), _parse_int64(self.values[0])
        if have is None or want is None:
            return False
        return have > want if op is Operator.GREATER_THAN else have < want

    def __str__(self) -> str:
        op = self.operator
        if op is Operator.EXISTS:
            return self.key
        if op is Operator.DOES_NOT_EXIST:
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if op is Operator.IN or op is Operator.NOT_IN:
            return f"{self.key} {op.value} ({values})"
        symbol = {Operator.GREATER_THAN: ">", Operator.LESS_THAN: "<"}.get(op, op.value)
        return f"{self.key}{symbol}{values}"


def new_requirement(key: str, operator: Operator, values: Iterable[str] = ()) -> Requirement:
    """labels.NewRequirement: validate and build one requirement, or raise ValueError."""
    vals = list(values)
    errs: list[str] = []
    if key_errs := label_key_errors(key):
        errs.append(_invalid("key", go_quote(key), "; ".join(key_errs)))
    if operator in (Operator.IN, Operator.NOT_IN):
        if not vals:
            detail = "for 'in', 'notin' operators, values set can't be empty"
            errs.append(_invalid("values", _go_json(vals), detail))
    elif operator in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS):
        if len(vals) != 1:
            detail = "exact-match compatibility requires one single value"
            errs.append(_invalid("values", _go_json(vals), detail))
    elif operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        if vals:
            detail = "values set must be empty for exists and does not exist"
            errs.append(_invalid("values", _go_json(vals), detail))
    else:
        if len(vals) != 1:
            detail = "for 'Gt', 'Lt' operators, exactly one value is required"
            errs.append(_invalid("values", _go_json(vals), detail))
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                detail = "for 'Gt', 'Lt' operators, the value must be an integer"
                errs.append(_invalid(f"values[{i}]", go_quote(v), detail))
    for i, v in enumerate(vals):
        if value_errs := label_value_errors(v):
            errs.append(_invalid(f"values[{i}][{key}]", go_quote(v), "; ".join(value_errs)))
    if errs:
        raise ValueError(_aggregate(errs))
    return Requirement(key, operator, tuple(sorted(vals)))


# --- the string syntax (labels.Parse) -------------------------------------------------------

_IDENT, _EOS, _OPEN, _CLOSE, _COMMA, _NOT = "ident", "eos", "(", ")", ",", "!"
_EQ, _DEQ, _NEQ, _GT, _LT, _IN, _NOTIN = "=", "==", "!=", ">", "<", "in", "notin"
_TOKENS = {t: t for t in (_OPEN, _CLOSE, _COMMA, _NOT, _EQ, _DEQ, _NEQ, _GT, _LT, _IN, _NOTIN)}
_SPECIAL = frozenset("=!(),><")
_SPACE = frozenset(" \t\r\n")
_OPERATOR_TOKENS = {
    _IN: Operator.IN, _NOTIN: Operator.NOT_IN, _EQ: Operator.EQUALS,
    _DEQ: Operator.DOUBLE_EQUALS, _NEQ: Operator.NOT_EQUALS,
    _GT: Operator.GREATER_THAN, _LT: Operator.LESS_THAN,
}  # fmt: skip


def _lex(text: str) -> list[tuple[str, str]]:
    """The apimachinery lexer: identifiers, keywords and greedy operator symbols."""
    text = text.split("\x00", 1)[0]  # Go's lexer reads a NUL byte as end of input
    items: list[tuple[str, str]] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _SPACE:
            pos += 1
        if pos >= end:
            items.append((_EOS, ""))
            return items
        start = pos
        if text[pos] in _SPECIAL:
            # longest run of symbols that is still a token; a single symbol always is
            while pos < end and text[pos] in _SPECIAL and text[start : pos + 1] in _TOKENS:
                pos += 1
            literal = text[start:pos]
            items.append((_TOKENS[literal], literal))
        else:
            while pos < end and text[pos] not in _SPECIAL and text[pos] not in _SPACE:
                pos += 1
            literal = text[start:pos]
            items.append((_TOKENS.get(literal, _IDENT), literal))


class _Parser:
    """labels.Parser: a recursive descent over the scanned tokens."""

    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.pos = 0

    def peek(self, *, values: bool = True) -> tuple[str, str]:
        tok, lit = self.items[self.pos]
        return (_IDENT, lit) if values and tok in (_IN, _NOTIN) else (tok, lit)

    def take(self, *, values: bool = True) -> tuple[str, str]:
        item = self.peek(values=values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.peek()
            if tok == _EOS:
                return reqs
            if tok not in (_IDENT, _NOT):
                raise ValueError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except ValueError as e:
                raise ValueError(f"unable to parse requirement: {e}") from None
            tok, lit = self.take()
            if tok == _EOS:
                return reqs
            if tok != _COMMA:
                raise ValueError(f"found '{lit}', expected: ',' or 'end of string'")
            tok, lit = self.peek()
            if tok not in (_IDENT, _NOT):
                raise ValueError(f"found '{lit}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        operator: Operator | None = None
        tok, key = self.take()
        if tok == _NOT:
            operator = Operator.DOES_NOT_EXIST
            tok, key = self.take()
        if tok != _IDENT:
            raise ValueError(f"found '{key}', expected: identifier")
        if errs := label_key_errors(key):
            raise ValueError(_invalid("<nil>", go_quote(key), "; ".join(errs)))
        if self.peek()[0] in (_EOS, _COMMA) and operator is None:
            operator = Operator.EXISTS
        if operator is not None:
            return new_requirement(key, operator)
        tok, lit = self.take(values=False)
        if tok not in _OPERATOR_TOKENS:
            raise ValueError(f"found '{lit}', expected: {_BINARY_OPERATORS}")
        operator = _OPERATOR_TOKENS[tok]
        if operator in (Operator.IN, Operator.NOT_IN):
            values = self.value_set()
        else:
            values = self.exact_value()
        return new_requirement(key, operator, sorted(values))

    def value_set(self) -> set[str]:
        tok, lit = self.take()
        if tok != _OPEN:
            raise ValueError(f"found '{lit}' expected: '('")
        tok, lit = self.peek()
        if tok == _CLOSE:  # "()" is the set holding only ""
            self.take()
            return {""}
        if tok not in (_IDENT, _COMMA):
            raise ValueError(f"found '{lit}', expected: ',', ')' or identifier")
        values = self.identifiers()
        self.take()  # identifiers() returns only when ')' is next
        return values

    def identifiers(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.take()
            if tok == _IDENT:
                values.add(lit)
                tok2, lit2 = self.peek()
                if tok2 == _CLOSE:
                    return values
                if tok2 != _COMMA:
                    raise ValueError(f"found '{lit2}', expected: ',' or ')'")
            elif tok == _COMMA:  # empty members: "(,a)", "(a,,b)", "(a,)"
                if not values:
                    values.add("")
                tok2, _ = self.peek()
                if tok2 == _CLOSE:
                    values.add("")
                    return values
                if tok2 == _COMMA:
                    self.take()
                    values.add("")
            else:
                raise ValueError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.peek()[0] in (_EOS, _COMMA):
            return {""}
        tok, lit = self.take()
        if tok != _IDENT:
            raise ValueError(f"found '{lit}', expected: identifier")
        return {lit}


# --- label selectors ------------------------------------------------------------------------

_FROM_DICT_OPERATORS = {
    "In": Operator.IN, "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS, "DoesNotExist": Operator.DOES_NOT_EXIST,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """An AND of requirements, sorted by key; `selects_nothing` is labels.Nothing()."""

    requirements: tuple[Requirement, ...] = ()
    selects_nothing: bool = False

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        """labels.Parse: the `?labelSelector=` syntax; "" selects everything."""
        reqs = _Parser(text).parse()
        return cls(tuple(sorted(reqs, key=_by_key)))

    @classmethod
    def from_dict(cls, sel: Mapping[str, Any] | None) -> LabelSelector:
        """metav1.LabelSelectorAsSelector: None selects nothing, {} everything."""
        if sel is None:
            return cls(selects_nothing=True)
        match_labels = sel.get("matchLabels") or {}
        reqs = [
            new_requirement(k, Operator.EQUALS, [match_labels[k]]) for k in sorted(match_labels)
        ]
        for expr in sel.get("matchExpressions") or []:
            op = _FROM_DICT_OPERATORS.get(expr.get("operator", ""))
            if op is None:
                shown = go_quote(str(expr.get("operator", "")))
                raise ValueError(f"{shown} is not a valid label selector operator")
            reqs.append(new_requirement(expr.get("key", ""), op, expr.get("values") or []))
        return cls(tuple(sorted(reqs, key=_by_key)))

    @classmethod
    def from_set(cls, labels: Mapping[str, str] | None) -> LabelSelector:
        """labels.SelectorFromSet: exactly these labels (not validated, like Kubernetes)."""
        items = sorted((labels or {}).items())
        return cls(tuple(Requirement(k, Operator.EQUALS, (v,)) for k, v in items))

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (selects every object)."""
        return not self.requirements and not self.selects_nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.selects_nothing:
            return False
        labels = labels or {}
        return all(req.matches(labels) for req in self.requirements)

    def requires_exact_match(self, key: str) -> str | None:
        """The one value `key` must have, when the selector pins it (else None)."""
        for req in self.requirements:
            if req.key == key:
                exact = (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN)
                if req.operator in exact and len(req.values) == 1:
                    return req.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def _by_key(req: Requirement) -> str:
    return req.key


def format_match_labels(labels: Mapping[str, str]) -> str:
    """`a=b,c=d`, sorted by key: how Kubernetes prints a label set as a selector."""
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


# --- field selectors (fields.ParseSelector) -------------------------------------------------


class FieldRequirement(NamedTuple):
    """One `field op value` term; op is "=" or "!=" ("==" is read as "=")."""

    field: str
    operator: str
    value: str


def escape_field_value(value: str) -> str:
    """fields.EscapeValue: backslash-escape \\ , and = so any value can be selected on."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_field_value(text: str) -> str:
    """fields.UnescapeValue: the literal behind an escaped value, or ValueError."""
    if "\\" not in text and "," not in text and "=" not in text:
        return text
    out: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            if ch not in "\\,=":
                raise ValueError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",=":  # Go prints the rune with %v: its code point
            raise ValueError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if escaped:
        raise ValueError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not backslash-escaped, keeping the escapes."""
    if not text:
        return []
    terms: list[str] = []
    start, escaped = 0, False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """The first `!=`, `==` or `=` splits field from (still escaped) value."""
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """An AND of field terms, in Kubernetes' order (the raw terms sorted as strings)."""

    terms: tuple[FieldRequirement, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FieldSelector:
        terms: list[FieldRequirement] = []
        for part in sorted(_split_terms(text)):
            if not part:
                continue
            split = _split_term(part)
            if split is None:
                raise ValueError(f"invalid selector: '{text}'; can't understand '{part}'")
            field, op, raw = split
            value = unescape_field_value(raw)
            terms.append(FieldRequirement(field, "!=" if op == "!=" else "=", value))
        return cls(tuple(terms))

    @classmethod
    def from_set(cls, fields: Mapping[str, str]) -> FieldSelector:
        """fields.SelectorFromSet: every field equal to its value (sorted by field)."""
        return cls(tuple(FieldRequirement(f, "=", v) for f, v in sorted(fields.items())))

    @property
    def requirements(self) -> list[FieldRequirement]:
        return list(self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, fields: Mapping[str, str]) -> bool:
        """A field missing from `fields` compares as ""."""
        for field, op, value in self.terms:
            if (fields.get(field, "") == value) != (op == "="):
                return False
        return True

    def requires_exact_match(self, field: str) -> str | None:
        """The value an `=` term pins `field` to, if any."""
        for f, op, value in self.terms:
            if f == field and op == "=":
                return value
        return None

    def __str__(self) -> str:
        return ",".join(f"{f}{op}{escape_field_value(v)}" for f, op, v in self.terms)
