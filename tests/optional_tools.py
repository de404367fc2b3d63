"""The optional tools a test may skip without (CI installs each). A skip for any other reason
fails the run (``conftest.pytest_runtest_makereport``): a fresh clone must check everything,
and the data the tests need is in the repository (``tests/fixtures``) or made by the tests."""

import pytest

OPTIONAL_TOOLS = ("chromium",)


def skip_without_tool(tool: str, how_to_install: str) -> None:
    """Skip the calling test because the optional ``tool`` is missing."""
    if tool not in OPTIONAL_TOOLS:
        raise ValueError(f"{tool} is not one of the optional tools {OPTIONAL_TOOLS}")
    pytest.skip(f"{tool} is not installed ({how_to_install})")


def allowed_skip_reasons() -> tuple[str, ...]:
    """How the report of an allowed skip begins."""
    return tuple(f"Skipped: {tool} is not installed" for tool in OPTIONAL_TOOLS)
