"""Number series (app/core/numbering.py), tested without HTTP on whichever engine the suite runs.

Every test uses a series name of its own, so the counters of one test never meet another's."""
import datetime as dt
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.numbering import Series, number_series
from app.extensions import db
from app.training.models import Application

DAY = dt.date(2026, 3, 14)
THREADS = 20
WAIT = 30  # seconds: a thread that needs longer is stuck, not slow


@pytest.fixture()
def name():
    return f"test-{uuid.uuid4().hex[:12]}"


def is_postgresql():
    return db.engine.dialect.name == "postgresql"


def counter(key):
    with db.engine.connect() as connection:
        return connection.execute(select(number_series.c.last).where(number_series.c.key == key)).scalar()


def in_threads(app, work, count):
    """Run work(session) in ``count`` threads at once, each in its own app context (so its own
    db.session), committing afterwards; returns the results, and re-raises a thread's error."""
    barrier = threading.Barrier(count, timeout=WAIT)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                result = work(db.session)
                db.session.commit()
                results.append(result)
            except Exception as error:  # noqa: BLE001  (reported below, in the test's thread)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + WAIT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    if errors:
        raise errors[0]
    return results


# --- patterns -------------------------------------------------------------------------------------

def test_pattern_formats_year_and_zero_padded_sequence(app, ctx, name):
    series = Series(name, "{year}{seq:06}")
    assert series.next(db.session, DAY) == "2026000001"
    assert series.next(db.session, DAY) == "2026000002"
    db.session.commit()
    assert counter(f"{name}:2026") == 2


def test_a_new_year_starts_again_at_one(app, ctx, name):
    series = Series(name, "{year}{seq:06}")
    assert series.next(db.session, dt.date(2026, 12, 31)) == "2026000001"
    assert series.next(db.session, dt.date(2026, 12, 31)) == "2026000002"
    assert series.next(db.session, dt.date(2027, 1, 1)) == "2027000001"
    assert series.next(db.session, dt.date(2026, 6, 1)) == "2026000003"  # each year keeps its own counter
    db.session.commit()


def test_month_is_part_of_the_period(app, ctx, name):
    series = Series(name, "F{year}-{month:02}/{seq:04}")
    assert series.next(db.session, dt.date(2026, 3, 1)) == "F2026-03/0001"
    assert series.next(db.session, dt.date(2026, 3, 31)) == "F2026-03/0002"
    assert series.next(db.session, dt.date(2026, 4, 1)) == "F2026-04/0001"
    db.session.commit()
    assert counter(f"{name}:2026-03") == 2 and counter(f"{name}:2026-04") == 1


def test_a_pattern_without_period_counts_on_forever(app, ctx, name):
    series = Series(name, "K{seq}")
    assert series.next(db.session, dt.date(2026, 1, 1)) == "K1"
    assert series.next(db.session, dt.date(2031, 1, 1)) == "K2"
    db.session.commit()
    assert counter(name) == 2


@pytest.mark.parametrize("pattern", ["{year}", "{year}{number:06}", "{}{seq}", "{0}{seq}", "{seq.real}"])
def test_pattern_must_have_seq_and_only_known_fields(pattern):
    with pytest.raises(ValueError):
        Series("broken", pattern)


def test_name_must_not_contain_the_key_separator():
    with pytest.raises(ValueError):
        Series("a:b", "{seq}")


# --- start: continuing above existing data --------------------------------------------------------

def test_start_continues_above_existing_data(app, ctx, name):
    highest = db.session.execute(select(func.max(Application.number))).scalar()
    assert highest, "the demo seed has applications"
    year = highest // 1_000_000
    asked = []

    def highest_of_year(session, period):
        asked.append(dict(period))
        base = period["year"] * 1_000_000
        found = session.execute(select(func.max(Application.number)).where(
            Application.number > base, Application.number < base + 1_000_000)).scalar()
        return (found or base) - base

    series = Series(name, "{year}{seq:06}", start=highest_of_year)
    day = dt.date(year, 6, 1)
    assert series.next(db.session, day) == str(highest + 1)
    assert series.next(db.session, day) == str(highest + 2)
    assert asked == [{"year": year}]  # only when the period's row is made
    assert series.next(db.session, dt.date(year + 1, 1, 1)) == f"{year + 1}000001"  # no data that year
    assert asked == [{"year": year}, {"year": year + 1}]
    db.session.commit()


# --- reserve --------------------------------------------------------------------------------------

def test_reserve_gives_consecutive_numbers_and_next_continues_after_them(app, ctx, name):
    series = Series(name, "{year}{seq:06}", start=lambda session, period: 41)
    assert series.reserve(db.session, DAY, 5) == [f"20260000{n}" for n in range(42, 47)]
    assert series.next(db.session, DAY) == "2026000047"
    assert series.reserve(db.session, DAY, 2) == ["2026000048", "2026000049"]
    db.session.commit()
    assert counter(f"{name}:2026") == 49
    with pytest.raises(ValueError):
        series.reserve(db.session, DAY, 0)


# --- concurrency and transactions -----------------------------------------------------------------

def test_concurrent_callers_get_distinct_consecutive_numbers(app, ctx, name):
    """20 threads, each with its own session, ask at once (start gives 100). On PostgreSQL they run
    while another business transaction that took the period's first number stays open: nobody waits
    for it. On SQLite they take turns (one writer)."""
    series = Series(name, "{year}{seq:06}", start=lambda session, period: 100)
    with Session(db.engine) as holder:
        taken = []
        if is_postgresql():
            holder.connection()  # an open business transaction …
            taken.append(series.next(holder, DAY))  # … that took the first number and is not finished
        try:
            numbers = in_threads(app, lambda session: series.next(session, DAY), THREADS) + taken
        finally:
            holder.rollback()  # also frees threads stuck behind it, should the series wait for it
    assert len(numbers) == THREADS + len(taken)
    expected = [f"2026{n:06}" for n in range(101, 101 + len(numbers))]
    assert sorted(numbers) == expected
    assert counter(f"{name}:2026") == 100 + len(numbers)


def test_concurrent_reservations_do_not_overlap(app, ctx, name):
    """8 threads reserve 10 numbers each at once in a period without a row yet: all race to make it
    (on PostgreSQL several may ask start); the row is made once and every block is consecutive, none overlapping."""
    series = Series(name, "{seq}", start=lambda session, period: 1000)
    blocks = in_threads(app, lambda session: series.reserve(session, DAY, 10), 8)
    assert all([int(n) for n in block] == list(range(int(block[0]), int(block[0]) + 10)) for block in blocks)
    assert sorted(int(n) for block in blocks for n in block) == list(range(1001, 1081))
    assert counter(name) == 1080


def test_rolled_back_business_transaction(app, ctx, name):
    """PostgreSQL: the number was committed apart from the business transaction, so a rollback leaves
    a gap, and another caller got the next number meanwhile without waiting. SQLite: the counter is in
    the business transaction, so the rollback returns the number to the series."""
    series = Series(name, "{year}{seq:06}")
    assert series.next(db.session, DAY) == "2026000001"
    db.session.commit()

    taken = series.next(db.session, DAY)
    assert taken == "2026000002"
    if is_postgresql():
        try:
            assert counter(f"{name}:2026") == 2  # already committed, the business transaction still open
            other = in_threads(app, lambda session: series.next(session, DAY), 1)
        finally:
            db.session.rollback()  # also frees the thread, should the series wait for this transaction
        assert other == ["2026000003"]
        assert series.next(db.session, DAY) == "2026000004"  # 2026000002 stays a gap
    else:
        assert counter(f"{name}:2026") == 1  # not yet committed: it is the business transaction's
        db.session.rollback()
        assert counter(f"{name}:2026") == 1
        assert series.next(db.session, DAY) == "2026000002"  # the rolled-back number comes back
    db.session.commit()


def test_start_does_not_flush_the_callers_pending_objects(app, ctx, name):
    """The number is asked for before the new record is complete: asking must not flush it."""
    def start(session, period):
        return session.execute(select(func.count()).select_from(Application)).scalar() * 0

    series = Series(name, "{seq}", start=start)
    pending = Application()  # no company, no employee, no number yet: would fail if flushed
    db.session.add(pending)
    assert series.next(db.session, DAY) == "1"
    assert pending.id is None
    db.session.rollback()
