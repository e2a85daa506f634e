"""Merger fact extraction: sentence → events, vote counts, status rules, fixture pages, and `ccgwatch extract`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccgwatch.cli import main
from parsers.events import classify
from parsers.extract import extract, extraction_to_json
from parsers.model import Event, PageText, PartialDate
from parsers.status import grouping_status
from parsers.text import page_text
from parsers.vocab import EventType, Outcome, Status
from parsers.votes import read_vote

PAGES = Path(__file__).parent / "fixtures" / "pages"


def cues(sentence: str) -> list[tuple[str, str | None, str]]:
    return [(str(c.type), str(c.outcome) if c.outcome else None, c.flag) for c in classify(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Proposals, including options put to members.
        ("They are now proposing to formalise these arrangements by creating a single commissioning organisation.",
         [("proposal", None, "")]),
        ("GP members voted for the CCGs to explore two options: a single team or a merger.",
         [("member_vote", "for", "exploratory")]),
        ("In December 2018 the CCGs made an application to NHS England confirming their intention to merge.",
         [("proposal", None, "")]),
        # Votes with their result, or pending.
        ("GPs have voted against proposals to merge six clinical commissioning groups in Staffordshire.",
         [("member_vote", "against", "")]),
        ("Across the eight CCGs, 86 per cent of practices that took part supported the proposal.",
         [("member_vote", "for", "")]),
        ("GP member practices in each CCG will be asked to vote in September 2019.", [("member_vote", "pending", "")]),
        ("Voting closed on 28 June 2019.", [("member_vote", None, "date_only")]),
        ("The LMC recommends that practices vote against the proposal.", []),
        # Governing bodies, applications and NHS England's answer.
        ("The Governing Bodies in Common AGREED to submit the merger application to NHS England.",
         [("governing_body_decision", "for", "apply")]),
        ("The CCGs applied in September after their GP members voted in favour of the change.",
         [("application", None, ""), ("member_vote", "for", "")]),
        ("NHS England has approved the merger of the eight clinical commissioning groups in Kent and Medway.",
         [("approval", "for", "")]),
        ("NHS England turned down the application from the two Hertfordshire CCGs.", [("rejection", "against", "")]),
        ("The CCGs have decided not to proceed with the merger.", [("withdrawal", None, "")]),
        ("The merger has been put back to April 2021.", [("deferral", None, "")]),
        ("NHS England approved the merger subject to a number of conditions.", [("approval", "for", "")]),
        ("NHS England has blocked plans by four CCGs to merge.", [("rejection", "against", "")]),
        ("The application could not be supported, NHS England's regional director said.", [("rejection", "against", "")]),
        ("Plans to merge the two CCGs have been put on hold.", [("deferral", None, "")]),
        ("The merger will now not go ahead.", [("withdrawal", None, "")]),
        ("The application was not supported by NHS England.", [("rejection", "against", "")]),
        ("The two ICB boards have agreed to merge, subject to the approval of the Secretary of State.",
         [("governing_body_decision", "for", "")]),
        ("The application has not yet been approved by NHS England.", []),
        ("The proposal did not achieve the required majority in two CCGs.", [("member_vote", "against", "")]),
        ("The timetable has slipped to April 2021.", [("deferral", None, "")]),
        ("The formal application has now gone to NHS England.", [("application", None, "")]),
        ("The merger has not been put on hold.", []),
        ("The governing bodies voted unanimously to proceed with the merger.", [("governing_body_decision", "for", "")]),
        ("A merger ... has been approved by NHS England, even though GPs in Wolverhampton voted against it.",
         [("approval", "for", ""), ("member_vote", "against", "")]),
        ("The result is due after an extraordinary meeting this evening, but members are understood to have voted against.",
         [("member_vote", "against", ""), ("meeting", None, "")]),
        ("The CCGs submitted their application on 28 September, after GP members voted to support the change.",
         [("application", None, ""), ("member_vote", "for", "")]),
        ("Practices in five of the eight CCGs voted against the change, while practices in three voted in favour.",
         [("member_vote", "against", ""), ("member_vote", "for", "")]),
        ("The engagement exercise carried out between June and August 2018 closed with strong support.",
         [("consultation_start", None, ""), ("consultation_end", None, "")]),
        # Headlines and timelines speak in the present tense or without a verb's helper.
        ("NHS England approves merger of three Leicestershire CCGs", [("approval", "for", "")]),
        ("GPs reject merger of CCGs", [("member_vote", "against", "")]),
        ("Application submitted to NHS England", [("application", None, "")]),
        ("At the extraordinary general meeting of members the motion was carried.",
         [("member_vote", "for", ""), ("meeting", None, "")]),
        ("Only 62% of practices supported the change, which failed to secure the required 75%.",
         [("member_vote", "for", "")]),
        ("Fill in our short survey by 31 May.", [("consultation_start", None, ""), ("consultation_end", None, "")]),
        ("NHS East Surrey CCG is proposing to merge with NHS Surrey Downs CCG to form one CCG.",
         [("proposal", None, "")]),
        # Other ways of saying approved, deferred, dropped or voted.
        ("NHS England has given the go-ahead for the two CCGs to become one.", [("approval", "for", "")]),
        ("The regulator has confirmed the merger of the three CCGs, subject to conditions.", [("approval", "for", "")]),
        ("The four CCGs were given the green light to merge last week.", [("approval", "for", "")]),
        ("The merger was approved in principle at the regional panel.", [("approval", "for", "")]),
        ("The national announcement confirmed the merger of the Dorset CCGs.", [("approval", "for", "")]),
        ("RESOLVED: to submit an application to NHS England for the two CCGs to merge.",
         [("governing_body_decision", "for", "apply")]),
        ("It was resolved that the CCG apply to NHS England to merge with its neighbour.",
         [("application", None, ""), ("governing_body_decision", "for", "apply")]),
        ("Work on the single CCG has been halted while the pandemic lasts.", [("deferral", None, "")]),
        ("The merger has been pushed back to 2021.", [("deferral", None, "")]),
        ("The three-way merger was delayed by a year.", [("deferral", None, "")]),
        ("Plans for a single Cumbria CCG have been shelved.", [("withdrawal", None, "")]),
        ("The plan to combine the CCGs was axed by the new leadership.", [("withdrawal", None, "")]),
        ("The proposal failed to secure the required 70% support among practices.", [("member_vote", "against", "")]),
        ("A ballot of member practices is planned for October.", [("member_vote", "pending", "")]),
        ("Practices were balloted in May; 81% supported the merger.", [("member_vote", "for", "")]),
        ("At the annual general meeting the motion to merge NHS Stafford and Surrounds CCG and NHS Cannock Chase CCG was carried.",
         [("member_vote", "for", ""), ("meeting", None, "")]),
        ("Regulators have signed off the merger of the four CCGs.", [("approval", "for", "")]),
        ("The merger of the two CCGs was ratified by NHS England.", [("approval", "for", "")]),
        ("The CCGs have agreed to pause the merger while the pandemic lasts.", [("deferral", None, "")]),
        ("The governing bodies voted to abandon the merger.", [("withdrawal", None, "")]),
        ("March 2019: governing bodies agree to consult on a single CCG", [("governing_body_decision", "for", "")]),
        ("Four in five practices voted yes to the merger.", [("member_vote", "for", "")]),
        ("Practices voted no to a single CCG.", [("member_vote", "against", "")]),
        ("A ballot of member practices will take place in October.", [("member_vote", "pending", "")]),
        ("The constitutional change was approved by member practices.", [("member_vote", "for", "")]),
        ("The required two-thirds majority was not reached in Wolverhampton.", [("member_vote", "against", "")]),
        ("NHS England has now confirmed that the three CCGs can merge from April, subject to conditions.",
         [("approval", "for", "")]),
        ("Plans to merge the two CCGs have been given the go-ahead.", [("approval", "for", "")]),
        ("The national announcement, made on 28 October, confirmed that the six CCGs will merge.",
         [("approval", "for", "")]),
        ("Bosses have put the merger on ice.", [("deferral", None, "")]),
        ("NHS England has not confirmed whether the CCGs can merge.", []),
        ("The survey is open until 30 June.", [("consultation_end", None, "")]),
        ("A consultation on merging the two CCGs was launched on Monday and will close on 11 September.",
         [("consultation_start", None, ""), ("consultation_end", None, "")]),
        # A vote mentioned as background to another step is not a vote told.
        ("The application, submitted on 30 September after a vote of GP members, was approved.",
         [("approval", "for", ""), ("application", None, "")]),
        ("After a ballot in which 80% of practices backed the merger, the CCGs applied.",
         [("application", None, ""), ("member_vote", "for", "")]),
        # Effective dates: a fact when past, a plan when announced ahead.
        ("NHS Lincolnshire CCG was established on 1 April 2020.", [("effective", None, "")]),
        ("NHS North Yorkshire CCG will be formally established on 1 April 2020.", [("effective", None, "planned")]),
        ("The merger took effect on 1 April 2020.", [("effective", None, "")]),
        ("The merger went ahead on 1 April 2021.", [("effective", None, "")]),
        ("Since April the CCGs have operated as a single organisation.", [("effective", None, "")]),
        ("If the merger went ahead, the CCGs would save money.", []),
        # Consultations and meetings.
        ("The consultation had started in May and would conclude in July 2019.",
         [("consultation_start", None, ""), ("consultation_end", None, "")]),
        ("A public meeting is being held on June 20 at the fire station.", [("public_meeting", None, "")]),
        ("The governing bodies will meet in common on 30 July to decide whether to proceed.", [("meeting", None, "")]),
        # Hedging, conditions, negation and questions are not events.
        ("A merger of CCGs is one potential option, but no decisions have been made at this stage.", []),
        ("A proposal to merge would require all the CCGs to seek the views of their members.", []),
        ("If NHS England were not in favour of option 2, the CCGs could look at alternatives next year.", []),
        ("Any application to merge would then have to be made to NHS England.", []),
        ("Have all eight CCGs approved the plans?", []),
        ("The CCGs declined to comment on the vote ahead of the meeting.", []),
        # A hedge in one clause does not hedge another.
        (("The Board heard that NHS England had approved the merger on 20 October and that a single CCG would "
         "come into being on 1 April 2021."), [("approval", "for", ""), ("effective", None, "planned")]),
        # Timeline rows written like headlines, without auxiliaries.
        ("30 September 2019 | Application to merge sent to NHS England", [("application", None, "")]),
        ("Governing bodies of NHS Bassetlaw CCG and NHS Doncaster CCG approve the merger business case",
         [("governing_body_decision", "for", "")]),
        # Last steps in less usual words.
        ("Both CCGs have now stepped back from the merger plans.", [("withdrawal", None, "")]),
        ("The GP chair stepped back from the role last year.", []),
        ("The single CCG has now been confirmed by NHS England.", [("approval", "for", "")]),
        ("The engagement on the merger is now under way.", [("consultation_start", None, "")]),
        ("The CCGs put forward their business case to NHS England in July.", [("application", None, "")]),
        ("NHS England is now assessing the merger application.", [("application", None, "")]),
        ("NHS England has said it cannot support the merger.", [("rejection", "against", "")]),
        ("Member practices gave the plans their full support.", [("member_vote", "for", "")]),
        ("GP members have given the merger their backing.", [("member_vote", "for", "")]),
        ("The merger has now been given the final seal of approval by NHS England.", [("approval", "for", "")]),
        ("From today the two CCGs are one organisation.", [("effective", None, "")]),
        ("The new CCG is now up and running.", [("effective", None, "")]),
        ("A twelve-week engagement exercise gets under way on Monday.", [("consultation_start", None, "")]),
    ],
)
def test_classify_sentence(sentence: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert cues(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "against", "expected"),
    [
        ("Across the CCGs, 86 per cent of practices voted in favour.", False, {"percent_for": 86.0}),
        ("In Norwich, the practices voted 13 to one in favour.", False, {"count_for": 13, "count_against": 1}),
        ("The practices voted 13 to one against.", True, {"count_for": 1, "count_against": 13}),
        ("Only 35% of practices voted in favour, against a 50% threshold.", False, {"percent_for": 35.0, "threshold": 50.0}),
        ("West Cheshire, 29 in favour, 5 against and 2 abstentions.", False,
         {"count_for": 29, "count_against": 5, "count_abstain": 2}),
        ("The change needs the support of at least 50% of member practices.", False, {"threshold": 50.0}),
        ("Members backed it by 86 per cent on a turnout of 91 per cent.", False, {"percent_for": 86.0, "turnout": 91.0}),
        ("GP practices in all five CCGs voted in favour.", False, None),
        ("Only 62% of practices supported the change, which failed to secure the required 75%.", False,
         {"percent_for": 62.0, "threshold": 75.0}),
    ],
)
def test_read_vote(sentence: str, against: bool, expected: dict | None) -> None:
    vote = read_vote(sentence, against)
    if expected is None:
        assert vote is None
    else:
        assert {k: v for k, v in vars(vote).items() if v is not None} == expected


def event(kind: EventType, date: str | None = None, outcome: Outcome | None = None) -> Event:
    return Event(grouping=0, type=kind, evidence="", date=date, outcome=outcome)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], Status.UNKNOWN),
        ([event(EventType.PROPOSAL)], Status.PROPOSED),
        ([event(EventType.PROPOSAL), event(EventType.CONSULTATION_START, "2019-05")], Status.CONSULTING),
        ([event(EventType.MEMBER_VOTE, outcome=Outcome.FOR), event(EventType.APPLICATION, "2019-09"),
          event(EventType.APPROVAL, "2019-10")], Status.APPROVED),
        # A lost vote after the consultation stops the merger ...
        ([event(EventType.CONSULTATION_START, "2019-05"), event(EventType.MEMBER_VOTE, "2019-09", Outcome.AGAINST)],
         Status.VOTE_AGAINST),
        # ... one memberships' "no" beats the others' "yes" ...
        ([event(EventType.MEMBER_VOTE, outcome=Outcome.FOR), event(EventType.MEMBER_VOTE, outcome=Outcome.AGAINST)],
         Status.VOTE_AGAINST),
        # ... but an approval that came later wins over an earlier lost vote.
        ([event(EventType.MEMBER_VOTE, "2020-07", Outcome.AGAINST), event(EventType.APPROVAL, "2020-10")],
         Status.APPROVED),
        ([event(EventType.APPLICATION, "2020-09"), event(EventType.REJECTION, "2020-11")], Status.REJECTED),
        ([event(EventType.APPROVAL, "2019-10"), event(EventType.DEFERRAL)], Status.DEFERRED),
        ([event(EventType.PROPOSAL), event(EventType.WITHDRAWAL, "2020-03")], Status.ABANDONED),
        ([event(EventType.APPROVAL, "2019-10"), event(EventType.EFFECTIVE, "2020-04-01")], Status.MERGED),
    ],
)
def test_grouping_status(events: list[Event], expected: Status) -> None:
    assert grouping_status(events) == expected


def read(name: str) -> dict:
    path = PAGES / name
    return extraction_to_json(name, extract(page_text(path.read_bytes(), "text/plain", path.as_uri())))


def summary(result: dict) -> list[tuple]:
    return [(e["grouping"], e["type"], e["outcome"], e["date"]) for e in result["events"]]


STAFFS = ["04Y", "05D", "05G", "05Q", "05V", "05W"]
KENT = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"]


def test_select_committee_decision_page() -> None:
    result = read("staffs_select_committee_decision.txt")
    assert result["relevant"] is True
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["n_members_stated"], grouping["area"], grouping["target_date"],
            grouping["status"]) == (STAFFS, 6, "Staffordshire and Stoke-on-Trent", "2020-04", "consulting")
    assert summary(result) == [
        (0, "proposal", None, None),
        (0, "consultation_start", None, "2019-05"),
        (0, "consultation_end", None, "2019-07"),
        (0, "public_meeting", None, None),
        (0, "meeting", None, "2019-07-15"),
    ]
    assert result["events"][1]["evidence"] == "The consultation had begun in May and would end in July 2019."


def test_news_story_with_public_meeting() -> None:
    result = read("staffs_public_meeting_news.txt")
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["target_date"], grouping["status"]) == (STAFFS, "2020-04", "consulting")
    assert (0, "public_meeting", None, "2019-06-20") in summary(result)
    # A letter stating an intention is part of the proposal, not an application.
    assert "application" not in {e["type"] for e in result["events"]}


def test_options_put_to_members_are_a_proposal() -> None:
    result = read("coventry_scrutiny_agenda_item.txt")
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["n_members_stated"], grouping["area"], grouping["status"]) == (
        ["05A", "05H", "05R"], 3, "Coventry and Warwickshire", "proposed")
    assert {e["type"] for e in result["events"]} == {"proposal"}


def test_strategic_commissioner_faq_decides_no_merger() -> None:
    result = read("kent_medway_strategic_commissioner_faq.txt")
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["n_members_stated"], grouping["area"], grouping["target_date"],
            grouping["status"]) == (KENT, 8, "Kent and Medway", "2019-04", "proposed")
    assert summary(result) == [(0, "proposal", None, None), (0, "governing_body_decision", "for", "2018-03")]


def test_digest_vote_against_and_no_grouping_from_other_stories() -> None:
    result = read("trade_digest_staffs_vote.txt")
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["n_members_stated"], grouping["status"]) == (STAFFS, 6, "vote_against")
    votes = [e for e in result["events"] if e["type"] == "member_vote"]
    assert [(e["body"], e["outcome"], e["date"]) for e in votes] == [("gp_members", "against", None)]
    # No page date: "last year" and "this evening" stay unresolved.
    assert all(e["date"] is None for e in result["events"])


@pytest.mark.parametrize(
    "text",
    [
        "Two hospital trusts in Sussex will merge next April. The CCG welcomed the plan.",
        "Two GP practices in Leeds will merge their contracts from April. NHS Leeds CCG approved the request.",
        "NHS Sheffield CCG governing body discussed the flu vaccination programme for 2019/20.",
        "The council will merge its housing and planning departments.",
        # A denial on a CCG's own FAQ page.
        "Will NHS Bury CCG merge?\nWe have no plans to merge. NHS Bury CCG will keep working with its partners.",
        "There are no plans to merge the CCGs in Lancashire at this time.",
    ],
)
def test_distractors_are_not_relevant(text: str) -> None:
    result = extract(PageText(title="", text=text, published=PartialDate("2019-10-01")))
    assert (result.relevant, result.groupings, result.events) == (False, [], [])


def test_icb_clusters_from_a_list() -> None:
    text = ("West Midlands ICBs pair up\n\nSix integrated care boards in the West Midlands will form three clusters.\n"
            "The clusters are:\n- NHS Birmingham and Solihull ICB with NHS Black Country ICB;\n"
            "- NHS Herefordshire and Worcestershire ICB with NHS Coventry and Warwickshire ICB.")
    result = extract(PageText(title="West Midlands ICBs pair up", text=text, published=PartialDate("2025-06-02")))
    assert [sorted(g.members) for g in result.groupings] == [["QHL", "QUA"], ["QGH", "QWU"]]
    assert [str(g.status) for g in result.groupings] == ["proposed", "proposed"]


def test_per_ccg_results_against_a_threshold() -> None:
    text = ("Merger vote results\n\nThe six CCGs in Staffordshire and Stoke-on-Trent received the results of the "
            "votes on the proposal to merge into a single CCG today.\nA change needs the support of at least 50% of "
            "member practices in each CCG. The results were:\n- NHS Cannock Chase CCG: 62% in favour\n"
            "- NHS North Staffordshire CCG: 28% in favour")
    result = extract(PageText(title="Merger vote results", text=text, published=PartialDate("2019-09-17")))
    votes = [(e.outcome, e.date, e.vote.member_code, e.vote.percent_for, e.vote.threshold)
             for e in result.events if e.type is EventType.MEMBER_VOTE]
    assert votes == [(Outcome.FOR, "2019-09-17", "04Y", 62.0, 50.0), (Outcome.AGAINST, "2019-09-17", "05G", 28.0, 50.0)]
    assert result.groupings[0].status is Status.VOTE_AGAINST


def test_cli_json_one_line_per_file_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing here")
    files = [str(PAGES / "trade_digest_staffs_vote.txt"), str(tmp_path / "missing.txt"), str(broken),
             str(PAGES / "staffs_public_meeting_news.txt")]
    code = main(["extract", *files, "--json", "--published", "2019-06-13"])
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 1
    assert [row["file"] for row in rows] == [files[0], files[3]]
    assert set(rows[0]) == {"file", "relevant", "groupings", "events"}
    assert set(rows[0]["groupings"][0]) >= {"members", "member_names", "n_members_stated", "area", "target_date", "status"}
    assert set(rows[0]["events"][0]) >= {"grouping", "type", "body", "outcome", "date", "detail", "evidence"}
    # With --published the evening meeting is dated.
    assert (0, "meeting", None, "2019-06-13") in summary(rows[0])
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2 and "missing.txt" in errors[0] and "broken.pdf" in errors[1]


def test_cli_summary_and_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(PAGES / "coventry_scrutiny_agenda_item.txt")]) == 0
    out = capsys.readouterr().out
    assert "Coventry and Warwickshire: 05A, 05H, 05R (3 stated); status proposed" in out
    assert main(["extract", str(PAGES / "coventry_scrutiny_agenda_item.txt"), "--published", "June"]) == 2


def test_a_later_story_on_the_page_adds_no_steps() -> None:
    text = ("Health news round-up\n\nGP members have voted against plans to merge the six CCGs in Staffordshire.\n"
            "Stroke services review goes ahead\n"
            "The hospital trust board approved the plans on 3 June 2019. A consultation on stroke services ran from "
            "May to July 2019, and a public meeting was held on 12 June 2019.")
    result = extract(PageText(title="Health news round-up", text=text, published=PartialDate("2019-09-10")))
    assert [str(g.status) for g in result.groupings] == ["vote_against"]
    assert [(str(e.type), str(e.outcome)) for e in result.events] == [("member_vote", "against")]


def test_timeline_page() -> None:
    result = read("hull_east_riding_timeline.txt")
    [grouping] = result["groupings"]
    assert (grouping["members"], grouping["successor_name"], grouping["target_date"], grouping["status"]) == (
        ["03F", "02Y"], "NHS Hull and East Riding CCG", "2020-04-01", "merged")
    assert summary(result) == [
        (0, "proposal", None, "2019-06"),
        (0, "consultation_start", None, "2019-07-01"),
        (0, "consultation_end", None, "2019-08-30"),
        (0, "member_vote", "for", "2019-09-12"),
        (0, "application", None, "2019-09-30"),
        (0, "approval", "for", "2019-10-21"),
        (0, "effective", None, "2020-04-01"),
    ]


def test_councillors_are_not_gp_members() -> None:
    text = ("Health Scrutiny Committee - minutes\n\nCouncillor Smith (Chair)\n\nThe Committee considered the proposal to "
            "merge the six CCGs in Staffordshire and Stoke-on-Trent into a single CCG. Members supported the proposal. "
            "GP members of the CCGs will vote on the merger in September.")
    result = extract(PageText(title="Health Scrutiny Committee - minutes", text=text, published=PartialDate("2019-07-15")))
    assert [(str(e.type), str(e.outcome), e.date) for e in result.events if e.type is EventType.MEMBER_VOTE] == [
        ("member_vote", "pending", "2019-09")]


def test_table_of_approved_mergers() -> None:
    result = read("nhse_board_paper_merger_table.txt")
    assert [(g["members"], g["successor_name"], g["target_date"], g["status"]) for g in result["groupings"]] == [
        (["03F", "02Y"], "NHS Hull and East Riding CCG", "2020-04-01", "approved"),
        (["00R", "02M"], "NHS Fylde Coast CCG", "2020-04-01", "approved"),
    ]
    assert sorted((e["grouping"], e["type"]) for e in result["events"] if e["type"] != "meeting") == [
        (0, "approval"), (0, "effective"), (1, "approval"), (1, "effective")]


def test_a_deferral_moves_the_target() -> None:
    text = ("NHS Shropshire CCG and NHS Telford and Wrekin CCG had planned to merge into a single CCG from April 2020. "
            "At a joint meeting on 11 September 2019 their governing bodies agreed to delay the merger until April 2021.")
    result = extract(PageText(title="Merger put back", text=text, published=PartialDate("2019-09-13")))
    [grouping] = result.groupings
    assert (grouping.target_date, str(grouping.status)) == ("2021-04", "deferred")
    assert [(str(e.type), e.date) for e in result.events if e.type is EventType.DEFERRAL] == [("deferral", "2019-09-11")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("GP practices will be asked to vote on the merger by 5pm on 13 September 2019.", ["2019-09-13"]),
        # (the period's end becomes the consultation's end when events are read)
        ("The consultation ran from 1 July to 30 August 2019.", ["2019-07-01"]),
        ("NHS England approved the application on 18 October 2019 and the new CCG starts on 1 April 2020.",
         ["2019-10-18", "2020-04-01"]),
        (("Member practices voted in favour in September 2020, and the governing bodies submitted the application in "
         "October 2020."), ["2020-10", "2020-09"]),
        ("GP members voted in favour of the merger in June 2019 and the CCGs applied to NHS England on 30 September 2019.",
         ["2019-09-30", "2019-06"]),
    ],
)
def test_each_step_gets_its_own_date(sentence: str, expected: list[str]) -> None:
    from parsers.dates import find_dates
    from parsers.extract import _assign_dates
    from parsers.sentences import Sentence

    assert _assign_dates(classify(sentence), Sentence(sentence, 0, len(sentence)), find_dates(sentence), None) == expected



def test_one_more_member_joins() -> None:
    text = ("NHS Eastern Cheshire CCG, NHS South Cheshire CCG, NHS Vale Royal CCG and NHS West Cheshire CCG plan to merge "
            "into a single CCG from April 2020. NHS Wirral CCG will also join the merger.")
    result = extract(PageText(title="Cheshire merger", text=text, published=PartialDate("2019-01-10")))
    assert [sorted(g.members) for g in result.groupings] == [["01C", "01R", "02D", "02F", "12F"]]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("The merger is planned for April 2021.", "2021-04"),
        ("The go-live date of the new CCG is 1 April 2021.", "2021-04-01"),
        ("The CCGs aim to merge by April 2021.", "2021-04"),
        ("The Long Term Plan, published in January 2019, expects one CCG per system.", None),
        ("Six of the eight CCGs approved the plans by March 2018.", None),
    ],
)
def test_target_dates(sentence: str, target: str | None) -> None:
    from parsers.dates import find_dates
    from parsers.groupings import _target_date
    from parsers.sentences import Sentence

    assert _target_date(Sentence(sentence, 0, len(sentence)), find_dates(sentence)) == target



def test_minutes_date_their_own_meeting_not_the_previous_one() -> None:
    text = ("Minutes of the meeting held on Tuesday 16 July 2019\n"
            "The minutes of the meeting of 18 June 2019 were agreed as a true record.\n"
            "The Governing Body received a paper on the proposed merger of NHS Stafford and Surrounds CCG and NHS "
            "Cannock Chase CCG.\n"
            "RESOLVED: to submit an application to NHS England for the two CCGs to merge from 1 April 2020.")
    result = extraction_to_json("m", extract(PageText(title="NHS Cannock Chase CCG Governing Body", text=text)))
    assert [(g["members"], g["status"], g["target_date"]) for g in result["groupings"]] == [
        (["05V", "04Y"], "applied", "2020-04-01")]
    assert [(e["type"], e["date"]) for e in result["events"]] == [
        ("proposal", None), ("governing_body_decision", "2019-07-16")]


def test_committee_heading_dates_the_meeting() -> None:
    text = "The committee heard that NHS Stafford and Surrounds CCG and NHS Cannock Chase CCG plan to merge."
    result = extraction_to_json("c", extract(PageText(title="Health Scrutiny Committee – 16 July 2019", text=text)))
    assert [(e["type"], e["date"]) for e in result["events"]] == [("meeting", "2019-07-16"), ("proposal", None)]


def test_notes_to_editors_add_no_facts() -> None:
    text = ("NHS Kent and Medway ICB and NHS Sussex ICB will share one chief executive and cluster from April, the "
            "boards said today. The two boards will meet in public later this year to agree the details, and staff "
            "have been told about the plans at briefing sessions held across both counties this month.\n"
            "Notes to editors\n"
            "NHS Kent and Medway ICB was established on 1 July 2022. CCGs were created in 2013.")
    result = extraction_to_json("n", extract(PageText(title="ICBs to cluster", text=text,
                                                      published=PartialDate("2025-06-20"))))
    assert [(g["members"], g["status"], g["target_date"]) for g in result["groupings"]] == [
        (["QKS", "QNX"], "proposed", "2026-04")]
    assert all(e["type"] != "effective" for e in result["events"])


def test_timeline_rows_and_a_delay_by_a_year() -> None:
    text = ("Key dates\n"
            "02.10.2018 Governing bodies of NHS Stafford and Surrounds CCG and NHS Cannock Chase CCG agree to explore a merger\n"
            "30.09.2019 GP member vote closes\n"
            "The merger has since been delayed by a year. The CCGs had hoped to merge in April 2020 but will now merge "
            "in April 2021.")
    result = extraction_to_json("t", extract(PageText(title="Towards one CCG", text=text,
                                                      published=PartialDate("2019-11-01"))))
    assert [(g["status"], g["target_date"]) for g in result["groupings"]] == [("deferred", "2021-04")]
    # No meeting read off a dated row, no vote result from a row that only says when voting closed.
    assert [(e["type"], e["date"]) for e in result["events"]] == [("proposal", "2018-10-02"), ("deferral", None)]


def test_board_heading_dates_its_undated_decisions_but_a_news_line_is_no_heading() -> None:
    minutes = ("The Governing Body considered the results of the engagement on merging NHS Stafford and Surrounds CCG "
               "and NHS Cannock Chase CCG.\nThe Governing Body agreed to submit an application to NHS England.")
    result = extraction_to_json("b", extract(PageText(title="NHS Cannock Chase CCG Governing Body – 3 September 2019",
                                                      text=minutes)))
    assert [(e["type"], e["date"]) for e in result["events"]] == [("governing_body_decision", "2019-09-03")]
    assert result["groupings"][0]["status"] == "applied"
    news = ("NHS North Central London Integrated Care Board and NHS North West London Integrated Care Board will "
            "merge on 1 April 2026, the government has confirmed.")
    result = extraction_to_json("n", extract(PageText(title="Two ICBs to merge", text=news)))
    assert all(e["type"] != "meeting" for e in result["events"])


def test_a_meeting_dates_the_vote_taken_at_it() -> None:
    text = "Members backed the proposal to merge NHS Stafford and Surrounds CCG and NHS Cannock Chase CCG at a meeting on 4 July."
    result = extraction_to_json("v", extract(PageText(title="", text=text, published=PartialDate("2019-07-10"))))
    assert [(e["type"], e["outcome"], e["date"]) for e in result["events"]] == [
        ("member_vote", "for", "2019-07-04"), ("meeting", None, "2019-07-04")]
    closed = ("The ballot of member practices on merging NHS Stafford and Surrounds CCG and NHS Cannock Chase CCG closed "
              "on 28 June. More than 80 per cent of practices were in favour.")
    result = extraction_to_json("c", extract(PageText(title="", text=closed, published=PartialDate("2019-07-10"))))
    assert [(e["type"], e["outcome"], e["date"]) for e in result["events"]] == [("member_vote", "for", "2019-06-28")]


def test_own_page_pairs_its_organisation_with_the_partner_named() -> None:
    text = ("Minutes of the meeting held in public on Tuesday 15 July 2025\n"
            "Minutes of the previous meeting held on 20 May 2025 were approved.\n"
            "Item 5: Clustering\n"
            "The Board approved the proposal to form a cluster with NHS Norfolk and Waveney ICB from 1 October 2025.")
    result = extraction_to_json("o", extract(PageText(title="NHS Suffolk and North East Essex ICB Board", text=text)))
    assert [(g["members"], g["target_date"]) for g in result["groupings"]] == [(["QJG", "QMM"], "2025-10-01")]
    assert [(e["type"], e["date"]) for e in result["events"]] == [("governing_body_decision", "2025-07-15")]


def test_result_announced_and_decision_made_date_the_steps_told_before() -> None:
    lmc = ("The LMC notes that GP practices in NHS Wolverhampton CCG have voted against the proposed merger with NHS "
           "Dudley CCG, NHS Sandwell and West Birmingham CCG and NHS Walsall CCG.\nThe result was announced yesterday.")
    result = extraction_to_json("l", extract(PageText(title="LMC statement", text=lmc, published=PartialDate("2020-07-11"))))
    assert [(e["type"], e["outcome"], e["date"]) for e in result["events"]] == [("member_vote", "against", "2020-07-10")]
    news = ("NHS England has rejected an application from NHS Herts Valleys CCG and NHS East and North Hertfordshire CCG "
            "to merge.\nThe decision was made at a meeting of the regional panel in March.")
    result = extraction_to_json("h", extract(PageText(title="Merger blocked", text=news, published=PartialDate("2020-04-02"))))
    assert [(e["type"], e["date"]) for e in result["events"]] == [("rejection", "2020-03")]


def test_numbered_headings_do_not_break_the_story() -> None:
    text = ("Subject: Proposed merger of NHS Herts Valleys CCG and NHS East and North Hertfordshire CCG\n"
            "1. Purpose\nTo update the panel on the proposal to create a single CCG for Hertfordshire.\n"
            "2. Background\nThe CCGs have met staff.\nEngagement will run from 1 April to 31 May 2019.")
    result = extraction_to_json("s", extract(PageText(title="Report to the Health Scrutiny Panel", text=text)))
    assert [(e["type"], e["date"]) for e in result["events"] if e["date"]] == [
        ("consultation_start", "2019-04-01"), ("consultation_end", "2019-05-31")]


def test_a_members_own_founding_is_not_the_merger() -> None:
    text = ("NHS Kent and Medway ICB and NHS Sussex ICB will merge from April 2027, their boards agreed on Thursday.\n"
            "NHS Kent and Medway ICB was established on 1 July 2022 and plans health services for the county.\n"
            "Integrated care boards replaced clinical commissioning groups, which were created in 2013.")
    result = extraction_to_json("f", extract(PageText(title="ICBs to merge", text=text, published=PartialDate("2025-11-15"))))
    assert [(g["status"], g["target_date"]) for g in result["groupings"]] == [("proposed", "2027-04")]
    assert [(e["type"], e["date"]) for e in result["events"] if e["date"]] == [("governing_body_decision", "2025-11-13")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("NHS Kent and Medway ICB and NHS Sussex ICB will share a single chief executive and executive team.", True),
        ("The ICBs will be brought together under a joint leadership team.", True),
        ("Six CCGs will become two.", True),
        # CCGs sharing an accountable officer were working together, not merging.
        ("The two CCGs share a joint accountable officer.", False),
        ("We have no plans to merge with our neighbours.", False),
        ("There are currently no plans to merge the CCGs.", False),
        ("The CCGs in Bradford and Craven have agreed to come together next spring.", True),
        ("The CCGs came together in 2019 to form one commissioner for the county.", True),
        # Meeting up is not merging.
        ("The three CCGs came together to discuss winter pressures.", False),
        ("Governing body members of both CCGs came together at a workshop in March.", False),
        ("The two CCGs will share a single accountable officer with a view to merging next year.", True),
        ("The three CCGs will unite under one governing body next April.", True),
        ("Clinical commissioning groups across the county have agreed to unify.", True),
        ("The CCG's staff united to raise money for the hospice.", False),
    ],
)
def test_merger_sentence(sentence: str, expected: bool) -> None:
    from parsers.relevance import is_merger_sentence

    assert is_merger_sentence(sentence, context_has_commissioner=True) is expected


def test_labelled_meeting_date_dates_the_boards_decision() -> None:
    text = ("Governing Body meeting in public\nMeeting date: 16 July 2019\n"
            "The Governing Body received a report on the proposed merger of NHS Stafford and Surrounds CCG and NHS "
            "Cannock Chase CCG.\nThe Governing Body agreed to submit an application to NHS England.")
    result = extraction_to_json("d", extract(PageText(title="NHS Cannock Chase CCG", text=text)))
    assert [(e["type"], e["date"]) for e in result["events"]] == [
        ("proposal", None), ("governing_body_decision", "2019-07-16")]
    assert [g["status"] for g in result["groupings"]] == ["applied"]


@pytest.mark.parametrize(
    ("text", "members", "stated"),
    [
        # Counted in the merger sentence, named one by one in later quotes.
        (("Merger agreed\nThe three CCGs have agreed to merge from April 2020.\nNHS Darlington CCG's chair said it "
         "was right for patients. NHS South Tees CCG and NHS Hartlepool and Stockton-on-Tees CCG welcomed it too."),
         ["00C", "00M", "00K"], 3),
        (("Merger agreed\nBoth CCGs have agreed to merge from April 2020.\nNHS Bassetlaw CCG's chair welcomed the "
         "decision. A GP from NHS Doncaster CCG agreed."), ["02Q", "02X"], 2),
        # "The two organisations" points ahead to the CCGs named next.
        (("The two organisations will merge in April 2021. The plan was put forward by NHS Ipswich and East Suffolk "
         "CCG and NHS West Suffolk CCG last year."), ["06L", "07K"], 2),
        (("NHS Ipswich and East Suffolk CCG and NHS West Suffolk CCG met today.\nThe two organisations will merge "
         "in April 2021."), ["06L", "07K"], 2),
    ],
)
def test_members_told_by_number_are_found_elsewhere_on_the_page(text: str, members: list[str], stated: int) -> None:
    result = extract(PageText(title="", text=text, published=PartialDate("2019-06-01")))
    assert [(g.members, g.n_members_stated) for g in result.groupings] == [(members, stated)]


def test_a_date_line_dates_the_decision_told_under_it() -> None:
    text = ("NHS Bassetlaw CCG and NHS Doncaster CCG plan to merge.\nUpdate\nThursday 12 September 2019\n"
            "The governing bodies approved the merger.")
    result = extract(PageText(title="", text=text, published=PartialDate("2019-10-01")))
    decisions = [(e.type, e.date) for e in result.events if e.type is EventType.GOVERNING_BODY_DECISION]
    assert decisions == [(EventType.GOVERNING_BODY_DECISION, "2019-09-12")]


def test_a_meeting_told_two_sentences_before_dates_the_decision() -> None:
    text = ("On 4 March 2019 the three governing bodies met in common. NHS Darlington CCG, NHS Hartlepool and "
            "Stockton-on-Tees CCG and NHS South Tees CCG set out plans to merge. The governing bodies agreed to apply "
            "to NHS England.")
    result = extract(PageText(title="", text=text, published=PartialDate("2019-04-01")))
    decisions = [e.date for e in result.events if e.type is EventType.GOVERNING_BODY_DECISION]
    assert decisions == ["2019-03-04"]


def test_a_cluster_of_boards_not_resolved_by_name_is_still_relevant() -> None:
    text = "Integrated care boards in the far south west are to work as a cluster from the autumn."
    result = extract(PageText(title="", text=text, published=PartialDate("2025-06-01")))
    assert (result.relevant, result.groupings) == (True, [])
