"""The index of the data: every table of every domain, so Alembic and the app see them all (a test
checks that nothing in the metadata is missing here)."""
from app.core.audit import AuditLog  # noqa: F401
from app.core.numbering import number_series  # noqa: F401
from app.core.search.models import SavedOverview  # noqa: F401
from app.core.states import StatusChange  # noqa: F401
from app.core.uploads import StoredFile  # noqa: F401
from app.outplacement.models import OutplacementOrganisation  # noqa: F401
from app.payments.models import OtherContribution, PaymentNote, PaymentNoteLine  # noqa: F401
from app.registry.models import (  # noqa: F401
    Code, Company, CompanyCode, ContactPerson, Employee, Employment, ErrorReport, PostItem, Region, SubBranch,
)
from app.security.manager import FondsUser, user_region  # noqa: F401
from app.security.tokens import AccountToken  # noqa: F401
from app.shell.models import CampaignBanner, ContactMessage, PartnerLogo  # noqa: F401
from app.training.models import (  # noqa: F401
    Application, ExtraTrainingDay, Institute, Project, ProjectParticipant, TrainingPlanEntry, VocationalTraining,
)
