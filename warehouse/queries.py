"""Named SQL statements kept in `.sql` files beside the code: blocks introduced by `-- name: NAME` lines."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


@cache
def queries(filename: str) -> dict[str, str]:
    """Every named statement in warehouse/<filename>, keyed by name."""
    text = resources.files("warehouse").joinpath(filename).read_text(encoding="utf-8")
    named: dict[str, str] = {}
    for block in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
        name, _, sql = block.partition("\n")
        named[name.strip()] = sql.strip()
    return named


def query(filename: str, name: str) -> str:
    return queries(filename)[name]
