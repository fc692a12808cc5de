"""Every form field on a text column carries the column's length (issue 15, hole 9): checked generically
over every form of every page, FAB's own forms included, and through the own-name form (M18)."""
from flask_appbuilder import ModelView, SimpleFormView
from sqlalchemy import text
from wtforms.validators import Length

from app.core.fields import column_length
from app.extensions import db
from app.security.manager import FondsUser


def form_classes(app):
    """(view, form class, model) for every add and edit form of a model page and every simple form."""
    for view in app.appbuilder.baseviews:
        if isinstance(view, ModelView):
            for attribute in ("add_form", "edit_form", "variable_edit_form"):
                form = getattr(view, attribute, None)
                if form is not None:
                    yield view, form, view.datamodel.obj
        elif isinstance(view, SimpleFormView) and view.form is not None:
            yield view, view.form, FondsUser  # the account forms edit the user's own row


def test_every_text_field_is_limited_to_its_column(app):
    unlimited, checked = [], 0
    with app.test_request_context():
        for view, form_class, model in form_classes(app):
            form = form_class()
            for field in form:
                length = column_length(model, field.name)
                if length is None or field.type not in ("StringField", "TextAreaField", "EmailField"):
                    continue
                checked += 1
                maxima = [v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
                if not maxima or min(maxima) > length:
                    unlimited.append(f"{view.endpoint}.{field.name} (column {length})")
    assert unlimited == [] and checked > 50


def test_an_over_long_own_name_is_refused_in_dutch_and_not_stored(app, clients):
    client = clients("employee")
    response = client.post("/userinfoeditview/form", data={"first_name": "N" * 5000, "last_name": "Werknemer"})
    assert response.status_code == 200 and "Maximaal 64 tekens" in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(text("SELECT first_name FROM ab_user WHERE email = 'employee@demo.fondsportaal.nl'")
                                    ).scalar()
    assert stored == "Nina"


def test_an_over_long_user_name_from_staff_is_refused_too(app, clients):
    with app.app_context():
        user_id = db.session.execute(text("SELECT id FROM ab_user WHERE email = 'employee@demo.fondsportaal.nl'")).scalar()
        role = db.session.execute(text("SELECT id FROM ab_role WHERE name = 'employee'")).scalar()
        employee_number = db.session.execute(text(
            "SELECT e.number FROM employee e JOIN ab_user u ON u.employee_id = e.id WHERE u.id = :u"), {"u": user_id}).scalar()
    response = clients("staff").post(f"/users/edit/{user_id}", data={
        "first_name": "N" * 300, "last_name": "Werknemer", "email": "employee@demo.fondsportaal.nl", "active": "y",
        "roles": [str(role)], "employee": str(employee_number)})
    assert "Maximaal 64 tekens" in response.get_data(as_text=True)
