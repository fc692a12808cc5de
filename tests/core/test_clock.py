"""The one clock (issue 10): aware UTC moments, the fund's today, frozen in tests and moved in commands,
stored as UTC and shown in Europe/Amsterdam."""
import datetime as dt

from sqlalchemy import select, text

from app.core import clock
from app.core.formatting import format_date
from app.extensions import db

UTC = dt.timezone.utc


def test_now_is_aware_utc_and_today_is_the_funds_date(ctx):
    assert clock.now().tzinfo is not None and clock.now().utcoffset() == dt.timedelta(0)
    late_evening = dt.datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 July in Amsterdam (CEST)
    with clock.frozen_at(late_evening):
        assert clock.now() == late_evening
        assert clock.today() == dt.date(2026, 7, 2)
    winter = dt.datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 00:30 on 16 January (CET)
    with clock.frozen_at(winter):
        assert clock.today() == dt.date(2026, 1, 16)


def test_a_frozen_date_is_noon_in_the_funds_zone_and_the_clock_comes_back(ctx):
    with clock.frozen_at(dt.date(2026, 12, 31)):
        assert clock.today() == dt.date(2026, 12, 31)
        assert format_date(clock.now()) == "31-12-2026 12:00"
    assert abs(clock.now() - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def test_moved_to_keeps_the_time_of_day_running(ctx):
    with clock.moved_to(dt.date(2027, 2, 1)):
        assert clock.today() == dt.date(2027, 2, 1)
        first = clock.now()
        assert clock.now() >= first  # it runs


def test_moments_are_stored_as_utc_and_read_back_aware(app):
    from app.core.audit import AuditLog

    with app.app_context():
        db.session.execute(text("DELETE FROM audit_log WHERE 1 = 0"))  # a connection in this context
        moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # 00:30 UTC
        column = AuditLog.__table__.c.at
        bound = column.type.process_bind_param(moment, db.engine.dialect)
        assert bound == dt.datetime(2026, 3, 29, 0, 30) and bound.tzinfo is None
        read = column.type.process_result_value(dt.datetime(2026, 3, 29, 0, 30), db.engine.dialect)
        assert read == moment and read.tzinfo is not None
        newest = db.session.execute(select(AuditLog.at).order_by(AuditLog.id.desc()).limit(1)).scalar()
        assert newest is None or newest.tzinfo is not None


def test_times_are_shown_on_the_funds_clock(ctx):
    assert format_date(dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "01-07-2026 12:00"  # summer: +2
    assert format_date(dt.datetime(2026, 1, 1, 10, 0, tzinfo=UTC)) == "01-01-2026 11:00"  # winter: +1
    assert format_date(dt.datetime(2026, 1, 1, 10, 0)) == "01-01-2026 11:00"  # a naive moment is UTC
    assert format_date(dt.date(2026, 1, 1)) == "01-01-2026"


def test_a_command_runs_as_on_the_day_its_today_option_names():
    import click
    from click.testing import CliRunner

    from app.cli import today_option

    seen = []

    @click.command()
    @today_option
    def job(today):
        seen.append((today, clock.today()))

    runner = CliRunner()
    assert runner.invoke(job, ["--today", "01-03-2027"]).exit_code == 0
    assert seen[-1] == (dt.date(2027, 3, 1), dt.date(2027, 3, 1))
    assert runner.invoke(job, []).exit_code == 0
    assert seen[-1][0] is None and seen[-1][1] == dt.datetime.now(dt.timezone.utc).astimezone(
        clock.fund_zone()).date()
    refused = runner.invoke(job, ["--today", "31-02-2027"])
    assert refused.exit_code == 2 and "dd-mm-jjjj" in refused.output and len(seen) == 2
