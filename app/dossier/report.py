"""The company report ("Rapportages", M6.4.2): the chosen tabs of a company over a period, as a
printable page and as a PDF (fpdf2: pure Python, installed from the package index with no system
libraries). The rows are the tabs' own scoped queries, so the report never shows more than the
dossier does."""
import datetime as dt
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _

from app.core.views import display_value
from app.dossier.tabs import COMPANY_TABS

# The date that places a row of a tab in a period; tabs without one show their current state.
PERIOD_DATE = {
    "cursussen": lambda r: r.start_date,
    "beroepsopleidingen": lambda r: r.start_date,
    "uitkeringsnotas": lambda r: r.note_date,
    "overige-bijdragen": lambda r: r.paid_on,
    "projecten": lambda r: r.project.start_date,
    "bijscholingsdagen": lambda r: r.day,
    "post": lambda r: r.received_on,
    "aangevraagd": lambda r: r.submitted_on,
}
SECTIONS = tuple(tab for tab in COMPANY_TABS if tab.rows is not None)


@dataclass
class Section:
    tab: object
    rows: list

    @property
    def header(self):
        return [str(column.label) for column in self.tab.columns]

    def cells(self):
        return [[str(display_value(column.value(row))) for column in self.tab.columns] for row in self.rows]

    @property
    def footer(self):
        return self.tab.footer(self.rows) if self.tab.footer and self.rows else None


def read_report_args(args):
    """(section keys, start, end, errors) from the selection form's query string."""
    from app.core.dates import parse_date

    errors = []
    dates = {}
    for name in ("van", "tot"):
        text = (args.get(name) or "").strip()
        dates[name] = None
        if text:
            try:
                dates[name] = parse_date(text[:20])
            except ValueError:
                errors.append(_("Ongeldige datum bij %(field)s: typ dd-mm-jjjj, bijvoorbeeld 31-01-2025.",
                                field=_("van") if name == "van" else _("tot en met")))
    if dates["van"] and dates["tot"] and dates["van"] > dates["tot"]:
        errors.append(_("De begindatum ligt na de einddatum."))
    keys = section_keys(args.getlist("s"))
    if args.get("toon") or args.get("pdf"):
        if not keys:
            errors.append(_("Vink minstens één onderdeel aan."))
    return keys, dates["van"], dates["tot"], errors


def section_keys(requested):
    known = [tab.key for tab in SECTIONS]
    return [key for key in known if key in set(requested)]


def in_period(date, start, end):
    if date is None:
        return False
    return (start is None or date >= start) and (end is None or date <= end)


def build_report(session, company, keys, start=None, end=None):
    sections = []
    for tab in SECTIONS:
        if tab.key not in keys:
            continue
        if tab.key == "bijscholingsdagen":  # the tab shows this year; the report the chosen period
            from app.dossier.tabs import company_training_days_between

            rows = company_training_days_between(session, company, start, end)
        else:
            rows = tab.rows(session, company)
        if tab.key in PERIOD_DATE and (start or end):
            rows = [row for row in rows if in_period(PERIOD_DATE[tab.key](row), start, end)]
        sections.append(Section(tab, rows))
    return sections


def pdf_text(value):
    """fpdf2's built-in fonts speak Latin-1: the euro sign becomes EUR, other letters their base form."""
    text = str(value).replace("€", "EUR").replace("–", "-").replace("’", "'")
    if all(ord(ch) < 256 for ch in text):
        return text
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ord(ch) < 256 and not unicodedata.combining(ch)) or "?"


def report_pdf(company, sections, start=None, end=None):
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(pdf_text(f"{company.number} {company.name}"))
    pdf.set_creator("Fondsportaal")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, pdf_text(f"{company.number} {company.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, pdf_text(f"{company.address}, {company.postcode} {company.place}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, pdf_text(period_text(start, end)), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, pdf_text(section.tab.label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        if not section.rows:
            pdf.cell(0, 6, pdf_text(section.tab.empty), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
            for line in [section.header, *section.cells()]:
                row = table.row()
                for cell in line:
                    row.cell(pdf_text(cell))
        if section.footer:
            pdf.cell(0, 6, pdf_text(f"{_('Totaal')}: {section.footer}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 5, pdf_text(_("Afgedrukt op %(date)s", date=display_value(dt.date.today()))))
    return bytes(pdf.output())


def period_text(start, end):
    if start and end:
        return _("Periode %(start)s t/m %(end)s", start=display_value(start), end=display_value(end))
    if start:
        return _("Vanaf %(start)s", start=display_value(start))
    if end:
        return _("Tot en met %(end)s", end=display_value(end))
    return _("Alle perioden")
