"""The HTML report: one well-formed, self-contained file that escapes everything."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from photo_score.recommendations import personality_from_records, render_html
from tests.recommendations.conftest import make_records

VOID = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "wbr", "source"}
EVIL = '<script>alert("x")</script>'
EVIL_ATTR = '"><img src=https://evil.example/x.png onerror=alert(1)>'


class Checker(HTMLParser):
    """Balanced tags, and every element and URL-bearing attribute recorded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data") or name.startswith("on"):
                self.urls.append(f"{name}={value}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") or name.startswith("on"):
                self.urls.append(f"{name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _profile_with_evil_strings() -> Any:
    def feats(i: int) -> dict[str, Any]:
        planted = i % 6 == 0
        return {
            "lighting": EVIL if planted else "natural_soft",
            "background": EVIL_ATTR if planted else "clean",
            "scene_type": ["portrait", "landscape", "street"][i % 3],
            "subject_position": "center",
        }

    def attrs(i: int, a: dict[str, float]) -> dict[str, float]:
        return {k: min(1.0, v + 0.25) for k, v in a.items()} if i % 6 == 0 else a

    records = make_records(
        240,
        features=feats,
        attributes=attrs,
        measurements=lambda i: {"luma_p50": 50.0 + i % 100},
        capture_time=lambda i: f"2024-{i % 6 + 1:02d}-03T10:00:00",
    )
    return personality_from_records(records)


def test_html_is_well_formed_self_contained_and_escaped() -> None:
    profile = _profile_with_evil_strings()
    assert any(t.key == f"lighting={EVIL}" for t in profile.score_distribution.top_traits)
    page = render_html(profile)
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    # Self-contained: no script, no external stylesheet, no URL-bearing attribute at all.
    assert "script" not in checker.tags
    assert "link" not in checker.tags
    assert "img" not in checker.tags
    assert checker.urls == []
    assert "http://" not in page
    assert "https://" not in page.replace("https://evil.example", "")
    # The hostile strings arrive as text, escaped, never as markup.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script" not in page
    text = "".join(checker.text)
    assert 'lighting: <script>alert("x")</script>' in text
    # Charts: histogram, attributes, five style sliders, subjects, trend.
    assert checker.tags.count("svg") >= 9
    assert "polyline" in checker.tags
    assert "Strengths to build on" in text
    assert profile.summary in text


def test_html_for_thin_data_still_renders_and_says_so() -> None:
    page = render_html(personality_from_records(make_records(4)))
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert "No recommendation yet" in page
    assert "too few for any confident claim" in page


def test_html_for_an_empty_collection() -> None:
    page = render_html(personality_from_records([]))
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert "No scored photos yet" in page
