"""Portfolio validation at 10,000 outcomes: reading and checking a TOML, and the checks alone.

The portfolio (one team, the example history) has 10,000 outcomes listed in
reverse dependency order: ``o9999`` depends on ``o9998`` ... on ``o0`` (the
chain that used to exhaust the recursion limit), and every tenth outcome also
depends on the outcome 50 before it, so the cycle search meets shared
prerequisites too. Nothing here asserts a time.

- ``validate_read_10000``: :func:`forecast.read_portfolio` of the file (TOML
  parsing, every key's type, the history read once, the checks);
- ``validate_check_10000``: :func:`forecast.io.portfolio_checks.check_portfolio`
  on the Portfolio read (names, references, sizes, the dependency cycle search);
- ``validate_cycle_10000``: the same portfolio with one dependency closing a
  cycle through all 10,000 outcomes, until the one-line error.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

import forecast
from forecast.exceptions import DataError
from forecast.io.portfolio_checks import check_portfolio

N = 10_000


def _toml(n: int) -> str:
    rows = ['start = 2024-06-03\n\n[[team]]\nname = "web"\nhistory = "team.csv"\n'
            'method = "daily"\nwindow = 90\n']
    for i in reversed(range(n)):
        deps = [f'"o{i - 1}"'] if i > 0 else []
        if i % 10 == 0 and i >= 50:
            deps.append(f'"o{i - 50}"')
        dep = f"depends_on = [{', '.join(deps)}]\n" if deps else ""
        rows.append(f'[[outcome]]\nname = "o{i}"\nitems = 3\n{dep}')
    return "\n".join(rows)


@pytest.fixture(scope="module")
def portfolio_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("validation")
    shutil.copy(ROOT / "examples" / "team.csv", folder / "team.csv")
    path = folder / "chain.toml"
    path.write_text(_toml(N), encoding="utf-8")
    return path


def test_validate_read(benchmark, portfolio_file, rate):
    benchmark.group = f"portfolio validation: {N:,} outcomes"
    portfolio = benchmark.pedantic(forecast.read_portfolio, args=(portfolio_file,),
                                   rounds=3, iterations=1, warmup_rounds=1)
    assert len(portfolio.outcomes) == N
    rate(benchmark, f"validate_read_{N}", None, None, outcomes=N)


def test_validate_check(benchmark, portfolio_file, rate):
    benchmark.group = f"portfolio validation: {N:,} outcomes"
    portfolio = forecast.read_portfolio(portfolio_file)
    benchmark.pedantic(check_portfolio, args=(portfolio,), rounds=10, iterations=1,
                       warmup_rounds=1)
    rate(benchmark, f"validate_check_{N}", None, None, outcomes=N)


def test_validate_cycle(benchmark, portfolio_file, rate):
    benchmark.group = f"portfolio validation: {N:,} outcomes"
    portfolio = forecast.read_portfolio(portfolio_file)
    first = portfolio.outcomes[-1]  # o0
    closed = dataclasses.replace(first, depends_on=(f"o{N - 1}",))
    cyclic = dataclasses.replace(portfolio, outcomes=(*portfolio.outcomes[:-1], closed))

    def refused() -> str:
        try:
            check_portfolio(cyclic)
        except DataError as exc:
            return str(exc)
        return ""

    message = benchmark.pedantic(refused, rounds=10, iterations=1, warmup_rounds=1)
    assert f"dependency cycle ({N:,} outcomes)" in message
    rate(benchmark, f"validate_cycle_{N}", None, None, outcomes=N)
