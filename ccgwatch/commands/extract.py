"""`ccgwatch extract`: run the merger parsers on local files and print their facts (the extract contract)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import mimetypes
import sys
from pathlib import Path

from ccgwatch.errors import UserError
from parsers.extract import extract, extraction_to_json
from parsers.model import Extraction, PartialDate
from parsers.text import UnreadablePage, page_text

HELP = "extract merger groupings, events and status from local .html/.pdf/.txt files"
EXAMPLE = "ccgwatch extract minutes.html press-release.pdf --json --published 2019-07-15"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".html, .pdf or .txt (a .txt file's first line is its title)")
    parser.add_argument("--json", action="store_true", help="one JSON object per file, per line (the extract contract)")
    parser.add_argument("--published", metavar="YYYY-MM-DD",
                        help="the pages' own date, for resolving 'next April' or 'this evening' (overrides the page)")


def _published(value: str | None) -> PartialDate | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"--published must be a date like 2019-07-15, not {value!r}") from None
    return PartialDate(value)


def _content_type(path: Path) -> str | None:
    if path.suffix.lower() == ".txt":
        return "text/plain"
    return mimetypes.guess_type(path.name)[0]


def _summary(name: str, extraction: Extraction) -> str:
    if not extraction.relevant:
        return f"{name}: not about a CCG/ICB merger"
    lines = [f"{name}: {len(extraction.groupings)} grouping(s), {len(extraction.events)} event(s)"]
    for number, grouping in enumerate(extraction.groupings):
        members = ", ".join(grouping.members) or "members not resolved"
        stated = f" ({grouping.n_members_stated} stated)" if grouping.n_members_stated else ""
        lines.append(f"  [{number}] {grouping.area or 'unnamed area'}: {members}{stated}; status {grouping.status}"
                     + (f"; target {grouping.target_date}" if grouping.target_date else "")
                     + (f"; to become {grouping.successor_name}" if grouping.successor_name else ""))
        for event in (e for e in extraction.events if e.grouping == number):
            result = f" {event.outcome}" if event.outcome else ""
            lines.append(f"      {event.date or '(undated)':<10} {event.type}{result}: {event.evidence[:100]}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    published = _published(args.published)
    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            body = path.read_bytes()
        except OSError as error:
            print(f"ccgwatch extract: {name}: cannot read ({error.strerror or error})", file=sys.stderr)
            failures += 1
            continue
        try:
            page = page_text(body, _content_type(path), path.resolve().as_uri())
        except UnreadablePage as error:
            print(f"ccgwatch extract: {name}: {error}", file=sys.stderr)
            failures += 1
            continue
        if published is not None:
            page = dataclasses.replace(page, published=published)
        extraction = extract(page)
        if args.json:
            print(json.dumps(extraction_to_json(name, extraction), ensure_ascii=False))
        else:
            print(_summary(name, extraction))
        sys.stdout.flush()
    return 1 if failures else 0
