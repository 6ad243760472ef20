"""The ratio chart macro (templates/_components/charts.html): well-formed SVG (parsed with
xml.etree) drawn from plain data with no request, two step lines, a band per non-compliant day,
date labels and counts on the axes, and nothing the CSP forbids (no script, no style attribute)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from backend.core.i18n import gettext as zh
from backend.core.web import make_environment

SVG = "{http://www.w3.org/2000/svg}"


def render(days, **sizes) -> str:
    template = make_environment().from_string(
        '{% from "_components/charts.html" import ratio_chart %}{{ ratio_chart(days, **sizes) }}'
    )
    return template.render(days=days, sizes=sizes)


def series(count: int, breaches: set[int]) -> list[dict]:
    start = date(2026, 9, 1)
    return [
        {
            "date": start + timedelta(days=index),
            "staff": 3 if index in breaches else 5,
            "required_staff": 4,
            "compliant": index not in breaches,
        }
        for index in range(count)
    ]


def test_the_chart_is_well_formed_svg_with_both_lines_and_the_breaches():
    days = series(30, {4, 5, 17})
    text = render(days, width=600, height=200)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 600 200"
    paths = {path.get("class"): path.get("d") for path in root.iter(f"{SVG}path")}
    assert set(paths) == {"staff-line", "required-line"}
    # a step line: one horizontal segment per day, a vertical move where the count changes
    assert paths["staff-line"].count("H") == 30 and paths["required-line"].count("H") == 30
    assert paths["staff-line"].startswith("M34 ")
    bands = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "breach"]
    assert [band.get("data-date") for band in bands] == ["2026-09-05", "2026-09-06", "2026-09-18"]
    labels = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "x-label"]
    assert labels[-1] == "09-30" and 4 <= len(labels) <= 6  # counted back from the last day
    counts = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "y-label"]
    assert counts == ["0", "1", "2", "3", "4", "5"]
    assert root.find(f"{SVG}title").text.endswith(
        ": " + zh("{days} days, {breaches} below the ratio").format(days=30, breaches=3)
    )


def test_the_lines_follow_the_numbers():
    """The staff line sits lower (a larger y) on the days with fewer staff."""
    days = series(3, {1})
    root = ET.fromstring(render(days, width=344, height=200))
    d = next(path.get("d") for path in root.iter(f"{SVG}path") if path.get("class") == "staff-line")
    # plot 300 wide from x=34 (100 a day), 144 high from y=26, counts up to 5: 3 staff is y=83.6
    assert d == "M34 26.0 H134.0 V83.6 H234.0 V26.0 H334.0"


def test_nothing_the_csp_forbids_and_iso_text_dates_work():
    days = [dict(day, date=day["date"].isoformat()) for day in series(10, {2})]
    text = render(days)
    assert "<script" not in text and "style=" not in text
    root = ET.fromstring(text)
    assert root.get("width") == "720"
    assert [rect.get("data-date") for rect in root.iter(f"{SVG}rect") if rect.get("class") == "breach"] == ["2026-09-03"]


def test_no_days_is_still_a_chart():
    root = ET.fromstring(render([]))
    assert [text.get("class") for text in root.iter(f"{SVG}text")][0] == "empty"
    assert not list(root.iter(f"{SVG}path"))


def label_boxes(root, font_size: float) -> list[tuple[float, float]]:
    """Each date label's horizontal extent: "MM-DD" is five characters, counted generously at
    0.6 em each (digits in a sans-serif font are about 0.55 em)."""
    width = 5 * 0.6 * font_size
    boxes = []
    for text in root.iter(f"{SVG}text"):
        if text.get("class") == "x-label":
            x = float(text.get("x"))
            boxes.append((x - width, x) if text.get("text-anchor") == "end" else (x - width / 2, x + width / 2))
    return boxes


def test_the_date_labels_never_overlap_at_any_width():
    """The narrow copy of the home page (360 wide, 12 px text: "11-1812-02" before) and the wide
    one, for any number of days: the labels keep apart and inside the picture, the last day is
    labelled, and the narrow chart has fewer labels than the wide one."""
    for width, font_size in ((360, 12), (720, 11), (300, 12)):
        for count in (1, 2, 7, 30, 31, 60, 89, 90, 120):
            root = ET.fromstring(render(series(count, set()), width=width, height=240, font_size=font_size))
            boxes = label_boxes(root, font_size)
            assert boxes, (width, count)
            assert all(a[1] + 2 <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), (width, count, boxes)
            assert boxes[0][0] >= 0 and boxes[-1][1] <= width, (width, count, boxes)
            ticks = [line for line in root.iter(f"{SVG}line") if line.get("class") == "x-tick"]
            assert len(ticks) == len(boxes) <= 6
            labels = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "x-label"]
            assert labels[-1] == (date(2026, 9, 1) + timedelta(days=count - 1)).strftime("%m-%d")
    narrow = label_boxes(ET.fromstring(render(series(90, set()), width=360, height=240, font_size=12)), 12)
    wide = label_boxes(ET.fromstring(render(series(90, set()), width=720, height=240)), 11)
    assert 3 <= len(narrow) < len(wide) == 6
