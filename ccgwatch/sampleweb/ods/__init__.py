"""Sample-web plug-in imitating the NHS ODS ORD 2-0-0 API: organisations by primary role, paged, and one by code.

Under `/ods/ORD/2-0-0/`:

* `organisations?PrimaryRoleId=RO98&Limit=N&Offset=M` → `{"Organisations": [summary, …]}` with the
  `X-Total-Count` header and, while more remain, a `Next-Page` header holding the next page's URL (as ORD
  does). `Limit` defaults to 20 and is capped at 1000; an unknown role gives an empty list.
* `organisations/CODE` → `{"Organisation": {...}}` (names, dates, roles, successors), or 404 with an error
  object for a code ODS does not know.

The records (`organisations.json`) are written for ccgwatch in the API's shape; they include CCG codes that
ODS now shows as active sub-ICB locations ("NHS KENT AND MEDWAY ICB - 91Q"), as the real API does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ccgwatch.sampleweb.messages import Request, Response

HERE = Path(__file__).parent
PREFIXES = ("/ods/",)
ROOT = "/ods/ORD/2-0-0/organisations"
JSON = "application/json; charset=utf-8"
MAX_LIMIT = 1000


def load_records(path: Path = HERE / "organisations.json") -> dict[str, dict[str, Any]]:
    records = json.loads(path.read_text(encoding="utf-8"))["organisations"]
    return {record["OrgId"]["extension"]: record for record in records}


def primary_role(record: dict[str, Any]) -> str | None:
    return next((role["id"] for role in record["Roles"]["Role"] if role.get("primaryRole")), None)


def summary(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    code = record["OrgId"]["extension"]
    return {
        "Name": record["Name"], "OrgId": code, "Status": record["Status"], "OrgRecordClass": "RC1",
        "LastChangeDate": record["LastChangeDate"], "PrimaryRoleId": primary_role(record),
        "OrgLink": f"{base_url}{ROOT}/{code}",
    }


def _json(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, body=json.dumps(payload, indent=1).encode(), content_type=JSON,
                    headers=headers or {})


def _number(value: str, default: int) -> int:
    return int(value) if value.isdigit() else default


def handle(request: Request) -> Response | None:
    records = load_records()
    if request.path == ROOT:
        role = request.arg("PrimaryRoleId")
        limit = min(_number(request.arg("Limit"), 20), MAX_LIMIT)
        offset = _number(request.arg("Offset"), 0)
        matching = [records[code] for code in sorted(records) if primary_role(records[code]) == role]
        page = matching[offset:offset + limit]
        headers = {"X-Total-Count": str(len(matching))}
        if offset + limit < len(matching):
            headers["Next-Page"] = (f"{request.base_url}{ROOT}?PrimaryRoleId={role}&Limit={limit}"
                                    f"&Offset={offset + limit}")
        return _json({"Organisations": [summary(record, request.base_url) for record in page]}, headers=headers)
    if request.path.startswith(ROOT + "/"):
        code = request.path.removeprefix(ROOT + "/").upper()
        if code in records:
            return _json({"Organisation": records[code]})
        return _json({"errorCode": 404, "errorText": "Not Found"}, status=404)
    return None
