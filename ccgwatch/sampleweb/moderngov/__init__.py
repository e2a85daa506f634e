"""Sample-web plug-in imitating ModernGov council sites: committees, meetings, agenda items, decisions, web service.

Each council is described once in `councils/<prefix>.json` (committees, meetings, agenda items, decisions,
issues; long texts in `councils/<prefix>/texts/`, attached reports in `councils/<prefix>/documents/`) and
rendered through the templates of its markup variant (`templates/modern/`, `templates/classic/`), so the HTML
pages and the web service always agree.
"""

from __future__ import annotations

from ccgwatch.sampleweb.messages import Request, Response
from ccgwatch.sampleweb.moderngov.council import load_councils
from ccgwatch.sampleweb.moderngov.pages import render

COUNCILS = load_councils()
PREFIXES = tuple(f"/{name}/" for name in COUNCILS)
# Councillors' contact pages are off-limits to robots, as on many council sites.
ROBOTS_DISALLOW = tuple(f"/{name}/mgCommitteeMailingList.aspx" for name in COUNCILS)


def handle(request: Request) -> Response | None:
    prefix, _, page = request.path.lstrip("/").partition("/")
    council = COUNCILS.get(prefix)
    if council is None:
        return None
    return render(council, page, request)
