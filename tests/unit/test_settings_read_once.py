"""The environment is read in one place, mitra/config.py: every other module reads settings
from the app's config (or is handed them), so what a deployment can set is listed once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SETTINGS_MODULE = REPO_ROOT / "platform" / "mitra" / "config.py"
# Writing the environment a child process inherits is not reading a setting.
WRITES = {"setdefault", "update"}


def environment_reads(source: str) -> list[int]:
    """Line numbers where `source` reads the process environment."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "environb", "getenv", "getenvb"}:
                lines.append(node.lineno)
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        if node.value.id != "os":
            continue
        if node.attr in {"getenv", "getenvb"}:
            lines.append(node.lineno)
        elif node.attr in {"environ", "environb"} and not _is_write(node, parents):
            lines.append(node.lineno)
    return lines


def _is_write(environ: ast.Attribute, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(environ)
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, ast.Store | ast.Del)
    if isinstance(parent, ast.Attribute) and parent.attr in WRITES:
        call = parents.get(parent)
        # Only as a statement of its own: a value used is a value read.
        return isinstance(call, ast.Call) and isinstance(parents.get(call), ast.Expr)
    return False


def _modules() -> list[Path]:
    roots = [REPO_ROOT / "platform", REPO_ROOT / "events", REPO_ROOT / "workers"]
    return sorted(p for root in roots for p in root.rglob("*.py") if p != SETTINGS_MODULE)


def test_no_module_but_the_settings_reads_the_environment():
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in _modules()
        for line in environment_reads(path.read_text())
    ]
    assert offenders == [], f"read the setting through config.from_environment(): {offenders}"


def test_the_settings_module_is_where_the_environment_is_read():
    assert environment_reads(SETTINGS_MODULE.read_text())


@pytest.mark.parametrize(
    "source",
    [
        "import os\nx = os.environ.get('A')",
        "import os\nx = os.environ['A']",
        "import os\nx = os.getenv('A', '1')",
        "import os\nif 'A' in os.environ: pass",
        "import os\nchild = dict(os.environ, A='1')",
        "import os\nx = os.environ.setdefault('A', '1')",
        "from os import environ",
        "from os import getenv",
    ],
)
def test_a_read_is_found(source):
    assert environment_reads(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "import os\nos.environ['A'] = '1'",
        "import os\nos.environ.setdefault('A', '1')",
        "import os\nos.replace('a', 'b')",
        "import os\ndel os.environ['A']",
    ],
)
def test_a_write_for_the_children_is_not_a_read(source):
    assert environment_reads(source) == []
