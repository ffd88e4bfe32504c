"""A small Handlebars engine, with SES's strictness about missing attributes.

``compile(source)`` parses once into a tree (raising ``TemplateSyntaxError``) and
``Template.render(data)`` walks it for each recipient. Supported: ``{{path}}`` (escaped),
``{{{path}}}`` / ``{{&path}}`` (raw), ``this``, ``../`` parents, ``@root``, ``@index``,
``@first``, ``@last``, ``@key``, the ``if`` / ``unless`` / ``each`` / ``with`` block helpers with
``{{else}}`` (and ``{{else if ...}}`` chains), mustache-style sections ``{{#name}}`` and
``{{^name}}``, inline partials (``{{#*inline "p"}}`` + ``{{> p}}``), comments, ``\\{{`` escapes,
standalone-line stripping and ``~`` whitespace control. Sub-expressions and custom helpers are not.

SES rule: a mustache whose first path segment is looked up on the root data object and is absent
raises ``MissingAttribute``; inside ``#if``/``#unless``/``#each``/``#with`` a missing value is
simply falsy. A block whose name is not a helper is a section over that attribute, so
``{{#IF x}}`` fails as ``Attribute 'IF' is not present`` exactly as SES does.
"""

from openses.handlebars.parser import parse
from openses.handlebars.render import Template
from openses.handlebars.tree import (
    Budget,
    MissingAttribute,
    RenderLimitExceeded,
    TemplateSyntaxError,
    escape_html,
)

__all__ = [
    "Budget",
    "MissingAttribute",
    "RenderLimitExceeded",
    "Template",
    "TemplateSyntaxError",
    "compile",
    "escape_html",
]


def compile(source: str) -> Template:
    nodes, partials = parse(source)
    return Template(nodes, partials)
