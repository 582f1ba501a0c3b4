"""Every audit action the code can write has words, in English and in Indonesian.

The actions are read from the code, not listed here: the lifecycle's TRANSITIONS table, and
every `action=` argument in the sources (a literal, a module constant, or an f-string whose
placeholder is filled by the literal arguments its function is called with). So a new
transition, a new `audit.record(action="...")` or a new `_record(..., "move", ...)` fails
this test until labels.ACTION has its words and the catalogue their translation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from mitra.services import lifecycle, reminders
from mitra.web import labels
from tests.conftest import REPO_ROOT

SOURCES = [REPO_ROOT / "platform" / "mitra", REPO_ROOT / "workers", REPO_ROOT / "events"]
# Calls whose `action=` is not an audit action (a form's target URL).
NOT_AUDIT = {"render_template"}
# Modules that copy actions from data rather than name them: the demo's history (its actions
# are checked against the labels in tests/integration/test_seed_demo.py).
COPIES = {"platform/mitra/demo/data.py"}
# f-strings whose placeholder is not a literal at any call site, and the declaration that
# lists the values it takes.
SPREADS = {
    "reminder.{outcome}": {f"reminder.{outcome}" for outcome in reminders.RESOLUTIONS},
}


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.constants = {
            target.id: node.value.value
            for node in self.tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        }
        self.functions = {
            node.name: node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }


def _modules() -> list[_Module]:
    return [_Module(path) for root in SOURCES for path in sorted(root.rglob("*.py"))]


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _arguments(modules, owner: _Module, function: ast.FunctionDef, parameter: str) -> list[ast.expr]:
    """What each call of `function` passes for `parameter` (private functions: their module's
    calls only)."""
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    position = names.index(parameter) if parameter in names else None
    found = []
    for module in modules:
        if function.name.startswith("_") and module is not owner:
            continue
        for call in ast.walk(module.tree):
            if not isinstance(call, ast.Call) or _called_name(call) != function.name:
                continue
            passed = [k.value for k in call.keywords if k.arg == parameter]
            if not passed and position is not None and position < len(call.args):
                passed = [call.args[position]]
            found += passed
    return found


def _enclosing(module: _Module, node: ast.AST) -> ast.FunctionDef | None:
    for function in module.functions.values():
        if any(child is node for child in ast.walk(function)):
            return function
    return None


def written_actions() -> tuple[set[str], list[str]]:
    """(every action the code can write, the `action=` arguments it could not read)."""
    actions = {step.action for step in lifecycle.TRANSITIONS.values()}
    unread = []
    modules = _modules()
    for module in modules:
        if str(module.path.relative_to(REPO_ROOT)) in COPIES:
            continue
        for call in ast.walk(module.tree):
            if not isinstance(call, ast.Call) or _called_name(call) in NOT_AUDIT:
                continue
            for keyword in call.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                where = f"{module.path.relative_to(REPO_ROOT)}:{value.lineno}"
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    actions.add(value.value)
                elif isinstance(value, ast.Name) and value.id in module.constants:
                    actions.add(module.constants[value.id])
                elif isinstance(value, ast.Attribute) and value.attr == "action":
                    continue  # Transition.action: the TRANSITIONS above
                elif isinstance(value, ast.JoinedStr):
                    template = "".join(
                        part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
                        for part in value.values
                    )
                    if template in SPREADS:
                        actions |= SPREADS[template]
                        continue
                    holes = [p.value for p in value.values if isinstance(p, ast.FormattedValue)]
                    function = _enclosing(module, call)
                    if len(holes) != 1 or not isinstance(holes[0], ast.Name) or function is None:
                        unread.append(f"{where} {template}")
                        continue
                    passed = _arguments(modules, module, function, holes[0].id)
                    literal = [p.value for p in passed if isinstance(p, ast.Constant)]
                    if not passed or len(literal) != len(passed):
                        unread.append(f"{where} {template}")
                        continue
                    actions |= {template.replace("{" + holes[0].id + "}", text) for text in literal}
                else:
                    unread.append(f"{where} {ast.unparse(value)}")
    return actions, unread


def test_the_code_declares_the_actions_it_writes_readably():
    actions, unread = written_actions()
    assert unread == [], "add these actions to SPREADS, naming the declaration of their values"
    # The finder finds what it must: each way of writing an action is represented.
    assert {
        "collaboration.request_info",
        "activity.confirm",
        "activity.update",
        "user.update",
        "user.password_reset_requested",
        "reminder.resend",
        "auth.login",
    } <= actions


@pytest.mark.parametrize("action", sorted(written_actions()[0]))
def test_every_action_has_words_in_both_languages(app, action):
    assert action in labels.ACTION, f"labels.ACTION has no words for {action!r}"
    with force_locale("en"):
        english = labels.action_label(action)
    with force_locale("id"):
        indonesian = labels.action_label(action)
    assert english and "." not in english and "_" not in english
    assert indonesian and indonesian != english, f"no Indonesian for {english!r}"


def test_an_action_without_words_is_never_shown_as_its_code(app):
    with force_locale("id"):
        assert labels.action_label("activity.teleport") == "membuat perubahan"
    with force_locale("en"):
        assert labels.action_label("activity.teleport") == "made a change"
