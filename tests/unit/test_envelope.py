"""Events are validated when made and when received, and travel as CloudEvents 1.0 JSON."""

import json
from datetime import date

import pytest

from events.catalogue import CATALOGUE, CollaborationProposed, EventDataError
from events.envelope import EnvelopeError, decode, encode

DATA = dict(
    collaboration_id=7,
    centre_id=1,
    partner_id=2,
    partnership_id=3,
    title="Pelatihan QRIS",
    service_area="pembiayaan",
    status="proposed",
    previous_status="draft",
    starts_on=date(2026, 12, 1),
    ends_on=date(2027, 1, 31),
    respond_by=date(2026, 11, 30),
    target_umkm=40,
    actor="user:5:manajer@plut.test",
)


def test_every_required_event_type_is_declared():
    names = {t.name for t in CATALOGUE.values()}
    for family, kinds in {
        "collaboration": "drafted proposed accepted declined info_requested revised expired "
        "activated completed cancelled",
        "activity": "planned reported cancelled",
        "agreement": "signed expiring expired",
    }.items():
        for kind in kinds.split():
            assert f"{family}.{kind}" in names
    assert {"partnership.status_changed", "reminder.sent"} <= names


def test_envelope_is_cloudevents_structured_json():
    event = CollaborationProposed(**DATA)
    body = json.loads(encode(event))
    assert body["specversion"] == "1.0"
    assert body["type"] == "mitra.collaboration.proposed"
    assert body["subject"] == "collaboration/7"
    assert body["datacontenttype"] == "application/json"
    assert body["dataschema"].endswith("collaboration.proposed:v1")
    assert body["id"] == event.id and len(event.id) == 36
    assert body["time"].endswith("Z")
    assert body["data"]["starts_on"] == "2026-12-01"


def test_round_trip_gives_python_values_back():
    received = decode(encode(CollaborationProposed(**DATA)))
    assert received.data["starts_on"] == date(2026, 12, 1)
    assert received.name == "collaboration.proposed"


@pytest.mark.parametrize(
    "change", [{"collaboration_id": "seven"}, {"starts_on": "soon"}, {"title": ""}, {"bogus": 1}]
)
def test_bad_data_is_refused_when_emitted(change):
    with pytest.raises(EventDataError):
        CollaborationProposed(**{**DATA, **change})


def test_missing_field_is_refused_when_emitted():
    data = dict(DATA)
    del data["title"]
    with pytest.raises(EventDataError, match="title"):
        CollaborationProposed(**data)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"specversion": "1.0"}).encode(),
        json.dumps(
            {
                "specversion": "0.3",
                "id": "x",
                "source": "/",
                "type": "mitra.collaboration.proposed",
                "time": "2026-01-01T00:00:00Z",
                "datacontenttype": "application/json",
                "data": {},
            }
        ),
    ],
)
def test_malformed_messages_are_refused_when_received(body):
    with pytest.raises(EnvelopeError):
        decode(body)


def test_unknown_type_and_bad_data_are_refused_when_received():
    envelope = json.loads(encode(CollaborationProposed(**DATA)))
    with pytest.raises(EnvelopeError, match="Unknown event type"):
        decode({**envelope, "type": "mitra.nope"})
    with pytest.raises(EnvelopeError, match="target_umkm"):
        decode({**envelope, "data": {**envelope["data"], "target_umkm": "many"}})
