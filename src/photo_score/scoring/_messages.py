"""Pydantic validation errors → config messages a photographer can act on.

Each line names the dotted key (``penalties[0].below``) and the rule in plain words
(``must be > 0 (got 0)``); an unknown key gets a difflib "did you mean" from the keys valid
at that place, because a typo is the most common config mistake.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

_RULES: dict[str, str] = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "less_than": "must be < {lt}",
    "float_type": "must be a number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "finite_number": "must be a finite number",
    "literal_error": "must be one of {expected}",
    "missing": "is required",
    "too_short": "needs at least {min_length} entry",
    "string_too_short": "must not be empty",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "dict_type": "must be a mapping of keys to values",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
}


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    return f" (got {value!r})" if isinstance(value, str) else f" (got {value})"


def describe_errors(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """One '<dotted.key>: <rule> (got <value>)' line per error."""
    errors = exc.errors()
    # "needs at least 1 entry" is noise next to the errors of the entry that was there.
    inner = {e["loc"][:i] for e in errors for i in range(len(e["loc"]))}
    kept = [e for e in errors if not (e["type"] == "too_short" and e["loc"] in inner)]
    return [_describe(err, root) for err in kept]


def _describe(err: Any, root: type[BaseModel]) -> str:
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    kind, ctx = err["type"], err.get("ctx") or {}
    if loc and loc[-1] == "[key]":  # a dict key outside its Literal (vision.tasks)
        loc = loc[:-1]
        return f"unknown key {_dotted(loc)!r}: must be one of {ctx.get('expected', '?')}"
    if kind == "extra_forbidden":
        return f"unknown key {_dotted(loc)!r}{_suggest(loc, root)}"
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return f"{_dotted(loc)}: {message}" if loc else message
    ctx = {k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
    rule = _RULES.get(kind, err["msg"]).format(**ctx)
    got = "" if kind == "missing" else _got(err.get("input"))
    return f"{_dotted(loc) or '(top level)'}: {rule}{got}"


def _suggest(loc: tuple[int | str, ...], root: type[BaseModel]) -> str:
    """'(did you mean ...?)' from the keys valid at that place in the config."""
    model: Any = root
    for part in loc[:-1]:
        model = _unwrap(model)
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(part))
            model = field.annotation if field else None
        elif get_origin(model) in (tuple, list):
            model = get_args(model)[0]
        elif get_origin(model) is dict:
            model = get_args(model)[1]
        else:
            return ""
    model = _unwrap(model)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp
