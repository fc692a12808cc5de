"""Demo payment notes with their lines, and other contributions."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.core.demo import register_demo
from app.payments.models import OtherContribution, PaymentNote, PaymentNoteLine

PAID_FOR = ["MIG/MAG-lassen", "CNC-draaien basis", "Veiligheid VCA", "Hydrauliek", "Leidinggeven in de praktijk"]
CONTRIBUTIONS = [("boekengeld", Decimal("150.00")), ("diplomageld", Decimal("250.00")),
                 ("stagevergoeding", Decimal("500.00")), ("projectbijdrage", Decimal("750.00"))]


def seed_payments(context):
    session, rng, today = context.session, context.rng("payments"), context.today
    notes, lines, contributions = [], [], []
    number = (session.execute(select(func.max(PaymentNote.number))).scalar() or 900000) + 1
    for company_id in context.company_ids:
        employees = context.employees[company_id]
        for _ in range(rng.randint(1, 3)):
            note_date = today - dt.timedelta(days=rng.randint(10, 900))
            notes.append({"number": number, "company_id": company_id, "note_date": note_date,
                          "description": f"Uitkering {note_date:%m-%Y}"})
            for _line in range(rng.randint(1, 3)):
                lines.append((number, rng.choice(employees), rng.choice(PAID_FOR), Decimal(rng.randrange(150, 1500, 25))))
            number += 1
        for _ in range(rng.randint(context.least(company_id), 2)):
            kind, amount = rng.choice(CONTRIBUTIONS)
            contributions.append({"company_id": company_id, "employee_id": rng.choice(employees), "kind": kind,
                                  "paid_on": today - dt.timedelta(days=rng.randint(5, 700)), "amount": amount,
                                  "description": kind.capitalize()})
    if notes:
        session.execute(insert(PaymentNote), notes)
    note_ids = dict(session.execute(select(PaymentNote.number, PaymentNote.id)).all())
    if lines:
        session.execute(insert(PaymentNoteLine), [
            {"note_id": note_ids[number], "employee_id": employee_id, "description": description, "amount": amount}
            for number, employee_id, description, amount in lines])
    if contributions:
        session.execute(insert(OtherContribution), contributions)
    return len(notes) + len(lines) + len(contributions)


register_demo("payments", seed_payments, order=30)
