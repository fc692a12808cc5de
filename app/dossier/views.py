"""The dossier pages: a company or employee with its tabs (MijnOOM 6.3, 7.3), and the pages of the
records behind the tabs (error reports, payment notes, contributions, projects, codes, training days,
post), which staff maintain and the others read within their scope."""
import datetime as dt

from flask import abort, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose as expose_view
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.widgets import ShowWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired, Length, Optional as OptionalValidator

from app.core.datamodel import ScopedSQLAInterface
from app.core.fields import NumberLookupField
from app.core.search.fields import DateField, LowerTextField, NumberField
from app.core.versioning import VERSION_FIELD
from app.core.views import ScopedModelView, local_next_url
from app.dossier.models import (
    CONTRIBUTION_KINDS, REPORT_OPEN, CompanyCode, ErrorReport, ExtraTrainingDay,
    OtherContribution, PaymentNote, PaymentNoteLine, PostItem, Project, ProjectParticipant,
)
from app.dossier.tabs import CONTRIBUTION_LABELS, label_of, money, scoped, tab_by_key
from app.registry.models import Company, Employee
from app.security.scoping import current_actor


class DossierMixin:
    """A ScopedModelView whose show page is a dossier with tabs (``?tab=<key>``). The Details tab is
    FAB's show widget (fixed data in bold) with the variable data editable in place; every other tab
    is one scoped query (app/dossier/tabs.py)."""

    dossier_tabs = ()
    show_template = "dossier/dossier.html"
    inline_columns = ()  # variable fields edited in place on the Details tab

    @expose_view("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self.dossier_item(pk)
        if item is None:
            abort(404)
        g.shown_item = (self.endpoint, item.id, item)  # the breadcrumbs reuse it instead of loading it again
        tab = tab_by_key(self.dossier_tabs, request.args.get("tab"))
        context = {"tab": tab, "tabs": self.dossier_tabs, "item": item, "rows": None, "widgets": None}
        if tab.key == "details":
            context["inline_form"] = form = self.inline_form(item, self.inline_columns)
            context["widgets"] = self._get_show_widget(item.id, item, show_fieldsets=self._read_only_fieldsets(form))
            context["inline_groups"] = self._inline_groups()
        else:
            if self.audit_views:
                from app.core.audit import record_view

                record_view(self.datamodel.session, item)
            context["rows"] = tab.rows(self.datamodel.session, item) if tab.rows else []
            context["links"] = self._allowed_links(tab)
        context.update(self.dossier_context(item, tab))
        self.update_redirect()
        return self.render_template(self.show_template, pk=item.id, title=self.show_title,
                                    view=self, **context)

    dossier_options = ()  # loader options for the record itself (its relations on the Details tab)

    def dossier_item(self, pk):
        """The record, in the user's scope, with the relations the Details tab shows loaded at once."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if not -2**31 <= pk < 2**31:
            return None
        model = self.datamodel.obj
        statement = scoped(select(model).where(model.id == pk), model)
        if self.dossier_options:
            statement = statement.options(*self.dossier_options)
        return self.datamodel.session.execute(statement).unique().scalar_one_or_none()

    def _read_only_fieldsets(self, inline_form):
        """The show page's groups, without the fields the in-place form below already shows."""
        if inline_form is None or not self.show_fieldsets:
            return self.show_fieldsets
        edited = set(self.inline_columns)
        kept = [(title, {**spec, "fields": [f for f in spec["fields"] if f not in edited]})
                for title, spec in self.show_fieldsets]
        return [group for group in kept if group[1]["fields"]]

    def _inline_groups(self):
        """The in-place form under the show page's own headings ("Adres voor bedrijfstakvoorlichter")."""
        edited = set(self.inline_columns)
        groups = [(title, [f for f in spec["fields"] if f in edited]) for title, spec in (self.show_fieldsets or [])]
        return [group for group in groups if group[1]] or None

    def dossier_context(self, item, tab):
        """More for the template of a particular dossier (buttons, forms)."""
        return {}

    def may(self, permission, view_name=None):
        return self.appbuilder.sm.has_access(permission, view_name or self.class_permission_name)

    def _allowed_links(self, tab):
        """Endpoint → its show URL without the id (one url_for per endpoint, not per row), or None."""
        endpoints = {column.link[0] for column in tab.columns if column.link}
        return {endpoint: url_for(f"{endpoint}.show", pk=0)[:-1] if self.may("can_show", endpoint) else None
                for endpoint in endpoints}

    def inline_form(self, item, columns):
        """The variable fields as a form posting to this view's edit page (only those fields), or None
        when the user may not edit."""
        if not columns or not self.may("can_edit"):
            return None
        form = self.partial_edit_form(columns).refresh(obj=item)
        form.fonds_only.data = ",".join(columns)
        form.fonds_next.data = request.full_path
        if VERSION_FIELD in form:
            form[VERSION_FIELD].data = item.version
        return form

    def post_edit_redirect(self):
        """Back to the dossier tab the in-place form was posted from."""
        target = local_next_url()
        if target and target.startswith(f"{self.route_base}/show/"):
            return redirect(target)
        return super().post_edit_redirect()


class ErrorReportView(ScopedModelView):
    """"Gegevens kloppen niet" (M6.1): anyone who sees a company files a report on its fixed data;
    staff resolve it; the reporter follows the outcome here."""

    datamodel = ScopedSQLAInterface(ErrorReport)
    breadcrumb_parent = ("company", "CompanyView")
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
        DateField("reported_at", _l("Gemeld op"), ErrorReport.reported_at),
    )
    search_columns = ["status"]
    base_order = ("id", "desc")
    order_columns = ["reported_at"]
    add_form_extra_fields = {
        "company": NumberLookupField(_l("Bedrijfsnummer"), [InputRequired()], model=Company),
    }
    prefill_from_args = {"company": Company}
    edit_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=[
            ("open", _l("Open")), ("resolved", _l("Aangepast")), ("rejected", _l("Niet aangepast"))]),
    }
    validators_columns = {"description": [InputRequired(), Length(max=2000)], "resolution": [Length(max=2000)]}
    formatters_columns = {"status": lambda status: label_of(REPORT_LABELS, status)}

    def pre_add(self, item):
        actor = current_actor()
        item.reporter_id = actor.id if actor is not None else None
        item.reported_at = dt.datetime.now()
        item.status = REPORT_OPEN

    def pre_update(self, item):
        from app.dossier.rules import record_resolution

        record_resolution(item, current_actor())

    def post_add(self, item):
        g.added_error_report = item.id

    def post_add_redirect(self):
        """To the report just filed, where the reporter will see the outcome."""
        report_id = getattr(g, "added_error_report", None)
        if report_id and self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            return redirect(url_for(f"{self.endpoint}.show", pk=report_id))
        return super().post_add_redirect()


REPORT_LABELS = {"open": _l("Open"), "resolved": _l("Aangepast"), "rejected": _l("Niet aangepast")}


class PaymentNoteView(ScopedModelView):
    datamodel = ScopedSQLAInterface(PaymentNote)
    breadcrumb_parent = ("company", "CompanyView")
    list_title = _l("Uitkeringsnota's")
    show_title = _l("Uitkeringsnota")
    add_title = _l("Uitkeringsnota toevoegen")
    edit_title = _l("Uitkeringsnota bewerken")
    show_widget = type("PaymentNoteShowWidget", (ShowWidget,), {"template": "dossier/payment_note_widget.html"})
    help_text = _l("Wat het fonds aan bedrijven heeft uitgekeerd. Klik op een nummer om de nota met zijn "
                   "regels te zien.")
    label_columns = {"number": _l("Nummer"), "company": _l("Bedrijf"), "company.name": _l("Bedrijf"),
                     "note_date": _l("Datum"), "description": _l("Omschrijving"), "total": _l("Bedrag")}
    list_columns = ["number", "note_date", "company.name", "description"]
    show_columns = ["number", "company", "note_date", "description", "total"]
    add_columns = edit_columns = ["number", "company", "note_date", "description"]
    search_fields = (
        NumberField("number", _l("Nummer"), PaymentNote.number),
        DateField("note_date", _l("Datum"), PaymentNote.note_date),
    )
    search_columns = ["number", "note_date"]
    base_order = ("number", "desc")
    order_columns = ["number", "note_date"]
    add_form_extra_fields = edit_form_extra_fields = {
        "company": NumberLookupField(_l("Bedrijfsnummer"), [InputRequired()], model=Company),
    }
    validators_columns = {"number": [InputRequired()], "note_date": [InputRequired()]}
    formatters_columns = {"total": money}

    def _get_show_widget(self, pk, item, **kwargs):
        """The note with its lines (M6.3.6: "kunt u een nota inzien")."""
        widgets = super()._get_show_widget(pk, item, **kwargs)
        widgets["show"].template_args["lines"] = item.lines
        widgets["show"].template_args["money"] = money
        return widgets


class PaymentNoteLineView(ScopedModelView):
    datamodel = ScopedSQLAInterface(PaymentNoteLine)
    breadcrumb_parent = ("note", "PaymentNoteView")
    list_title = show_title = _l("Notaregels")
    add_title = _l("Notaregel toevoegen")
    edit_title = _l("Notaregel bewerken")
    help_text = _l("De regels van een uitkeringsnota: waarvoor het fonds betaalde en hoeveel.")
    label_columns = {"note": _l("Nota"), "employee": _l("Werknemer"), "description": _l("Omschrijving"),
                     "amount": _l("Bedrag"), "note.number": _l("Nota")}
    list_columns = ["note.number", "description", "amount"]
    add_columns = edit_columns = show_columns = ["note", "employee", "description", "amount"]
    search_fields = (LowerTextField("description", _l("Omschrijving"), PaymentNoteLine.description),)
    search_columns = ["description"]
    base_order = ("id", "asc")
    add_form_extra_fields = edit_form_extra_fields = {
        "note": NumberLookupField(_l("Notanummer"), [InputRequired()], model=PaymentNote),
        "employee": NumberLookupField(_l("Werknemernummer"), [OptionalValidator()], model=Employee),
    }
    validators_columns = {"description": [InputRequired()], "amount": [InputRequired()]}
    formatters_columns = {"amount": money}


def company_record_view(model, name, titles, help_text, labels, columns, list_columns, search_fields,
                        order, employee=False, extra_fields=None, formatters=None, validators=None):
    """The staff-maintained records behind a company tab share one shape: chosen by company number
    (and employee number), searched, listed, read by the others within their scope."""
    fields = {"company": NumberLookupField(_l("Bedrijfsnummer"), [InputRequired()], model=Company)}
    if employee:
        fields["employee"] = NumberLookupField(_l("Werknemernummer"), [OptionalValidator()], model=Employee)
    fields.update(extra_fields or {})
    return type(name, (ScopedModelView,), {
        "datamodel": ScopedSQLAInterface(model), "breadcrumb_parent": ("company", "CompanyView"),
        "list_title": titles[0], "show_title": titles[1], "add_title": titles[2], "edit_title": titles[3],
        "help_text": help_text, "label_columns": {"company": _l("Bedrijf"), "company.name": _l("Bedrijf"),
                                                  "employee": _l("Werknemer"), **labels},
        "list_columns": list_columns, "show_columns": columns, "add_columns": columns, "edit_columns": columns,
        "search_fields": search_fields, "search_columns": [f.key for f in search_fields if hasattr(model, f.key)],
        "base_order": order, "add_form_extra_fields": fields, "edit_form_extra_fields": fields,
        "formatters_columns": formatters or {}, "validators_columns": validators or {},
    })


OtherContributionView = company_record_view(
    OtherContribution, "OtherContributionView",
    (_l("Overige bijdragen"), _l("Overige bijdrage"), _l("Bijdrage toevoegen"), _l("Bijdrage bewerken")),
    _l("Boekengeld, diplomageld en vergoedingen voor stages en projecten die het fonds uitkeert."),
    {"kind": _l("Soort"), "paid_on": _l("Betaald op"), "amount": _l("Bedrag"), "description": _l("Omschrijving")},
    ["company", "employee", "kind", "paid_on", "amount", "description"],
    ["paid_on", "company.name", "kind", "amount", "description"],
    (DateField("paid_on", _l("Betaald op"), OtherContribution.paid_on),
     LowerTextField("kind", _l("Soort"), OtherContribution.kind)),
    ("paid_on", "desc"), employee=True,
    extra_fields={"kind": SelectField(_l("Soort"), choices=[(k, CONTRIBUTION_LABELS[k]) for k in CONTRIBUTION_KINDS])},
    formatters={"amount": money, "kind": lambda kind: label_of(CONTRIBUTION_LABELS, kind)},
    validators={"paid_on": [InputRequired()], "amount": [InputRequired()]})

ProjectParticipantView = company_record_view(
    ProjectParticipant, "ProjectParticipantView",
    (_l("Projectdeelnemers"), _l("Projectdeelnemer"), _l("Deelnemer toevoegen"), _l("Deelnemer bewerken")),
    _l("Welke bedrijven en werknemers aan een project deelnemen."),
    {"project": _l("Project"), "project.name": _l("Project"), "role": _l("Rol")},
    ["project", "company", "employee", "role"], ["project.name", "company.name", "role"],
    (LowerTextField("role", _l("Rol"), ProjectParticipant.role),), ("id", "asc"), employee=True)

CompanyCodeView = company_record_view(
    CompanyCode, "CompanyCodeView",
    (_l("Bedrijfscodes"), _l("Bedrijfscode"), _l("Code toekennen"), _l("Bedrijfscode bewerken")),
    _l("De codes waarmee het fonds een bedrijf karakteriseert."),
    {"code": _l("Code"), "code.code": _l("Code"), "since": _l("Sinds")},
    ["company", "code", "since"], ["company.name", "code.code", "since"],
    (DateField("since", _l("Sinds"), CompanyCode.since),), ("id", "asc"))

ExtraTrainingDayView = company_record_view(
    ExtraTrainingDay, "ExtraTrainingDayView",
    (_l("Extra bijscholingsdagen"), _l("Extra bijscholingsdag"), _l("Bijscholingsdag toevoegen"),
     _l("Bijscholingsdag bewerken")),
    _l("Extra bijscholingsdagen van bedrijven en hun werknemers."),
    {"day": _l("Datum"), "days": _l("Dagen"), "subject": _l("Onderwerp")},
    ["company", "employee", "day", "days", "subject"], ["day", "company.name", "days", "subject"],
    (DateField("day", _l("Datum"), ExtraTrainingDay.day),), ("day", "desc"), employee=True,
    validators={"day": [InputRequired()], "days": [InputRequired()]})

PostItemView = company_record_view(
    PostItem, "PostItemView",
    (_l("Post"), _l("Poststuk"), _l("Poststuk registreren"), _l("Poststuk bewerken")),
    _l("Post die bedrijven naar het fonds stuurden, en wanneer het fonds de ontvangst bevestigde."),
    {"received_on": _l("Ontvangen"), "subject": _l("Onderwerp"), "reference": _l("Kenmerk"),
     "confirmed_on": _l("Ontvangst bevestigd")},
    ["company", "received_on", "subject", "reference", "confirmed_on"],
    ["received_on", "company.name", "subject", "confirmed_on"],
    (DateField("received_on", _l("Ontvangen"), PostItem.received_on),
     LowerTextField("subject", _l("Onderwerp"), PostItem.subject)), ("received_on", "desc"),
    validators={"received_on": [InputRequired()], "subject": [InputRequired()]})


class ProjectView(ScopedModelView):
    datamodel = ScopedSQLAInterface(Project)
    list_title = _l("Projecten")
    show_title = _l("Project")
    add_title = _l("Project toevoegen")
    edit_title = _l("Project bewerken")
    help_text = _l("De projecten van het fonds. Welke bedrijven en werknemers deelnemen staat bij de deelnemers.")
    label_columns = {"name": _l("Naam"), "description": _l("Omschrijving"), "start_date": _l("Begindatum"),
                     "end_date": _l("Einddatum")}
    list_columns = ["name", "start_date", "end_date"]
    add_columns = edit_columns = show_columns = ["name", "description", "start_date", "end_date"]
    search_fields = (LowerTextField("name", _l("Naam"), Project.name),
                     DateField("start_date", _l("Begindatum"), Project.start_date))
    search_columns = ["name", "start_date"]
    base_order = ("name", "asc")
    validators_columns = {"name": [InputRequired()]}
