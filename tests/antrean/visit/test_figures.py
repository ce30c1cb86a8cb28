"""The day in figures: bookings and tickets by outcome, and per service the median and
90th percentile of the wait (from the slot's start or arrival to the first call) and of
the service time, in a fixed number of queries."""

import datetime

from antrean.services import cancel_booking
from antrean.visit.arrival import check_in, issue_walk_in
from antrean.visit.closing import end_days
from antrean.visit.counter import call_next, finish, skip
from antrean.visit.figures import Spread, day_figures
from tests.antrean.visit.conftest import VISIT_DAY, at, booked

MINUTE = datetime.timedelta(minutes=1)


def test_a_days_figures(office, service, staff, counter, clock, django_assert_num_queries):
    came, _absent, cancelled = (booked(office, service, 9) for _ in range(3))
    cancel_booking(booking=cancelled)
    clock.move_to(at(office, 8, 30))
    check_in(office=office, code=came.code, staff=staff)  # waits from 09.00, not 08.30
    clock.move_to(at(office, 8, 40))
    walked_in = issue_walk_in(office=office, service_type=service, staff=staff)
    gone = issue_walk_in(office=office, service_type=service, staff=staff)
    clock.move_to(at(office, 8, 50))
    assert call_next(counter=counter, staff=staff) == walked_in  # waited 10 minutes
    clock.move_to(at(office, 9, 10))
    finish(ticket=walked_in, counter=counter, staff=staff)  # served 20 minutes
    assert call_next(counter=counter, staff=staff) == gone  # waited 30 minutes
    skip(ticket=gone, counter=counter, staff=staff)  # waits again, then the day ends
    ticket = call_next(counter=counter, staff=staff)  # the booking: waited 10 minutes
    assert ticket.booking == came
    clock.move_to(at(office, 9, 40))
    finish(ticket=ticket, counter=counter, staff=staff)  # 30 minutes
    clock.move_to(at(office, 16, 30))
    end_days()

    with django_assert_num_queries(3):
        figures = day_figures(office=office, day=VISIT_DAY)

    assert (figures.booked, figures.checked_in, figures.no_shows) == (2, 1, 1)
    assert (figures.not_yet_arrived, figures.cancelled_by_citizen_or_office) == (0, 1)
    assert (figures.walk_ins, figures.waiting, figures.at_counter) == (2, 0, 0)
    assert (figures.served, figures.left) == (2, 1)
    (ktp,) = figures.services
    assert (ktp.service, ktp.tickets, ktp.served) == ("KTP-el baru", 3, 2)
    assert ktp.wait == Spread(3, 10 * MINUTE, 30 * MINUTE)
    assert ktp.service_time == Spread(2, 25 * MINUTE, 30 * MINUTE)


def test_the_90th_percentile_is_a_duration_that_happened():
    durations = [n * MINUTE for n in range(1, 11)]
    assert Spread.of(durations) == Spread(10, 5.5 * MINUTE, 9 * MINUTE)
    assert Spread.of([]) == Spread(0, None, None)
