"""Services never read the request: import-linter sees flask only whole, so this reads the source."""

import ast

import pytest

from tests.conftest import REPO_ROOT

SERVICES = REPO_ROOT / "platform" / "mitra" / "services"
# What only a request has: its data, its per-request globals, its cookie session, its user.
REQUEST_BOUND = {
    "flask": {"request", "g", "session"},
    "flask.globals": {"request", "g", "session"},
    "flask_login": {"current_user"},
}


def request_reads(source: str) -> list[str]:
    """Each use of a request-bound name in `source`, as "line N: flask.request"."""
    found = []
    modules = {}  # local name -> module, for `import flask` / `import flask as f`
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in REQUEST_BOUND:
            for alias in node.names:
                if alias.name in REQUEST_BOUND[node.module]:
                    found.append(f"line {node.lineno}: {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in REQUEST_BOUND:
                    modules[(alias.asname or alias.name).split(".")[0]] = alias.name
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = modules.get(node.value.id)
            if module and node.attr in REQUEST_BOUND[module]:
                found.append(f"line {node.lineno}: {module}.{node.attr}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from flask import current_app, request\n",
        "from flask import g as request_globals\n",
        "from flask.globals import session\n",
        "import flask\nflask.request.args\n",
        "import flask as f\nf.g.user\n",
        "from flask_login import current_user\n",
    ],
)
def test_the_check_finds_a_request_read(source):
    assert request_reads(source)


def test_the_check_lets_the_app_context_through():
    assert request_reads("from flask import current_app, render_template\nimport flask\nflask.json\n") == []


def test_services_read_nothing_of_the_request():
    offenders = {
        str(path.relative_to(REPO_ROOT)): reads
        for path in sorted(SERVICES.rglob("*.py"))
        if (reads := request_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "services take the actor and input as parameters, not from the request"
