"""The preparation: the load test's users and their share of the data (a child process: it imports the portal).

``prepare`` makes or reuses the benchmark's database (bench/data.py), creates the virtual users' accounts in
it with the portal's own models and password hash (``ensure_accounts``, idempotent), and gives every user
their own companies, contacts, employees and search places (``share_out``): a partition, so no two users
ever edit the same record. The result is the plan the run reads from a JSON file.
"""
import random
from collections import Counter, defaultdict

from bench.common import PASSWORD

ACCOUNT_DOMAIN = "demo.fondsportaal.nl"  # `flask demo seed --reset` removes these accounts with the demo's


def composition(n):
    """Roles of n virtual users: 10 % staff, 10 % employers, one regional manager per 25, the rest
    advisors (the portal's main users)."""
    staff = max(1, round(n * 0.1))
    employers = max(1, round(n * 0.1)) if n > 1 else 0
    managers = n // 25
    advisors = max(0, n - staff - employers - managers)
    return {"advisor": advisors, "regional_manager": managers, "employer": employers, "staff": staff}


def prepare(engine, scale, n_users, seed=2026, log=print):
    """Make or reuse the database, make the accounts, and give every user their share of the data."""
    from bench import data
    from bench.common import create_ours

    facts = data.ensure(engine, scale, log=log)
    app = create_ours(facts["url"])
    with app.app_context():
        from app.extensions import db

        try:
            accounts = ensure_accounts(db.session, n_users)
            plan, skipped = share_out(db.session, accounts, seed)
        finally:
            db.session.remove()
            db.engine.dispose()
    facts.pop("show_ids", None)
    if skipped["left_out_phone_rule"]:
        log(f"  note: {skipped['left_out_phone_rule']} of {skipped['contacts_considered']} contacts of the users' "
            f"companies have a stored phone number the portal's phone rule refuses (e.g. "
            f"{', '.join(skipped['examples'][:3])}); saving their form would be refused, so the edit journey "
            f"leaves them out")
    return {"facts": facts, "users": plan, "contacts_skipped": skipped}


def ensure_accounts(session, n_users):
    """The virtual users' accounts, created or brought up to date (idempotent): role, scope links,
    active, no failed logins, the benchmark's password (one hash for all)."""
    from flask_appbuilder.security.sqla.models import Role
    from sqlalchemy import func, select

    from app.demo import REGIONS
    from app.registry.models import Company, ContactPerson, Employee, Region
    from app.security.accounts import hash_password
    from app.security.manager import FondsUser

    roles = {role.name: role for role in session.execute(select(Role)).scalars()}
    regions = {region.code: region for region in session.execute(select(Region)).scalars()}
    codes = [code for code, _ in REGIONS]
    mix = composition(n_users)
    # Employers: companies with 2+ contacts and 8+ employees, evenly spread over the id range.
    contacts = select(ContactPerson.company_id).group_by(ContactPerson.company_id) \
        .having(func.count() >= 2).subquery()
    employees = select(Employee.company_id).group_by(Employee.company_id).having(func.count() >= 8).subquery()
    candidates = session.execute(select(Company.id).where(Company.id.in_(select(contacts.c.company_id)),
                                                          Company.id.in_(select(employees.c.company_id)))
                                 .order_by(Company.id)).scalars().all()
    if mix["employer"] and len(candidates) < mix["employer"]:
        raise RuntimeError(f"only {len(candidates)} companies fit an employer account")
    password = hash_password(PASSWORD)
    accounts = []
    for role, count in mix.items():
        for k in range(count):
            email = f"bench-{role.replace('_', '-')}-{k + 1:02d}@{ACCOUNT_DOMAIN}"
            user = session.execute(select(FondsUser).where(FondsUser.username == email)).scalar_one_or_none()
            if user is None:
                user = FondsUser(username=email, email=email, first_name="Bench",
                                 last_name=f"{role} {k + 1}"[:64])
                session.add(user)
            user.active, user.password, user.fail_login_count = True, password, 0
            user.roles = [roles[role]]
            user.company_id = None
            if role == "advisor":
                scope = [codes[k % len(codes)]]
            elif role == "regional_manager":
                scope = [codes[(2 * k) % len(codes)], codes[(2 * k + 1) % len(codes)]]
            else:
                scope = []
            user.regions = [regions[code] for code in scope]
            if role == "employer":
                user.company_id = candidates[k * len(candidates) // mix["employer"]]
            accounts.append({"email": email, "role": role, "regions": [regions[c].id for c in scope],
                             "region_codes": scope, "company_id": user.company_id})
    session.commit()
    return accounts


def share_out(session, accounts, seed, per_user=40, employees_per_company=10):
    """Each user's companies (for dossiers and contact edits) and search places. The companies are a
    partition: an employer's own company; every tenth other company for staff; the rest of a region
    dealt round-robin over the advisors and regional managers who cover it. Nobody edits a contact
    of a company that belongs to someone else."""
    from sqlalchemy import select

    from app.registry.models import Company, ContactPerson, Employee

    rng = random.Random(seed)
    companies = session.execute(select(Company.id, Company.region_id, Company.place).order_by(Company.id)).all()
    employer_companies = {a["company_id"] for a in accounts if a["role"] == "employer"}
    staff = [i for i, a in enumerate(accounts) if a["role"] == "staff"]
    covering = defaultdict(list)  # region id -> indexes of the users who cover it
    for i, a in enumerate(accounts):
        for region_id in a["regions"]:
            covering[region_id].append(i)
    pools = defaultdict(list)
    for i, a in enumerate(accounts):
        if a["role"] == "employer":
            pools[i].append(a["company_id"])
    places = {company_id: place for company_id, _, place in companies}
    dealt = Counter()
    for company_id, region_id, _ in companies:
        if company_id in employer_companies:
            continue
        if company_id % 10 == 0 and staff:
            owners = staff
            key = "staff"
        else:
            owners = covering.get(region_id)
            key = region_id
        if owners:
            pools[owners[dealt[key] % len(owners)]].append(company_id)
            dealt[key] += 1
    chosen = {i: sorted(rng.sample(pool, min(per_user, len(pool)))) for i, pool in pools.items()}
    wanted = sorted({c for ids in chosen.values() for c in ids})
    contacts, staff_of = defaultdict(list), defaultdict(list)
    refused_phones = []
    phone_ok = _phone_rule()
    for start in range(0, len(wanted), 1000):
        part = wanted[start:start + 1000]
        for contact_id, company_id, phone in session.execute(
                select(ContactPerson.id, ContactPerson.company_id, ContactPerson.phone)
                .where(ContactPerson.company_id.in_(part)).order_by(ContactPerson.id)):
            if phone_ok(phone):
                contacts[company_id].append(contact_id)
            else:  # the form could not be saved unchanged: the stored number breaks the phone rule
                refused_phones.append(phone)
        for employee_id, company_id in session.execute(select(Employee.id, Employee.company_id)
                                                       .where(Employee.company_id.in_(part))
                                                       .order_by(Employee.id)):
            if len(staff_of[company_id]) < employees_per_company:
                staff_of[company_id].append(employee_id)
    plan = []
    for i, a in enumerate(accounts):
        ids = chosen.get(i, [])
        plan.append({**a,
                     "companies": [c for c in ids if staff_of[c]] or ids,
                     "employees": {str(c): staff_of[c] for c in ids if staff_of[c]},
                     "contacts": [k for c in ids for k in contacts[c]],
                     "places": sorted({places[c] for c in ids})})
    considered = len(refused_phones) + sum(len(v) for v in contacts.values())
    return plan, {"contacts_considered": considered, "left_out_phone_rule": len(refused_phones),
                  "examples": refused_phones[:5]}


def _phone_rule():
    """Whether the portal's phone rule (app/core/phone.py) accepts a stored number; everything
    passes when the rule does not exist."""
    try:
        from app.core.phone import InvalidPhone, normalise_phone
    except ImportError:
        return lambda phone: True

    def ok(phone):
        try:
            normalise_phone(phone)
            return True
        except InvalidPhone:
            return False
    return ok
