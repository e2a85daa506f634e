"""Score the merger extractor against the labelled corpus in tests/corpus and print precision, recall and F1.

Usage::

    .venv/bin/python bench/extraction_quality.py [--corpus DIR] [--verbose] [--worst N] [--cli] [--format table|json]

``--corpus`` picks the labelled directory: ``tests/corpus`` (the default, which the extractor is tuned
against) or ``tests/holdout`` (written separately to measure how well the extractor generalises).

Every corpus document is run through the extractor (by default in-process: ``parsers.text.page_text`` →
``parsers.extract.extract`` → ``parsers.extract.extraction_to_json``; with ``--cli`` through
``ccgwatch extract --json``). A label's ``published`` value, when not null, is given to the extractor as
the page date, exactly as ``--published`` does; when null the extractor must find the date itself or
leave relative dates unresolved.

How predictions are matched to labels (all counts are summed over documents, i.e. micro-averaged):

relevance
    One decision per document; the positive class is ``relevant: true``.
    TP = labelled and predicted relevant, FP = predicted relevant but labelled not, FN = the reverse.

grouping matching (used by members and status)
    Within one document, every (labelled, predicted) pair of groupings is scored by the Jaccard overlap
    of their member code sets; pairs are taken greedily from the highest overlap down, each grouping used
    at most once, and pairs with no shared code are never matched.

members
    For a matched pair: TP = codes in both, FP = predicted codes not labelled, FN = labelled codes not
    predicted. Every code of an unmatched predicted grouping is an FP; every code of an unmatched labelled
    grouping is an FN (so groupings found on distractor pages cost precision).

votes
    The events of type ``member_vote`` in a document, reduced to the set of distinct (body, outcome)
    pairs; TP = pairs in both sets. Per-CCG results therefore count once per distinct (body, outcome).

dates
    The set of distinct (event type, date) pairs over events that carry a date, plus
    ("target_date", date) for every grouping with a target date. Dates compare as strings, so the
    precision must match too ("2020-04" is not "2020-04-01"). Events without a date are not scored here.

status
    Each predicted grouping is one prediction and each labelled grouping one target; TP = matched pairs
    whose status is equal. Precision = TP / predicted groupings, recall = TP / labelled groupings.

``--verbose`` lists the documents with the most errors (sum of FP and FN over all fields) with what was
missed and what was extra. The script prints figures only; it asserts no thresholds.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
FIELDS = ("relevance", "members", "votes", "dates", "status")


@dataclass
class Tally:
    """True positives, false positives and false negatives for one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    """The tallies for one document and a readable list of what went wrong."""

    file: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in FIELDS})
    problems: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(t.fp + t.fn for t in self.tallies.values())


def load_labels(corpus: Path = CORPUS) -> list[dict]:
    return json.loads((corpus / "labels.json").read_text(encoding="utf-8"))


def content_type_for(path: Path) -> str:
    return {".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}.get(
        path.suffix.lower(), "text/plain"
    )


def extract_in_process(path: Path, published: str | None) -> dict:
    """Run the parsers the way ``ccgwatch extract --json --published`` does, without a subprocess."""
    # Imported late so that --cli and --help work while the parsers are being written.
    extractor = importlib.import_module("parsers.extract")
    from parsers.model import PartialDate
    from parsers.text import page_text

    page = page_text(path.read_bytes(), content_type_for(path), path.as_uri())
    if published:
        page = dataclasses.replace(page, published=PartialDate(published))
    return extractor.extraction_to_json(path.name, extractor.extract(page))


def extract_with_cli(paths: list[Path], published: str | None) -> list[dict]:
    """Run ``ccgwatch extract --json`` on files sharing one page date; one JSON object per output line."""
    command = [str(REPO / ".venv" / "bin" / "ccgwatch"), "extract", "--json"]
    if published:
        command += ["--published", published]
    result = subprocess.run(command + [str(p) for p in paths], capture_output=True, text=True, check=False)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if len(rows) != len(paths):
        raise SystemExit(f"ccgwatch extract returned {len(rows)} rows for {len(paths)} files: {result.stderr}")
    return rows


def predictions(labels: list[dict], corpus: Path, use_cli: bool) -> dict[str, dict]:
    if not use_cli:
        return {label["file"]: extract_in_process(corpus / label["file"], label["published"]) for label in labels}
    by_date: dict[str | None, list[str]] = {}
    for label in labels:
        by_date.setdefault(label["published"], []).append(label["file"])
    found: dict[str, dict] = {}
    for published, files in by_date.items():
        for name, row in zip(files, extract_with_cli([corpus / f for f in files], published), strict=True):
            found[name] = row
    return found


def match_groupings(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing of labelled and predicted groupings by Jaccard overlap of members."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            gs, ps = set(g["members"]), set(p.get("members") or [])
            shared = len(gs & ps)
            if shared:
                candidates.append((shared / len(gs | ps), gi, pi))
    pairs, used_gold, used_pred = [], set(), set()
    for _, gi, pi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi not in used_gold and pi not in used_pred:
            pairs.append((gi, pi))
            used_gold.add(gi)
            used_pred.add(pi)
    return pairs


def set_tally(gold: set, pred: set) -> Tally:
    return Tally(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))


def vote_keys(events: Iterable[dict]) -> set[tuple[str, str]]:
    return {(e.get("body") or "", e.get("outcome") or "") for e in events if e.get("type") == "member_vote"}


def date_keys(doc: dict) -> set[tuple[str, str]]:
    keys = {(e["type"], e["date"]) for e in doc.get("events", []) if e.get("date")}
    keys |= {("target_date", g["target_date"]) for g in doc.get("groupings", []) if g.get("target_date")}
    return keys


def score_document(label: dict, pred: dict) -> DocScore:
    score = DocScore(label["file"])
    t = score.tallies
    gold_rel, pred_rel = bool(label["relevant"]), bool(pred.get("relevant"))
    t["relevance"] = Tally(tp=int(gold_rel and pred_rel), fp=int(pred_rel and not gold_rel),
                           fn=int(gold_rel and not pred_rel))
    if gold_rel != pred_rel:
        score.problems.append(f"relevance: labelled {gold_rel}, predicted {pred_rel}")

    gold_groups, pred_groups = label.get("groupings", []), pred.get("groupings") or []
    pairs = match_groupings(gold_groups, pred_groups)
    paired_gold, paired_pred = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
    for gi, pi in pairs:
        g, p = gold_groups[gi], pred_groups[pi]
        gs, ps = set(g["members"]), set(p.get("members") or [])
        t["members"].add(set_tally(gs, ps))
        if gs != ps:
            score.problems.append(f"grouping {gi} members: missed {sorted(gs - ps)}, extra {sorted(ps - gs)}")
        if g["status"] == p.get("status"):
            t["status"].tp += 1
        else:
            t["status"].fp += 1
            t["status"].fn += 1
            score.problems.append(f"grouping {gi} status: labelled {g['status']}, predicted {p.get('status')}")
    for gi, g in enumerate(gold_groups):
        if gi not in paired_gold:
            t["members"].fn += len(g["members"])
            t["status"].fn += 1
            score.problems.append(f"grouping {gi} not found: {sorted(g['members'])} ({g['status']})")
    for pi, p in enumerate(pred_groups):
        if pi not in paired_pred:
            t["members"].fp += len(p.get("members") or [])
            t["status"].fp += 1
            score.problems.append(f"extra grouping: {sorted(p.get('members') or [])} ({p.get('status')})")

    gold_votes, pred_votes = vote_keys(label.get("events", [])), vote_keys(pred.get("events") or [])
    t["votes"] = set_tally(gold_votes, pred_votes)
    if gold_votes != pred_votes:
        score.problems.append(f"votes: missed {sorted(gold_votes - pred_votes)}, extra {sorted(pred_votes - gold_votes)}")

    gold_dates, pred_dates = date_keys(label), date_keys(pred)
    t["dates"] = set_tally(gold_dates, pred_dates)
    if gold_dates != pred_dates:
        score.problems.append(f"dates: missed {sorted(gold_dates - pred_dates)}, extra {sorted(pred_dates - gold_dates)}")
    return score


def summarise(scores: list[DocScore]) -> dict[str, Tally]:
    totals = {name: Tally() for name in FIELDS}
    for score in scores:
        for name in FIELDS:
            totals[name].add(score.tallies[name])
    return totals


def print_table(totals: dict[str, Tally], n_docs: int, n_relevant: int) -> None:
    print(f"extraction quality on {n_docs} documents ({n_relevant} relevant, {n_docs - n_relevant} distractors)")
    print(f"{'field':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")
    for name, t in totals.items():
        print(f"{name:<10} {t.precision:>9.3f} {t.recall:>7.3f} {t.f1:>6.3f} {t.tp:>5} {t.fp:>5} {t.fn:>5}")


def print_worst(scores: list[DocScore], limit: int) -> None:
    worst = sorted((s for s in scores if s.errors), key=lambda s: (-s.errors, s.file))[:limit]
    print(f"\nworst documents ({len(worst)} shown, {sum(1 for s in scores if s.errors)} with any error):")
    for score in worst:
        print(f"\n{score.file}  ({score.errors} errors)")
        for problem in score.problems:
            print(f"  - {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="directory holding labels.json")
    parser.add_argument("--cli", action="store_true", help="run `ccgwatch extract --json` instead of importing")
    parser.add_argument("--verbose", action="store_true", help="list the worst documents and their errors")
    parser.add_argument("--worst", type=int, default=15, help="how many documents --verbose lists")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    corpus = args.corpus.resolve()  # documents are handed to the parsers as file:// URLs, which must be absolute
    labels = load_labels(corpus)
    found = predictions(labels, corpus, args.cli)
    scores = [score_document(label, found[label["file"]]) for label in labels]
    totals = summarise(scores)
    n_relevant = sum(1 for label in labels if label["relevant"])
    if args.format == "json":
        figures = {name: {"precision": t.precision, "recall": t.recall, "f1": t.f1, "tp": t.tp, "fp": t.fp,
                          "fn": t.fn} for name, t in totals.items()}
        print(json.dumps({"documents": len(labels), "relevant": n_relevant, "fields": figures}, indent=2))
    else:
        print_table(totals, len(labels), n_relevant)
        print("BENCH " + json.dumps({"name": "extraction_quality", "documents": len(labels),  # for bench/run_all.py
                                     **{f"{name}_f1": round(t.f1, 3) for name, t in totals.items()}}))
    if args.verbose:
        print_worst(scores, args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
