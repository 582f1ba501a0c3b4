"""Every lifecycle verb a person takes has its form on the collaboration page and its path in
the API, each asking for the text the verb requires: a verb added to `TRANSITIONS` without
them fails here, before anyone finds a step no page offers."""

from __future__ import annotations

import pytest

from mitra import create_app
from mitra.api import collaborations as api
from mitra.services import lifecycle
from mitra.services.lifecycle import PERSON_VERBS, SYSTEM, TRANSITIONS
from mitra.web import collaborations as web


@pytest.fixture(scope="module")
def routes(tmp_path_factory) -> set[tuple[str, str]]:
    """(rule, method) of every route; the app is built but never touches its database."""
    folder = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "MITRA_ENV": "test",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'unused.db'}",
            "BROKER_URL": "memory://",
        }
    )
    return {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods}


def test_a_person_takes_every_verb_but_the_schedulers():
    by_people = {verb for verb, step in TRANSITIONS.items() if step.who - SYSTEM}
    assert set(PERSON_VERBS) == by_people
    assert {"expire", "activate"}.isdisjoint(PERSON_VERBS)  # the scheduler's alone


@pytest.mark.parametrize("verb", PERSON_VERBS)
def test_the_collaboration_page_has_a_form_for_the_verb(verb):
    form = web.FORMS[verb]
    assert web.VERBS[lifecycle.url_word(verb)] == verb
    assert web.DONE[verb]  # what the page says once it is done
    requires = TRANSITIONS[verb].requires
    if requires:
        assert hasattr(form, requires), f"{form.__name__} asks for no {requires}"


@pytest.mark.parametrize("verb", PERSON_VERBS)
def test_the_api_has_a_path_for_the_verb(verb, routes):
    path = f"/api/v1/collaborations/<int:collaboration_id>/{lifecycle.url_word(verb)}"
    assert (path, "POST") in routes
    if verb in api.ACTIONS:  # "complete" has its own view and schema
        schema, _summary = api.ACTIONS[verb]
        requires = TRANSITIONS[verb].requires
        assert requires is None or requires in schema().fields


def test_the_web_offers_no_verb_lifecycle_does_not_know():
    assert set(web.FORMS) == set(PERSON_VERBS)
    assert set(api.ACTIONS) <= set(PERSON_VERBS)
