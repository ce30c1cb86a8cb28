"""Sessions in the database as Django keeps them, with the key from the cookie checked first."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS

_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        # A cookie carries anything, a NUL too (a quoted cookie's "\000" is decoded), and
        # PostgreSQL refuses a NUL in a query: a 500 on every page. Django makes keys of these
        # characters only, so any other key is treated as no session, like an unknown one.
        return bool(super()._validate_session_key(key)) and set(key) <= _KEY_CHARS
