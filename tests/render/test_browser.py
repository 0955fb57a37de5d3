"""The notebook view and the report in a real browser: headless Chromium renders them, takes
screenshots and prints the report to A4 PDF, and poppler reads the PDF back.

Needs the distribution's packages (``apt-get install chromium poppler-utils fonts-noto-cjk``);
without them these tests skip. Set ``AIVOUCHER_SCREENSHOTS=docs/screenshots`` to write the
screenshots there (they are in the repository); otherwise they go to a temporary directory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

import aivoucher
from aivoucher.render.report import report_html

INSTALL = "apt-get install chromium poppler-utils fonts-noto-cjk"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
AS_OF = "2025-06-30"
NAMES = {"zh": "训力券", "en": "Training-compute voucher"}


def _require() -> str:
    tools = ("pdftotext", "pdfinfo", "pdftoppm", "fc-list")
    missing = [t for t in tools if shutil.which(t) is None]
    if CHROMIUM is None:
        missing.insert(0, "chromium")
    if missing:
        pytest.skip(f"{', '.join(missing)} not found; to run the browser tests: {INSTALL}")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    if not fonts.stdout.strip():
        pytest.skip(f"no Chinese font installed; to run the browser tests: {INSTALL}")
    assert CHROMIUM is not None
    return CHROMIUM


def _browser(tmp_path: Path, url: str, *args: str) -> None:
    chromium = _require()
    profile = tmp_path / f"chromium-{len(list(tmp_path.iterdir()))}"
    subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True,
        timeout=300,
        check=False,
    )


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("AIVOUCHER_SCREENSHOTS") or tmp_path)
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(tmp_path: Path, page: Path, name: str, size: str) -> Path:
    out = _folder(tmp_path) / name
    out.unlink(missing_ok=True)
    _browser(tmp_path, page.as_uri(), f"--window-size={size}", f"--screenshot={out}")
    assert out.is_file() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"no screenshot {out}"
    return out


def print_pdf(tmp_path: Path, page: Path) -> Path:
    out = tmp_path / (page.stem + ".pdf")
    _browser(tmp_path, page.as_uri(), "--no-pdf-header-footer", f"--print-to-pdf={out}")
    assert out.is_file() and out.read_bytes()[:5] == b"%PDF-", "Chromium printed no PDF"
    return out


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def quickstart() -> aivoucher.Estimate:
    profile = aivoucher.load_profile(ROOT / "examples" / "profiles" / "shenzhen-startup.yaml")
    return aivoucher.estimate(profile, as_of=AS_OF)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_report_prints_to_a4(tmp_path: Path, locale: str) -> None:
    _require()
    est = quickstart()
    page = tmp_path / f"report-{locale}.html"
    page.write_text(report_html(est, locale, today=dt.date(2025, 6, 30)), encoding="utf-8")
    screenshot(tmp_path, page, f"report-{locale}.png", "1000,1600")
    pdf = print_pdf(tmp_path, page)
    info = pdf_info(pdf)
    assert "(A4)" in info["Page size"], info["Page size"]
    pages = int(info["Pages"])
    assert 2 <= pages <= 3, pages  # summary and chart, details, notes
    # The printed pages as images, beside the screenshots.
    stem = _folder(tmp_path) / f"report-{locale}-page"
    for old in stem.parent.glob(f"{stem.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(stem)], check=True, timeout=120)
    assert len(list(stem.parent.glob(f"{stem.name}-*.png"))) >= pages
    text = _bare(pdf_text(pdf))
    assert "480万" in text
    assert _bare(NAMES[locale]) in text
    award = est.award("shenzhen.training-compute")
    for _, cites in ((s, s.cites) for s in award.steps):
        for source_id, quote in cites:
            source = award.program.source(source_id)
            assert _bare(quote) in text, quote
            assert _bare(source.title) in text
            assert source.url is None or _bare(source.url) in text
    assert ("2025-06-30" in text) and (("免责声明" in text) or ("Disclaimer" in text))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_notebook_view_renders(tmp_path: Path, locale: str) -> None:
    _require()
    est = quickstart()
    view = est.to_html(locale=locale)
    # Open the first counted award's trace, as a reader would.
    trace = view.index("<details", view.index({"zh": "计入合计（", "en": "Counted ("}[locale]))
    view = view[:trace] + "<details open" + view[trace + len("<details") :]
    page = tmp_path / f"notebook-{locale}.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:24px;background:#fff">{view}</body></html>',
        encoding="utf-8",
    )
    screenshot(tmp_path, page, f"notebook-{locale}.png", "1100,1150")
    text = _bare(pdf_text(print_pdf(tmp_path, page)))
    assert "480万" in text and _bare(NAMES[locale]) in text
    headers = {"zh": ("项目", "金额", "补贴比例", "触及的上限"), "en": ("Program", "Award", "Rate")}
    assert all(h in text for h in headers[locale])


def where_plan() -> aivoucher.Comparison:
    from aivoucher.base.documents import PROFILE_LIMITS, load_document

    plan = load_document(str(ROOT / "examples" / "plans" / "plan-2027.yaml"), PROFILE_LIMITS)
    assert isinstance(plan, dict)
    return aivoucher.compare(plan, as_of="2026-12-07")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_where_to_register_prints_to_a4(tmp_path: Path, locale: str) -> None:
    _require()
    comparison = where_plan()
    page = tmp_path / f"where-{locale}.html"
    html = comparison.to_report_html(locale=locale, today=dt.date(2026, 12, 7))
    page.write_text(html, encoding="utf-8")
    screenshot(tmp_path, page, f"where-{locale}.png", "1000,1800")
    pdf = print_pdf(tmp_path, page)
    info = pdf_info(pdf)
    assert "(A4)" in info["Page size"], info["Page size"]
    pages = int(info["Pages"])
    assert 2 <= pages <= 8, pages
    stem = _folder(tmp_path) / f"where-{locale}-page"
    for old in stem.parent.glob(f"{stem.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(stem)], check=True, timeout=120)
    text = _bare(pdf_text(pdf))
    # the ranking, Shenzhen's renewal with its end, and every leading place's section
    for row in comparison.rows[:3]:
        assert _bare(row.place.text(locale)) in text
    assert "480万" in text and "2026-12-17" in text
    words = {"zh": ("尚需确认", "申报准备", "免责声明"), "en": ("Whattofindout", "Disclaimer")}
    assert all(w in text for w in words[locale])


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_comparison_notebook_view_renders(tmp_path: Path, locale: str) -> None:
    _require()
    from aivoucher.render.comparison import render_comparison_html

    view = render_comparison_html(where_plan(), locale)
    page = tmp_path / f"compare-{locale}.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:24px;background:#fff">{view}</body></html>',
        encoding="utf-8",
    )
    screenshot(tmp_path, page, f"compare-{locale}.png", "1200,1100")
    text = _bare(pdf_text(print_pdf(tmp_path, page)))
    assert "480万" in text
    assert ("若续期" if locale == "zh" else "Ifrenewed") in text
