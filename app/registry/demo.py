"""Demo records of the register behind the dossier tabs: the companies' codes and their post."""
import datetime as dt

from sqlalchemy import insert, select

from app.core.demo import register_demo
from app.registry.models import Code, CompanyCode, PostItem

POST_SUBJECTS = ["Aanvraagformulier PTT", "Diploma-kopie", "Factuur opleiding", "Presentielijst cursus",
                 "Wijziging contactpersoon"]


def seed_register_records(context):
    rng, today = context.rng("registry"), context.today
    codes = context.session.execute(select(Code.id).order_by(Code.id)).scalars().all()
    company_codes, post = [], []
    for company_id in context.company_ids:
        least = context.least(company_id)
        for code_id in rng.sample(codes, k=min(len(codes), rng.randint(least, 2))):
            company_codes.append({"company_id": company_id, "code_id": code_id,
                                  "since": today - dt.timedelta(days=rng.randint(100, 3000))})
        for _ in range(rng.randint(least, 3)):
            received = today - dt.timedelta(days=rng.randint(1, 400))
            post.append({"company_id": company_id, "received_on": received, "subject": rng.choice(POST_SUBJECTS),
                         "reference": f"P{rng.randint(10000, 99999)}",
                         "confirmed_on": received + dt.timedelta(days=rng.randint(1, 10))})
    for model, rows in ((CompanyCode, company_codes), (PostItem, post)):
        if rows:
            context.session.execute(insert(model), rows)
    return len(company_codes) + len(post)


register_demo("registry", seed_register_records, order=10)
