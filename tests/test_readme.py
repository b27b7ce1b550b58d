"""The README's examples say what the program really prints."""

import pathlib
import re
import shlex

from click.testing import CliRunner

from forecast.cli.app import cli

README = (pathlib.Path(__file__).parents[1] / "README.md").read_text()


def console_blocks():
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        command, *output = block.splitlines()
        yield command.removeprefix("$ "), output


def test_console_examples_match_the_program():
    checked = 0
    for command, expected in console_blocks():
        args = shlex.split(command)
        if args[0] != "forecast" or not pathlib.Path(args[2]).exists():
            continue
        result = CliRunner().invoke(cli, args[1:], prog_name="forecast")
        got = result.output.splitlines()
        if "  ..." in expected:  # an abridged block: its head and its tail must match
            cut = expected.index("  ...")
            assert got[:cut] == expected[:cut]
            assert got[len(got) - (len(expected) - cut - 1):] == expected[cut + 1:]
        else:
            assert got == expected
        checked += 1
    assert checked == 4


def test_python_example_values():
    import forecast

    history = forecast.read_history("examples/team.csv", holidays="GB")
    f = forecast.when(history, 40, start="2024-06-03", target="2024-07-15")
    assert "datetime.date(2024, 7, 10)" in README
    assert f.percentile(85).date.isoformat() == "2024-07-10"
    assert "# 0.9038" in README and f"{f.likelihood('2024-07-15'):.4f}" == "0.9038"
    assert "'weighted': what auto chose" in README and f.method == "weighted"


def test_portfolio_joint_claim():
    import numpy as np

    import forecast

    r = forecast.plan("examples/portfolio.toml")
    product = np.prod([r.probability(n) for n in r.names if r.probability(n) is not None])
    assert f"would give {product:.1%}" in README
    assert f"The joint {r.joint_probability():.1%} is read" in README
