"""The board's state: the tickets called now with their counter and the last calls, read
from the cache with no query while nothing changes, and fresh after every call."""

import datetime

from antrean.visit.arrival import issue_walk_in
from antrean.visit.board import board_state, cached_board
from antrean.visit.counter import call_next, finish, recall
from tests.antrean.visit.conftest import VISIT_DAY, at


def test_the_board_shows_who_is_called_where_and_the_last_calls(
    office, service, staff, counter, clock
):
    second = counter.__class__.objects.create(office=office, number=2, name="Loket Lansia")
    clock.move_to(at(office, 9))
    for _ in range(3):
        issue_walk_in(office=office, service_type=service, staff=staff)
    first = call_next(counter=counter, staff=staff)
    clock.move_to(at(office, 9, 1))
    call_next(counter=second, staff=staff)
    clock.move_to(at(office, 9, 2))
    recall(ticket=first, counter=counter, staff=staff)
    clock.move_to(at(office, 9, 3))
    finish(ticket=first, counter=counter, staff=staff)

    state = board_state(office=office)

    assert [(c.ticket, c.counter, c.counter_number) for c in state.called] == [
        ("A-002", "Loket Lansia", 2)
    ]
    assert [(c.ticket, c.counter, c.at, c.recall) for c in state.last_calls] == [
        ("A-001", "Loket 1", at(office, 9, 2), True),
        ("A-002", "Loket Lansia", at(office, 9, 1), False),
        ("A-001", "Loket 1", at(office, 9), False),
    ]
    assert (state.office_name, state.tz_label) == ("Sudin Dukcapil Uji", "WIB")
    assert state.day == VISIT_DAY


def test_a_cached_board_runs_no_query_until_a_call_changes_it(
    office, service, staff, counter, clock, django_assert_num_queries
):
    clock.move_to(at(office, 9))
    issue_walk_in(office=office, service_type=service, staff=staff)
    issue_walk_in(office=office, service_type=service, staff=staff)
    empty = cached_board("uji")
    assert empty.called == ()
    with django_assert_num_queries(0):
        assert cached_board("uji") == empty

    ticket = call_next(counter=counter, staff=staff)
    called = cached_board("uji")
    assert [c.ticket for c in called.called] == ["A-001"]
    assert called.version != empty.version
    with django_assert_num_queries(0):
        assert cached_board("uji") == called

    finish(ticket=ticket, counter=counter, staff=staff)
    assert cached_board("uji").called == ()
    assert cached_board("tidak-ada") is None


def test_yesterdays_board_is_not_shown_on_a_new_day(office, service, staff, counter, clock):
    clock.move_to(at(office, 14))
    issue_walk_in(office=office, service_type=service, staff=staff)
    call_next(counter=counter, staff=staff)
    assert len(cached_board("uji").called) == 1
    clock.move_to(at(office, 0, day=VISIT_DAY + datetime.timedelta(days=1)))
    fresh = cached_board("uji")
    assert (fresh.day, fresh.called, fresh.last_calls) == (
        VISIT_DAY + datetime.timedelta(days=1),
        (),
        (),
    )
