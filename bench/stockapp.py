"""Stock Flask-AppBuilder over the portal's tables: the comparison the issue's targets are set against.

Deliberately plain FAB 5.3, as in ../shared/notes/perf-baseline/fabapp.py: default ``ModelView``s with only
``list_columns``, ``search_columns`` and (company) ``related_views`` set, default page size (25), default
templates, AUTH_DB with FAB's own ``SecurityManager`` and user model, CSRF on. Its own small declarative
models map the existing tables ``region``, ``company`` and ``employee`` (a subset of their columns); it never
creates, alters or migrates anything: ``FAB_CREATE_DB`` and ``FAB_UPDATE_PERMS`` are off, and FAB's ab_*
tables are the ones the portal's migrations created. It logs in as the portal's staff user, whose role
holds ``can_list``/``can_show`` on ``CompanyView``/``EmployeeView`` (same class names here).

Differences from the perf-baseline's schema, which FAB gets as is: the portal indexes the folded search
keys (``surname_key``, ``place_key``), not ``employee.surname``/``place`` or ``company.place`` themselves,
so FAB's sort by surname and its equality filters on place have no index of their own here.

For gunicorn: ``BENCH_STOCK_DB_URL=... gunicorn bench.stockapp:app`` (see bench/wsgi.py).
"""
import os

from flask import Flask
from flask_appbuilder import AppBuilder, Model, ModelView
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class StockRegion(Model):
    __tablename__ = "region"
    id = Column(Integer, primary_key=True)
    code = Column(String(10))
    name = Column(String(100))

    def __repr__(self):
        return self.name


class StockCompany(Model):
    __tablename__ = "company"
    id = Column(Integer, primary_key=True)
    number = Column(Integer)
    name = Column(String(200))
    place = Column(String(100))
    postcode = Column(String(7))
    region_id = Column(Integer, ForeignKey("region.id"))
    region = relationship(StockRegion)
    active = Column(Boolean)
    last_visit_date = Column(Date)
    active_employee_count = Column(Integer)

    def __repr__(self):
        return self.name


class StockEmployee(Model):
    __tablename__ = "employee"
    id = Column(Integer, primary_key=True)
    number = Column(Integer)
    surname = Column(String(100))
    initials = Column(String(20))
    infix = Column(String(20))
    place = Column(String(100))
    birth_date = Column(Date)
    company_id = Column(Integer, ForeignKey("company.id"))
    company = relationship(StockCompany)
    active = Column(Boolean)

    def __repr__(self):
        return f"{self.initials} {self.surname}"


class EmployeeView(ModelView):
    datamodel = SQLAInterface(StockEmployee)
    list_columns = ["number", "surname", "initials", "place", "birth_date", "company.name", "active"]
    search_columns = ["number", "surname", "initials", "place", "birth_date", "active"]


class CompanyView(ModelView):
    datamodel = SQLAInterface(StockCompany)
    list_columns = ["number", "name", "place", "postcode", "region.name", "active", "last_visit_date",
                    "active_employee_count"]
    search_columns = ["number", "name", "place", "postcode", "region", "active", "last_visit_date",
                      "active_employee_count"]
    related_views = [EmployeeView]


class RegionView(ModelView):
    datamodel = SQLAInterface(StockRegion)
    list_columns = ["name"]


def create_stock_app(db_url, secret_key="bench-stock-not-secret"):
    app = Flask("stockfab")
    app.config.update(
        SECRET_KEY=secret_key,
        SQLALCHEMY_DATABASE_URI=db_url,
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        AUTH_TYPE=1,  # AUTH_DB
        WTF_CSRF_ENABLED=True,
        APP_NAME="Stock FAB",
        FAB_UPDATE_PERMS=False,  # never write permissions into the portal's database
        FAB_CREATE_DB=False,     # never create tables: the schema belongs to the portal's migrations
        BABEL_DEFAULT_LOCALE="en",
    )
    db = SQLA()
    db.init_app(app)
    appbuilder = AppBuilder()
    with app.app_context():
        appbuilder.init_app(app, db.session)
        # "Configuration", "Companies", "Employees", "Regions": menu names the staff role may open
        appbuilder.add_view(CompanyView, "Companies", category="Configuration")
        appbuilder.add_view(EmployeeView, "Employees", category="Configuration")
        appbuilder.add_view(RegionView, "Regions", category="Configuration")
    app.bench_db = db
    return app


if os.environ.get("BENCH_STOCK_DB_URL"):
    app = create_stock_app(os.environ["BENCH_STOCK_DB_URL"], os.environ.get("BENCH_SECRET_KEY", "bench-stock"))
