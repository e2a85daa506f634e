"""find_dates: UK date formats, precision, ranges, times that are not dates, and relative dates."""

from __future__ import annotations

import pytest

from parsers.dates import find_dates
from parsers.model import PartialDate

JUNE_13_2019 = PartialDate("2019-06-13")


def found(text: str, page: PartialDate | None = None) -> list[tuple[str, str | None]]:
    return [(m.date.value, m.range_end.value if m.range_end else None) for m in find_dates(text, page)]


@pytest.mark.parametrize(
    ("text", "page", "expected"),
    [
        ("Date of decision: 15/07/2019", None, [("2019-07-15", None)]),
        ("agreed on 10/09/20", None, [("2020-09-10", None)]),
        ("Decision date 04-Mar-2019", None, [("2019-03-04", None)]),
        ("approved 12-SEP-2019 by the board", None, [("2019-09-12", None)]),
        ("Thursday, 13th June 2019", None, [("2019-06-13", None)]),
        ("on 1st April 2021", None, [("2021-04-01", None)]),
        ("will come into being on April 1, 2020.", None, [("2020-04-01", None)]),
        ("with a view for it to commence in April 2020", None, [("2020-04", None)]),
        ("published in 2019-10-18", None, [("2019-10-18", None)]),
        # A year alone only after a preposition; "2018/19" is a financial year, not a date.
        ("cut costs by 20 per cent during 2020", None, [("2020", None)]),
        ("the 2018/19 contracting round", None, []),
        # Day without a year takes the year of the page it is on.
        ("A public meeting is being held on June 20 in Tamworth", JUNE_13_2019, [("2019-06-20", None)]),
        ("the meeting on 20 June", JUNE_13_2019, [("2019-06-20", None)]),
        # ... and a month without a year borrows one from later in the sentence.
        ("The consultation had started in May and would conclude in July 2019.", None,
         [("2019-05", None), ("2019-07", None)]),
        # Times are not dates, nor is "1.1 million".
        ("arrive from 3.00pm for a 3.30 – 4.30pm meeting", JUNE_13_2019, []),
        ("for the 1.1. million people who live here", None, []),
        # "may" the verb is not May the month.
        ("the CCGs may look again; in March 2020 they met", None, [("2020-03", None)]),
        # Ranges keep both ends.
        ("between 19 June and 30 June 2019", None, [("2019-06-19", "2019-06-30")]),
        ("between 19 and 30 June 2019", None, [("2019-06-19", "2019-06-30")]),
        ("design workshops were held in March-May 2018.", None, [("2018-03", "2018-05")]),
        ("stakeholder events between March and May, 2019", None, [("2019-03", "2019-05")]),
        ("engagement from May to July", JUNE_13_2019, [("2019-05", "2019-07")]),
        # Relative dates need the page's own date ...
        ("set out the intention to merge last year", JUNE_13_2019, [("2018", None)]),
        ("an extraordinary meeting this evening", JUNE_13_2019, [("2019-06-13", None)]),
        ("from next April", JUNE_13_2019, [("2020-04", None)]),
        ("from April next year", JUNE_13_2019, [("2020-04", None)]),
        ("a single CCG from the new financial year", JUNE_13_2019, [("2020-04", None)]),
        ("a single CCG from the new financial year", PartialDate("2019-02-01"), [("2019-04", None)]),
        ("approved the application last October", PartialDate("2021-04-01"), [("2020-10", None)]),
        # Dotted dates, as in timelines and tables.
        ("12.03.2019 Board agrees to apply", None, [("2019-03-12", None)]),
        ("the 1st of April 2026", None, [("2026-04-01", None)]),
        ("the new body starts on April 1 next year", JUNE_13_2019, [("2020-04-01", None)]),
        ("from 2 September to 14 October", JUNE_13_2019, [("2019-09-02", "2019-10-14")]),
        ("2 September – 14 October 2019", None, [("2019-09-02", "2019-10-14")]),
        ("May–July 2019: public engagement", None, [("2019-05", "2019-07")]),
        ("October to December 2020 consultation", None, [("2020-10", "2020-12")]),
        # Weekdays near the page date (13 June 2019 was a Thursday): back in a report, forward in a plan.
        ("Voting closed on Monday", JUNE_13_2019, [("2019-06-10", None)]),
        ("last Thursday the boards met", JUNE_13_2019, [("2019-06-06", None)]),
        ("the boards will meet on Tuesday", JUNE_13_2019, [("2019-06-18", None)]),
        ("next Wednesday", JUNE_13_2019, [("2019-06-19", None)]),
        ("a final decision next spring", JUNE_13_2019, [("2020", None)]),
        ("a launch this autumn", JUNE_13_2019, [("2019", None)]),
        # A month without a year: the next one when the sentence looks ahead, the last one when it looks back.
        ("The boards will decide in March", JUNE_13_2019, [("2020-03", None)]),
        ("The boards agreed in March", JUNE_13_2019, [("2019-03", None)]),
        ("The ICBs will cluster from April", PartialDate("2025-06-20"), [("2026-04", None)]),
        ("The merger will happen next April, after NHS England gave the go-ahead on 2 October", PartialDate("2019-10-20"),
         [("2020-04", None), ("2019-10-02", None)]),
        # Without a page date, a day-month takes the year the page gave that month, if it gave one.
        ("The CCGs aim to merge in April 2020. The new CCG would start on 1 April.", None,
         [("2020-04", None), ("2020-04-01", None)]),
        ("Practices will vote in June.", None, []),
        # ... and without one they stay unresolved.
        ("set out the intention to merge last year", None, []),
        ("an extraordinary meeting this evening", None, []),
    ],
)
def test_find_dates(text: str, page: PartialDate | None, expected: list[tuple[str, str | None]]) -> None:
    assert found(text, page) == expected


def test_mentions_keep_precision_and_span() -> None:
    text = "Consultation runs from 1 July 2019 until 31 August 2019, and the CCG merges in April 2020."
    mentions = find_dates(text)
    assert [(m.date.value, str(m.date.precision), m.text) for m in mentions] == [
        ("2019-07-01", "day", "from 1 July 2019 until 31 August 2019"),
        ("2020-04", "month", "April 2020"),
    ]
    assert mentions[0].range_end == PartialDate("2019-08-31")
    assert text[mentions[1].start:mentions[1].end] == "April 2020"
