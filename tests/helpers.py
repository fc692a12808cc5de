"""Shared test helpers: logged-in clients (pages and API tokens) and the seeded world."""
from dataclasses import dataclass

from flask_migrate import upgrade
from sqlalchemy import select

DEMO_PASSWORD = "test-wachtwoord-123"


def app_config(database_url, instance, **extra):
    """The create_app() overrides every test app uses: its own database and instance folder."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes!",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAIL_OUTBOX_DIR": str(instance / "mail"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "SESSION_COOKIE_SECURE": False,
        **extra,
    }


def seed_test_data(app):
    from app.demo import seed_demo
    from app.extensions import db
    from app.security.sync import sync_roles

    upgrade()
    sync_roles(app.appbuilder)
    seed_demo(companies=60, employees=400, password=DEMO_PASSWORD, progress=lambda *_: None)
    db.session.remove()


class Client:
    """A Flask test client logged in through the real login form, with an API token on demand."""

    def __init__(self, app, email, password):
        self.app = app
        self.email = email
        self.password = password
        self.http = app.test_client()
        self._token = None
        self.shared = False  # see request()

    @classmethod
    def logged_in(cls, app, email, password):
        client = cls(app, email, password)
        response = client.http.post("/login/", data={"username": email, "password": password})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], \
            f"login failed for {email}"
        return client

    def get(self, url, **kwargs):
        return self.request("get", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("post", url, **kwargs)

    def request(self, method, url, **kwargs):
        """The ``clients`` fixture's clients are shared by the whole test session (``shared``), and a test
        that logs a user out ends every session of that user (as it should): then log in again and ask
        once more. The second answer is returned,
        so a page that really sends this user to the login page still does."""
        response = getattr(self.http, method)(url, **kwargs)
        if self.shared and self._sent_to_login(url, response):
            self.http = Client.logged_in(self.app, self.email, self.password).http
            response = getattr(self.http, method)(url, **kwargs)
        return response

    @staticmethod
    def _sent_to_login(url, response):
        if url.split("?")[0].endswith("/login/"):
            return False
        if response.status_code == 302:
            return response.headers.get("Location", "").split("?")[0].endswith("/login/")
        return bool(response.history) and response.request.path.endswith("/login/")  # followed redirects

    @property
    def token(self):
        if self._token is None:
            response = self.app.test_client().post("/api/v1/security/login", json={
                "username": self.email, "password": self.password, "provider": "db"})
            assert response.status_code == 200, response.get_data(as_text=True)
            self._token = response.json["access_token"]
        return self._token

    def api(self, method, url, headers=None, **kwargs):
        response = self._api(method, url, headers, **kwargs)
        if self.shared and response.status_code == 401:  # another test ended this user's tokens: a new one
            self._token = None
            response = self._api(method, url, headers, **kwargs)
        return response

    def _api(self, method, url, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return getattr(self.app.test_client(), method)(url, headers=headers, **kwargs)


@dataclass
class World:
    """Which rows belong to whom in the seeded data."""

    zhn_company: int          # a company in region ZHN (advisor's region) = employer's company
    nbo_company: int          # a company in region NBO (advisor2's region)
    employer2_company: int    # employer2's company (outside ZHN)
    zhz_company: int          # region ZHZ: the regional manager's second region, not the advisor's
    own_employee: int         # the employee user's own record (works at employer's company)
    zhn_employee: int         # another employee of the employer's company
    foreign_employee: int     # an employee of employer2's company
    zhn_contact: int          # a contact of the employer's company
    foreign_contact: int      # a contact of employer2's company

    @classmethod
    def read(cls):
        from app.extensions import db
        from app.registry.models import Company, ContactPerson, Employee, Region
        from app.security.manager import FondsUser

        session = db.session

        def user(local):
            return session.execute(select(FondsUser).where(
                FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()

        def company_in(code):
            return session.execute(select(Company.id).join(Region).where(Region.code == code)
                                   .order_by(Company.id)).scalars().first()

        employer, employer2, employee = user("employer"), user("employer2"), user("employee")
        return cls(
            zhn_company=employer.company_id,
            nbo_company=company_in("NBO"),
            employer2_company=employer2.company_id,
            zhz_company=company_in("ZHZ"),
            own_employee=employee.employee_id,
            zhn_employee=session.execute(select(Employee.id).where(
                Employee.company_id == employer.company_id, Employee.id != employee.employee_id)).scalars().first(),
            foreign_employee=session.execute(select(Employee.id).where(
                Employee.company_id == employer2.company_id)).scalars().first(),
            zhn_contact=session.execute(select(ContactPerson.id).where(
                ContactPerson.company_id == employer.company_id)).scalars().first(),
            foreign_contact=session.execute(select(ContactPerson.id).where(
                ContactPerson.company_id == employer2.company_id)).scalars().first(),
        )
