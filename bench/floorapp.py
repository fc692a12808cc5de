"""The floor: the same rows as our page by ONE raw SQL statement (bench/cases.py), rendered by a bare
10-line Jinja table in a bare Flask app — no FAB, no login, no menu, no count. What is left is Flask,
the database driver and Jinja: the least any page of this kind can cost."""
from flask import Flask, abort, request
from sqlalchemy import create_engine, text

from bench.cases import CASES, render

TEMPLATE = """<!doctype html>
<html><head><title>{{ title }}</title></head><body>
<table>
<tr>{% for key in keys %}<th>{{ key }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for value in row %}<td>{{ '' if value is none else value }}</td>{% endfor %}</tr>
{% endfor %}
</table>
</body></html>"""


def create_floor_app(db_url, facts):
    app = Flask("floor")
    engine = create_engine(db_url)
    template = app.jinja_env.from_string(TEMPLATE)  # compiled once, like a file template
    statements = {case.name: text(render(case.floor, facts)) for case in CASES}

    @app.get("/floor/<name>")
    def page(name):
        if name not in statements:
            abort(404)
        params = {"show_id": int(request.args["show_id"])} if "show_id" in request.args else {}
        with engine.connect() as connection:
            result = connection.execute(statements[name], params)
            keys, rows = list(result.keys()), result.all()
        return template.render(title=name, keys=keys, rows=rows)

    app.bench_engine = engine
    return app
