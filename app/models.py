"""The index of the data: every domain's models, so Alembic and the app see all tables."""
from app.core.audit import AuditLog  # noqa: F401
from app.core.numbering import number_series  # noqa: F401
from app.core.search.models import SavedOverview  # noqa: F401
from app.dossier.models import (  # noqa: F401
    CompanyCode, ErrorReport, ExtraTrainingDay, OtherContribution, PaymentNote, PaymentNoteLine, PostItem,
    Project, ProjectParticipant,
)
from app.outplacement.models import OutplacementOrganisation  # noqa: F401
from app.registry.models import (  # noqa: F401
    Code, Company, ContactPerson, Employee, Employment, Region, SubBranch,
)
from app.security.manager import FondsUser, user_region  # noqa: F401
from app.shell.models import CampaignBanner, ContactMessage, PartnerLogo  # noqa: F401
from app.training.models import (  # noqa: F401
    Application, Institute, TrainingPlanEntry, VocationalTraining,
)
