"""The lab suites run for many minutes in a QEMU guest, where a timeout kills
pytest before its final report: each failure is shown as soon as it happens."""

from __future__ import annotations

from typing import Optional

import pytest

_config: Optional[pytest.Config] = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config
    config.addinivalue_line("markers", "slow: minutes under TCG; CI runs -m 'not slow'")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    reporter = _config.pluginmanager.getplugin("terminalreporter") if _config else None
    if report.failed and reporter is not None:
        reporter.write_line(f"\n--- {report.nodeid} failed ({report.when}):")
        reporter.write_line(report.longreprtext)
