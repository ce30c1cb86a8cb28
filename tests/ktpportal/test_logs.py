import json
import logging

from ktpportal.logs import JSONFormatter, MaskNIKFilter, mask_niks_in

NIK = "3174011208900001"


def _format(record):
    MaskNIKFilter().filter(record)
    return JSONFormatter().format(record)


def test_nik_in_message_and_args_is_masked():
    record = logging.makeLogRecord({"msg": "booking for %s by %s", "args": (NIK, "x")})
    line = _format(record)
    assert NIK not in line
    assert (
        json.loads(line)["message"]
        == "booking for 3174\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001 by x"
    )


def test_nik_in_a_traceback_is_masked():
    try:
        raise ValueError(f"bad nik {NIK}")
    except ValueError:
        import sys

        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    line = _format(record)
    assert NIK not in line
    assert "ValueError" in json.loads(line)["exc_info"]


def test_longer_digit_runs_are_left_alone():
    assert mask_niks_in("order 12345678901234567") == "order 12345678901234567"
    assert mask_niks_in(f"a{NIK}b") != f"a{NIK}b"


def test_extra_fields_become_json_keys():
    record = logging.makeLogRecord({"msg": "sent", "notification_id": 42})
    assert json.loads(_format(record))["notification_id"] == 42


def test_configured_root_handler_masks(caplog):
    # The project's LOGGING puts the filter on the console handler; prove it is wired.
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, MaskNIKFilter) for f in handler.filters)
    assert isinstance(handler.formatter, JSONFormatter)
