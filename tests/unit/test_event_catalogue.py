"""Event types beyond the collaboration family: subjects, schemas, the wire format and UTC timestamps."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from events import catalogue
from events.catalogue import CATALOGUE, EventDataError, declare, lookup
from events.envelope import EnvelopeError, decode, encode, to_cloudevent
from events.schemas import CollaborationData
from events.types import UTCDateTime

ACTIVITY = dict(
    activity_id=11,
    collaboration_id=7,
    centre_id=1,
    partner_id=2,
    type="training",
    service_area=None,
    date=date(2027, 2, 3),
    status="planned",
    participants=0,
    umkm_reached=0,
    actor="user:5:manajer@plut.test",
)
AGREEMENT = dict(
    agreement_id=4,
    partnership_id=3,
    centre_id=1,
    partner_id=2,
    kind="pks",
    number="PKS/12/2031",
    signed_on=date(2026, 1, 5),
    valid_until=date(2027, 1, 4),
    days_left=30,
    actor="system:agreement-expiry",
)
PARTNERSHIP = dict(
    partnership_id=3,
    centre_id=1,
    partner_id=2,
    previous_status="active",
    status="dormant",
    reason="no activity held",
    actor="system:partnership-status",
)
REMINDER = dict(
    reminder_id=99, kind="digest", recipient_id=5, subject_type="user", subject_id=5, due_on=date(2026, 12, 1)
)
COLLABORATION = dict(
    collaboration_id=7,
    centre_id=1,
    partner_id=2,
    partnership_id=3,
    title="Pelatihan QRIS",
    service_area="pembiayaan",
    status="draft",
    starts_on=date(2026, 12, 1),
    ends_on=date(2027, 1, 31),
    target_umkm=40,
    actor="user:5:manajer@plut.test",
)


@pytest.mark.parametrize(
    ("event_type", "data", "subject"),
    [
        (catalogue.ActivityPlanned, ACTIVITY, "activity/11"),
        (catalogue.ActivityReported, {**ACTIVITY, "status": "held", "participants": 30}, "activity/11"),
        (catalogue.AgreementExpiring, AGREEMENT, "agreement/4"),
        (catalogue.PartnershipStatusChanged, PARTNERSHIP, "partnership/3"),
        (catalogue.ReminderSent, REMINDER, "reminder/99"),
        (catalogue.CollaborationDrafted, COLLABORATION, "collaboration/7"),
    ],
)
def test_each_family_names_its_subject_and_round_trips(event_type, data, subject):
    event = event_type(**data)
    assert event.subject == subject
    received = decode(encode(event))
    assert received.type is event_type
    assert received.subject == subject
    assert {name: received.data[name] for name in data} == data


@pytest.mark.parametrize("name", sorted(t.name for t in CATALOGUE.values()))
def test_every_type_is_prefixed_and_names_a_versioned_schema(name):
    event_type = CATALOGUE[f"mitra.{name}"]
    assert event_type.type == f"mitra.{name}"
    assert event_type.dataschema == f"urn:mitra:schema:{name}:v1"


def test_a_type_cannot_be_declared_twice():
    before = dict(CATALOGUE)
    with pytest.raises(ValueError, match="event type collaboration.proposed declared twice"):
        declare("collaboration.proposed", CollaborationData, "collaboration/{collaboration_id}")
    assert CATALOGUE == before


def test_an_unknown_type_is_refused_by_name():
    with pytest.raises(EventDataError) as refused:
        lookup("mitra.collaboration.approved")
    assert refused.value.messages == {"type": ["Unknown event type 'mitra.collaboration.approved'."]}


def test_optional_fields_are_null_when_left_out():
    event = catalogue.CollaborationDrafted(**COLLABORATION)
    data = decode(encode(event)).data
    assert (data["previous_status"], data["respond_by"], data["reason"]) == (None, None, None)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "x" * 201},
        {"starts_on": "2026-12-01"},  # a date, not its text
        {"actor": None},
        {"ends_on": "2027-13-01"},
    ],
)
def test_collaboration_data_outside_its_schema_is_refused_when_made(change):
    with pytest.raises(EventDataError):
        catalogue.CollaborationDrafted(**{**COLLABORATION, **change})


def test_unknown_fields_are_named_when_refused():
    with pytest.raises(EventDataError) as refused:
        catalogue.ReminderSent(**REMINDER, colour="red", size=3)
    assert refused.value.messages == {"colour": ["Unknown field."], "size": ["Unknown field."]}


def test_a_title_of_exactly_two_hundred_characters_is_accepted():
    assert catalogue.CollaborationDrafted(**{**COLLABORATION, "title": "x" * 200}).data["title"] == "x" * 200


def test_each_event_gets_its_own_id_and_a_utc_time():
    first, second = (catalogue.ReminderSent(**REMINDER) for _ in range(2))
    assert first.id != second.id
    assert first.time.utcoffset() == timedelta(0)


# -- the wire format ------------------------------------------------------------------------------


def test_the_source_is_mitra_unless_told_otherwise():
    event = catalogue.ReminderSent(**REMINDER)
    assert to_cloudevent(event)["source"] == "/mitra"
    assert to_cloudevent(event, source="/mitra/worker-2")["source"] == "/mitra/worker-2"


def test_the_body_is_compact_json_that_keeps_non_ascii_text():
    event = catalogue.PartnershipStatusChanged(**{**PARTNERSHIP, "reason": "tidak ada kegiatan — 180 hari"})
    body = encode(event)
    assert "tidak ada kegiatan — 180 hari" in body
    assert ", " not in body and '": ' not in body


@pytest.mark.parametrize("as_", [str, bytes, json.loads])
def test_a_message_is_read_from_text_bytes_or_an_already_parsed_object(as_):
    body = encode(catalogue.ReminderSent(**REMINDER))
    message = body.encode() if as_ is bytes else as_(body)
    assert decode(message).data["due_on"] == date(2026, 12, 1)


def test_the_time_is_read_back_as_an_aware_utc_datetime():
    event = catalogue.ReminderSent(**REMINDER)
    received = decode(encode(event))
    assert received.time == event.time
    assert received.time.utcoffset() == timedelta(0)


def test_bytes_that_are_not_utf8_are_a_poison_message():
    with pytest.raises(EnvelopeError, match="not JSON"):
        decode(b"\xff\xfe{}")


def test_every_missing_attribute_is_named():
    with pytest.raises(EnvelopeError) as refused:
        decode({"specversion": "1.0", "data": {}})
    assert str(refused.value) == "missing CloudEvents attributes: id, source, type, time, datacontenttype"


def test_a_time_that_is_not_iso_8601_is_refused():
    envelope = json.loads(encode(catalogue.ReminderSent(**REMINDER)))
    with pytest.raises(EnvelopeError):
        decode({**envelope, "time": "yesterday"})


def test_a_message_without_a_subject_is_still_read():
    envelope = json.loads(encode(catalogue.ReminderSent(**REMINDER)))
    del envelope["subject"]
    assert decode(envelope).subject == ""


def test_data_that_a_producer_could_not_have_made_is_refused_when_received():
    envelope = json.loads(encode(catalogue.ActivityPlanned(**ACTIVITY)))
    with pytest.raises(EnvelopeError, match="participants"):
        decode({**envelope, "data": {**envelope["data"], "participants": "30"}})


# -- timestamps are UTC in the database -----------------------------------------------------------

SQLITE, POSTGRES = SimpleNamespace(name="sqlite"), SimpleNamespace(name="postgresql")


def test_a_naive_timestamp_is_refused_on_the_way_in():
    with pytest.raises(ValueError, match="timezone-aware"):
        UTCDateTime().process_bind_param(datetime(2026, 12, 1, 8, 0), SQLITE)


@pytest.mark.parametrize(
    ("dialect", "stored"),
    [
        (SQLITE, datetime(2026, 12, 1, 0, 0)),  # SQLite keeps no zone: naive, in UTC
        (POSTGRES, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_a_local_time_is_stored_as_utc(dialect, stored):
    wita = datetime(2026, 12, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    value = UTCDateTime().process_bind_param(wita, dialect)
    assert value == stored and (value.tzinfo is None) == (dialect is SQLITE)


@pytest.mark.parametrize(
    "stored",
    [datetime(2026, 12, 1, 0, 0), datetime(2026, 12, 1, 7, 0, tzinfo=timezone(timedelta(hours=7)))],
)
def test_a_timestamp_read_back_is_aware_and_in_utc(stored):
    value = UTCDateTime().process_result_value(stored, SQLITE)
    assert value == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_null_timestamps_stay_null():
    assert UTCDateTime().process_bind_param(None, SQLITE) is None
    assert UTCDateTime().process_result_value(None, SQLITE) is None
