"""The pytest plugin: ``--bgtyped-check-types`` or the ini option turns value checking on for a test run."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """\
import sys

import bgtyped


def notify(user_id: int) -> None: ...


def test_scheduling() -> None:
    try:
        bgtyped.check_call(notify, "not-an-int")
    except TypeError as error:
        print("RESULT refused:", error)
    else:
        print("RESULT accepted")
"""

# Run first, before any test imports anything: what loading the plugin alone imported.
CONFTEST = """\
import sys


def pytest_sessionstart(session):
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"beartype", "starlette"})
    print("LOADED", loaded)
"""


def result_lines(result: pytest.RunResult) -> list[str]:
    # pytest writes a test's output after its file name, on the same line.
    found = [
        line[line.find(word) :] for line in result.outlines for word in ("LOADED", "RESULT") if word in line
    ]
    return found


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_scheduling=TESTS)
    pytester.makeconftest(CONFTEST)
    return pytester


def test_without_the_option_nothing_is_checked_and_nothing_is_imported(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    assert result_lines(result) == ["LOADED []", "RESULT accepted"]


def test_the_command_line_option_turns_it_on(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-s", "--bgtyped-check-types")
    result.assert_outcomes(passed=1)
    assert result_lines(result) == [
        "LOADED ['beartype']",
        "RESULT refused: notify() argument 'user_id' must be int, got str: 'not-an-int'",
    ]


def test_the_ini_option_turns_it_on(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nbgtyped_check_types = true\n")
    result = project.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    assert result_lines(result) == [
        "LOADED ['beartype']",
        "RESULT refused: notify() argument 'user_id' must be int, got str: 'not-an-int'",
    ]


def test_the_option_is_listed_in_help(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--help")
    assert any("--bgtyped-check-types" in line for line in result.outlines)
