"""The layout: `platform/` is a source root, not a package (interpreter checks: tests/integration)."""

from tests.conftest import REPO_ROOT


def test_platform_folder_is_a_source_root_not_a_package():
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()
    assert (REPO_ROOT / "platform" / "mitra" / "__init__.py").exists()
