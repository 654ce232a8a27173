"""The documentation site, checked in a real browser: headless Chromium screenshots of the
landing page, of a guide, of a paper's page (generated at build time) and of one API page
(after ``sphinx-build -W -b html docs docs/_build/html``; ``.ci/run`` builds it and installs
Debian's chromium first)."""

import shutil
import subprocess

import numpy as np
import pytest
from conftest import ROOT

SITE = ROOT / "docs" / "_build" / "html"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file() or CHROMIUM is None,
    reason="no built documentation site or no chromium: .ci/run builds the site (the README's "
    "docs command) and installs Debian's chromium",
)


def screenshot(page, path):
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={path.parent / 'profile'}", "--hide-scrollbars",
         "--window-size=1280,900", f"--screenshot={path}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    from matplotlib.image import imread

    return imread(path)


@pytest.mark.parametrize(
    "page, words",
    [
        ("index.html", ["hwiloc", "Guides", "Bring your own model", "Examples", "Papers"]),
        ("guides/model.html", ["Bring your own model", "mcrb", "GaussianNoise"]),
        ("papers/zhang2025.html", ["zhang2025", "Figures and tables", "Claims", "Open points"]),
        ("generated/hwiloc.bounds.generic.html", ["crb", "mcrb", "ModelError"]),
    ],
)
def test_a_page_renders_in_chromium(tmp_path, page, words):
    html = (SITE / page).read_text()
    assert all(w in html for w in words)
    image = screenshot(SITE / page, tmp_path / "page.png")
    ink = np.mean(np.any(image[..., :3] < 0.8, axis=-1))  # pixels that are not near white
    assert image.shape[0] >= 800 and image.shape[1] >= 1200
    assert 0.01 < ink < 0.6, f"{page}: {ink:.1%} of the screenshot is drawn"
    shutil.copy(tmp_path / "page.png", SITE.parent / f"screenshot_{page.replace('/', '_')}.png")
