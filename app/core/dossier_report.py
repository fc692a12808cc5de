"""A dossier's report ("Rapportages", M6.4.2): the chosen tabs of a record over a period, as a
printable page and as a PDF (fpdf2: pure Python, installed from the package index with no system
libraries). The sections are the tabs the user may see, and their rows the tabs' own scoped queries,
so the report never shows more than the dossier does."""
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _

from app.core.clock import today
from app.core.dossier import tabs_for
from app.core.formatting import display_value, parse_date


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


def report_sections(owner_model, user):
    """The tabs of ``owner_model``'s dossier that can be a section of ``user``'s report."""
    return [tab for tab in tabs_for(owner_model, user) if tab.reportable]


def read_report_args(args, sections):
    """(section keys, start, end, errors) from the selection form's query string."""
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
    keys = section_keys(sections, args.getlist("s"))
    if args.get("toon") or args.get("pdf"):
        if not keys:
            errors.append(_("Vink minstens één onderdeel aan."))
    return keys, dates["van"], dates["tot"], errors


def section_keys(sections, requested):
    return [tab.key for tab in sections if tab.key in set(requested)]


def in_period(date, start, end):
    if date is None:
        return False
    return (start is None or date >= start) and (end is None or date <= end)


def build_report(session, owner, user, sections, keys, start=None, end=None):
    """The chosen sections with their rows in the period (tabs without a date show their current
    state); ``sections`` are the user's (report_sections), so nothing else can be asked for."""
    result = []
    for tab in sections:
        if tab.key not in keys:
            continue
        if tab.report_rows is not None:
            rows = tab.report_rows(session, owner, user, start, end)
        else:
            rows = tab.rows(session, owner, user)
        if tab.period is not None and (start or end):
            rows = [row for row in rows if in_period(tab.period(row), start, end)]
        result.append(Section(tab, rows))
    return result


def pdf_text(value):
    """fpdf2's built-in fonts speak Latin-1: the euro sign becomes EUR, other letters their base form."""
    text = str(value).replace("€", "EUR").replace("–", "-").replace("’", "'")
    if all(ord(ch) < 256 for ch in text):
        return text
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ord(ch) < 256 and not unicodedata.combining(ch)) or "?"


def report_pdf(title, subtitle, sections, start=None, end=None):
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(pdf_text(title))
    pdf.set_creator("Fondsportaal")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, pdf_text(subtitle), new_x="LMARGIN", new_y="NEXT")
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
    pdf.cell(0, 5, pdf_text(_("Afgedrukt op %(date)s", date=display_value(today()))))
    return bytes(pdf.output())


def period_text(start, end):
    if start and end:
        return _("Periode %(start)s t/m %(end)s", start=display_value(start), end=display_value(end))
    if start:
        return _("Vanaf %(start)s", start=display_value(start))
    if end:
        return _("Tot en met %(end)s", end=display_value(end))
    return _("Alle perioden")
