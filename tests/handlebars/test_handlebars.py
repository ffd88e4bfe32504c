"""The Handlebars engine: Handlebars output for what it supports, SES strictness on top."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openses import handlebars
from openses.handlebars import MissingAttribute, TemplateSyntaxError, escape_html


def render(source: str, data: object, *, escape: bool = True) -> str:
    return handlebars.compile(source).render(data, escape=escape)


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("Hello {{name}}!", {"name": "Ana"}, "Hello Ana!"),
        ("{{ name }}", {"name": "spaced"}, "spaced"),
        ("{{contact.first}} {{contact.last}}", {"contact": {"first": "A", "last": "B"}}, "A B"),
        ("{{a.b.c}}", {"a": {"b": {"c": "deep"}}}, "deep"),
        ("{{a/b}}", {"a": {"b": "slash"}}, "slash"),
        ("{{[odd key]}}", {"odd key": "x"}, "x"),
        ("{{a.missing}}", {"a": {}}, ""),
        ("{{items.1}}", {"items": ["x", "y"]}, "y"),
        ("{{items.length}}", {"items": ["x", "y"]}, "2"),
        (
            "{{n}} {{f}} {{g}} {{t}} {{z}}",
            {"n": 3, "f": 1.5, "g": 2.0, "t": True, "z": None},
            "3 1.5 2 true ",
        ),
        ("{{list}}", {"list": [1, "a", None]}, "1,a,"),
        ("{{obj}}", {"obj": {"a": 1}}, "[object Object]"),
        ("{{this.name}}", {"name": "explicit"}, "explicit"),
        ("{{{html}}} {{&html}}", {"html": "<b>"}, "<b> <b>"),
        (
            "{{html}}",
            {"html": "<a href=\"x\">'&'`=</a>"},
            "&lt;a href&#x3D;&quot;x&quot;&gt;&#x27;&amp;&#x27;&#x60;&#x3D;&lt;/a&gt;",
        ),
        ("\\{{name}}", {}, "{{name}}"),
        ("a{{! comment }}b{{!-- has }} inside --}}c", {}, "abc"),
    ],
)
def test_expressions(source: str, data: object, expected: str) -> None:
    assert render(source, data) == expected


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": True}, "yes"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": 0}, "no"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": ""}, "no"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": []}, "no"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": {}}, "yes"),
        ("{{#if a}}yes{{else}}no{{/if}}", {}, "no"),
        ("{{#if a.b}}yes{{^}}no{{/if}}", {"a": {"b": "x"}}, "yes"),
        ("{{#if a includeZero=true}}yes{{else}}no{{/if}}", {"a": 0}, "yes"),
        ("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", {"b": 1}, "B"),
        ("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", {}, "C"),
        ("{{#unless a}}off{{else}}on{{/unless}}", {"a": False}, "off"),
        ("{{#unless a}}off{{else}}on{{/unless}}", {"a": "x"}, "on"),
        ("{{#unless missing}}absent{{/unless}}", {}, "absent"),
        (
            "{{#each xs}}{{@index}}={{this}}{{#if @first}}^{{/if}}{{#if @last}}${{/if}} {{/each}}",
            {"xs": ["a", "b", "c"]},
            "0=a^ 1=b 2=c$ ",
        ),
        ("{{#each xs}}{{name}}/{{../top}} {{/each}}", {"xs": [{"name": "n"}], "top": "T"}, "n/T "),
        ("{{#each o}}{{@key}}:{{this}};{{/each}}", {"o": {"a": 1, "b": 2}}, "a:1;b:2;"),
        ("{{#each xs}}x{{else}}empty{{/each}}", {"xs": []}, "empty"),
        ("{{#each missing}}x{{else}}empty{{/each}}", {}, "empty"),
        (
            "{{#each xs}}{{#each this}}{{../../t}}{{this}}{{/each}}{{/each}}",
            {"xs": [[1, 2]], "t": "-"},
            "-1-2",
        ),
        ("{{#each xs}}{{@root.t}}{{/each}}", {"xs": [1], "t": "r"}, "r"),
        ("{{#with c}}{{first}} {{../n}}{{/with}}", {"c": {"first": "F"}, "n": "N"}, "F N"),
        ("{{#with c}}x{{else}}none{{/with}}", {}, "none"),
        ("{{#section}}[{{v}}]{{/section}}", {"section": [{"v": 1}, {"v": 2}]}, "[1][2]"),
        ("{{#section}}on{{/section}}", {"section": True}, "on"),
        ("{{#section}}on{{else}}off{{/section}}", {"section": False}, "off"),
        ("{{^section}}empty{{/section}}", {}, "empty"),
        (
            '{{#*inline "p"}}<{{v}}>{{/inline}}{{#each xs}}{{> p}}{{/each}}',
            {"xs": [{"v": 1}]},
            "<1>",
        ),
        ('{{#*inline "p"}}<{{v}}>{{/inline}}{{> p c}}', {"c": {"v": 2}}, "<2>"),
    ],
)
def test_blocks(source: str, data: object, expected: str) -> None:
    assert render(source, data) == expected


def test_standalone_block_lines_disappear() -> None:
    source = "<ul>\n  {{#each xs}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>\n"
    assert render(source, {"xs": [1, 2]}) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n"


def test_standalone_if_else_lines_disappear() -> None:
    source = "A\n{{#if x}}\nyes\n{{else}}\nno\n{{/if}}\nB"
    assert render(source, {"x": False}) == "A\nno\nB"


def test_tilde_strips_whitespace() -> None:
    assert render("a \n {{~x~}} \n b", {"x": "X"}) == "aXb"
    assert render("{{#if x ~}}  yes  {{~/if}}", {"x": 1}) == "yes"


def test_escape_can_be_switched_off() -> None:
    assert render("{{v}}", {"v": "<b>&</b>"}, escape=False) == "<b>&</b>"


def test_missing_top_level_attribute() -> None:
    with pytest.raises(MissingAttribute) as caught:
        render("Hi {{name}}", {"other": 1})
    assert caught.value.name == "name"
    assert str(caught.value) == "Attribute 'name' is not present in the rendering data."


def test_missing_first_segment_of_a_path() -> None:
    with pytest.raises(MissingAttribute) as caught:
        render("{{contact.name}}", {})
    assert caught.value.name == "contact"


def test_missing_inside_a_conditional_body_is_still_missing() -> None:
    with pytest.raises(MissingAttribute):
        render("{{#if a}}{{b}}{{/if}}", {"a": True})


def test_a_block_that_is_not_a_helper_needs_its_attribute() -> None:
    """SES answered ``Attribute 'IF' is not present`` for an upper-cased ``{{#IF x}}``."""
    with pytest.raises(MissingAttribute) as caught:
        render("{{#IF firstName}}x{{/IF}}", {"firstName": "A"})
    assert caught.value.name == "IF"


def test_missing_inside_each_item_renders_empty() -> None:
    assert render("{{#each xs}}[{{name}}]{{/each}}", {"xs": [{}]}) == "[]"


def test_a_null_value_is_present() -> None:
    assert render("[{{v}}]", {"v": None}) == "[]"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{#if a}}open", "Unclosed block '{{#if}}' opened on line 1."),
        ("x\n{{/if}}", "Unexpected {{/if}} on line 2."),
        ("{{#if a}}{{/each}}", "if doesn't match each (opened on line 1, closed on line 1)."),
        ("{{#if a}}{{else}}{{else}}{{/if}}", "Unexpected {{else}} on line 1."),
        ("{{else}}", "Unexpected {{else}} on line 1."),
        ("{{name", "Unclosed '{{' on line 1."),
        ("{{!-- never closed", "Unclosed comment on line 1."),
        ("{{#if}}{{/if}}", "#if requires exactly one argument (line 1)."),
        ("{{#each a b}}{{/each}}", "#each requires exactly one argument (line 1)."),
        ("{{> nowhere}}", "The partial nowhere could not be found (line 1)."),
        ("{{}}", "Empty expression on line 1."),
        ("{{helper (sub x)}}", "Unsupported expression 'helper (sub x)' on line 1."),
        ('{{"literal"}}', "Invalid expression '\"literal\"' on line 1."),
    ],
)
def test_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        handlebars.compile(source)
    assert str(caught.value) == message


def test_recursive_partial_is_stopped() -> None:
    template = handlebars.compile('{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}')
    with pytest.raises(TemplateSyntaxError):
        template.render({})


def test_compiled_once_rendered_many_times() -> None:
    template = handlebars.compile("{{#each xs}}{{this}}{{/each}}")
    assert [template.render({"xs": [n, n]}) for n in range(3)] == ["00", "11", "22"]


plain_text = st.text().filter(lambda s: "{{" not in s)


@given(plain_text)
def test_text_without_mustaches_renders_to_itself(text: str) -> None:
    assert render(text, {}) == text


@given(st.text())
def test_values_are_escaped_as_handlebars_does(value: str) -> None:
    rendered = render("{{v}}", {"v": value})
    assert rendered == escape_html(value)
    assert not set(rendered) & set("<>\"'`=")
    assert render("{{{v}}}", {"v": value}) == value


@given(
    st.text(alphabet=st.characters(blacklist_characters="{}\\~"), max_size=30), st.text(max_size=30)
)
def test_each_repeats_its_body(body: str, item: str) -> None:
    template = handlebars.compile("{{#each xs}}" + body + "{{/each}}")
    once = template.render({"xs": [item]})
    assert template.render({"xs": [item, item, item]}) == once * 3


@given(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.text(), min_size=1))
def test_every_present_attribute_renders(data: dict[str, str]) -> None:
    source = "|".join("{{{" + key + "}}}" for key in data)
    assert render(source, data) == "|".join(data.values())
