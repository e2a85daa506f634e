"""`ccgwatch sources`: list the sites ccgwatch crawls and check the registry file for mistakes."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from ccgwatch.errors import UserError
from parsers.vocab import SourceKind
from spiders.sources import REGISTRY, Source, check_registry, read_sources

HELP = "list the crawl sources (councils, CCG/ICB sites, web archives, ODS) or check the registry"
EXAMPLE = "ccgwatch sources list --kind archive --format csv"

LIST_COLUMNS = ["id", "kind", "enabled", "org_codes", "base_url", "start_urls", "name"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print the sources, one per row")
    listing.add_argument("--kind", choices=[kind.value for kind in SourceKind], help="only this kind")
    listing.add_argument("--enabled", action="store_true", help="only sources a crawl would visit")
    listing.add_argument("--format", choices=["table", "csv", "json"], default="table")
    listing.add_argument("--registry", type=Path, default=REGISTRY, help="registry CSV (default: the shipped one)")
    checking = actions.add_parser("check", help="validate the registry; exits 1 when there are problems")
    checking.add_argument("--registry", type=Path, default=REGISTRY, help="registry CSV (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    if not args.registry.is_file():
        raise UserError(f"no registry file at {args.registry}")
    if args.action == "check":
        return _check(args.registry)
    sources = read_sources(args.registry)
    if args.kind:
        sources = [source for source in sources if source.kind == args.kind]
    if args.enabled:
        sources = [source for source in sources if source.enabled]
    _print_sources(sources, args.format)
    return 0


def _check(registry: Path) -> int:
    problems = check_registry(registry)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {registry}", file=sys.stderr)
        return 1
    sources = read_sources(registry)
    enabled = sum(source.enabled for source in sources)
    print(f"ok: {len(sources)} sources ({enabled} enabled) in {registry}")
    return 0


def _as_row(source: Source) -> dict[str, object]:
    return {
        "id": source.id,
        "kind": source.kind,
        "enabled": source.enabled,
        "org_codes": ";".join(source.org_codes),
        "base_url": source.base_url,
        "start_urls": ";".join(source.start_urls),
        "name": source.name,
        "allowed_domains": ";".join(source.allowed_domains),
        "notes": source.notes,
    }


def _print_sources(sources: list[Source], fmt: str) -> None:
    rows = [_as_row(source) for source in sources]
    if fmt == "json":
        for row in rows:
            row.update(
                org_codes=list(filter(None, str(row["org_codes"]).split(";"))),
                start_urls=list(filter(None, str(row["start_urls"]).split(";"))),
                allowed_domains=list(filter(None, str(row["allowed_domains"]).split(";"))),
            )
        json.dump(rows, sys.stdout, indent=1)
        print()
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else LIST_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "enabled": "true" if row["enabled"] else "false"})
    else:
        _print_table(rows)


def _print_table(rows: list[dict[str, object]]) -> None:
    """A plain aligned table of the main columns; long cells are cut so one source stays on one line."""
    def cell(value: object) -> str:
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return text if len(text) <= 60 else text[:57] + "..."

    table = [LIST_COLUMNS] + [[cell(row[column]) for column in LIST_COLUMNS] for row in rows]
    widths = [max(len(line[index]) for line in table) for index in range(len(LIST_COLUMNS))]
    for line in table:
        print("  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip())
    print(f"({len(rows)} sources)")
