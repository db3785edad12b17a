"""What a person typed, shown back: escaped exactly once, cut to a length a reply can hold."""

from __future__ import annotations

from markupsafe import Markup

from bot.i18n import make_i18n
from bot.render import render
from bot.texts import QUOTE_MAX, alert, error_text, quote
from domain.answers import AnswerError
from domain.form import FORM_FIELDS


def test_quote_escapes_once_and_a_template_does_not_escape_it_again() -> None:
    quoted = quote("a<b&c")
    assert quoted == "a&lt;b&amp;c" and isinstance(quoted, Markup)
    assert quote(quoted) == "a&amp;lt;b&amp;amp;c"  # a plain string is escaped: quote() is for raw input only
    assert Markup("「{raw}」").format(raw=quoted) == "「a&lt;b&amp;c」"


def test_quote_cuts_long_input_before_escaping_so_no_entity_is_split() -> None:
    quoted = quote("&" * 4096)
    assert quoted == "&amp;" * (QUOTE_MAX - 1) + "…"
    assert quote("短") == "短"


def test_a_bad_answer_is_escaped_once_in_the_question_that_repeats_it() -> None:
    i18n = make_i18n()
    spec = next(spec for spec in FORM_FIELDS if spec.name == "total_investment")
    with i18n.context(), i18n.use_locale("zh"):
        problem = error_text(AnswerError(spec, "a<b&c" + "<" * 4096))
        shown = render("tasks_question.j2", problem=problem, mention="", question="问", hint="")
    assert "「a&lt;b&amp;c&lt;" in shown and "&amp;lt;" not in shown
    assert len(problem) < 500


def test_an_alert_is_plain_text_within_telegrams_200_characters() -> None:
    assert alert("「a&lt;b&amp;c」<b>不对</b>") == "「a<b&c」不对"
    assert len(alert("很长" * 500)) == 200
