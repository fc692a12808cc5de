"""Extensions created once, unbound; create_app() binds them to an app."""
from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# FAB's models (ab_user, ...) and ours share flask_appbuilder.Model.metadata. Handing that base to
# Flask-SQLAlchemy makes db.metadata the same object, so Alembic and db.create_all() see every table.
db = SQLA(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()
