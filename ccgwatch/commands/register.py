"""`ccgwatch register`: look up an organisation (footprint, line of succession) or refresh the register from ODS."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from urllib.parse import urlsplit

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths
from ccgwatch.errors import UserError

HELP = "show a CCG/ICB with its footprint and line of succession, or refresh the register from NHS ODS"
EXAMPLE = "ccgwatch register show 'Stoke on Trent' --format json"

ORD_URL = "https://directory.spineservices.nhs.uk/ORD/2-0-0"
ORGANISATION_COLUMNS = ["code", "name", "kind", "ons_code", "opened", "closed", "successor", "footprint"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="one organisation by ODS code or (part of its) name")
    show.add_argument("query", metavar="CODE|NAME", help="an ODS code (05W, QNC) or a name (\"Stoke on Trent\")")
    show.add_argument("--on", type=dt.date.fromisoformat, default=None,
                      help="list the footprint's CCGs on this date (default: the organisation's last day open)")
    add_format_argument(show, ("table", "json"))
    add_data_argument(show)
    update = actions.add_parser("update", help="refresh organisations and successions from the NHS ODS ORD API")
    update.add_argument("--ord-url", default=None,
                        help=f"ORD API root (default: {ORD_URL})")
    update.add_argument("--roles", default="RO98,RO261", help="primary role ids to fetch (default: RO98,RO261)")
    update.add_argument("--page-size", type=int, default=1000, help="organisations per listing page (max 1000)")
    update.add_argument("--quiet", action="store_true", help="no progress display")
    add_data_argument(update)


def run(args: argparse.Namespace) -> int:
    if args.action == "update":
        return _update(args)
    return _show(args)


def _register(args: argparse.Namespace):
    from parsers.register import load_register, overlay_path

    overlay = overlay_path(data_paths(args).root)
    return load_register(overlay if overlay.exists() else None)


def _show(args: argparse.Namespace) -> int:
    from reports.output import print_rows

    register = _register(args)
    found = register.find(args.query)
    if not found:
        raise UserError(f"no CCG or ICB matches {args.query!r} (try an ODS code such as 05W or part of a name)")
    if len(found) > 1:
        print(f"{len(found)} organisations match {args.query!r}; ask for one by code:", file=sys.stderr)
        print_rows(ORGANISATION_COLUMNS, [_row(org) for org in found], args.format if args.format != "json" else "json")
        return 0
    report = describe(register, found[0], args.on)
    if args.format == "json":
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    organisation = report["organisation"]
    print_rows(["field", "value"], [[key, value] for key, value in organisation.items()],
               title=f"{organisation['name']} ({organisation['code']})")
    footprint = report["footprint"]
    if footprint:
        print_rows(["code", "name", "opened", "closed"],
                   [[m["code"], m["name"], m["opened"], m["closed"]] for m in footprint["members"]],
                   title=f"Footprint {footprint['code']} {footprint['name']}: CCGs on {footprint['on']}")
    print_rows(["step", "code", "name", "kind", "opened", "closed"],
               [[step["step"], step["code"], step["name"], step["kind"], step["opened"], step["closed"]]
                for step in report["succession"]],
               title="Line of succession")
    return 0


def _row(org) -> list[object]:
    return [org.code, org.name, org.kind.value, org.ons_code, org.opened, org.closed, org.successor,
            org.footprint_code]


def _org_dict(org) -> dict[str, object]:
    return {
        "code": org.code, "name": org.name, "kind": org.kind.value, "ons_code": org.ons_code,
        "opened": org.opened.isoformat(), "closed": org.closed.isoformat() if org.closed else None,
        "successor": org.successor, "footprint_code": org.footprint_code, "footprint_name": org.footprint_name,
    }


def describe(register, org, on: dt.date | None = None) -> dict[str, object]:
    """An organisation, its footprint's CCGs on a date and its line of succession, as plain data."""
    day = on or org.closed or dt.date.today()
    footprint = None
    if org.footprint_code:
        # An ICB's footprint is shown as it stood on the CCGs' last day, unless a date is asked for.
        if org.opened >= dt.date(2022, 7, 1) and on is None:
            day = dt.date(2022, 6, 30)
        members = register.footprint_members(org.footprint_code, day)
        footprint = {
            "code": org.footprint_code, "name": org.footprint_name, "on": day.isoformat(),
            "members": [_org_dict(member) for member in members],
        }
    succession = []
    ancestors = _ancestors(register, org.code)
    for depth, ancestor in ancestors:
        succession.append({"step": f"predecessor{'' if depth == 1 else f' ({depth} back)'}", **_org_dict(ancestor)})
    line = register.succession(org.code)
    for position, step in enumerate(line):
        succession.append({"step": "this organisation" if position == 0 else "successor", **_org_dict(step)})
    return {"organisation": _org_dict(org), "footprint": footprint, "succession": succession}


def _ancestors(register, code: str, depth: int = 1) -> list[tuple[int, object]]:
    """Predecessors, oldest first (those that merged into this one, and into them)."""
    found = []
    for predecessor in register.predecessors(code):
        found += _ancestors(register, predecessor.code, depth + 1)
        found.append((depth, predecessor))
    return found


def _update(args: argparse.Namespace) -> int:
    """Crawl ORD with the `ods` spider (child process, raw pages kept), then merge what it read into the overlay."""
    from ccgwatch.crawling import run_crawl
    from parsers.register import (
        load_register,
        organisation_from_ord,
        overlay_path,
        read_organisations_csv,
        read_register,
        updated_organisations,
        write_organisations_csv,
    )
    from spiders.pipelines import read_body
    from spiders.sources import Source

    paths = data_paths(args)
    root = (args.ord_url or ORD_URL).rstrip("/")
    host = urlsplit(root).hostname
    roles = [role.strip().upper() for role in args.roles.split(",") if role.strip()]
    if not host or not roles:
        raise UserError(f"need an http(s) ORD URL and at least one role (got {root!r}, {args.roles!r})")
    source = Source(
        id="ods-ord", kind="ods", name="NHS ODS Organisation Reference Data API", base_url=root,
        allowed_domains=(host,), org_codes=(),
        start_urls=tuple(f"{root}/organisations?PrimaryRoleId={role}&Limit={args.page_size}" for role in roles),
    )
    run_id = "register-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    result = run_crawl([source], paths, run_id, show_progress=not args.quiet)

    fresh, unreadable = [], 0
    for feed in result.feed_files:
        for line in feed.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("item_type") != "page" or "/organisations/" not in str(row.get("url")):
                continue
            try:
                org = organisation_from_ord(json.loads(read_body(paths.raw_store, row["raw_path"])))
            except (KeyError, ValueError, TypeError):
                unreadable += 1
                continue
            if org:
                fresh.append(org)
    if not fresh:
        raise UserError(f"ODS update read no organisations from {root} ({result.errors} fetch errors; "
                        f"log: {result.log_file})")

    overlay = overlay_path(paths.root)
    current = read_register(overlay=overlay) if overlay.exists() else load_register()
    merged, counts = updated_organisations(current, fresh)
    kept = {org.code: org for org in (read_organisations_csv(overlay) if overlay.exists() else [])}
    kept.update({org.code: org for org in merged})
    write_organisations_csv(overlay, sorted(kept.values(), key=lambda org: org.code))
    print(f"read {len(fresh)} organisations from ODS ({sum(o.kind == 'ccg' for o in fresh)} CCG codes, "
          f"{sum(o.kind == 'icb' for o in fresh)} ICBs; {unreadable} unreadable, {result.errors} fetch errors): "
          f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged -> {overlay}")
    return 0
