"""The advisor's fieldwork on the company dossier: Werkrapporten (M6.3.3, M13). Work reports reach
advisors and regional managers through the company's region and staff everywhere, never the employer
or the employee (SPEC §5), so neither sees the tab."""
from flask_babel import lazy_gettext as _l

from app.core.dossier import Tab, register_tab
from app.registry.models import Company
from app.security.roles import ADMIN, ADVISOR, REGIONAL_MANAGER, STAFF

FIELDWORK_ROLES = frozenset({ADMIN, STAFF, REGIONAL_MANAGER, ADVISOR})

register_tab(Company, Tab(
    "werkrapporten", _l("Werkrapporten"), visible_to=FIELDWORK_ROLES,
    empty=_l("Er zijn nog geen werkrapporten over dit bedrijf. Werkrapporten verschijnen hier zodra ze in de "
             "module Werkrapporten zijn aangemaakt.")), order=30)
