"""The HTML report in a real browser: headless Chromium loads it and every image decodes.

The report contains no script (its Content-Security-Policy forbids them). The test loads
a copy of the page whose policy additionally allows one inline checker script, which runs
after the load event (which waits for every image) and writes into the DOM whether each
image decoded (``naturalWidth > 0``); ``--dump-dom`` prints it.
Locally the test skips when no Chromium is installed; with ``CI=true`` (``.ci/run``
installs Debian's ``chromium``) a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

import statlogit as sl

CHECKER = """<script>
window.addEventListener("load", () => {
  // the load event waits for every image; a broken one is complete with naturalWidth 0
  const imgs = Array.from(document.images);
  const bad = imgs.filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0)).map(img => img.alt);
  const out = document.createElement("pre");
  out.id = "sl-check";
  out.textContent = JSON.stringify({images: imgs.length, bad: bad, sections: document.querySelectorAll("section").length,
                                    width: document.documentElement.scrollWidth, viewport: window.innerWidth});
  document.body.appendChild(out);
});
</script>"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium on PATH: .ci/run installs Debian's chromium with apt-get")
        pytest.skip("headless Chromium not installed (apt-get install chromium); required when CI=true")
    return path


def _run(browser: str, tmp_path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    res = sl.logit("diabetes ~ glucose + mass + age", data=sl.datasets.load_pima())
    html = res.report(units={"glucose": 10}).to_html()
    assert "<script" not in html
    return html


def test_report_loads_and_every_image_decodes(browser, page, tmp_path):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    checked = page.replace(csp, csp.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';"))
    checked = checked.replace("</body>", CHECKER + "\n</body>")
    target = tmp_path / "report.html"
    target.write_text(checked, encoding="utf-8")
    proc = _run(browser, tmp_path, target.as_uri(), "--virtual-time-budget=10000", "--window-size=390,800",
                "--dump-dom")
    m = re.search(r'<pre id="sl-check">(.*?)</pre>', proc.stdout, flags=re.S)
    assert m, f"the page did not finish loading in Chromium (rc={proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(m.group(1).replace("&quot;", '"'))
    assert result["images"] == 6 and result["bad"] == [], result
    # every section the HTML holds is rendered (the report grows sections, e.g. term tests)
    assert result["sections"] == page.count("<section") >= 5, result
    # narrow window (headless Chromium's minimum is about 500 px; the phone layout applies below
    # 640 px): the page itself does not scroll sideways, wide tables scroll inside their box
    assert result["viewport"] < 640 and result["width"] <= result["viewport"], result


def test_report_without_scripts_renders_to_a_screenshot(browser, page, tmp_path):
    target = tmp_path / "report.html"
    target.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    proc = _run(browser, tmp_path, target.as_uri(), f"--screenshot={shot}", "--window-size=1000,3000",
                "--hide-scrollbars")
    assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
