"""Demo records behind the dossier tabs, for the first companies of the demo data (the demo employer's
company first), so that every tab of `make run` shows something. Its own random stream: the register
itself stays the same as without it."""
import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.dossier.models import (
    CompanyCode, ExtraTrainingDay, OtherContribution, PaymentNote, PaymentNoteLine, PostItem, Project,
    ProjectParticipant,
)
from app.registry.models import Code, Employee
from app.training.rules import next_application_number
from app.training.models import (
    GRANTED, IN_REVIEW, PAID, PLAN_SCHOOL, PLAN_TRAINING, PTT, SUBMITTED, Application, Institute, TrainingPlanEntry,
    VocationalTraining,
)

COURSES = ["MIG/MAG-lassen", "CNC-draaien basis", "Veiligheid VCA", "Hydrauliek", "Leidinggeven in de praktijk",
           "Technisch tekenen", "PLC-programmeren", "Excel voor de werkvloer"]
QUALIFICATIONS = [("Monteur mechatronica", 2), ("Eerste monteur", 3), ("Constructiewerker", 2),
                  ("Technicus engineering", 4)]
SCHOOLS = ["ROC Leiden", "MBO Rijnland", "ROC Tilburg", "Da Vinci College"]
SCHOOL_CAREER = [("vmbo techniek", "diploma"), ("mbo 2 metaal", "diploma"), ("havo", "diploma")]
POST_SUBJECTS = ["Aanvraagformulier PTT", "Diploma-kopie", "Factuur opleiding", "Presentielijst cursus",
                 "Wijziging contactpersoon"]
PROJECTS = [("Techniek in de klas", dt.date(2025, 2, 1), dt.date(2026, 6, 30)),
            ("Duurzaam produceren", dt.date(2026, 1, 1), None),
            ("Leerlingen in de werkplaats", dt.date(2024, 9, 1), dt.date(2025, 7, 1))]
CONTRIBUTIONS = [("boekengeld", Decimal("150.00")), ("diplomageld", Decimal("250.00")),
                 ("stagevergoeding", Decimal("500.00")), ("projectbijdrage", Decimal("750.00"))]


def seed_dossiers(session, first_company_id, n_companies, today, random_seed=2027, limit=60):
    """Tab records for the first ``limit`` companies; returns counts for the seed summary."""
    rng = random.Random(random_seed)
    company_ids = list(range(first_company_id, first_company_id + min(limit, n_companies)))
    staff = _employees_by_company(session, company_ids)
    institutes = session.execute(select(Institute.id, Institute.name).order_by(Institute.id)).all()
    codes = session.execute(select(Code.id).order_by(Code.id)).scalars().all()
    session.execute(insert(Project), [{"name": n, "start_date": s, "end_date": e, "version": 1}
                                      for n, s, e in PROJECTS])
    project_ids = session.execute(select(Project.id).order_by(Project.id)).scalars().all()
    rows = {model: [] for model in (PaymentNote, VocationalTraining, OtherContribution, ProjectParticipant,
                                    CompanyCode, ExtraTrainingDay, PostItem, Application)}
    note_lines, plan = [], []
    note_number = (session.execute(select(func.max(PaymentNote.number))).scalar() or 900000) + 1
    application_number = next_application_number(session, today) - 1
    for company_id in company_ids:
        employees = staff.get(company_id) or [None]
        for _ in range(rng.randint(1, 3)):
            note_date = today - dt.timedelta(days=rng.randint(10, 900))
            rows[PaymentNote].append({"number": note_number, "company_id": company_id, "note_date": note_date,
                                      "description": f"Uitkering {note_date:%m-%Y}"})
            for _line in range(rng.randint(1, 3)):
                note_lines.append((note_number, rng.choice(employees), rng.choice(COURSES),
                                   Decimal(rng.randrange(150, 1500, 25))))
            note_number += 1
        for employee_id in rng.sample(employees, k=min(len(employees), rng.randint(0, 2))):
            if employee_id is None:
                continue
            qualification, level = rng.choice(QUALIFICATIONS)
            start = today - dt.timedelta(days=rng.randint(30, 1400))
            done = start < today - dt.timedelta(days=730)
            rows[VocationalTraining].append({
                "employee_id": employee_id, "company_id": company_id, "qualification": qualification,
                "level": level, "school": rng.choice(SCHOOLS), "start_date": start,
                "end_date": start + dt.timedelta(days=730) if done else None,
                "status": "completed" if done else "running"})
        for _ in range(rng.randint(0, 2)):
            kind, amount = rng.choice(CONTRIBUTIONS)
            rows[OtherContribution].append({
                "company_id": company_id, "employee_id": rng.choice(employees), "kind": kind,
                "paid_on": today - dt.timedelta(days=rng.randint(5, 700)), "amount": amount,
                "description": kind.capitalize()})
        for project_id in rng.sample(project_ids, k=rng.randint(0, 2)):
            rows[ProjectParticipant].append({"project_id": project_id, "company_id": company_id,
                                             "employee_id": rng.choice(employees),
                                             "role": rng.choice(["Deelnemer", "Begeleider", "Gastdocent"])})
        for code_id in rng.sample(codes, k=min(len(codes), rng.randint(0, 2))):
            rows[CompanyCode].append({"company_id": company_id, "code_id": code_id,
                                      "since": today - dt.timedelta(days=rng.randint(100, 3000))})
        for _ in range(rng.randint(0, 3)):
            rows[ExtraTrainingDay].append({
                "company_id": company_id, "employee_id": rng.choice(employees),
                "day": dt.date(today.year, rng.randint(1, today.month), rng.randint(1, 28)),
                "days": Decimal(rng.choice([1, 1, 2, "0.5"])), "subject": rng.choice(COURSES)})
        for _ in range(rng.randint(0, 3)):
            received = today - dt.timedelta(days=rng.randint(1, 400))
            rows[PostItem].append({"company_id": company_id, "received_on": received,
                                   "subject": rng.choice(POST_SUBJECTS), "reference": f"P{rng.randint(10000, 99999)}",
                                   "confirmed_on": received + dt.timedelta(days=rng.randint(1, 10))})
        for _ in range(rng.randint(1, 4)):
            application_number += 1
            employee_id = rng.choice(employees)
            status = rng.choice([SUBMITTED, SUBMITTED, IN_REVIEW, GRANTED, PAID, PAID])
            institute_id, institute_name = rng.choice(institutes)
            scheme = PTT if employee_id and rng.random() < 0.5 else "cursus"
            submitted = today - dt.timedelta(days=rng.randint(1, 500))
            amount = Decimal(rng.randrange(200, 900, 50))
            rows[Application].append({
                "number": application_number, "company_id": company_id, "employee_id": employee_id,
                "scheme": scheme, "course_title": rng.choice(COURSES), "institute_id": institute_id,
                "start_date": submitted + dt.timedelta(days=30), "end_date": submitted + dt.timedelta(days=60),
                "submitted_on": submitted, "status": status, "amount_requested": amount,
                "amount_granted": amount if status in (GRANTED, PAID) else None,
                "paid_on": submitted + dt.timedelta(days=70) if status == PAID else None})
        for employee_id in employees[:2]:
            if employee_id is not None:
                school, result = rng.choice(SCHOOL_CAREER)
                plan.append({"employee_id": employee_id, "company_id": None, "kind": PLAN_SCHOOL,
                             "title": school, "institute_name": None, "result": result,
                             "start_date": dt.date(rng.randint(1995, 2015), 8, 20), "end_date": None})
    for model, model_rows in rows.items():
        if model_rows:
            session.execute(insert(model), model_rows)
    notes = dict(session.execute(select(PaymentNote.number, PaymentNote.id)).all())
    if note_lines:
        session.execute(insert(PaymentNoteLine), [
            {"note_id": notes[number], "employee_id": employee_id, "description": description, "amount": amount}
            for number, employee_id, description, amount in note_lines])
    plan += _funded_plan_entries(session, dict(institutes), company_ids)
    if plan:
        session.execute(insert(TrainingPlanEntry), plan)
    return {"dossierregels": sum(len(r) for r in rows.values()) + len(note_lines) + len(plan)}


def _employees_by_company(session, company_ids):
    result = {}
    for employee_id, company_id in session.execute(
            select(Employee.id, Employee.company_id).where(Employee.company_id.in_(company_ids))
            .order_by(Employee.id)):
        result.setdefault(company_id, []).append(employee_id)
    return result


def _funded_plan_entries(session, institute_names, company_ids):
    """Granted and paid applications are in the employee's training plan (M14), as the rule does."""
    funded = session.execute(select(Application).where(
        Application.status.in_((GRANTED, PAID)), Application.employee_id.isnot(None),
        Application.company_id.in_(company_ids),
        Application.id.notin_(select(TrainingPlanEntry.application_id).where(
            TrainingPlanEntry.application_id.isnot(None))))).scalars().all()
    return [{"employee_id": a.employee_id, "company_id": a.company_id, "application_id": a.id,
             "kind": PLAN_TRAINING, "title": a.course_title, "institute_name": institute_names.get(a.institute_id),
             "start_date": a.start_date, "end_date": a.end_date, "result": None} for a in funded]
