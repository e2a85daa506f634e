"""Writes the sample web's PDF reports with reportlab; run once by hand, the PDFs are committed."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

HERE = Path(__file__).parent

REPORTS: dict[Path, tuple[str, list[str]]] = {
    HERE / "moderngov/councils/coventry/documents/Streamlining Commissioning report.pdf": (
        "Response to the NHS Long Term Plan: streamlining commissioning in Coventry and Warwickshire",
        [
            "Report to the Health and Social Care Scrutiny Board (5), 10 July 2019.",
            "Author: Dr Sarah Raistrick, Chair, NHS Coventry and Rugby Clinical Commissioning Group.",
            ("1. Purpose. This report tells the Board how the three clinical commissioning groups in Coventry and "
            "Warwickshire - NHS Coventry and Rugby CCG, NHS Warwickshire North CCG and NHS South Warwickshire "
            "CCG - intend to respond to the Long Term Plan's call for streamlined commissioning."),
            ("2. Background. The Long Term Plan expects every Integrated Care System to have a single set of "
            "commissioning decisions at system level, usually through one CCG. The CCGs must also reduce their "
            "running costs by 20% during 2020."),
            ("3. Engagement. Since December 2018 the CCGs have briefed staff, GP members and governing body members, "
            "and held events with stakeholders between March and May 2019."),
            ("4. The GP membership vote. Following a further briefing, GP members of the three CCGs voted to explore "
            "two options: a single management team serving the three CCGs, or a merger of the three CCGs under a "
            "single management team. No decision to merge has been taken."),
            ("5. Next steps. A full case for change will be developed with partners across Coventry and "
            "Warwickshire before governing bodies consider any application to NHS England."),
            "6. Recommendation. The Board is asked to note the report.",
        ],
    ),
    HERE / "moderngov/councils/staffordshire/documents/SCO briefing.pdf": (
        "Single Strategic Commissioning Organisation: briefing for the Healthy Staffordshire Select Committee",
        [
            "Meeting of 15 July 2019.",
            ("The six clinical commissioning groups of Staffordshire and Stoke-on-Trent - Cannock Chase, East "
            "Staffordshire, North Staffordshire, South East Staffordshire and Seisdon Peninsula, Stafford and "
            "Surrounds, and Stoke-on-Trent - are consulting on a proposal to become one strategic commissioning "
            "organisation from April 2020."),
            ("The consultation runs from May to July 2019. The responses will be reported to the GP members of each "
            "CCG before they make their recommendation to the governing bodies."),
            "The Committee is invited to give its views as part of the consultation.",
        ],
    ),
    HERE / "site/ssotccgs/documents/sco-consultation-document.pdf": (
        "Have your say: one commissioning organisation for Staffordshire and Stoke-on-Trent",
        [
            "Consultation document, May 2019.",
            ("Six CCGs plan and buy health services for the 1.1 million people of Staffordshire and Stoke-on-Trent. "
            "They already share one leadership team and hold their governing body meetings in common."),
            ("We propose to create a single strategic commissioning organisation covering the whole of "
            "Staffordshire and Stoke-on-Trent from April 2020."),
            ("The consultation is open until July 2019. Please tell us whether you support the proposal or would "
            "rather keep the current arrangements."),
        ],
    ),
}


def write_pdf(path: Path, title: str, paragraphs: list[str]) -> None:
    styles = getSampleStyleSheet()
    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(str(path), pagesize=A4, title=title, author="ccgwatch sample web",
                                 invariant=1)  # invariant: same bytes on every run
    story = [Paragraph(title, styles["Title"]), Spacer(1, 12)]
    for text in paragraphs:
        story += [Paragraph(text, styles["BodyText"]), Spacer(1, 6)]
    document.build(story)


def main() -> None:
    for path, (title, paragraphs) in REPORTS.items():
        write_pdf(path, title, paragraphs)
        print(path.relative_to(HERE), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
