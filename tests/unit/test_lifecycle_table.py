"""The collaboration state machine (`lifecycle.TRANSITIONS`): who may take which step from where."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from events.outbox import outbox
from mitra.models import Centre, Collaboration
from mitra.services import lifecycle
from mitra.services.errors import Conflict, Forbidden, InvalidInput
from mitra.services.lifecycle import EDITABLE_STATES, TRANSITIONS, available, transition

MANAGER = SimpleNamespace(role="centre_manager", actor="user:5:manajer@plut.test")
ADMIN = SimpleNamespace(role="ministry_admin", actor="user:1:admin@kemenkop.test")
PARTNER = SimpleNamespace(role="partner_user", actor="user:9:mitra@bank.test")
SYSTEM = lifecycle.SystemActor("lifecycle")
BY_ROLE = {"centre_manager": MANAGER, "ministry_admin": ADMIN, "partner_user": PARTNER, "system": SYSTEM}


class NoSession:
    """A refusal must come before anything is written."""

    def __getattr__(self, name):
        raise AssertionError(f"the session was used ({name}) before the step was refused")


class RecordingSession:
    """Takes the statements a transition writes, and says one row matched its UPDATE."""

    def __init__(self):
        self.written: list[tuple[str, dict]] = []

    def execute(self, statement, params=None, **_kwargs):
        values = dict(params or statement.compile().params)
        self.written.append((statement.table.name, values))
        return SimpleNamespace(rowcount=1)

    def flush(self):
        pass

    def rows(self, table: str) -> list[dict]:
        return [values for name, values in self.written if name == table]


def collaboration(status: str = "draft", zone: str = "Asia/Jakarta", **values) -> Collaboration:
    fields = dict(
        id=7,
        centre_id=1,
        partner_id=2,
        partnership_id=3,
        title="Pelatihan QRIS",
        service_area="pembiayaan",
        description="",
        starts_on=date(2027, 1, 4),
        ends_on=date(2027, 3, 31),
        respond_by=None,
        target_umkm=40,
        status=status,
        version=1,
    )
    found = Collaboration(**{**fields, **values})
    found.centre = Centre(id=1, zone=zone)
    return found


def clock_at(iso: str):
    return lambda: datetime.fromisoformat(iso).astimezone(UTC)


# -- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "sources", "target"),
    [
        ("propose", {"draft"}, "proposed"),
        ("accept", {"proposed"}, "accepted"),
        ("decline", {"proposed"}, "declined"),
        ("request_info", {"proposed"}, "info_requested"),
        ("revise", {"info_requested"}, "proposed"),
        ("expire", {"proposed"}, "expired"),
        ("activate", {"accepted"}, "active"),
        ("complete", {"active"}, "completed"),
        ("cancel", {"draft", "proposed", "info_requested", "accepted", "active"}, "cancelled"),
    ],
)
def test_each_verb_leaves_its_states_for_one_target(verb, sources, target):
    step = TRANSITIONS[verb]
    assert set(step.sources) == sources
    assert step.target == target


@pytest.mark.parametrize(
    ("verb", "roles"),
    [
        ("propose", {"centre_manager", "ministry_admin"}),
        ("accept", {"partner_user"}),
        ("decline", {"partner_user"}),
        ("request_info", {"partner_user"}),
        ("revise", {"centre_manager", "ministry_admin"}),
        ("expire", {"system"}),
        ("activate", {"system"}),
        ("complete", {"centre_manager", "ministry_admin", "system"}),
        ("cancel", {"centre_manager", "ministry_admin"}),
    ],
)
def test_who_may_take_each_verb(verb, roles):
    assert TRANSITIONS[verb].who == roles


@pytest.mark.parametrize(
    ("verb", "event", "action"),
    [
        ("propose", "collaboration.proposed", "collaboration.propose"),
        ("accept", "collaboration.accepted", "collaboration.accept"),
        ("decline", "collaboration.declined", "collaboration.decline"),
        ("request_info", "collaboration.info_requested", "collaboration.request_info"),
        ("revise", "collaboration.revised", "collaboration.revise"),
        ("expire", "collaboration.expired", "collaboration.expire"),
        ("activate", "collaboration.activated", "collaboration.activate"),
        ("complete", "collaboration.completed", "collaboration.complete"),
        ("cancel", "collaboration.cancelled", "collaboration.cancel"),
    ],
)
def test_each_verb_emits_its_event_and_audits_its_action(verb, event, action):
    assert TRANSITIONS[verb].event.name == event
    assert TRANSITIONS[verb].action == action


@pytest.mark.parametrize(
    ("verb", "field"),
    [
        ("decline", "reason"),
        ("request_info", "question"),
        ("revise", "answer"),
        ("complete", "summary"),
        ("cancel", "reason"),
        ("propose", None),
        ("accept", None),
        ("expire", None),
        ("activate", None),
    ],
)
def test_the_text_each_verb_cannot_do_without(verb, field):
    assert TRANSITIONS[verb].requires == field


def test_every_state_but_the_four_endings_has_a_way_out():
    leavable = {state for step in TRANSITIONS.values() for state in step.sources}
    assert leavable == {"draft", "proposed", "info_requested", "accepted", "active"}
    endings = {"declined", "expired", "completed", "cancelled"}
    assert endings <= {step.target for step in TRANSITIONS.values()}
    assert not endings & leavable


def test_the_centre_edits_its_proposal_only_as_a_draft_or_when_asked_for_more():
    assert set(EDITABLE_STATES) == {"draft", "info_requested"}
    assert lifecycle.PROPOSAL == (
        "title",
        "service_area",
        "description",
        "starts_on",
        "ends_on",
        "respond_by",
        "target_umkm",
    )


# -- available ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "role", "verbs"),
    [
        ("draft", "centre_manager", ["propose", "cancel"]),
        ("draft", "ministry_admin", ["propose", "cancel"]),
        ("draft", "partner_user", []),
        ("draft", "system", []),
        ("proposed", "centre_manager", ["cancel"]),
        ("proposed", "partner_user", ["accept", "decline", "request_info"]),
        ("proposed", "system", ["expire"]),
        ("info_requested", "centre_manager", ["revise", "cancel"]),
        ("info_requested", "partner_user", []),
        ("info_requested", "system", []),
        ("accepted", "centre_manager", ["cancel"]),
        ("accepted", "partner_user", []),
        ("accepted", "system", ["activate"]),
        ("active", "centre_manager", ["complete", "cancel"]),
        ("active", "ministry_admin", ["complete", "cancel"]),
        ("active", "partner_user", []),
        ("active", "system", ["complete"]),
        ("declined", "centre_manager", []),
        ("expired", "centre_manager", []),
        ("completed", "centre_manager", []),
        ("cancelled", "centre_manager", []),
        ("cancelled", "system", []),
    ],
)
def test_available_lists_the_verbs_a_role_may_take_now(status, role, verbs):
    assert available(SimpleNamespace(status=status), BY_ROLE[role]) == verbs


# -- refusals, before anything is written --------------------------------------------------------


def test_an_unknown_verb_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown collaboration verb 'approve'; known: propose, accept"):
        transition(collaboration(), "approve", actor=MANAGER, session=NoSession())


@pytest.mark.parametrize(
    ("verb", "actor", "message"),
    [
        ("accept", MANAGER, "only the partner's user may accept a collaboration"),
        ("propose", PARTNER, "only a centre manager or a ministry admin may propose a collaboration"),
        ("expire", ADMIN, "only the system may expire a collaboration"),
        ("revise", PARTNER, "only a centre manager or a ministry admin may revise a collaboration"),
        (
            "complete",
            PARTNER,
            "only a centre manager or a ministry admin or the system may complete a collaboration",
        ),
    ],
)
def test_the_wrong_role_is_forbidden_and_told_who_may(verb, actor, message):
    with pytest.raises(Forbidden) as refused:
        transition(collaboration("proposed"), verb, actor=actor, session=NoSession())
    assert refused.value.message == message
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("verb", "actor", "status", "allowed"),
    [
        ("accept", PARTNER, "draft", "proposed"),
        ("propose", MANAGER, "proposed", "draft"),
        ("revise", MANAGER, "proposed", "info_requested"),
        ("complete", MANAGER, "accepted", "active"),
        ("cancel", MANAGER, "completed", "draft, proposed, info_requested, accepted, active"),
    ],
)
def test_the_wrong_state_is_a_conflict_naming_the_states_that_allow_it(verb, actor, status, allowed):
    with pytest.raises(Conflict) as refused:
        transition(collaboration(status), verb, actor=actor, session=NoSession())
    words = verb.replace("_", " ")
    assert refused.value.message == (
        f"cannot {words} a collaboration that is {status}: {words} is allowed only from {allowed}"
    )
    assert refused.value.errors == {"status": [f"is {status}; {words} needs {allowed}"]}
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("verb", "actor", "status", "field"),
    [
        ("decline", PARTNER, "proposed", "reason"),
        ("request_info", PARTNER, "proposed", "question"),
        ("revise", MANAGER, "info_requested", "answer"),
        ("complete", MANAGER, "active", "summary"),
        ("cancel", MANAGER, "accepted", "reason"),
    ],
)
@pytest.mark.parametrize("text", [None, "", "   \n\t "])
def test_a_step_without_its_text_is_invalid_input_on_that_field(verb, actor, status, field, text):
    with pytest.raises(InvalidInput) as refused:
        transition(collaboration(status), verb, actor=actor, text=text, session=NoSession())
    assert refused.value.errors == {field: [f"is required to {verb.replace('_', ' ')} a collaboration"]}
    assert refused.value.status == 422


def test_a_response_date_already_passed_at_the_centre_is_refused():
    # 16:30 UTC on 30 November is already 1 December in Makassar (WITA, UTC+8).
    late = collaboration("draft", zone="Asia/Makassar", respond_by=date(2026, 11, 30))
    with pytest.raises(InvalidInput) as refused:
        transition(
            late, "propose", actor=MANAGER, clock=clock_at("2026-11-30T16:30:00+00:00"), session=NoSession()
        )
    assert refused.value.errors == {
        "respond_by": ["2026-11-30 has passed (today is 2026-12-01 at the centre); set a later date first"]
    }


# -- a step taken: the row, its audit entry and its event, in the caller's transaction ---------


@pytest.mark.parametrize(
    ("zone", "respond_by"),
    [
        ("Asia/Jakarta", date(2026, 12, 14)),  # 23:30 WIB on 30 November: 14 days from the 30th
        ("Asia/Makassar", date(2026, 12, 15)),  # 00:30 WITA on 1 December
        ("Asia/Jayapura", date(2026, 12, 15)),  # 01:30 WIT on 1 December
    ],
)
def test_a_proposal_without_a_deadline_gets_fourteen_days_from_today_at_the_centre(zone, respond_by):
    session = RecordingSession()
    draft = collaboration("draft", zone=zone)
    transition(draft, "propose", actor=MANAGER, clock=clock_at("2026-11-30T16:30:00+00:00"), session=session)
    assert draft.status == "proposed"
    assert draft.respond_by == respond_by
    assert draft.version == 2
    (update,) = session.rows("collaborations")
    assert update["read_version"] == 1 and update["respond_by"] == respond_by


def test_a_proposal_keeps_a_deadline_still_ahead():
    session = RecordingSession()
    draft = collaboration("draft", respond_by=date(2026, 12, 20))
    transition(draft, "propose", actor=MANAGER, clock=clock_at("2026-11-30T03:00:00+00:00"), session=session)
    assert draft.respond_by == date(2026, 12, 20)


def test_a_proposal_audits_what_was_proposed_and_emits_collaboration_proposed():
    session = RecordingSession()
    draft = collaboration("draft", respond_by=date(2026, 12, 20))
    transition(draft, "propose", actor=MANAGER, clock=clock_at("2026-11-30T03:00:00+00:00"), session=session)
    (entry,) = session.rows("audit_entries")
    assert entry["action"] == "collaboration.propose"
    assert entry["actor"] == "user:5:manajer@plut.test"
    assert entry["before"] == {"status": "draft"}
    assert entry["after"] == {
        "status": "proposed",
        "title": "Pelatihan QRIS",
        "service_area": "pembiayaan",
        "description": "",
        "starts_on": "2027-01-04",
        "ends_on": "2027-03-31",
        "respond_by": "2026-12-20",
        "target_umkm": 40,
    }
    (event,) = session.rows(outbox.name)
    assert event["type"] == "mitra.collaboration.proposed"
    assert event["subject"] == "collaboration/7"
    assert '"previous_status":"draft"' in event["envelope"]


def test_a_decline_keeps_the_reason_trimmed_and_records_when_it_was_answered():
    session = RecordingSession()
    proposed = collaboration("proposed", respond_by=date(2026, 12, 20))
    at = clock_at("2026-12-01T02:00:00+00:00")
    transition(proposed, "decline", actor=PARTNER, text="  Anggaran habis \n", clock=at, session=session)
    assert proposed.status == "declined"
    assert proposed.decline_reason == "Anggaran habis"
    assert proposed.answered_at == at()
    (entry,) = session.rows("audit_entries")
    assert entry["after"] == {"status": "declined", "reason": "Anggaran habis"}


def test_a_question_is_kept_and_an_answer_clears_it_on_proposing_again():
    session = RecordingSession()
    proposed = collaboration("proposed", respond_by=date(2026, 12, 20))
    at = clock_at("2026-12-01T02:00:00+00:00")
    transition(proposed, "request_info", actor=PARTNER, text="Berapa peserta?", clock=at, session=session)
    assert (proposed.status, proposed.info_question) == ("info_requested", "Berapa peserta?")
    transition(proposed, "revise", actor=MANAGER, text="Empat puluh.", clock=at, session=session)
    assert (proposed.status, proposed.info_question) == ("proposed", None)
    assert [e["type"] for e in session.rows(outbox.name)] == [
        "mitra.collaboration.info_requested",
        "mitra.collaboration.revised",
    ]


def test_a_concurrent_change_stops_the_step_before_its_audit_entry_and_event():
    from sqlalchemy.orm.exc import StaleDataError

    class Lost(RecordingSession):
        def execute(self, statement, params=None, **kwargs):
            super().execute(statement, params, **kwargs)
            return SimpleNamespace(rowcount=0)

    session = Lost()
    with pytest.raises(StaleDataError, match="changed since it was read at version 1"):
        transition(collaboration("active"), "complete", actor=SYSTEM, text="selesai", session=session)
    assert [name for name, _values in session.written] == ["collaborations"]
