"""The demo's plan: which collaborations and activities exist and what happened to each, drawn
from the catalogue with fixed seeds (never from today's date), before the database is read.

2023 matches the programme's figures (49 development activities held; 73 partners at 32
PLUT-KUMKM with a collaboration) and has what a real year has: every collaboration completed
with at least one activity held and reported with its outcome (those begun late in the year
held theirs in 2024), questions asked and answered before an acceptance, proposals declined
with a reason or left to expire, collaborations cancelled with a reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from mitra.demo import catalogue as cat

SEED = 2023
HELD_ACTIVITIES_2023 = 49
CANCELLED_ACTIVITIES_2023 = 4
_UTC_OFFSET = {"Asia/Jakarta": 7, "Asia/Pontianak": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}

# (when, who: "centre" | "partner" | "system:<job>", action, before, after)
T = TypeVar("T")
Step = tuple[datetime, str, str, dict[str, Any] | None, dict[str, Any] | None]


@dataclass
class Collab:
    centre: str
    partner: str
    title: str
    service_area: str
    starts_on: date
    ends_on: date
    respond_by: date | None
    target_umkm: int
    status: str
    proposed_at: datetime | None
    answered_at: datetime | None
    decline_reason: str | None = None
    info_question: str | None = None
    history: list[Step] = field(default_factory=list)


@dataclass
class Activity:
    collab: Collab
    type: str
    title: str
    date: date
    status: str
    participants: int
    umkm_reached: int
    notes: str | None = None
    document_ref: str | None = None
    confirmed: bool = False
    history: list[Step] = field(default_factory=list)


def local_midnight(day: date, zone: str) -> datetime:
    """00:05 at the centre, in UTC: when the lifecycle job starts a collaboration."""
    return datetime.combine(day, time(0, 5), UTC) - timedelta(hours=_UTC_OFFSET[zone])


def stamp(day: date, hour: int = 2) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def collaboration_history(
    c: Collab,
    zone: str,
    *,
    question: tuple[str, str] | None = None,
    asked: datetime | None = None,
    first_proposed: datetime | None = None,
    completed_at: datetime | None = None,
    cancelled: tuple[datetime, str] | None = None,
) -> None:
    """The audit steps that led `c` to its status."""
    if c.proposed_at is None:
        c.history.append(
            (_created(c), "centre", "collaboration.create", None, {"status": "draft", "title": c.title})
        )
        return
    proposed = first_proposed or c.proposed_at
    steps: list[Step] = [
        (
            proposed - timedelta(days=2),
            "centre",
            "collaboration.create",
            None,
            {"status": "draft", "title": c.title},
        ),
        (proposed, "centre", "collaboration.propose", {"status": "draft"}, {"status": "proposed"}),
    ]
    if question is not None:
        steps += [
            (
                _known(asked),
                "partner",
                "collaboration.request_info",
                {"status": "proposed"},
                {"status": "info_requested", "question": question[0]},
            ),
            (
                c.proposed_at,
                "centre",
                "collaboration.revise",
                {"status": "info_requested"},
                {"status": "proposed", "answer": question[1]},
            ),
        ]
    status = "proposed"
    if c.status == "declined":
        steps.append(
            (
                _known(c.answered_at),
                "partner",
                "collaboration.decline",
                {"status": status},
                {"status": "declined", "reason": c.decline_reason},
            )
        )
        status = "declined"
    elif c.status == "expired":
        steps.append(
            (
                local_midnight(_known(c.respond_by) + timedelta(days=1), zone),
                "system:proposal-expiry",
                "collaboration.expire",
                {"status": status},
                {"status": "expired"},
            )
        )
        status = "expired"
    elif c.status == "info_requested":
        steps.append(
            (
                _known(c.answered_at),
                "partner",
                "collaboration.request_info",
                {"status": status},
                {"status": "info_requested", "question": c.info_question},
            )
        )
        status = "info_requested"
    elif c.answered_at is not None:
        steps.append(
            (c.answered_at, "partner", "collaboration.accept", {"status": status}, {"status": "accepted"})
        )
        status = "accepted"
        started = local_midnight(c.starts_on, zone)
        if c.status in ("active", "completed") or (cancelled and cancelled[0] > started):
            steps.append(
                (
                    max(started, c.answered_at + timedelta(minutes=5)),
                    "system:lifecycle",
                    "collaboration.activate",
                    {"status": status},
                    {"status": "active"},
                )
            )
            status = "active"
        if c.status == "completed":
            steps.append(
                (
                    _known(completed_at),
                    "centre",
                    "collaboration.complete",
                    {"status": status},
                    {"status": "completed"},
                )
            )
    if cancelled is not None:
        steps.append(
            (
                cancelled[0],
                "centre",
                "collaboration.cancel",
                {"status": status},
                {"status": "cancelled", "reason": cancelled[1]},
            )
        )
    c.history.extend(steps)


def _created(c: Collab) -> datetime:
    return stamp(c.starts_on - timedelta(days=75))


def activity_history(a: Activity, reported_at: datetime | None) -> None:
    planned = stamp(a.date - timedelta(days=21))
    a.history.append((planned, "centre", "activity.plan", None, {"status": "planned"}))
    if a.confirmed:
        a.history.append(
            (
                stamp(a.date - timedelta(days=14), 5),
                "partner",
                "activity.confirm",
                {"confirmed_at": None},
                {"confirmed_at": stamp(a.date - timedelta(days=14), 5).isoformat()},
            )
        )
    if a.status == "held":
        a.history.append(
            (
                _known(reported_at),
                "centre",
                "activity.report",
                {"status": "planned"},
                {
                    "status": "held",
                    "participants": a.participants,
                    "umkm_reached": a.umkm_reached,
                    "notes": a.notes,
                    "document_ref": a.document_ref,
                },
            )
        )
    elif a.status == "cancelled":
        a.history.append(
            (
                stamp(a.date - timedelta(days=3)),
                "centre",
                "activity.cancel",
                {"status": "planned"},
                {"status": "cancelled", "reason": a.notes},
            )
        )


def reported_at(a: Activity) -> datetime | None:
    return stamp(a.date + timedelta(days=2), 3) if a.status == "held" else None


def _outcome(rng: random.Random, a: Activity, code: str, number: int) -> None:
    a.notes = rng.choice(cat.OUTCOME_NOTES[a.type]).format(umkm=a.umkm_reached, part=a.participants)
    a.document_ref = f"DH/PLUT-{code}/{a.date.year}/{number:03d}"


def _held(rng, collab: Collab, kind: str, title: str, day: date, code: str, number: int) -> Activity:
    participants = rng.randint(10, 120)
    a = Activity(
        collab,
        kind,
        title,
        day,
        "held",
        participants,
        rng.randint(max(1, participants * 6 // 10), participants),
        confirmed=rng.random() < 0.8,
    )
    _outcome(rng, a, code, number)
    return a


def plan_2023(regencies: dict[str, str], zones: dict[str, str]) -> tuple[list[Collab], list[Activity]]:
    """The 2023 collaborations (every partner, the 32 centres) and their activities."""
    rng = random.Random(SEED + 2)  # nosec B311  # reproducible demo data, not a secret
    kinds = dict(cat.NATIONAL_PARTNERS) | {n: k for _c, n, k in cat.LOCAL_PARTNERS}
    pairs = [(code, name) for code, name, _kind in cat.LOCAL_PARTNERS]
    for name, _kind in cat.NATIONAL_PARTNERS:
        codes = cat.FIXED_NATIONAL_CENTRES.get(name) or (rng.choice(cat.CENTRES_2023),)
        pairs += [(code, name) for code in codes]
    # Which collaborations hold their activities in 2023: one per centre first, so every
    # centre holds one; the others begin late in the year and hold theirs in 2024.
    order = list(range(len(pairs)))
    rng.shuffle(order)
    early: list[int] = []
    for code in cat.CENTRES_2023:
        early.append(next(i for i in order if pairs[i][0] == code and i not in early))
    early += [i for i in order if i not in early][: 42 - len(early)]
    doubles = set(rng.sample(early, HELD_ACTIVITIES_2023 - len(early)))
    questions = set(rng.sample(range(len(pairs)), 11))
    collabs, activities = [], []
    numbers: dict[str, int] = {}
    for i, (code, name) in enumerate(pairs):
        area = rng.choice(cat.TYPE_AREAS[kinds[name]])
        title = f"{rng.choice(cat.COLLABORATION_TITLES[area])} {regencies[code]} 2023"
        if i in early:
            starts = date(2023, 3, 1) + timedelta(days=rng.randint(0, 121))
            ends = min(starts + timedelta(days=rng.randint(45, 170)), date(2023, 12, 20))
        else:
            starts = date(2023, 10, 2) + timedelta(days=rng.randint(0, 60))
            ends = starts + timedelta(days=rng.randint(100, 170))
        respond_by = starts - timedelta(days=rng.randint(7, 21))
        first = datetime.combine(
            respond_by - timedelta(days=rng.randint(14, 35)), time(rng.choice((1, 2, 3, 6))), UTC
        )
        proposed, asked, question = first, None, None
        if i in questions:
            question = rng.choice(cat.QUESTIONS)
            asked = first + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
            proposed = asked + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 6))
        answered = proposed + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6))
        c = Collab(
            centre=code,
            partner=name,
            title=title,
            service_area=area,
            starts_on=starts,
            ends_on=ends,
            respond_by=respond_by,
            target_umkm=rng.randrange(10, 201, 5),
            status="completed",
            proposed_at=proposed,
            answered_at=answered,
        )
        collaboration_history(
            c,
            zones[code],
            question=question,
            asked=asked,
            first_proposed=first,
            completed_at=stamp(ends + timedelta(days=rng.randint(1, 12)), 4),
        )
        collabs.append(c)
        picks = rng.sample(cat.ACTIVITY_KINDS[area], 2 if i in doubles else 1)
        for kind, activity_title in picks:
            if i in early:
                day = starts + timedelta(days=rng.randint(0, (ends - starts).days))
            else:  # in the new year, within the period
                day = date(2024, 1, 8) + timedelta(days=rng.randint(0, (ends - date(2024, 1, 8)).days))
            numbers[code] = numbers.get(code, 0) + 1
            activities.append(_held(rng, c, kind, activity_title, day, code, numbers[code]))
    cancelling = [collabs[i] for i in early]
    for note, collab in zip(cat.CANCEL_NOTES[:CANCELLED_ACTIVITIES_2023], cancelling[::9], strict=False):
        kind, activity_title = rng.choice(cat.ACTIVITY_KINDS[collab.service_area])
        day = collab.starts_on + timedelta(days=rng.randint(0, (collab.ends_on - collab.starts_on).days))
        activities.append(Activity(collab, kind, activity_title, day, "cancelled", 0, 0, note))
    collabs += _unanswered_and_refused_2023(rng, regencies, zones, {(c.centre, c.partner) for c in collabs})
    for a in activities:
        activity_history(a, reported_at(a))
    return collabs, activities


def _unanswered_and_refused_2023(rng, regencies, zones, taken) -> list[Collab]:
    """Proposals of 2023 that came to nothing: declined, expired, cancelled; none counts."""
    national = [name for name, _kind in cat.NATIONAL_PARTNERS]
    kinds = dict(cat.NATIONAL_PARTNERS)
    outcomes = (
        ["declined"] * len(cat.DECLINE_REASONS)
        + ["expired"] * 4
        + ["cancelled"] * len(cat.COLLABORATION_CANCEL_REASONS)
    )
    declines, cancels = iter(cat.DECLINE_REASONS), iter(cat.COLLABORATION_CANCEL_REASONS)
    made = []
    for n, outcome in enumerate(outcomes):
        while True:
            code, name = rng.choice(cat.CENTRES_2023), rng.choice(national)
            if (code, name) not in taken:
                break
        taken.add((code, name))
        area = rng.choice(cat.TYPE_AREAS[kinds[name]])
        title = f"{rng.choice(cat.COLLABORATION_TITLES[area])} {regencies[code]} 2023"
        starts = date(2023, 4, 3) + timedelta(days=rng.randint(0, 150))
        ends = starts + timedelta(days=rng.randint(60, 120))
        respond_by = starts - timedelta(days=rng.randint(10, 20))
        proposed = stamp(respond_by - timedelta(days=rng.randint(14, 30)), rng.choice((1, 2, 3)))
        answered = proposed + timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6))
        c = Collab(
            centre=code,
            partner=name,
            title=title,
            service_area=area,
            starts_on=starts,
            ends_on=ends,
            respond_by=respond_by,
            target_umkm=rng.randrange(20, 121, 5),
            status=outcome,
            proposed_at=proposed,
            answered_at=None,
        )
        cancelled = None
        if outcome == "declined":
            c.answered_at, c.decline_reason = answered, next(declines)
        elif outcome == "cancelled":
            # Some before the partner answered, the others after it accepted.
            if n % 2:
                c.answered_at = answered
            cancelled = (answered + timedelta(days=rng.randint(3, 20)), next(cancels))
        collaboration_history(c, zones[code], cancelled=cancelled)
        made.append(c)
    return made


def plan_current(zones: dict[str, str]) -> tuple[list[Collab], list[Activity]]:
    """Late-2026 collaborations in every state, for the dashboards and the scheduled jobs; none
    starts in 2023."""
    rng = random.Random(SEED + 3)  # nosec B311  # reproducible demo data, not a secret
    collabs: list[Collab] = []
    for row in cat.CURRENT_COLLABORATIONS:
        code, partner, status, area, title, starts, ends, respond_by, proposed, answered, text = row
        c = Collab(
            centre=code,
            partner=partner,
            title=title,
            service_area=area,
            starts_on=starts,
            ends_on=ends,
            respond_by=respond_by,
            target_umkm=40 + 5 * len(collabs),
            status=status,
            proposed_at=_utc(proposed),
            answered_at=_utc(answered),
            decline_reason=text if status == "declined" else None,
            info_question=text if status == "info_requested" else None,
        )
        history = cat.CURRENT_HISTORY.get(title, {})
        collaboration_history(
            c,
            zones[code],
            question=history.get("question"),
            asked=_utc(history.get("asked")),
            first_proposed=_utc(history.get("first_proposed")),
            completed_at=_utc(history.get("completed")),
            cancelled=(_known(_utc(history["cancelled"][0])), history["cancelled"][1])
            if "cancelled" in history
            else None,
        )
        collabs.append(c)
    by_title = {c.title: c for c in collabs}
    activities = []
    for n, (collab_title, kind, title, day, status, participants, reached) in enumerate(
        cat.CURRENT_ACTIVITIES, start=1
    ):
        collab = by_title[collab_title]
        a = Activity(
            collab, kind, title, day, status, participants, reached, confirmed=status == "held" or n % 2 == 0
        )
        if status == "held":
            _outcome(rng, a, collab.centre, 100 + n)
        elif status == "cancelled":
            a.notes, a.confirmed = cat.CURRENT_HISTORY[collab_title]["cancelled"][1], False
        activity_history(a, reported_at(a))
        activities.append(a)
    return collabs, activities


def _known(value: T | None) -> T:
    """A moment the catalogue gives every collaboration or activity in the state that needs it."""
    if value is None:
        raise ValueError("the demo catalogue lacks a date this state needs")
    return value


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None
