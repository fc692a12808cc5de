"""Rechtencontrole: the staff page over app.security.inspector (issue 6, item 10).

A staff member types a user's e-mail address, optionally a kind of record and its number or id, and
sees per action (zien, wijzigen, vaste gegevens, verwijderen) whether that user may, and why: which
role grants the page permission and which scope rule puts the record within reach. Below it: every
menu item and whether the user sees it and may open it; "Waarom?" explains one page.

The page only reads, so it is a GET form (no state changes, bookmarkable). It answers only for users
and records that exist and that the asking staff member may see themselves.
"""
from flask import g, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import Form, SelectField, StringField
from wtforms.validators import Length, Optional

from app.security.inspector import (
    RECORD_NUMBER, explain_access, explain_menu, explain_page, find_record, find_user, pages, record_views,
    summarize_user,
)

TOO_LONG = _l("Maximaal %(max)d tekens toegestaan.")


class InspectorForm(Form):
    """Read from the query string; nothing is stored, so no CSRF token is needed."""

    email = StringField(_l("Gebruiker (e-mailadres)"), [Optional(), Length(max=256, message=TOO_LONG)])
    kind = SelectField(_l("Soort gegeven"), [Optional()], choices=[], validate_choice=False)
    record = StringField(_l("Nummer of id"), [Optional(), Length(max=30, message=TOO_LONG)])
    page = SelectField(_l("Pagina"), [Optional()], choices=[], validate_choice=False)


class PermissionInspectorView(BaseView):
    route_base = "/rechtencontrole"
    default_view = "check"
    template = "inspector/check.html"
    title = _l("Rechtencontrole")
    help_text = _l("Kies een gebruiker (e-mailadres) en eventueel een soort gegeven met het nummer of id. "
                   "U ziet per handeling of die gebruiker het gegeven mag zien, wijzigen of verwijderen, en "
                   "waarom: welke rol het paginarecht geeft en welke scope (regio, bedrijf, werknemer, ...) het "
                   "gegeven binnen bereik brengt. Onder Pagina's staat welke menu-items de gebruiker ziet en mag "
                   "openen; klik op Waarom? voor de toelichting per pagina.")

    @expose("/")
    @has_access
    def check(self):
        kinds = {view.endpoint: view for view in record_views()}
        known_pages = pages()
        form = InspectorForm(request.args)
        form.kind.choices = [("", _("— geen, alleen pagina's —"))] + [
            (endpoint, str(view.show_title)) for endpoint, view in kinds.items()]
        form.page.choices = [("", _("— geen —"))] + [(name, entry[0]) for name, entry in known_pages.items()]
        context = dict(form=form, title=self.title, messages=[], user=None, access=None, found_by=None,
                       page=None, menu=None)
        if request.args:
            self._answer(form, kinds, known_pages, context)
        return self.render_template(self.template, **context)

    def _answer(self, form, kinds, pages, context):
        messages = context["messages"]
        if not form.validate():
            messages.append(_("Controleer de gemarkeerde velden."))
            return
        email = (form.email.data or "").strip()
        if not email:
            messages.append(_("Vul het e-mailadres van een gebruiker in."))
            return
        user = find_user(email)
        if user is None:
            messages.append(_("Er is geen gebruiker met het e-mailadres %(email)s.", email=email))
            return
        context["user"] = summarize_user(user)
        context["menu"] = explain_menu(user)
        kind, number = form.kind.data or "", (form.record.data or "").strip()
        if kind:
            view = kinds.get(kind)
            if view is None:
                messages.append(_("Kies een soort gegeven uit de lijst."))
            elif not number:
                messages.append(_("Vul het nummer of id van het gegeven in."))
            elif not RECORD_NUMBER.fullmatch(number):
                messages.append(_("Een nummer of id bestaat alleen uit cijfers."))
            else:
                record, found_by = find_record(view, number, g.user)
                if record is None:
                    messages.append(_("Er bestaat geen gegeven van de soort %(kind)s met nummer of id %(value)s.",
                                      kind=view.show_title, value=number))
                else:
                    context["access"] = explain_access(user, view.datamodel.obj, record.id, view=view)
                    context["found_by"] = found_by
        elif number:
            messages.append(_("Kies bij een nummer of id ook de soort gegeven."))
        page = form.page.data or ""
        if page:
            try:
                context["page"] = explain_page(user, page)
            except LookupError:
                messages.append(_("Kies een pagina uit de lijst."))
