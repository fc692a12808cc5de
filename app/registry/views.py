"""Pages and APIs of the register: Mijn bedrijven, Mijn werknemers, contacts, error reports, the
company's codes and post, configuration."""
from flask import abort, g, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose as expose_view
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import SelectField
from wtforms.validators import InputRequired, Length, Optional as OptionalValidator

from app.core.api import ScopedModelRestApi
from app.core.datamodel import ScopedSQLAInterface
from app.core.dossier_report import build_report, period_text, read_report_args, report_pdf, report_sections
from app.core.dossier_views import DossierMixin
from app.core.export import pdf_response
from app.core.formatting import label_of
from app.core.search.fields import DateField, DayField, LowerTextField, NumberField, TextField
from app.core.views import ScopedModelView, local_next_url, record_view
from app.registry.fields import COMPANY_PARENT, company_field, company_fields, employee_field
from app.registry.models import (
    Code, Company, CompanyCode, ContactPerson, Employee, Employment, ErrorReport, PostItem, Region, ReportState,
    SubBranch,
)
from app.registry.rules import make_main_contact
from app.security import permissions as P
from app.security.scoping import current_actor

COMPANY_LABELS = {
    "number": _l("Nummer"), "name": _l("Naam"), "address": _l("Vestigingsadres"),
    "postcode": _l("Postcode"), "place": _l("Plaats"), "region": _l("Regio"),
    "sub_branch": _l("Subbranche"), "registered_from": _l("Ingeschreven vanaf"),
    "registered_until": _l("Ingeschreven tot"), "active": _l("Actief"),
    "advisor_address": _l("Adres"), "advisor_postcode": _l("Postcode"), "advisor_place": _l("Plaats"),
    "phone": _l("Telefoon"), "fax": _l("Fax"), "email": _l("E-mail"), "website": _l("Website"),
    "description": _l("Bedrijfsomschrijving"), "last_visit_date": _l("Laatste bezoek"),
    "region.name": _l("Regio"), "active_employee_count": _l("Actieve werknemers"),
}

EMPLOYEE_LABELS = {
    "number": _l("Nummer"), "initials": _l("Voorletters"), "first_name": _l("Roepnaam"),
    "infix": _l("Tussenvoegsel"), "surname": _l("Achternaam"), "birth_date": _l("Geboortedatum"),
    "active": _l("Actief"), "company": _l("Werkgever"), "phone": _l("Telefoon"), "email": _l("E-mail"),
    "address": _l("Adres"), "postcode": _l("Postcode"), "place": _l("Woonplaats"),
    "full_name": _l("Naam"), "company.name": _l("Werkgever"),
}

CONTACT_LABELS = {
    "company": _l("Bedrijf"), "initials": _l("Voorletters"), "surname": _l("Achternaam"),
    "job_title": _l("Functie"), "phone": _l("Telefoon"), "email": _l("E-mail"),
    "is_main": _l("Hoofdcontactpersoon"), "company.name": _l("Bedrijf"),
}

FIXED_COMPANY = ["number", "name", "address", "postcode", "place", "region", "sub_branch",
                 "registered_from", "registered_until", "active"]
VARIABLE_COMPANY = ["advisor_address", "advisor_postcode", "advisor_place", "phone", "fax", "email",
                    "website", "description"]


class ContactPersonView(ScopedModelView):
    datamodel = ScopedSQLAInterface(ContactPerson)
    breadcrumb_parent = COMPANY_PARENT
    list_title = show_title = _l("Contactpersonen")
    add_title = _l("Contactpersoon toevoegen")
    edit_title = _l("Contactpersoon bewerken")
    help_text = _l("De contactpersonen van het bedrijf. Eén van hen is de hoofdcontactpersoon (H).")
    label_columns = CONTACT_LABELS
    list_columns = ["surname", "initials", "company.name", "job_title", "phone", "email", "is_main"]
    show_columns = ["company", "initials", "surname", "job_title", "phone", "email", "is_main"]
    add_columns = edit_columns = ["company", "initials", "surname", "job_title", "phone", "email"]
    search_fields = (
        TextField("surname", _l("Achternaam"), ContactPerson.surname_key),
        LowerTextField("job_title", _l("Functie"), ContactPerson.job_title),
        LowerTextField("email", _l("E-mail"), ContactPerson.email),
    )
    add_form_extra_fields = edit_form_extra_fields = company_fields()
    formatters_columns = {"is_main": lambda main: "H" if main else ""}
    prefill_from_args = {"company": Company}

    @action("make_main", _l("Maak hoofdcontactpersoon"), None, "fa-star", multiple=False)
    def make_main(self, item):
        return self.perform(make_main_contact, item, _l("%(name)s is nu de hoofdcontactpersoon.", name=str(item)))

    def post_add_redirect(self):
        return redirect(local_next_url() or self.get_redirect())

    post_edit_redirect = post_delete_redirect = post_add_redirect


class ErrorReportView(ScopedModelView):
    """"Gegevens kloppen niet" (M6.1): anyone who sees a company files a report on its fixed data;
    staff resolve it; the reporter follows the outcome here. Who filed it when, and the rules of its
    states, are the domain's (app.registry.rules)."""

    datamodel = ScopedSQLAInterface(ErrorReport)
    breadcrumb_parent = COMPANY_PARENT
    list_title = _l("Foutmeldingen")
    show_title = _l("Foutmelding")
    add_title = _l("Gegevens kloppen niet")
    edit_title = _l("Foutmelding afhandelen")
    help_text = _l("Meldingen over vaste gegevens van bedrijven die niet kloppen. Het fonds past de "
                   "gegevens aan of legt uit waarom niet; de melder ziet hier de uitkomst.")
    label_columns = {"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "reporter": _l("Gemeld door"),
                     "reported_at": _l("Gemeld op"), "description": _l("Wat klopt er niet?"),
                     "status": _l("Status"), "resolution": _l("Uitkomst"), "resolved_by": _l("Afgehandeld door"),
                     "resolved_at": _l("Afgehandeld op")}
    list_columns = ["reported_at", "company.name", "description", "status", "resolution"]
    show_columns = ["company", "reporter", "reported_at", "description", "status", "resolution",
                    "resolved_by", "resolved_at"]
    add_columns = ["company", "description"]
    edit_columns = ["status", "resolution"]
    search_fields = (
        LowerTextField("status", _l("Status"), ErrorReport.status),
        DayField("reported_at", _l("Gemeld op"), ErrorReport.reported_at),
    )
    default_sort = "reported_at"
    default_descending = True
    add_form_extra_fields = {"company": company_field()}
    prefill_from_args = {"company": Company}
    edit_form_extra_fields = {
        # the choices are the moves the state machine allows this user (ScopedModelView._offer_moves)
        "status": SelectField(_l("Status"), choices=[(state.value, state.title) for state in ReportState],
                              validate_choice=False),
    }
    validators_columns = {"description": [InputRequired(), Length(max=2000)], "resolution": [Length(max=2000)]}
    formatters_columns = {"status": lambda status: label_of(ReportState.labels(), status)}

    def post_add(self, item):
        g.added_error_report = item.id

    def post_add_redirect(self):
        """To the report just filed, where the reporter will see the outcome."""
        report_id = getattr(g, "added_error_report", None)
        if report_id and self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            return redirect(url_for(f"{self.endpoint}.show", pk=report_id))
        return super().post_add_redirect()


CompanyCodeView = record_view(
    CompanyCode, P.COMPANY_CODE_VIEW,
    titles=(_l("Bedrijfscodes"), _l("Bedrijfscode"), _l("Code toekennen"), _l("Bedrijfscode bewerken")),
    help_text=_l("De codes waarmee het fonds een bedrijf karakteriseert."),
    labels={"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "code": _l("Code"), "code.code": _l("Code"),
            "since": _l("Sinds")},
    columns=["company", "code", "since"], list_columns=["company.name", "code.code", "since"],
    search_fields=(DateField("since", _l("Sinds"), CompanyCode.since),),
    fields=company_fields(), breadcrumb_parent=COMPANY_PARENT)

PostItemView = record_view(
    PostItem, P.POST_ITEM_VIEW,
    titles=(_l("Post"), _l("Poststuk"), _l("Poststuk registreren"), _l("Poststuk bewerken")),
    help_text=_l("Post die bedrijven naar het fonds stuurden, en wanneer het fonds de ontvangst bevestigde."),
    labels={"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "received_on": _l("Ontvangen"),
            "subject": _l("Onderwerp"), "reference": _l("Kenmerk"), "confirmed_on": _l("Ontvangst bevestigd")},
    columns=["company", "received_on", "subject", "reference", "confirmed_on"],
    list_columns=["received_on", "company.name", "subject", "confirmed_on"],
    search_fields=(DateField("received_on", _l("Ontvangen"), PostItem.received_on),
                   LowerTextField("subject", _l("Onderwerp"), PostItem.subject)),
    fields=company_fields(), breadcrumb_parent=COMPANY_PARENT,
    validators={"received_on": [InputRequired()], "subject": [InputRequired()]})


class EmploymentView(ScopedModelView):
    datamodel = ScopedSQLAInterface(Employment)
    list_title = show_title = _l("Dienstverbanden")
    add_title = _l("Dienstverband toevoegen")
    edit_title = _l("Dienstverband bewerken")
    help_text = _l("De werkgevers waar deze werknemer in dienst was, met begin- en einddatum.")
    label_columns = {"employee": _l("Werknemer"), "company": _l("Werkgever"), "company.name": _l("Werkgever"),
                     "start_date": _l("Begindatum"), "end_date": _l("Einddatum")}
    list_columns = ["company.name", "start_date", "end_date"]
    add_columns = edit_columns = ["employee", "company", "start_date", "end_date"]
    search_fields = (
        DateField("start_date", _l("Begindatum"), Employment.start_date),
        DateField("end_date", _l("Einddatum"), Employment.end_date),
    )
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": employee_field(required=True), "company": company_field(),
    }
    validators_columns = {"start_date": [InputRequired()], "end_date": [OptionalValidator()]}


class EmployeeView(DossierMixin, ScopedModelView):
    datamodel = ScopedSQLAInterface(Employee)
    breadcrumb_parent = COMPANY_PARENT
    list_title = _l("Mijn werknemers")
    show_title = _l("Werknemer")
    add_title = _l("Werknemer toevoegen")
    edit_title = _l("Werknemer bewerken")
    help_text = _l("Werknemers van de bedrijven in uw regio. Actieve werknemers staan in blauw, "
                   "niet-actieve in grijs. Klik op een werknemer voor de details.")
    label_columns = EMPLOYEE_LABELS
    list_columns = ["number", "surname", "initials", "infix", "place", "company.name", "active"]
    active_column = "active"
    search_fields = (
        NumberField("number", _l("Nummer"), Employee.number),
        TextField("surname", _l("Achternaam"), Employee.surname_key),
        TextField("place", _l("Woonplaats"), Employee.place_key),
        DateField("birth_date", _l("Geboortedatum"), Employee.birth_date),
    )
    show_fieldsets = [
        (_l("Vaste gegevens"), {"fields": ["number", "initials", "first_name", "infix", "surname",
                                             "birth_date", "company", "active"]}),
        (_l("Variabele gegevens"), {"fields": ["phone", "email", "address", "postcode", "place"]}),
    ]
    add_columns = edit_columns = ["number", "initials", "first_name", "infix", "surname", "birth_date",
                                  "company", "active", "phone", "email", "address", "postcode", "place"]
    audit_views = True  # a personal dossier: who opened it is logged
    inline_columns = ("phone", "email", "address", "postcode", "place")
    add_form_extra_fields = edit_form_extra_fields = {
        "company": company_field(_l("Werkgever (bedrijfsnummer)"), required=False),
    }
    validators_columns = {"number": [InputRequired()], "surname": [InputRequired()]}


class CompanyView(DossierMixin, ScopedModelView):
    datamodel = ScopedSQLAInterface(Company)
    list_title = _l("Mijn bedrijven")
    show_title = _l("Bedrijf")
    add_title = _l("Bedrijf toevoegen")
    edit_title = _l("Bedrijfsgegevens bewerken")
    help_text = _l("De bedrijven in uw regio. Vaste gegevens (vet) beheert het fonds; variabele "
                   "gegevens kunt u zelf aanvullen en wijzigen. Klik op een bedrijf voor de details.")
    label_columns = COMPANY_LABELS
    list_columns = ["number", "name", "place", "postcode", "region.name", "last_visit_date",
                    "active_employee_count", "active"]
    active_column = "active"
    search_fields = (
        NumberField("number", _l("Nummer"), Company.number),
        TextField("name", _l("Naam"), Company.name_key),
        TextField("place", _l("Plaats"), Company.place_key),
        TextField("postcode", _l("Postcode"), Company.postcode_key),
        DateField("last_visit", _l("Laatste bezoek"), Company.last_visit_date),
        NumberField("active_employees", _l("Aantal actieve werknemers"), Company.active_employee_count),
        DateField("registered_from", _l("Ingeschreven vanaf"), Company.registered_from),
    )
    show_fieldsets = [
        (_l("Vaste gegevens"), {"fields": FIXED_COMPANY}),
        (_l("Adres voor bedrijfstakvoorlichter"),
         {"fields": ["advisor_address", "advisor_postcode", "advisor_place"]}),
        (_l("Contactgegevens"), {"fields": ["phone", "fax", "email", "website"]}),
        (_l("Bedrijfsomschrijving"), {"fields": ["description"]}),
    ]
    add_columns = edit_columns = FIXED_COMPANY + VARIABLE_COMPANY
    dossier_options = (joinedload(Company.region), joinedload(Company.sub_branch))
    show_template = "registry/company.html"
    record_routes = {"report": "can_show"}  # one record's pages besides show/edit (the matrix checks them)
    inline_columns = tuple(VARIABLE_COMPANY[:-1])  # the description has its own tab

    @expose_view("/report/<pk>")
    @has_access
    @permission_name("show")
    def report(self, pk):
        """Rapportages (M6.4.2): tick sections and a period; a printable page or a PDF."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        user = current_actor()
        sections = report_sections(Company, user)
        keys, start, end, errors = read_report_args(request.args, sections)
        wanted = bool(request.args.get("toon") or request.args.get("pdf")) and not errors
        report = build_report(self.datamodel.session, item, user, sections, keys, start, end) if wanted else None
        if report is not None and request.args.get("pdf"):
            from app.core.audit import record_view

            record_view(self.datamodel.session, item)  # a download of the company's data, names included
            pdf = report_pdf(str(item), f"{item.address}, {item.postcode} {item.place}", report, start, end)
            return pdf_response(pdf, f"rapportage-{item.number}.pdf")
        return self.render_template("dossier/report.html", title=_l("Rapportage"), item=item, view=self,
                                    sections=report, all_sections=sections,
                                    chosen=keys or [t.key for t in sections], start=start, end=end, errors=errors,
                                    period=period_text(start, end))

    def dossier_context(self, item):
        return {
            "dossier_class": "" if item.active else "fonds-inactive",
            "report_error_url": url_for(f"{P.ERROR_REPORT_VIEW}.add", company=item.id)
            if self.may("can_add", P.ERROR_REPORT_VIEW) else None,
            "report_url": url_for(f"{self.endpoint}.report", pk=item.id),
        }
    validators_columns = {
        "number": [InputRequired()], "name": [InputRequired()], "address": [InputRequired()],
        "postcode": [InputRequired()], "place": [InputRequired()], "region": [InputRequired()],
        "registered_from": [InputRequired()],
    }


def _reference_view(model, title, help_text, columns, labels):
    """Staff-maintained reference tables (SPEC §6) share one shape."""
    return type(f"{model.__name__}View", (ScopedModelView,), {
        "datamodel": ScopedSQLAInterface(model),
        "list_title": title, "show_title": title, "add_title": title, "edit_title": title,
        "help_text": help_text, "label_columns": labels, "list_columns": columns,
        "add_columns": columns, "edit_columns": columns, "show_columns": columns,
        "search_fields": tuple(LowerTextField(c, labels[c], getattr(model, c)) for c in columns[:2]),
    })


RegionView = _reference_view(Region, _l("Regio's"), _l("De regio's waarin bedrijven liggen en "
                             "adviseurs werken."), ["code", "name"], {"code": _l("Code"), "name": _l("Naam")})
SubBranchView = _reference_view(SubBranch, _l("Subbranches"), _l("De subbranches van de sector."),
                                ["code", "name"], {"code": _l("Code"), "name": _l("Naam")})
CodeView = _reference_view(Code, _l("Codes"), _l("Codes die het fonds aan bedrijven kan toekennen."),
                           ["code", "description", "active"],
                           {"code": _l("Code"), "description": _l("Omschrijving"), "active": _l("Actief")})


class CompanyApi(ScopedModelRestApi):
    resource_name = "company"
    datamodel = ScopedSQLAInterface(Company)
    list_columns = ["id", "number", "name", "place", "postcode", "region.name", "active"]
    show_columns = FIXED_COMPANY[:5] + ["region.id", "sub_branch.id", "registered_from",
                                        "registered_until", "active"] + VARIABLE_COMPANY + ["id"]
    add_columns = ["number", "name", "address", "postcode", "place", "region", "sub_branch",
                   "registered_from", "registered_until", "active"] + VARIABLE_COMPANY
    edit_columns = add_columns
    search_columns = ["number", "name", "place", "active"]
    order_columns = ["number", "name", "place"]


class EmployeeApi(ScopedModelRestApi):
    resource_name = "employee"
    datamodel = ScopedSQLAInterface(Employee)
    audit_views = True  # a personal dossier: who read it is logged
    list_columns = ["id", "number", "initials", "infix", "surname", "place", "company.id", "active"]
    show_columns = ["id", "number", "initials", "first_name", "infix", "surname", "birth_date",
                    "company.id", "active", "phone", "email", "address", "postcode", "place"]
    add_columns = edit_columns = ["number", "initials", "first_name", "infix", "surname", "birth_date",
                                  "company", "active", "phone", "email", "address", "postcode", "place"]
    search_columns = ["number", "surname", "place", "active"]
    order_columns = ["number", "surname"]


class ContactPersonApi(ScopedModelRestApi):
    resource_name = "contact"
    datamodel = ScopedSQLAInterface(ContactPerson)
    list_columns = show_columns = ["id", "company.id", "initials", "surname", "job_title", "phone",
                                   "email", "is_main"]
    add_columns = edit_columns = ["company", "initials", "surname", "job_title", "phone", "email"]
    search_columns = ["surname"]
    order_columns = ["surname"]
