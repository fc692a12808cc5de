"""State machines as data (issue 10), without HTTP: the table decides who may make which move; a
refused move says why in Dutch; every move is recorded; the first state is the machine's."""
import datetime as dt
from types import SimpleNamespace

import pytest

from app.core.operations import DomainError
from app.core.states import SYSTEM_ROLE, StateMachine
from app.registry.models import ErrorReport, ReportState
from app.security.scoping import SYSTEM
from app.training.models import APPLICATION_STATES, Application, ApplicationState

S = ApplicationState
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def actor(*roles, user_id=7):
    return SimpleNamespace(id=user_id, email="iemand@example.nl", role_names=set(roles))


def application(state=S.SUBMITTED):
    return Application(status=state.value)


def test_who_may_make_which_move(ctx):
    item = application()
    assert APPLICATION_STATES.may(item, S.CANCELLED, actor("employer"))
    assert not APPLICATION_STATES.may(item, S.GRANTED, actor("employer"))
    assert APPLICATION_STATES.may(item, S.GRANTED, actor("staff"))
    assert APPLICATION_STATES.may(item, S.GRANTED, actor("admin"))  # admin may what any person may
    assert not APPLICATION_STATES.may(item, S.CANCELLED, actor("advisor"))
    assert not APPLICATION_STATES.may(item, S.CANCELLED, SYSTEM)  # no job cancels an application
    assert APPLICATION_STATES.targets(item, actor("staff")) == [S.IN_REVIEW, S.GRANTED, S.REJECTED, S.CANCELLED]
    assert APPLICATION_STATES.targets(application(S.PAID), actor("staff")) == []
    assert APPLICATION_STATES.is_final(S.PAID) and not APPLICATION_STATES.is_final(S.GRANTED)


def test_a_move_is_recorded_and_a_refusal_is_dutch(ctx):
    item = application()
    APPLICATION_STATES.transition(item, S.IN_REVIEW, actor("staff"), NOW, note="Gecontroleerd")
    assert item.status == "in_review"
    change = item.status_changes[-1]
    assert (change.from_state, change.to_state, change.at, change.user_id, change.note) == (
        "submitted", "in_review", NOW, 7, "Gecontroleerd")
    with pytest.raises(DomainError) as refused:
        APPLICATION_STATES.transition(item, S.CANCELLED, actor("employer"), NOW)
    assert refused.value.message == "Van de status “In behandeling” kan het niet naar “Geannuleerd”."
    assert item.status == "in_review" and len(item.status_changes) == 1
    with pytest.raises(DomainError) as not_yours:
        APPLICATION_STATES.transition(item, S.GRANTED, actor("employer"), NOW)
    assert "U mag de status niet" in not_yours.value.message
    with pytest.raises(DomainError) as unknown:
        APPLICATION_STATES.transition(item, "bestaat-niet", actor("staff"), NOW)
    assert unknown.value.message == "Kies een geldige status."


def test_a_new_record_starts_in_the_first_state_whatever_it_was_given(ctx):
    report = ErrorReport(status="resolved")
    ErrorReport.__states__.start(report, actor("employer"), NOW)
    assert report.status == ReportState.OPEN and report.status_changes[0].from_state is None


def test_a_job_makes_only_the_moves_the_table_gives_the_system(ctx):
    class Step(SimpleNamespace):
        pass

    machine = StateMachine(ReportState, initial=ReportState.OPEN, transitions={
        ReportState.OPEN: {ReportState.RESOLVED: {SYSTEM_ROLE}, ReportState.REJECTED: {"staff"}}})
    step = Step(status="open", status_changes=[])
    assert machine.may(step, ReportState.RESOLVED, SYSTEM) and not machine.may(step, ReportState.REJECTED, SYSTEM)
    assert not machine.may(step, ReportState.RESOLVED, actor("admin"))  # the system's moves are the system's


def test_states_carry_their_translated_titles(app):
    with app.test_request_context():
        assert str(S.SUBMITTED) == "Ingediend" and S.labels()["paid"] == "Uitbetaald"
        assert ReportState.labels()["rejected"] == "Niet aangepast"
