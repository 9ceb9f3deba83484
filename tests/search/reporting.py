"""Lines that tests/search want shown in pytest's terminal summary (see conftest.pytest_terminal_summary)."""

import pytest

REPORT_KEY = pytest.StashKey[list]()


def report(config, line: str) -> None:
    config.stash.setdefault(REPORT_KEY, []).append(line)
