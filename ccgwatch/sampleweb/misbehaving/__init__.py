"""Sample-web plug-in imitating a badly behaved host, so crawls prove they record each failure and lose nothing else.

Under `/misbehaving/`: an index linking to two sound news pages and to every kind of trouble — a slow page
(answers after `?seconds=`, default 3, longer than the tests' 2 s timeout), a 500, a missing page, a
redirect loop (two URLs pointing at each other), an endless redirect chain, a page robots.txt forbids,
malformed HTML, a page whose bytes are Latin-1 but whose header says UTF-8, a broken PDF and a 3 MB body.
Each path is named for what it does; `EXPECTED_FAILURES` says what a crawler should record for each.
"""

from __future__ import annotations

import time

from ccgwatch.sampleweb.messages import Request, Response, not_found

PREFIXES = ("/misbehaving/",)
ROBOTS_DISALLOW = ("/misbehaving/private/",)

# Path → (failure kind, HTTP status or None) a crawler must record; every other linked page must arrive.
EXPECTED_FAILURES = {
    "/misbehaving/slow": ("timeout", None),
    "/misbehaving/server-error": ("http_5xx", 500),
    "/misbehaving/missing": ("http_4xx", 404),
    "/misbehaving/loop-a": ("redirect_loop", None),
    "/misbehaving/chain?step=1": ("redirect_loop", None),
    "/misbehaving/private/minutes": ("robots", None),
    "/misbehaving/papers/broken-report.pdf": ("bad_pdf", 200),
    "/misbehaving/huge": ("too_large", None),
}
SOUND_PAGES = (
    "/misbehaving/news/ccg-merger-engagement",
    "/misbehaving/news/governing-body-papers",
    "/misbehaving/malformed",
    "/misbehaving/wrong-charset",
)
HUGE_SIZE = 3 * 1024 * 1024

# Laid out as a news listing (one <article> per link) so the news spider follows every link, as it would
# on a real CCG site; a plain link follower finds them too.
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Misbehaving CCG news</title></head>
<body><main><h1>News</h1>
{links}
</main></body></html>
"""

MALFORMED = (
    b"<html><head><title>Merger engagement events<title></head><body>\n"
    b"<div class=content><p>Engagement events on the proposed CCG merger run through <b>July 2019\n"
    b"<table><tr><td>Tamworth<td>20 June</tr></div></div></span>\n"
    b"<p>Booking is essential<!-- an unterminated comment\n"
)
# Latin-1 bytes (0xA3 is the pound sign, 0xE9 e-acute) served under a header that claims UTF-8.
WRONG_CHARSET = (
    "<html><head><title>Savings from a single CCG</title></head><body>"
    "<p>The merger would save \u00a31.2 million a year on running costs, the caf\u00e9 meeting heard.</p>"
    "</body></html>"
).encode("latin-1")
BROKEN_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"
NEWS = {
    "ccg-merger-engagement": ("Engagement on the CCG merger",
                              "The CCG is asking members and the public for views on merging with its neighbours."),
    "governing-body-papers": ("Governing body papers",
                              "Papers for the governing body meeting are published a week ahead."),
}


def page(title: str, text: str) -> Response:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    return Response(body=body.encode("utf-8"))


def redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location}, cacheable=False)


def handle(request: Request) -> Response | None:
    path = request.path
    if path in {"/misbehaving/", "/misbehaving/index.html"}:
        links = [*EXPECTED_FAILURES, *SOUND_PAGES]
        items = "\n".join(f'<article><h2><a href="{link}">{link}</a></h2></article>' for link in links)
        return Response(body=INDEX.format(links=items).encode("utf-8"))
    if path == "/misbehaving/slow":
        time.sleep(float(request.arg("seconds", "3")))
        return page("Slow page", "This answer came late.")
    if path == "/misbehaving/server-error":
        return Response(status=500, body=b"Internal Server Error", content_type="text/plain", cacheable=False)
    if path == "/misbehaving/loop-a":
        return redirect("/misbehaving/loop-b")
    if path == "/misbehaving/loop-b":
        return redirect("/misbehaving/loop-a")
    if path == "/misbehaving/chain":  # every hop a new URL, so only the redirect limit stops it
        return redirect(f"/misbehaving/chain?step={int(request.arg('step', '1')) + 1}")
    if path == "/misbehaving/private/minutes":
        return page("Private minutes", "Part two minutes, not for robots.")
    if path == "/misbehaving/papers/broken-report.pdf":
        return Response(body=BROKEN_PDF, content_type="application/pdf")
    if path == "/misbehaving/huge":
        return Response(body=b"<html><body>" + b"x" * HUGE_SIZE + b"</body></html>", cacheable=False)
    if path == "/misbehaving/malformed":
        return Response(body=MALFORMED)
    if path == "/misbehaving/wrong-charset":
        return Response(body=WRONG_CHARSET, content_type="text/html; charset=utf-8")
    if path.startswith("/misbehaving/news/"):
        story = NEWS.get(path.rsplit("/", 1)[1])
        return page(*story) if story else not_found(path)
    return not_found(path)
