"""The whole menu, in order (M2.1): the work items of each role on top, then configuration, then
the account block (Instellingen, Contact; Afsluiten is added by the layout). Every page's access
comes from app/security/roles.py; which rows it shows from app/security/scoping.py."""
from flask_babel import lazy_gettext as _l

from app import models  # noqa: F401  (every table mapped before a view inspects one)

from app.core.audit_view import AuditLogView
from app.core.search.overviews import SavedOverviewView
from app.core.upload_views import StoredFileView
from app.outplacement.views import OutplacementOrganisationView
from app.payments.views import OtherContributionView, PaymentNoteLineView, PaymentNoteView
from app.registry.views import (
    CodeView, CompanyApi, CompanyCodeView, CompanyView, ContactPersonApi, ContactPersonView, EmployeeApi,
    EmployeeView, EmploymentView, ErrorReportView, PostItemView, RegionView, SubBranchView,
)
from app.security import permissions as P
from app.security.inspector_views import PermissionInspectorView
from app.shell.logos import PartnerLogoImageView
from app.shell.views import CampaignBannerView, ContactFormView, ContactMessageView, PartnerLogoView
from app.training.views import (
    ApplicationApi, ApplicationView, ExtraTrainingDayView, InstituteView, ProjectParticipantView, ProjectView,
    TrainingPlanEntryView, VocationalTrainingView,
)

BACKOFFICE = dict(category=P.MENU_BACKOFFICE, category_label=_l("Backoffice"), category_icon="fa-archive")
CONFIGURATION = dict(category=P.MENU_CONFIGURATION, category_label=_l("Instellingen fonds"),
                     category_icon="fa-cogs")


def register_views(appbuilder):
    # Work items
    appbuilder.add_view(CompanyView, P.MENU_COMPANIES, label=_l("Mijn bedrijven"), icon="fa-industry")
    appbuilder.add_view(EmployeeView, P.MENU_EMPLOYEES, label=_l("Mijn werknemers"), icon="fa-users")
    appbuilder.add_view(ContactPersonView, P.MENU_CONTACTS, label=_l("Contactpersonen"), icon="fa-address-book")
    appbuilder.add_view(InstituteView, P.MENU_INSTITUTES, label=_l("Cursusinstituten"), icon="fa-graduation-cap")
    appbuilder.add_view(OutplacementOrganisationView, P.MENU_OUTPLACEMENT_ORGS,
                        label=_l("Outplacementkantoren"), icon="fa-briefcase")
    appbuilder.add_view(ContactMessageView, P.MENU_INBOX, label=_l("Helpdesk-inbox"), icon="fa-inbox")
    appbuilder.add_view(TrainingPlanEntryView, P.MENU_TRAINING_PLAN, label=_l("Mijn opleidingsplan"),
                        icon="fa-road")
    appbuilder.add_view(ApplicationView, P.MENU_APPLICATIONS, label=_l("Aanvragen"), icon="fa-file-text")
    appbuilder.add_view(ErrorReportView, P.MENU_ERROR_REPORTS, label=_l("Foutmeldingen"), icon="fa-exclamation-triangle")
    appbuilder.add_view(SavedOverviewView, P.MENU_SAVED_OVERVIEWS, label=_l("Mijn overzichten"), icon="fa-bookmark")
    appbuilder.add_view_no_menu(EmploymentView)
    appbuilder.add_view_no_menu(PartnerLogoImageView)
    appbuilder.add_view_no_menu(StoredFileView)

    # The records behind the dossier tabs, kept by staff (M6.3)
    appbuilder.add_view(PaymentNoteView, P.MENU_PAYMENT_NOTES, label=_l("Uitkeringsnota's"), icon="fa-eur", **BACKOFFICE)
    appbuilder.add_view(PaymentNoteLineView, P.MENU_PAYMENT_NOTE_LINES, label=_l("Notaregels"), icon="fa-list",
                        **BACKOFFICE)
    appbuilder.add_view(VocationalTrainingView, P.MENU_VOCATIONAL_TRAINING, label=_l("Beroepsopleidingen"),
                        icon="fa-wrench", **BACKOFFICE)
    appbuilder.add_view(OtherContributionView, P.MENU_CONTRIBUTIONS, label=_l("Overige bijdragen"),
                        icon="fa-money", **BACKOFFICE)
    appbuilder.add_view(ProjectView, P.MENU_PROJECTS, label=_l("Projecten"), icon="fa-flag", **BACKOFFICE)
    appbuilder.add_view(ProjectParticipantView, P.MENU_PROJECT_PARTICIPANTS, label=_l("Projectdeelnemers"),
                        icon="fa-users", **BACKOFFICE)
    appbuilder.add_view(CompanyCodeView, P.MENU_COMPANY_CODES, label=_l("Bedrijfscodes"), icon="fa-tags",
                        **BACKOFFICE)
    appbuilder.add_view(ExtraTrainingDayView, P.MENU_TRAINING_DAYS, label=_l("Extra bijscholingsdagen"),
                        icon="fa-calendar", **BACKOFFICE)
    appbuilder.add_view(PostItemView, P.MENU_POST, label=_l("Post"), icon="fa-envelope-open", **BACKOFFICE)

    # Configuration by staff (SPEC §6)
    appbuilder.add_view(RegionView, P.MENU_REGIONS, label=_l("Regio's"), **CONFIGURATION)
    appbuilder.add_view(SubBranchView, P.MENU_SUB_BRANCHES, label=_l("Subbranches"), **CONFIGURATION)
    appbuilder.add_view(CodeView, P.MENU_CODES, label=_l("Codes"), **CONFIGURATION)
    appbuilder.add_view(CampaignBannerView, P.MENU_BANNERS, label=_l("Campagnebanner"), **CONFIGURATION)
    appbuilder.add_view(PartnerLogoView, P.MENU_PARTNER_LOGOS, label=_l("Partners"), **CONFIGURATION)
    appbuilder.add_view(AuditLogView, P.MENU_AUDIT_LOG, label=_l("Logboek"), icon="fa-history",
                        **CONFIGURATION)
    appbuilder.add_link(P.MENU_USERS, href="/users/list/", label=_l("Gebruikers"), icon="fa-user",
                        **CONFIGURATION)
    appbuilder.add_view(PermissionInspectorView, P.MENU_PERMISSION_INSPECTOR, label=_l("Rechtencontrole"),
                        icon="fa-user-shield", **CONFIGURATION)

    # Account block (M18, M19)
    appbuilder.add_link(P.MENU_SETTINGS, href="/users/userinfo/", label=_l("Instellingen"), icon="fa-sliders")
    appbuilder.add_view(ContactFormView, P.MENU_CONTACT, label=_l("Contact"), icon="fa-envelope")

    # APIs (token authentication: POST /api/v1/security/login)
    appbuilder.add_api(CompanyApi)
    appbuilder.add_api(EmployeeApi)
    appbuilder.add_api(ContactPersonApi)
    appbuilder.add_api(ApplicationApi)
