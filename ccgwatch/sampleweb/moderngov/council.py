"""A sample council's committees, meetings, agenda items, decisions and issues, read from its JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

COUNCILS_DIR = Path(__file__).with_name("councils")


@dataclass(frozen=True)
class Committee:
    id: int
    title: str
    purpose: str
    expired: bool = False


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    file: str


@dataclass(frozen=True)
class Meeting:
    id: int
    committee: int
    date: date
    time: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class AgendaItem:
    id: int
    number: str
    title: str
    text: str  # file name under texts/
    intro: str = ""
    decision: int | None = None
    issue: int | None = None
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class Decision:
    id: int
    item: int
    title: str
    maker: str
    status: str
    key: str
    call_in: str
    published: date
    decided: date
    text: str


@dataclass(frozen=True)
class Issue:
    id: int
    title: str
    items: tuple[int, ...]
    summary: str


@dataclass
class Council:
    prefix: str
    name: str
    variant: str
    web_service: bool
    committees: dict[int, Committee] = field(default_factory=dict)
    meetings: dict[int, Meeting] = field(default_factory=dict)
    items: dict[int, AgendaItem] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return COUNCILS_DIR / self.prefix

    def text(self, name: str) -> str:
        return (self.folder / "texts" / name).read_text(encoding="utf-8")

    def document_path(self, document_id: int, file_name: str) -> Path | None:
        for item in self.items.values():
            for document in item.documents:
                if document.id == document_id and document.file == file_name:
                    return self.folder / "documents" / document.file
        return None

    def meeting_of_item(self, item_id: int) -> Meeting:
        return next(meeting for meeting in self.meetings.values() if item_id in meeting.items)

    def committee_meetings(self, committee_id: int) -> list[Meeting]:
        return sorted((m for m in self.meetings.values() if m.committee == committee_id), key=lambda m: m.date)

    def decision_for_item(self, item_id: int) -> Decision | None:
        return next((d for d in self.decisions.values() if d.item == item_id), None)


def load_council(path: Path) -> Council:
    data = json.loads(path.read_text(encoding="utf-8"))
    council = Council(prefix=path.stem, name=data["name"], variant=data["variant"], web_service=data["web_service"])
    for row in data["committees"]:
        council.committees[row["id"]] = Committee(row["id"], row["title"], row["purpose"], row.get("expired", False))
    for row in data["meetings"]:
        council.meetings[row["id"]] = Meeting(
            row["id"], row["committee"], date.fromisoformat(row["date"]), row["time"], tuple(row["items"])
        )
    for row in data["items"]:
        documents = tuple(Document(d["id"], d["title"], d["file"]) for d in row.get("documents", []))
        council.items[row["id"]] = AgendaItem(
            row["id"], row["number"], row["title"], row["text"], row.get("intro", ""),
            row.get("decision"), row.get("issue"), documents,
        )
    for row in data["decisions"]:
        council.decisions[row["id"]] = Decision(
            row["id"], row["item"], row["title"], row["maker"], row["status"], row["key"], row["call_in"],
            date.fromisoformat(row["published"]), date.fromisoformat(row["decided"]), row["text"],
        )
    for row in data["issues"]:
        council.issues[row["id"]] = Issue(row["id"], row["title"], tuple(row["items"]), row["summary"])
    return council


def load_councils() -> dict[str, Council]:
    return {path.stem: load_council(path) for path in sorted(COUNCILS_DIR.glob("*.json"))}
