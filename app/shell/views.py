"""Contact form (M19), the staff inbox it lands in, and the configurable banner and partner logos."""
from flask import g
from flask_appbuilder import SimpleFormView
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget, BS3TextFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.clock import now
from app.core.datamodel import DomainError, ScopedSQLAInterface
from app.core.messages import tell
from app.core.search.fields import DateField, LowerTextField
from app.core.views import ScopedModelView
from app.shell.logos import LogoFileField
from app.shell.models import CampaignBanner, ContactMessage, PartnerLogo


class ContactForm(DynamicForm):
    subject = StringField(_l("Onderwerp"), [DataRequired(), Length(max=200)], widget=BS3TextFieldWidget())
    message = TextAreaField(_l("Uw vraag, suggestie of probleem"), [DataRequired(), Length(max=5000)],
                            widget=BS3TextAreaFieldWidget())


class ContactFormView(SimpleFormView):
    form = ContactForm
    form_title = _l("Contact met het fonds")
    help_text = _l("Heeft u een vraag, suggestie of probleem? Vul het formulier zo volledig mogelijk "
                   "in en klik op Verzenden. U krijgt zo snel mogelijk een reactie.")
    message = _l("Uw bericht is verzonden. U krijgt zo snel mogelijk een reactie.")

    def form_post(self, form):
        message = ContactMessage(sender_id=g.user.id, subject=form.subject.data, message=form.message.data,
                                 sent_at=now(), handled=False)
        try:
            ScopedSQLAInterface(ContactMessage).add(message)
        except DomainError as error:
            tell(error.message, "danger")
            return
        tell(self.message, "success")


class ContactMessageView(ScopedModelView):
    datamodel = ScopedSQLAInterface(ContactMessage)
    list_title = show_title = edit_title = _l("Helpdesk-inbox")
    help_text = _l("Berichten die gebruikers via Contact sturen. Vul het antwoord in en vink "
                   "Afgehandeld aan.")
    label_columns = {"sender": _l("Afzender"), "sender.email": _l("Afzender"), "subject": _l("Onderwerp"), "message": _l("Bericht"),
                     "sent_at": _l("Verzonden"), "handled": _l("Afgehandeld"), "answer": _l("Antwoord")}
    list_columns = ["sent_at", "sender.email", "subject", "handled"]
    search_fields = (LowerTextField("subject", _l("Onderwerp"), ContactMessage.subject),
                     DateField("sent", _l("Verzonden"), ContactMessage.sent_at))
    default_sort = "sent"
    default_descending = True
    show_columns = ["sent_at", "sender", "subject", "message", "handled", "answer"]
    edit_columns = ["handled", "answer"]
    exclude_route_methods = {"add"}  # messages arrive through the contact form only


class CampaignBannerView(ScopedModelView):
    datamodel = ScopedSQLAInterface(CampaignBanner)
    list_title = show_title = add_title = edit_title = _l("Campagnebanner")
    help_text = _l("De campagne die boven elke pagina staat (M2.4). De nieuwste actieve banner wordt getoond.")
    label_columns = {"title": _l("Titel"), "text": _l("Tekst"), "link_url": _l("Link"), "active": _l("Actief")}
    list_columns = ["title", "active"]
    search_fields = (LowerTextField("title", _l("Titel"), CampaignBanner.title),)
    add_columns = edit_columns = show_columns = ["title", "text", "link_url", "active"]


class PartnerLogoView(ScopedModelView):
    datamodel = ScopedSQLAInterface(PartnerLogo)
    list_title = show_title = add_title = edit_title = _l("Partners")
    help_text = _l("De partners (werkgevers- en werknemersorganisaties) onder aan elke pagina (M2.3).")
    label_columns = {"name": _l("Naam"), "website": _l("Website"), "sort_order": _l("Volgorde"), "logo": _l("Logo"),
                     "active": _l("Actief")}
    list_columns = ["name", "website", "sort_order", "active"]
    search_fields = (LowerTextField("name", _l("Naam"), PartnerLogo.name),)
    show_columns = ["name", "website", "sort_order", "active"]
    add_columns = edit_columns = ["name", "website", "logo", "sort_order", "active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "logo": LogoFileField(_l("Logo"), description=_l("PNG, JPEG, GIF of WebP, hoogstens 512 kB.")),
    }
