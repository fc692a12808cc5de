"""Deterministic Dutch demo data at any scale, and one user per role: the register here, the records
behind the dossier tabs from each domain's demo.py (app.core.demo).

Bulk inserts through SQLAlchemy Core in chunks (never one ORM object per row), so sector scale
(14,000 companies, 156,000 employees) takes seconds and ten times that works too. The benchmark
uses the same generator.
"""
import datetime as dt
import math
import random
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, text, update
from werkzeug.security import generate_password_hash

from app.core.demo import seed_records
from app.core.numbering import number_series
from app.core.phone import InvalidPhone, normalise_phone
from app.core.search.models import SavedOverview
from app.core.search.text import fold
from app.core.states import StatusChange
from app.extensions import db
from app.outplacement.models import OutplacementOrganisation
from app.payments.models import OtherContribution, PaymentNote, PaymentNoteLine
from app.registry.models import (
    Code, Company, CompanyCode, ContactPerson, Employee, Employment, ErrorReport, PostItem, Region, SubBranch,
)
from app.registry.rules import recount_active_employees
from app.security.manager import FondsUser, user_region
from app.shell.models import CampaignBanner, ContactMessage, PartnerLogo
from app.training.models import (
    Application, ExtraTrainingDay, Institute, Project, ProjectParticipant, TrainingPlanEntry, VocationalTraining,
)

DEFAULT_PASSWORD = "demo-fondsportaal"
DEMO_DOMAIN = "demo.fondsportaal.nl"
CHUNK = 5000
TODAY = dt.date(2026, 11, 1)  # fixed, so the data is the same on every run

REGIONS = [
    ("GRD", "Groningen-Drenthe"), ("FRL", "Friesland"), ("OVL", "Overijssel"), ("GLD", "Gelderland"),
    ("UTR", "Utrecht"), ("NHN", "Noord-Holland"), ("ZHN", "Zuid-Holland Noord"),
    ("ZHZ", "Zuid-Holland Zuid"), ("ZLD", "Zeeland"), ("NBW", "West-Brabant"), ("NBO", "Oost-Brabant"),
    ("LIM", "Limburg"),
]

# (place, postcode digits, region code, weight): real Dutch places; the manual's examples among them.
PLACES = [
    ("Groningen", "97", "GRD", 30), ("Assen", "94", "GRD", 10), ("Hoogeveen", "79", "GRD", 8),
    ("Emmen", "78", "GRD", 10), ("Leeuwarden", "89", "FRL", 14), ("Drachten", "92", "FRL", 9),
    ("Heerenveen", "84", "FRL", 8), ("Sneek", "86", "FRL", 6), ("Zwolle", "80", "OVL", 16),
    ("Enschede", "75", "OVL", 18), ("Hengelo", "75", "OVL", 12), ("Almelo", "76", "OVL", 10),
    ("Deventer", "74", "OVL", 10), ("Nijmegen", "65", "GLD", 18), ("Arnhem", "68", "GLD", 18),
    ("Apeldoorn", "73", "GLD", 16), ("Ede", "67", "GLD", 10), ("Doetinchem", "70", "GLD", 9),
    ("Tiel", "40", "GLD", 6), ("Utrecht", "35", "UTR", 30), ("Amersfoort", "38", "UTR", 16),
    ("Nieuwegein", "34", "UTR", 10), ("Veenendaal", "39", "UTR", 9), ("IJsselstein", "34", "UTR", 6),
    ("Amsterdam", "10", "NHN", 60), ("Haarlem", "20", "NHN", 16), ("Zaandam", "15", "NHN", 12),
    ("Alkmaar", "18", "NHN", 12), ("Hoorn", "16", "NHN", 9), ("IJmuiden", "19", "NHN", 8),
    ("Den Helder", "17", "NHN", 7), ("Leiden", "23", "ZHN", 16), ("Noordwijkerhout", "22", "ZHN", 4),
    ("Noordwijk", "22", "ZHN", 5), ("Rijnsburg", "22", "ZHN", 4), ("Sassenheim", "21", "ZHN", 4),
    ("Lisse", "21", "ZHN", 4), ("Katwijk", "22", "ZHN", 6), ("Alphen aan den Rijn", "24", "ZHN", 10),
    ("Den Haag", "25", "ZHN", 30), ("Rijswijk", "22", "ZHN", 8), ("Zoetermeer", "27", "ZHN", 12),
    ("Delft", "26", "ZHN", 10), ("Rotterdam", "30", "ZHZ", 40), ("Dordrecht", "33", "ZHZ", 14),
    ("Schiedam", "31", "ZHZ", 9), ("Zwijndrecht", "33", "ZHZ", 8), ("Gorinchem", "42", "ZHZ", 6),
    ("Spijkenisse", "32", "ZHZ", 8), ("Middelburg", "43", "ZLD", 8), ("Vlissingen", "43", "ZLD", 8),
    ("Terneuzen", "45", "ZLD", 8), ("Goes", "44", "ZLD", 6), ("Breda", "48", "NBW", 18),
    ("Roosendaal", "47", "NBW", 10), ("Bergen op Zoom", "46", "NBW", 9), ("Tilburg", "50", "NBW", 18),
    ("Oosterhout", "49", "NBW", 8), ("Eindhoven", "56", "NBO", 24), ("Helmond", "57", "NBO", 12),
    ("'s-Hertogenbosch", "52", "NBO", 14), ("Oss", "53", "NBO", 10), ("Veghel", "54", "NBO", 7),
    ("Uden", "54", "NBO", 7), ("Maastricht", "62", "LIM", 14), ("Venlo", "59", "LIM", 12),
    ("Heerlen", "64", "LIM", 12), ("Roermond", "60", "LIM", 9), ("Sittard", "61", "LIM", 9),
    ("Weert", "60", "LIM", 7), ("Geleen", "61", "LIM", 6),
]

SUB_BRANCHES = [
    ("MB", "Metaalbewerking"), ("MC", "Machinebouw"), ("CT", "Constructie"), ("OB", "Oppervlaktebehandeling"),
    ("FT", "Fijnmetaal"), ("IT", "Installatietechniek"), ("MT", "Mobiliteit en techniek"),
]

CODES = [
    ("EVC", "EVC-traject afgerond"), ("BBL", "Leerbedrijf BBL"), ("RIE", "RI&E uitgevoerd"),
    ("OPL", "Opleidingsplan aanwezig"), ("VKR", "Deelnemer Veerkracht"), ("GZC", "Gezondheidscheck gedaan"),
]

SURNAMES = [
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"),
    ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("de", "Bruin"), ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"),
    ("van", "Dam"), ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Jonker"),
    ("", "Jansma"), ("", "Janszen"), ("", "Kuijpers"), ("", "Kuipers"), ("", "Wijnands"), ("", "Yilmaz"),
]
FIRST_NAMES = ["Jan", "Piet", "Kees", "Henk", "Sanne", "Lotte", "Emma", "Daan", "Sem", "Lucas", "Fleur",
               "Anouk", "Ruben", "Thijs", "Noor", "Bram", "Eva", "Mohamed", "Fatima", "Joost", "Marieke",
               "Wim", "Ingrid", "Youssef", "Sophie", "Tim", "Iris", "Bas", "Kim", "Jeroen"]
COMPANY_WORDS = ["Metaal", "Techniek", "Constructie", "Machinefabriek", "Staalbouw", "Precisie",
                 "Lasbedrijf", "Draaierij", "Plaatwerk", "Installatie", "Montage", "Engineering"]
COMPANY_FORMS = ["B.V.", "V.O.F.", "B.V.", "B.V.", "Holding B.V.", ""]
STREETS = ["Industrieweg", "Kanaalweg", "Havenstraat", "Ambachtsweg", "Nijverheidsstraat", "Dorpsstraat",
           "Stationsweg", "Molenweg", "Energieweg", "Edisonstraat", "Vlijtstraat", "Bijlstraat"]

ROLE_USERS = [
    # (local part, role, first name, last name)
    ("admin", "admin", "Anna", "Beheer"),
    ("staff", "staff", "Sander", "Backoffice"),
    ("regional_manager", "regional_manager", "Rita", "Regiomanager"),
    ("advisor", "advisor", "Bert", "Voorlichter"),
    ("advisor2", "advisor", "Bianca", "Voorlichter"),
    ("employer", "employer", "Willem", "Werkgever"),
    ("employer2", "employer", "Wendy", "Werkgever"),
    ("employee", "employee", "Nina", "Werknemer"),
    ("institute", "institute", "Ivo", "Instituut"),
    ("outplacement_partner", "outplacement_partner", "Olga", "Outplacement"),
    ("intervention_advisor", "intervention_advisor", "Ilse", "Interventie"),
]

DOSSIER_COMPANIES = 60  # companies whose dossier tabs all have demo rows

DOMAIN_TABLES_IN_DELETE_ORDER = [
    StatusChange, number_series, TrainingPlanEntry, Application, VocationalTraining, PaymentNoteLine, PaymentNote, OtherContribution,
    ProjectParticipant, Project, CompanyCode, ExtraTrainingDay, PostItem, ErrorReport,
    SavedOverview, ContactMessage, user_region, Employment, ContactPerson, Employee, Company, Institute,
    OutplacementOrganisation, Code, SubBranch, Region, CampaignBanner, PartnerLogo,
]


@dataclass
class SeedResult:
    counts: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False

    def summary(self):
        if self.skipped:
            return "Er staan al gegevens in de database; niets toegevoegd (gebruik --reset om opnieuw te beginnen)."
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"Demogegevens aangemaakt in {self.seconds:.1f} s: {parts}."


def seed_demo(companies=300, employees=3000, password=DEFAULT_PASSWORD, reset=False, random_seed=2026,
              progress=print, today=TODAY):
    """The demo register, its dossier records and one user per role, as the fund would have them on
    ``today`` (fixed by default, so the data is the same on every run)."""
    import time

    started = time.perf_counter()
    session = db.session
    result = SeedResult(logins=[(f"{local}@{DEMO_DOMAIN}", role) for local, role, *_ in ROLE_USERS])
    if reset:
        _wipe(session)
    elif session.execute(select(func.count()).select_from(Company)).scalar():
        result.skipped = True
        return result
    rng = random.Random(random_seed)
    generator = DemoGenerator(rng, session, progress, today)
    result.counts = generator.run(companies, employees)
    _create_users(session, password, generator)
    session.commit()
    refresh_statistics(session)
    result.seconds = time.perf_counter() - started
    return result


def refresh_statistics(session):
    """Planner statistics after a bulk load; on PostgreSQL also the visibility map, without which
    index-only scans (the search bar's counts and deep pages) fall back to reading the table."""
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("company", "contact_person", "employee", "employment"):
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        session.execute(text("ANALYZE"))
        session.commit()


def _wipe(session):
    session.execute(update(FondsUser).values(company_id=None, employee_id=None, institute_id=None,
                                            outplacement_org_id=None))
    for table in DOMAIN_TABLES_IN_DELETE_ORDER:
        session.execute(delete(table))
    demo_users = select(FondsUser.id).where(FondsUser.email.like(f"%@{DEMO_DOMAIN}"))
    from flask_appbuilder.security.sqla.models import assoc_user_role

    session.execute(delete(assoc_user_role).where(assoc_user_role.c.user_id.in_(demo_users)))
    session.execute(delete(FondsUser).where(FondsUser.email.like(f"%@{DEMO_DOMAIN}")))
    session.commit()


class DemoGenerator:
    def __init__(self, rng, session, progress, today):
        self.rng = rng
        self.session = session
        self.progress = progress
        self.today = today
        self.region_ids = {}
        self.company_region = []  # index → region id
        self.company_place = []  # index → (place, postcode digits)
        self.first_company_id = None
        self.first_employee_id = None
        self.employee_company = []

    def run(self, n_companies, n_employees):
        self._reference_data()
        self._companies(n_companies)
        self._contacts(n_companies)
        self._employees(n_employees, n_companies)
        # the records behind the dossier tabs, for the first companies (the demo employer's first)
        company_ids = range(self.first_company_id, self.first_company_id + min(DOSSIER_COMPANIES, n_companies))
        records = seed_records(self.session, company_ids, self.today, Employee)
        return {"bedrijven": n_companies, "werknemers": n_employees, "regio's": len(REGIONS),
                "dossierregels": sum(records.values())}

    def _reference_data(self):
        s = self.session
        s.execute(insert(Region), [{"code": c, "name": n} for c, n in REGIONS])
        s.execute(insert(SubBranch), [{"code": c, "name": n} for c, n in SUB_BRANCHES])
        s.execute(insert(Code), [{"code": c, "description": d, "active": True} for c, d in CODES])
        s.execute(insert(Institute), [
            {"number": 5001, "name": "Techniek Opleidingen Leiden", "place": "Leiden", "active": True,
             "email": "info@techniek-leiden.example"},
            {"number": 5002, "name": "Lasacademie Brabant", "place": "Tilburg", "active": True,
             "email": "info@lasacademie.example"},
        ])
        self.region_ids = dict(s.execute(select(Region.code, Region.id)).all())
        s.execute(insert(OutplacementOrganisation), [
            {"number": 384, "name": "Loopbaan & Werk Leiden", "region_id": self.region_ids["ZHN"]},
            {"number": 412, "name": "Van Werk naar Werk Brabant", "region_id": self.region_ids["NBO"]},
        ])
        s.execute(insert(CampaignBanner), [{
            "title": "Train je Techniek", "active": True,
            "text": "Investeer in vakmanschap: bekijk de cursuscatalogus en vraag uw bijdrage aan.",
            "link_url": None}])
        s.execute(insert(PartnerLogo), [
            {"name": "Werkgeversvereniging Metaal", "website": None, "sort_order": 1, "active": True},
            {"name": "Vakbond Techniek", "website": None, "sort_order": 2, "active": True},
        ])

    def _companies(self, n):
        rng = self.rng
        weights = [p[3] for p in PLACES]
        sub_branch_ids = [row[0] for row in self.session.execute(select(SubBranch.id)).all()]
        rows = []
        for i in range(n):
            place, digits, region_code, _ = self._company_place(i, weights)
            active = rng.random() < 0.9
            registered_from = self.today - dt.timedelta(days=rng.randint(200, 12000))
            surname = rng.choice(SURNAMES)
            name = self._company_name(surname, place)
            self.company_region.append(self.region_ids[region_code])
            self.company_place.append((place, digits))
            address_postcode = f"{digits}{rng.randint(10, 99)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}" \
                               f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
            rows.append({
                "number": 100001 + i, "name": name[:200], "name_key": fold(name[:200]), "place_key": fold(place),
                "postcode_key": fold(address_postcode), "active_employee_count": 0,
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
                "postcode": address_postcode,
                "place": place, "region_id": self.region_ids[region_code],
                "sub_branch_id": rng.choice(sub_branch_ids),
                "registered_from": registered_from,
                "registered_until": None if active else registered_from + dt.timedelta(days=rng.randint(100, 3000)),
                "active": active,
                "phone": demo_phone(f"0{digits}{rng.randint(100, 999)}{rng.randint(10, 99)}{rng.randint(10, 99)}"),
                "email": f"info@bedrijf{100001 + i}.example",
                "last_visit_date": None if rng.random() < 0.1 else
                dt.date(1995, 1, 1) + dt.timedelta(days=rng.randint(0, 10900)),
            })
        self._bulk(Company, rows, "bedrijven")
        self.first_company_id = self.session.execute(select(func.min(Company.id))).scalar()

    def _company_place(self, i, weights):
        # The first companies sit in the manual's example places, so even the small demo has them.
        fixed = ["Noordwijkerhout", "Rijnsburg", "Sassenheim", "IJmuiden", "Rijswijk", "Leiden"]
        if i < len(fixed) * 2:
            return next(p for p in PLACES if p[0] == fixed[i % len(fixed)])
        return self.rng.choices(PLACES, weights)[0]

    def _company_name(self, surname, place):
        rng = self.rng
        infix, name = surname
        family = f"{infix.capitalize()} {name}".strip() if infix else name
        pattern = rng.randint(0, 3)
        if pattern == 0:
            return f"{family} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_FORMS)}".strip()
        if pattern == 1:
            return f"{rng.choice(COMPANY_WORDS)} {place} {rng.choice(COMPANY_FORMS)}".strip()
        if pattern == 2:
            return f"{rng.choice(COMPANY_WORDS)}bedrijf {family}"
        return f"{family} & Zn. {rng.choice(COMPANY_FORMS)}".strip()

    def _contacts(self, n_companies):
        rng = self.rng
        rows = []
        for i in range(n_companies):
            for k in range(rng.randint(1, 3)):
                infix, surname = rng.choice(SURNAMES)
                rows.append({
                    "company_id": self.first_company_id + i,
                    "initials": f"{rng.choice(FIRST_NAMES)[0]}.",
                    "surname": f"{infix} {surname}".strip(), "surname_key": fold(f"{infix} {surname}"),
                    "job_title": rng.choice(["Directeur", "HR-adviseur", "Bedrijfsleider", "Opleidingscoördinator"]),
                    "phone": demo_phone(f"06{rng.randint(10, 99)}{rng.randint(10, 99)}{rng.randint(10, 99)}{rng.randint(10, 99)}"),
                    "email": f"contact{k}@bedrijf{100001 + i}.example", "is_main": k == 0,
                })
        self._bulk(ContactPerson, rows, "contactpersonen")

    def _employees(self, n, n_companies):
        """Company sizes are log-normal (mean about 11), like the sector; every company gets at least one."""
        rng = self.rng
        sizes = [max(1, int(rng.lognormvariate(1.9, 0.9))) for _ in range(n_companies)]
        scale = n / sum(sizes)
        slots = []
        for i, size in enumerate(sizes):
            slots.extend([i] * max(1, round(size * scale)))
        rng.shuffle(slots)
        rows, employments = [], []
        for j in range(n):
            company_index = slots[j % len(slots)]
            place, digits = self.company_place[company_index]
            infix, surname = rng.choice(SURNAMES)
            first = rng.choice(FIRST_NAMES)
            active = rng.random() < 0.85
            rows.append({
                "number": 2000001 + j, "initials": f"{first[0]}.", "first_name": first, "infix": infix or None,
                "surname": surname, "surname_key": fold(surname), "place_key": fold(place), "active": active,
                "birth_date": dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 16000)),
                "company_id": self.first_company_id + company_index,
                "place": place, "postcode": f"{digits}{rng.randint(10, 99)} AB",
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
            })
            self.employee_company.append(company_index)
        self._bulk(Employee, rows, "werknemers")
        self.first_employee_id = self.session.execute(select(func.min(Employee.id))).scalar()
        for j, company_index in enumerate(self.employee_company):
            start = self.today - dt.timedelta(days=rng.randint(30, 9000))
            employments.append({"employee_id": self.first_employee_id + j,
                                "company_id": self.first_company_id + company_index,
                                "start_date": start, "end_date": None})
            if rng.random() < 0.3:
                previous = rng.randrange(n_companies)
                employments.append({"employee_id": self.first_employee_id + j,
                                    "company_id": self.first_company_id + previous,
                                    "start_date": start - dt.timedelta(days=rng.randint(400, 4000)),
                                    "end_date": start - dt.timedelta(days=1)})
        self._bulk(Employment, employments, "dienstverbanden")
        recount_active_employees(self.session.connection())

    def _bulk(self, model, rows, label):
        total = len(rows)
        steps = max(1, math.ceil(total / CHUNK))
        copy = self.session.get_bind().dialect.name == "postgresql"
        for step in range(steps):
            chunk = rows[step * CHUNK:(step + 1) * CHUNK]
            if copy:
                _copy_rows(self.session, model.__table__.name, chunk)
            else:
                self.session.execute(insert(model), chunk)
            if steps > 4 and (step + 1) % max(1, steps // 10) == 0:
                done = min(total, (step + 1) * CHUNK)
                bar = "#" * round(20 * done / total)
                self.progress(f"  {label:16s} [{bar:20s}] {done:>9,} / {total:,}")
        if steps <= 4:
            self.progress(f"  {label}: {total:,}")


def demo_phone(digits):
    """A generated number in the fund's form (M6.3.1); one that cannot exist (the postcode's digits are
    no area code, 06-7… is no mobile range) gets a real area code instead, without drawing again from
    the random stream, so the rest of the data stays the same."""
    mobile = digits.startswith("06")
    for candidate in (digits, ("061" if mobile else "010") + digits[-7:], ("061" if mobile else "0105") + digits[-6:]):
        try:
            return normalise_phone(candidate)
        except InvalidPhone:
            continue
    return None


def _copy_rows(session, table, rows):
    """PostgreSQL's COPY: several times faster than multi-row INSERTs for millions of rows."""
    if not rows:
        return
    columns = list(rows[0])
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _create_users(session, password, generator):
    from flask_appbuilder.security.sqla.models import Role

    roles = {role.name: role for role in session.execute(select(Role)).scalars()}
    password_hash = generate_password_hash(password, method="scrypt")
    region = generator.region_ids
    first_company = generator.first_company_id
    # The first company sits in Noordwijkerhout (region ZHN); find one outside ZHN for employer2.
    other_company = session.execute(
        select(Company.id).where(Company.region_id != region["ZHN"]).order_by(Company.id).limit(1)).scalar()
    employee_id = session.execute(
        select(Employee.id).where(Employee.company_id == first_company).order_by(Employee.id).limit(1)).scalar()
    institute_id = session.execute(select(func.min(Institute.id))).scalar()
    org_id = session.execute(select(OutplacementOrganisation.id).where(OutplacementOrganisation.number == 384)).scalar()
    links = {
        "regional_manager": {"regions": ["ZHN", "ZHZ"]},
        "advisor": {"regions": ["ZHN"]},
        "advisor2": {"regions": ["NBO"]},
        "employer": {"company_id": first_company},
        "employer2": {"company_id": other_company},
        "employee": {"employee_id": employee_id},
        "institute": {"institute_id": institute_id},
        "outplacement_partner": {"outplacement_org_id": org_id},
        "intervention_advisor": {"regions": ["ZHN"]},
    }
    for local, role, first, last in ROLE_USERS:
        if role not in roles:
            raise RuntimeError("Rollen ontbreken: voer eerst 'flask --app run roles sync' uit.")
        link = dict(links.get(local, {}))
        region_codes = link.pop("regions", [])
        user = FondsUser(first_name=first, last_name=last, username=f"{local}@{DEMO_DOMAIN}",
                         email=f"{local}@{DEMO_DOMAIN}", active=True, password=password_hash, **link)
        session.add(user)
        user.roles = [roles[role]]
        user.regions = [session.get(Region, region[code]) for code in region_codes]
