"""Label and field selectors: Kubernetes' syntax, canonical form, matching and messages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machinery.selectors import (
    FieldRequirement,
    FieldSelector,
    LabelSelector,
    Operator,
    Requirement,
    escape_field_value,
    format_match_labels,
    go_quote,
    label_key_errors,
    label_value_errors,
    new_requirement,
    unescape_field_value,
)

NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
    " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
    " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
    " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
    " 'my_value',  or '12345', regex used for validation is"
    " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
    " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
    " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


# --- label selector: parsing and canonical form ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("   ", ""),
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("z=c,y=b,x=a", "x=a,y=b,z=c"),
        ("x!=a,y=b", "x!=a,y=b"),
        ("x=", "x="),
        ("x= ", "x="),
        ("x=,z= ", "x=,z="),
        ("x==a", "x==a"),
        ("!x", "!x"),
        ("! x", "!x"),
        ("x", "x"),
        ("\rx", "x"),
        ("x>1", "x>1"),
        ("x>1,z<5", "x>1,z<5"),
        ("x in (b,a)", "x in (a,b)"),
        ("x in (a,a,b)", "x in (a,b)"),
        ("x in ()", "x in ()"),
        ("x in (abc,)", "x in (,abc)"),
        ("x in (,abc)", "x in (,abc)"),
        ("x in (,)", "x in ()"),
        ("x in (,,,)", "x in ()"),
        ("x in (,,a)", "x in (,a)"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("foo  in\t (abc)", "foo in (abc)"),
        ("x notin\n (abc)", "x notin (abc)"),
        ("x  notin\t\t(abc,def)", "x notin (abc,def)"),
        ("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
        ("x notin (abc,def)", "x notin (abc,def)"),
        ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
        ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
         "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"),
        ("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"),
        ("notin=in", "notin=in"),
        ("in in (in,notin)", "in in (in,notin)"),
        # requirements with the same key keep their order (sorting is stable)
        ("z!=a,z,a=b", "a=b,z!=a,z"),
        ("a = b , c != d", "a=b,c!=d"),
        # Go's lexer stops at a NUL byte
        ("a=b\x00,garbage(", "a=b"),
    ],
)  # fmt: skip
def test_parse_canonical_string(text: str, canonical: str) -> None:
    sel = LabelSelector.parse(text)
    assert str(sel) == canonical
    assert LabelSelector.parse(str(sel)) == sel


def test_parse_requirements_structure() -> None:
    sel = LabelSelector.parse("x notin (abc,def),bar,z in (),w,y==q,!v")
    assert sel.requirements == (
        Requirement("bar", Operator.EXISTS),
        Requirement("v", Operator.DOES_NOT_EXIST),
        Requirement("w", Operator.EXISTS),
        Requirement("x", Operator.NOT_IN, ("abc", "def")),
        Requirement("y", Operator.DOUBLE_EQUALS, ("q",)),
        Requirement("z", Operator.IN, ("",)),
    )


def test_deterministic_parse() -> None:
    assert LabelSelector.parse("x=a,a=x") == LabelSelector.parse("a=x,x=a")


def _key_err(key: str, detail: str) -> str:
    return f'unable to parse requirement: <nil>: Invalid value: "{key}": {detail}'


def _value_err(i: int, key: str, value: str) -> str:
    return f'values[{i}][{key}]: Invalid value: "{value}": {VALUE_MSG}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=a||y=b", "unable to parse requirement: " + _value_err(0, "x", "a||y")),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt'"
                " operators, the value must be an integer"),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("!!a", "unable to parse requirement: found '!', expected: identifier"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        ("x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =,"
                          " ==, !=, gt, lt"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x in", "unable to parse requirement: found '' expected: '('"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        # Go's list parser refuses a trailing ",," (it consumes the pair, then meets ")")
        ("x in (,,)", "unable to parse requirement: found ')', expected: ',', or identifier"),
        ("x in (a,,)", "unable to parse requirement: found ')', expected: ',', or identifier"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("app:monolith", _key_err("app:monolith", "name part " + NAME_MSG)),
        ("_a", _key_err("_a", "name part " + NAME_MSG)),
        ("a/", _key_err("a/", "name part must be non-empty; name part " + NAME_MSG)),
        ("/a", _key_err("/a", "prefix part must be non-empty")),
        ("Example.com/a", _key_err("Example.com/a", "prefix part " + SUBDOMAIN_MSG)),
        ("a/b/c ?=? def", _key_err(
            "a/b/c", "a qualified name " + NAME_MSG + " with an optional DNS subdomain prefix"
            " and '/' (e.g. 'example.com/MyName')")),
        ("a" * 64, _key_err("a" * 64, "name part must be no more than 63 characters")),
        ("a=b@", "unable to parse requirement: " + _value_err(0, "a", "b@")),
        ("a=" + "v" * 64, "unable to parse requirement: values[0][a]: Invalid value: \""
         + "v" * 64 + "\": must be no more than 63 characters"),
        ("x in (c#,a,b@)", "unable to parse requirement: ["
         + _value_err(1, "x", "b@") + ", " + _value_err(2, "x", "c#") + "]"),
        ("a=\x01", "unable to parse requirement: values[0][a]: Invalid value: \"\\x01\": "
         + VALUE_MSG),
    ],
)  # fmt: skip
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        LabelSelector.parse(text)
    assert str(info.value) == message


def test_long_prefix_is_rejected() -> None:
    prefix = ".".join(["a" * 60] * 5)  # 304 bytes
    errs = label_key_errors(prefix + "/name")
    assert errs == ["prefix part must be no more than 253 characters"]


def test_label_validators_accept_good_input() -> None:
    for key in ["a", "A-b_c.d", "1234", "example.com/Name", "a.b-c/x", "k" * 63]:
        assert label_key_errors(key) == [], key
    for value in ["", "x", "1.2.3", "a_b-c", "V" * 63]:
        assert label_value_errors(value) == [], value


# --- label selector: matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "labels", "want"),
    [
        ("", {"x": "y"}, True),
        ("", {}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x", {"x": "z"}, True),
        ("x", {"x": ""}, True),
        ("!x", {"y": "z"}, True),
        ("x>1", {"x": "2"}, True),
        ("x<1", {"x": "0"}, True),
        ("x<1", {"x": "-5"}, True),
        ("x>1", {"x": "+2"}, True),
        ("x>1", {"x": "007"}, True),
        ("x=z", {}, False),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x!=y", {}, True),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x>1", {"x": "0"}, False),
        ("x<1", {"x": "2"}, False),
        ("x>1", {}, False),
        ("x>1", {"x": "v2"}, False),
        ("x>1", {"x": "1_000"}, False),
        ("x>1", {"x": " 5"}, False),
        ("x>1", {"x": "99999999999999999999"}, False),
        ("x in (foo)", {"x": "foo", "y": "baz"}, True),
        ("x in (foo),y notin (alpha)", {"x": "foo", "y": "baz"}, True),
        ("x in (foo),y in (alpha)", {"x": "foo", "y": "baz"}, False),
        ("x notin (),y", {"y": ""}, True),
        ("!x,y", {"y": ""}, True),
        ("x notin (),!y", {"y": ""}, False),
        ("x in ()", {"y": "baz"}, False),
        ("x in ()", {"x": ""}, True),
        ("x=", {"x": ""}, True),
        ("x=", {}, False),
        ("x notin (a,b)", {"x": "c"}, True),
        ("x notin (a,b)", {"x": "b"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    ],
)
def test_matches(text: str, labels: dict[str, str], want: bool) -> None:
    assert LabelSelector.parse(text).matches(labels) is want


def test_matches_none_labels_is_empty_labels() -> None:
    assert LabelSelector.parse("!a").matches(None)
    assert not LabelSelector.parse("a").matches(None)


def test_empty_and_nothing() -> None:
    assert LabelSelector.parse("").empty
    assert LabelSelector().empty
    assert not LabelSelector.parse("a").empty
    nothing = LabelSelector.from_dict(None)
    assert not nothing.empty
    assert not nothing.matches({})
    assert not nothing.matches({"a": "b"})
    assert str(nothing) == ""


def test_requires_exact_match() -> None:
    sel = LabelSelector.parse("a=1,b in (2),c in (3,4),d!=5,e==6")
    assert sel.requires_exact_match("a") == "1"
    assert sel.requires_exact_match("b") == "2"
    assert sel.requires_exact_match("c") is None
    assert sel.requires_exact_match("d") is None
    assert sel.requires_exact_match("e") == "6"
    assert sel.requires_exact_match("zz") is None


# --- label selector: the object form -------------------------------------------------------


def test_from_dict_every_operator() -> None:
    sel = LabelSelector.from_dict(
        {
            "matchLabels": {"tier": "web", "app": "shop"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "track", "operator": "NotIn", "values": ["canary"]},
                {"key": "owner", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist", "values": []},
            ],
        }
    )
    assert str(sel) == "app=shop,env in (dev,prod),!legacy,owner,tier=web,track notin (canary)"
    base = {"tier": "web", "app": "shop", "env": "dev", "owner": "me"}
    assert sel.matches(base)
    assert sel.matches({**base, "track": "stable"})
    assert not sel.matches({**base, "track": "canary"})
    assert not sel.matches({**base, "legacy": "x"})
    assert not sel.matches({**base, "env": "qa"})
    assert not sel.matches({k: v for k, v in base.items() if k != "owner"})
    assert not sel.matches({**base, "tier": "db"})


def test_from_dict_empty_selects_everything_and_none_nothing() -> None:
    for everything in ({}, {"matchLabels": {}}, {"matchLabels": None, "matchExpressions": []}):
        sel = LabelSelector.from_dict(everything)
        assert sel.empty
        assert sel.matches({}) and sel.matches({"a": "b"})
    assert not LabelSelector.from_dict(None).matches({})


def test_from_dict_keeps_duplicate_values_like_kubernetes() -> None:
    sel = LabelSelector.from_dict(
        {"matchExpressions": [{"key": "a", "operator": "In", "values": ["y", "x", "y"]}]}
    )
    assert str(sel) == "a in (x,y,y)"
    assert sel.matches({"a": "x"})


@pytest.mark.parametrize(
    ("sel", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "In"}]},
         "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": []}]},
         "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
         'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist", "values": ["<&>"]}]},
         '[values: Invalid value: ["\\u003c\\u0026\\u003e"]: values set must be empty for exists'
         ' and does not exist, values[0][a]: Invalid value: "<&>": ' + VALUE_MSG + "]"),
        ({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
         '"Gt" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "a", "operator": "in", "values": ["1"]}]},
         '"in" is not a valid label selector operator'),
        ({"matchLabels": {"a b": "x"}}, 'key: Invalid value: "a b": name part ' + NAME_MSG),
        ({"matchLabels": {"a": "x y"}}, 'values[0][a]: Invalid value: "x y": ' + VALUE_MSG),
        ({"matchExpressions": [{"key": "a b", "operator": "Exists", "values": ["x"]}]},
         '[key: Invalid value: "a b": name part ' + NAME_MSG + ', values: Invalid value: ["x"]:'
         " values set must be empty for exists and does not exist]"),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["ok", "b@d"]}]},
         'values[1][a]: Invalid value: "b@d": ' + VALUE_MSG),
    ],
)  # fmt: skip
def test_from_dict_errors(sel: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        LabelSelector.from_dict(sel)
    assert str(info.value) == message


def test_new_requirement_rules() -> None:
    assert str(new_requirement("y", Operator.GREATER_THAN, ["1"])) == "y>1"
    assert str(new_requirement("z", Operator.LESS_THAN, ["6"])) == "z<6"
    assert str(new_requirement("1foo", Operator.IN, ["bar"])) == "1foo in (bar)"
    with pytest.raises(ValueError, match="exactly one value is required"):
        new_requirement("y", Operator.GREATER_THAN, ["1", "2"])
    with pytest.raises(ValueError, match="exact-match compatibility requires one single value"):
        new_requirement("y", Operator.EQUALS, ["1", "2"])
    with pytest.raises(ValueError, match="must be an integer"):
        new_requirement("y", Operator.LESS_THAN, ["99999999999999999999"])
    with pytest.raises(ValueError, match="name part must be no more than 63 characters"):
        new_requirement("a" * 254, Operator.EXISTS)


def test_from_set_and_format_match_labels() -> None:
    assert format_match_labels({"c": "d", "a": "b"}) == "a=b,c=d"
    assert format_match_labels({}) == ""
    sel = LabelSelector.from_set({"c": "d", "a": "b"})
    assert str(sel) == "a=b,c=d"
    assert sel.matches({"a": "b", "c": "d", "e": "f"})
    assert not sel.matches({"a": "b"})
    assert LabelSelector.from_set(None).empty


def test_go_quote() -> None:
    assert go_quote('a"b\\c') == '"a\\"b\\\\c"'
    assert go_quote("\n\t\x7f") == '"\\n\\t\\x7f"'
    assert go_quote("é") == '"é"'
    assert go_quote("\u200b") == '"\\u200b"'


# --- field selectors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms", "canonical"),
    [
        ("", [], ""),
        ("a=b", [("a", "=", "b")], "a=b"),
        ("a==b", [("a", "=", "b")], "a=b"),
        ("a!=b", [("a", "!=", "b")], "a!=b"),
        ("a=", [("a", "=", "")], "a="),
        ("b==c,a!=d", [("a", "!=", "d"), ("b", "=", "c")], "a!=d,b=c"),
        ("a=b,,c=d", [("a", "=", "b"), ("c", "=", "d")], "a=b,c=d"),
        (",", [], ""),
        ("a=x\\,y", [("a", "=", "x,y")], "a=x\\,y"),
        ("a=x\\=y", [("a", "=", "x=y")], "a=x\\=y"),
        ("a=x\\\\", [("a", "=", "x\\")], "a=x\\\\"),
        ("a=\\\\,b=c", [("a", "=", "\\"), ("b", "=", "c")], "a=\\\\,b=c"),
        ("a!=b!c", [("a", "!=", "b!c")], "a!=b!c"),
        (" a = b ", [(" a ", "=", " b ")], " a = b "),
        ("=", [("", "=", "")], "="),
        ("status.phase!=Running,spec.restartPolicy=Always",
         [("spec.restartPolicy", "=", "Always"), ("status.phase", "!=", "Running")],
         "spec.restartPolicy=Always,status.phase!=Running"),
    ],
)  # fmt: skip
def test_field_parse(text: str, terms: list[tuple[str, str, str]], canonical: str) -> None:
    sel = FieldSelector.parse(text)
    assert sel.requirements == [FieldRequirement(*t) for t in terms]
    assert str(sel) == canonical
    assert FieldSelector.parse(str(sel)) == sel


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a\\=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a=\\q", "invalid field selector: invalid escape sequence: \\q"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
        ("a!=b,c", "invalid selector: 'a!=b,c'; can't understand 'c'"),
    ],
)
def test_field_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        FieldSelector.parse(text)
    assert str(info.value) == message


def test_field_matches() -> None:
    fields = {"metadata.name": "web-1", "status.phase": "Running", "spec.nodeName": ""}
    assert FieldSelector.parse("").matches(fields)
    assert FieldSelector.parse("metadata.name=web-1").matches(fields)
    assert FieldSelector.parse("metadata.name==web-1,status.phase=Running").matches(fields)
    assert not FieldSelector.parse("metadata.name=web-2").matches(fields)
    assert FieldSelector.parse("status.phase!=Pending").matches(fields)
    assert not FieldSelector.parse("status.phase!=Running").matches(fields)
    # an empty value and a missing field both compare as ""
    assert FieldSelector.parse("spec.nodeName=").matches(fields)
    assert FieldSelector.parse("spec.unknown=").matches(fields)
    assert not FieldSelector.parse("spec.unknown!=").matches(fields)
    assert FieldSelector.parse("spec.unknown!=x").matches(fields)
    assert FieldSelector.parse("a=x\\,y").matches({"a": "x,y"})


def test_field_empty_requires_exact_match_and_from_set() -> None:
    assert FieldSelector.parse("").empty
    assert not FieldSelector.parse("a=b").empty
    sel = FieldSelector.parse("metadata.name=x,status.phase!=y")
    assert sel.requires_exact_match("metadata.name") == "x"
    assert sel.requires_exact_match("status.phase") is None
    assert str(FieldSelector.from_set({"b": "1", "a": "x,y"})) == "a=x\\,y,b=1"


def test_escape_round_trip_examples() -> None:
    assert escape_field_value("a\\b,c=d") == "a\\\\b\\,c\\=d"
    assert unescape_field_value("a\\\\b\\,c\\=d") == "a\\b,c=d"
    assert unescape_field_value("plain") == "plain"


# --- properties ------------------------------------------------------------------------------

KEYS = ["a", "b", "app", "tier", "in", "notin", "example.com/role", "k8s.io/x-y", "A1", "z.z"]
VALUES = ["", "x", "y", "web", "in", "v1.2", "a_b", "0", "12", "99"]
SPACE = st.sampled_from(["", " ", "  ", "\t"])
GAP = st.sampled_from([" ", "\t", " \n "])


Req = tuple[str, str, list[str]]  # (key, op, values) as naive_match reads them


@st.composite
def requirement_texts(draw: st.DrawFn) -> tuple[str, Req]:
    """One random requirement spelled with random whitespace, and what it means."""
    key = draw(st.sampled_from(KEYS))
    op = draw(st.sampled_from(["=", "==", "!=", "in", "notin", "exists", "!", ">", "<"]))
    s1, s2 = draw(SPACE), draw(SPACE)
    if op in ("=", "==", "!="):
        value = draw(st.sampled_from(VALUES))
        return f"{key}{s1}{op}{s2}{value}", (key, op, [value])
    if op in ("in", "notin"):
        values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=4))
        # empty members first, never only empties: Go rejects some trailing ",,)" forms
        values = sorted(values, key=bool) if any(values) else [""]
        inner = ("," + draw(SPACE)).join(values)
        return f"{key}{draw(GAP)}{op}{s1}({s2}{inner}{draw(SPACE)})", (key, op, values)
    if op in (">", "<"):
        value = str(draw(st.integers(0, 200)))
        return f"{key}{s1}{op}{s2}{value}", (key, op, [value])
    if op == "!":
        return f"!{s1}{key}", (key, op, [])
    return key, (key, op, [])


def naive_match(reqs: list[Req], labels: dict[str, str]) -> bool:
    """The documented meaning of each operator, written out plainly."""

    def one(key: str, op: str, values: list[str]) -> bool:
        has = key in labels
        if op in ("=", "==", "in"):
            return has and labels[key] in values
        if op in ("!=", "notin"):
            return not has or labels[key] not in values
        if op == "exists":
            return has
        if op == "!":
            return not has
        if not has or not re.fullmatch(r"[+-]?[0-9]+", labels[key]):
            return False
        have = int(labels[key])
        return have > int(values[0]) if op == ">" else have < int(values[0])

    return all(one(*r) for r in reqs)


@st.composite
def selector_texts(draw: st.DrawFn) -> tuple[str, list[Req]]:
    reqs = draw(st.lists(requirement_texts(), max_size=5))
    text = ",".join(draw(SPACE) + t + draw(SPACE) for t, _ in reqs)
    return text, [r for _, r in reqs]


LABEL_SETS = st.dictionaries(
    st.sampled_from(KEYS), st.sampled_from([*VALUES, "5", "150", "-3", "07"]), max_size=6
)


@given(selector_texts(), LABEL_SETS)
def test_property_matches_agrees_with_naive_evaluation(
    case: tuple[str, list[Req]], labels: dict[str, str]
) -> None:
    text, reqs = case
    assert LabelSelector.parse(text).matches(labels) == naive_match(reqs, labels)


@given(selector_texts())
def test_property_canonical_string_round_trips(
    case: tuple[str, list[Req]],
) -> None:
    sel = LabelSelector.parse(case[0])
    canonical = str(sel)
    again = LabelSelector.parse(canonical)
    assert again == sel
    assert str(again) == canonical
    keys = [r.key for r in sel.requirements]
    assert keys == sorted(keys)


@given(st.text(alphabet="ab=!(),<> \tin1/.-_@", max_size=25))
def test_property_arbitrary_text_parses_or_raises_value_error(text: str) -> None:
    try:
        sel = LabelSelector.parse(text)
    except ValueError:
        return
    assert LabelSelector.parse(str(sel)) == sel


@given(
    st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3),
    st.lists(
        st.tuples(
            st.sampled_from(KEYS),
            st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
            st.lists(st.sampled_from(VALUES), min_size=1, max_size=3),
        ),
        max_size=3,
    ),
    LABEL_SETS,
)
def test_property_from_dict_agrees_with_naive_evaluation(
    match_labels: dict[str, str],
    exprs: list[tuple[str, str, list[str]]],
    labels: dict[str, str],
) -> None:
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    unary = ("Exists", "DoesNotExist")
    sel = LabelSelector.from_dict(
        {
            "matchLabels": match_labels,
            "matchExpressions": [
                {"key": k, "operator": op, "values": [] if op in unary else vals}
                for k, op, vals in exprs
            ],
        }
    )
    reqs = [(k, "=", [v]) for k, v in match_labels.items()]
    reqs += [(k, ops[op], [] if op in unary else vals) for k, op, vals in exprs]
    assert sel.matches(labels) == naive_match(reqs, labels)
    if not match_labels and not exprs:
        assert sel.empty


FIELDS = ["metadata.name", "metadata.namespace", "status.phase", "spec.nodeName", "a"]
FIELD_VALUES = st.text(alphabet="ab\\,=! x", max_size=6)


@given(
    st.lists(
        st.tuples(st.sampled_from(FIELDS), st.sampled_from(["=", "==", "!="]), FIELD_VALUES),
        max_size=5,
    ),
    st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUES, max_size=5),
)
def test_property_field_selector_escaping_matching_and_round_trip(
    terms: list[tuple[str, str, str]], fields: dict[str, str]
) -> None:
    text = ",".join(f"{f}{op}{escape_field_value(v)}" for f, op, v in terms)
    sel = FieldSelector.parse(text)
    expected = sorted((f, "!=" if op == "!=" else "=", v) for f, op, v in terms)
    assert sorted(sel.requirements) == expected
    again = FieldSelector.parse(str(sel))
    assert sorted(again.requirements) == expected
    naive = all(
        (fields.get(f, "") == v) if op != "!=" else (fields.get(f, "") != v) for f, op, v in terms
    )
    assert sel.matches(fields) == naive


@given(st.text(max_size=20))
def test_property_escape_unescape(value: str) -> None:
    assert unescape_field_value(escape_field_value(value)) == value
