"""The visit day: arrival, the counter queue, the board and the end of the day
(docs/visit-day.md). Every change of a ticket, and of a booking on its day, goes through
these modules, split by journey:

- `arrival`: check-in by booking code, and walk-in tickets;
- `counter`: call the next ticket, recall, skip, transfer, serve, finish;
- `closing`: the beat job that ends every booking and ticket whose day is over;
- `noshow`: the office's rule for citizens who often do not come;
- `board` and `figures`: what the display board and the day's figures read;
- `tickets`, `events`, `days`, `errors`: what they share;
- `admin`: counters and settings for office admins, tickets and events to read.

Each service takes keyword arguments, runs in one transaction and raises VisitError with a
message staff can act on (Indonesian msgid). The database keeps what must never break:
ticket numbers from a conditional UPDATE of a per-series row, walk-in quotas by a
conditional UPDATE, one ticket per booking by a unique key, and a call takes its ticket with
SELECT ... FOR UPDATE SKIP LOCKED, so two counters never get the same one.
"""
