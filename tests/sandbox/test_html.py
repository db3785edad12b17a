"""Telegram's HTML parse mode, loosely modelled: plain text, entities in UTF-16 units, Telegram's errors."""

from __future__ import annotations

import pytest

from sandbox.html import HtmlParseError, parse_html, utf16_len


def test_tags_become_entities_and_vanish_from_the_text() -> None:
    text, entities = parse_html('<b>项目</b> <a href="https://x.cn">链接</a> <i>斜</i>')
    assert text == "项目 链接 斜"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "url": "https://x.cn", "offset": 3, "length": 2},
        {"type": "italic", "offset": 6, "length": 1},
    ]


def test_offsets_count_utf16_units_so_emoji_take_two() -> None:
    text, entities = parse_html("😀<b>好</b>")
    assert utf16_len("😀") == 2
    assert (text, entities) == ("😀好", [{"type": "bold", "offset": 2, "length": 1}])


def test_the_four_named_entities_and_numeric_ones_are_decoded() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#20013;&#x6587;&nbsp;")[0] == '<>&"中文&nbsp;'


def test_nested_tags_and_code_blocks_with_a_language() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre><b><u>重</u></b>')
    assert text == "x = 1重"
    assert {"type": "pre", "language": "python", "offset": 0, "length": 5} in entities
    assert {"type": "underline", "offset": 5, "length": 1} in entities


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>未闭合", 'Can\'t find end tag corresponding to start tag "b"'),
        ("多余</b>", "Unexpected end tag at byte offset 6"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("a <script>", 'Unsupported start tag "script" at byte offset 2'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_bad_markup_is_refused_with_telegrams_wording(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as raised:
        parse_html(source)
    assert str(raised.value) == message
