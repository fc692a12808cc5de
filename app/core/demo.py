"""Demo records that domains plug in: each domain's ``demo.py`` registers a function that fills its
own tables for the first companies of the demo register, so that every dossier tab of `make run`
shows something. Every domain draws from its own random stream: adding one changes nobody else's."""
import random
from dataclasses import dataclass, field

from sqlalchemy import select

_SEEDERS = {}  # name → (order, seed)


@dataclass
class DemoContext:
    session: object
    company_ids: list
    employees: dict  # company id → its employee ids (or [None] for a company without employees)
    today: object
    random_seed: int
    counts: dict = field(default_factory=dict)

    def rng(self, name):
        return random.Random(f"{self.random_seed}:{name}")

    def least(self, company_id):
        """How many rows of a kind a company gets at least: the first company (the demo employer's)
        one of every kind, so that each of its tabs shows something; the others may have none."""
        return 1 if company_id == self.company_ids[0] else 0


def register_demo(name, seed, order):
    """``seed(context)`` adds demo rows (bulk inserts) and returns how many."""
    _SEEDERS[name] = (order, seed)


def seed_records(session, company_ids, today, employee_model, random_seed=2027):
    """Every registered domain's demo rows for these companies; returns {name: rows}."""
    from app.core.plugins import discover

    discover("demo")
    employees = {company_id: [] for company_id in company_ids}
    for employee_id, company_id in session.execute(
            select(employee_model.id, employee_model.company_id)
            .where(employee_model.company_id.in_(company_ids)).order_by(employee_model.id)):
        employees[company_id].append(employee_id)
    context = DemoContext(session, list(company_ids), {c: e or [None] for c, e in employees.items()}, today,
                          random_seed)
    for name, (_order, seed) in sorted(_SEEDERS.items(), key=lambda item: item[1][0]):
        context.counts[name] = seed(context)
    return context.counts
