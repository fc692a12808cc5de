"""Demo records of training behind the dossier tabs: projects and their participants, vocational
training (BBL), extra training days, applications in every state, and the employees' training plans
(funded trainings land there as the rule says)."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select

from app.core.demo import register_demo
from app.training.models import (
    PTT, Application, ApplicationState, BblState, ExtraTrainingDay, Institute, PlanKind, Project,
    ProjectParticipant, TrainingPlanEntry, VocationalTraining,
)
from app.training.rules import APPLICATION_NUMBERS

COURSES = ["MIG/MAG-lassen", "CNC-draaien basis", "Veiligheid VCA", "Hydrauliek", "Leidinggeven in de praktijk",
           "Technisch tekenen", "PLC-programmeren", "Excel voor de werkvloer"]
QUALIFICATIONS = [("Monteur mechatronica", 2), ("Eerste monteur", 3), ("Constructiewerker", 2),
                  ("Technicus engineering", 4)]
SCHOOLS = ["ROC Leiden", "MBO Rijnland", "ROC Tilburg", "Da Vinci College"]
SCHOOL_CAREER = [("vmbo techniek", "diploma"), ("mbo 2 metaal", "diploma"), ("havo", "diploma")]
PROJECTS = [("Techniek in de klas", dt.date(2025, 2, 1), dt.date(2026, 6, 30)),
            ("Duurzaam produceren", dt.date(2026, 1, 1), None),
            ("Leerlingen in de werkplaats", dt.date(2024, 9, 1), dt.date(2025, 7, 1))]
S = ApplicationState
STATES = [S.SUBMITTED, S.SUBMITTED, S.IN_REVIEW, S.GRANTED, S.PAID, S.PAID]


def seed_training(context):
    session, rng, today = context.session, context.rng("training"), context.today
    institutes = session.execute(select(Institute.id, Institute.name).order_by(Institute.id)).all()
    session.execute(insert(Project), [{"name": n, "start_date": s, "end_date": e, "version": 1} for n, s, e in PROJECTS])
    project_ids = session.execute(select(Project.id).order_by(Project.id)).scalars().all()[-len(PROJECTS):]
    rows = {model: [] for model in (VocationalTraining, ProjectParticipant, ExtraTrainingDay, Application)}
    plan = []
    applications = [rng.randint(1, 4) for _ in context.company_ids]  # per company, drawn first
    numbers = iter(APPLICATION_NUMBERS.reserve(session, today, sum(applications)))
    for company_id, count in zip(context.company_ids, applications):
        employees = context.employees[company_id]
        least = context.least(company_id)
        for employee_id in rng.sample(employees, k=min(len(employees), rng.randint(least, 2))):
            if employee_id is None:
                continue
            qualification, level = rng.choice(QUALIFICATIONS)
            start = today - dt.timedelta(days=rng.randint(30, 1400))
            done = start < today - dt.timedelta(days=730)
            rows[VocationalTraining].append({
                "employee_id": employee_id, "company_id": company_id, "qualification": qualification,
                "level": level, "school": rng.choice(SCHOOLS), "start_date": start,
                "end_date": start + dt.timedelta(days=730) if done else None,
                "status": (BblState.COMPLETED if done else BblState.RUNNING).value})
        for project_id in rng.sample(project_ids, k=rng.randint(least, 2)):
            rows[ProjectParticipant].append({"project_id": project_id, "company_id": company_id,
                                             "employee_id": rng.choice(employees),
                                             "role": rng.choice(["Deelnemer", "Begeleider", "Gastdocent"])})
        for _ in range(rng.randint(least, 3)):
            rows[ExtraTrainingDay].append({
                "company_id": company_id, "employee_id": rng.choice(employees),
                "day": dt.date(today.year, rng.randint(1, today.month), rng.randint(1, 28)),
                "days": Decimal(rng.choice([1, 1, 2, "0.5"])), "subject": rng.choice(COURSES)})
        for nth in range(count):
            number = int(next(numbers))
            employee_id = rng.choice(employees)
            status = rng.choice(STATES)
            if least and nth == 0:
                status = S.SUBMITTED  # the demo employer can still cancel one (the red cross)
            institute_id, _name = rng.choice(institutes)
            submitted = today - dt.timedelta(days=rng.randint(1, 500))
            amount = Decimal(rng.randrange(200, 900, 50))
            rows[Application].append({
                "number": number, "company_id": company_id, "employee_id": employee_id,
                "scheme": PTT if employee_id and rng.random() < 0.5 else "cursus",
                "course_title": rng.choice(COURSES), "institute_id": institute_id,
                "start_date": submitted + dt.timedelta(days=30), "end_date": submitted + dt.timedelta(days=60),
                "submitted_on": submitted, "status": status.value, "amount_requested": amount,
                "amount_granted": amount if status in (S.GRANTED, S.PAID) else None,
                "paid_on": submitted + dt.timedelta(days=70) if status == S.PAID else None})
        for employee_id in employees[:2]:
            if employee_id is not None:
                school, result = rng.choice(SCHOOL_CAREER)
                plan.append({"employee_id": employee_id, "company_id": None, "kind": PlanKind.SCHOOL.value,
                             "title": school, "institute_name": None, "result": result,
                             "start_date": dt.date(rng.randint(1995, 2015), 8, 20), "end_date": None})
    for model, model_rows in rows.items():
        if model_rows:
            session.execute(insert(model), model_rows)
    plan += _funded_plan_entries(session, dict(institutes), context.company_ids)
    if plan:
        session.execute(insert(TrainingPlanEntry), plan)
    return sum(len(r) for r in rows.values()) + len(plan) + len(PROJECTS)


def _funded_plan_entries(session, institute_names, company_ids):
    """Granted and paid applications are in the employee's training plan (M14), as the rule does."""
    funded = session.execute(select(Application).where(
        Application.status.in_((S.GRANTED.value, S.PAID.value)), Application.employee_id.isnot(None),
        Application.company_id.in_(company_ids),
        Application.id.notin_(select(TrainingPlanEntry.application_id).where(
            TrainingPlanEntry.application_id.isnot(None))))).scalars().all()
    return [{"employee_id": a.employee_id, "company_id": a.company_id, "application_id": a.id,
             "kind": PlanKind.TRAINING.value, "title": a.course_title, "institute_name": institute_names.get(a.institute_id),
             "start_date": a.start_date, "end_date": a.end_date, "result": None} for a in funded]


register_demo("training", seed_training, order=20)
