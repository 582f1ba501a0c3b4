"""The layout keeps `platform` the standard library's module, as a fresh interpreter imports it."""

import subprocess
import sys
import sysconfig

from tests.conftest import REPO_ROOT


def test_import_platform_from_repo_root_is_the_standard_library():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import platform; print(platform.__file__); print(platform.system())",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(sysconfig.get_paths()["stdlib"])
    assert out[1] == "Linux"


def test_flask_and_sqlalchemy_import_with_repo_root_on_path():
    subprocess.run(
        [sys.executable, "-c", "import flask, sqlalchemy, wsgi; print(wsgi.app.name)"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
