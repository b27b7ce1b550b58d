"""The HTML report opened in a real browser (headless Chromium): drawn, and saying the numbers.

`.ci/run` installs Debian's chromium when it is missing; where no browser is
available these tests are skipped, and pytest's summary (-ra) prints why.
"""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
from test_report import (  # noqa: E402
    IMG,
    SCRIPT,
    Page,
    expected_headline,
    headline_rows,
    hostile_portfolio,
)

import forecast  # noqa: E402
from forecast.present.report import plan_report, write_report

TIMEOUT = 120  # seconds for one browser run; a cold start takes about one
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_browser():
    found = os.environ.get("FORECAST_CHROMIUM") or shutil.which("chromium")
    if not found and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if not found:
        pytest.skip("no chromium browser found (install it: apt-get install -y "
                    "--no-install-recommends chromium; .ci/run does so)")
    return found


def run_browser(browser, tmp_path, page, *action):
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()]
    done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def screenshot(browser, tmp_path, page, height=2000):
    shot = tmp_path / f"{page.stem}.png"
    run_browser(browser, tmp_path, page, f"--screenshot={shot}", f"--window-size=1280,{height}")
    keep = os.environ.get("FORECAST_SCREENSHOT_DIR")  # to look at it after the run
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)
    return matplotlib.image.imread(shot)


def assert_drawn(pixels, height=2000):
    assert pixels.shape[:2] == (height, 1280)
    rgb = np.round(pixels[..., :3] * 255).astype(np.int64)
    non_white = np.any(rgb < 245, axis=-1).mean()
    colours = np.unique(rgb[..., 0] * 65536 + rgb[..., 1] * 256 + rgb[..., 2]).size
    assert non_white > 0.08, f"only {non_white:.1%} of the page is drawn"
    assert colours > 500, f"only {colours} distinct colours: charts missing?"
    # status colours of the headline and the charts are on screen: green, amber and red
    for r, g, b in ((26, 152, 80), (253, 174, 97), (215, 48, 39)):
        near = np.abs(rgb - [r, g, b]).sum(axis=-1) < 40
        assert near.sum() > 50, (r, g, b)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    result = forecast.plan("examples/portfolio.toml")
    page = write_report(plan_report(result, now=dt.datetime(2024, 6, 3, tzinfo=dt.UTC)),
                        folder / "plan.html")
    return result, page


def test_browser_draws_the_report_and_shows_the_headline(example, tmp_path):
    browser = find_browser()
    result, page = example
    assert_drawn(screenshot(browser, tmp_path, page))
    dom = Page(run_browser(browser, tmp_path, page, "--dump-dom"))
    rows = headline_rows(dom)
    for name, (p85, chance) in expected_headline(result).items():
        assert rows[name]["P85"] == p85, name
        assert rows[name]["Chance"] == chance, name
    words = dom.all_text()
    assert f"{result.joint_probability():.1%} chance that all 4 outcomes" in words
    images = [a for t, a in dom.tags if t == "img"]
    assert len(images) >= 4 and all(a["src"].startswith("data:image/png") for a in images)


def test_browser_shows_hostile_names_as_text(tmp_path):
    browser = find_browser()
    result = forecast.plan(hostile_portfolio(tmp_path))
    page = write_report(plan_report(result, backtest=False), tmp_path / "hostile.html")
    dom = Page(run_browser(browser, tmp_path, page, "--dump-dom"))
    assert set(headline_rows(dom)) == {SCRIPT, IMG}  # text, as typed
    assert not any(t == "script" for t, _ in dom.tags)
    assert all(a["src"].startswith("data:image/png") for t, a in dom.tags if t == "img")
    assert not any(k.startswith("on") for _, a in dom.tags for k in a)
