"""Resource (view, API and menu) names as FAB stores them, and the action sets used in roles.py.

Names are FAB's: a ModelView's class name for its pages, a ModelRestApi's class name for its API,
and the menu name given to add_view for ``menu_access``. Keep them English; labels are translated.
"""

# --- Pages (ModelView class names) --------------------------------------------------------------
COMPANY_VIEW = "CompanyView"
EMPLOYEE_VIEW = "EmployeeView"
EMPLOYMENT_VIEW = "EmploymentView"
CONTACT_VIEW = "ContactPersonView"
REGION_VIEW = "RegionView"
SUB_BRANCH_VIEW = "SubBranchView"
CODE_VIEW = "CodeView"
INSTITUTE_VIEW = "InstituteView"
OUTPLACEMENT_ORG_VIEW = "OutplacementOrganisationView"
BANNER_VIEW = "CampaignBannerView"
PARTNER_LOGO_VIEW = "PartnerLogoView"
AUDIT_LOG_VIEW = "AuditLogView"
CONTACT_MESSAGE_VIEW = "ContactMessageView"
USER_VIEW = "FondsUserView"
RESET_MY_PASSWORD_VIEW = "ResetMyPasswordView"
USER_INFO_EDIT_VIEW = "UserInfoEditView"
RESET_PASSWORD_VIEW = "ResetPasswordView"
CONTACT_FORM_VIEW = "ContactFormView"
SAVED_OVERVIEW_VIEW = "SavedOverviewView"
PERMISSION_INSPECTOR_VIEW = "PermissionInspectorView"
ERROR_REPORT_VIEW = "ErrorReportView"
PAYMENT_NOTE_VIEW = "PaymentNoteView"
PAYMENT_NOTE_LINE_VIEW = "PaymentNoteLineView"
OTHER_CONTRIBUTION_VIEW = "OtherContributionView"
PROJECT_VIEW = "ProjectView"
PROJECT_PARTICIPANT_VIEW = "ProjectParticipantView"
COMPANY_CODE_VIEW = "CompanyCodeView"
EXTRA_TRAINING_DAY_VIEW = "ExtraTrainingDayView"
POST_ITEM_VIEW = "PostItemView"
APPLICATION_VIEW = "ApplicationView"
VOCATIONAL_TRAINING_VIEW = "VocationalTrainingView"
TRAINING_PLAN_VIEW = "TrainingPlanEntryView"

# --- APIs (ModelRestApi class names) ------------------------------------------------------------
COMPANY_API = "CompanyApi"
EMPLOYEE_API = "EmployeeApi"
CONTACT_API = "ContactPersonApi"
APPLICATION_API = "ApplicationApi"

# --- Menu entries (menu_access) -----------------------------------------------------------------
MENU_COMPANIES = "Companies"
MENU_EMPLOYEES = "Employees"
MENU_CONTACTS = "Contacts"
MENU_INSTITUTES = "Institutes"
MENU_OUTPLACEMENT_ORGS = "OutplacementOrganisations"
MENU_CONFIGURATION = "Configuration"
MENU_REGIONS = "Regions"
MENU_SUB_BRANCHES = "SubBranches"
MENU_CODES = "Codes"
MENU_BANNERS = "CampaignBanners"
MENU_PARTNER_LOGOS = "PartnerLogos"
MENU_AUDIT_LOG = "AuditLog"
MENU_USERS = "Users"
MENU_INBOX = "Inbox"
MENU_SETTINGS = "Settings"
MENU_CONTACT = "Contact"
MENU_SAVED_OVERVIEWS = "SavedOverviews"
MENU_PERMISSION_INSPECTOR = "PermissionInspector"
MENU_ERROR_REPORTS = "ErrorReports"
MENU_APPLICATIONS = "Applications"
MENU_TRAINING_PLAN = "TrainingPlan"
MENU_BACKOFFICE = "Backoffice"
MENU_PAYMENT_NOTES = "PaymentNotes"
MENU_PAYMENT_NOTE_LINES = "PaymentNoteLines"
MENU_VOCATIONAL_TRAINING = "VocationalTraining"
MENU_CONTRIBUTIONS = "OtherContributions"
MENU_PROJECTS = "Projects"
MENU_PROJECT_PARTICIPANTS = "ProjectParticipants"
MENU_COMPANY_CODES = "CompanyCodes"
MENU_TRAINING_DAYS = "ExtraTrainingDays"
MENU_POST = "Post"

# --- Action sets --------------------------------------------------------------------------------
READ = ("can_list", "can_show", "can_export_csv", "can_export_xlsx")
EDIT = READ + ("can_edit",)
CRUD = EDIT + ("can_add", "can_delete")
API_READ = ("can_get", "can_info")
API_EDIT = API_READ + ("can_put",)
API_CRUD = API_EDIT + ("can_post", "can_delete")
MENU = ("menu_access",)
USER_ADMIN = ("can_list", "can_show", "can_edit", "can_add", "can_delete")
MAKE_MAIN_CONTACT = ("make_main",)
INSPECT = ("can_check",)
CANCEL_APPLICATION = ("cancel",)
