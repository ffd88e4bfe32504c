"""domain/names.check_name: one rule, each aggregate's wording and error."""

from __future__ import annotations

import pytest

from openses.domain.configuration_set import check_name as check_set_name
from openses.domain.errors import InvalidConfigurationSetName, InvalidTemplate
from openses.domain.template import check_name as check_template_name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The configuration set name must be specified."),
        ("a" * 65, "Configuration set name cannot exceed 64 characters."),
        (
            "bad name!",
            "Invalid configuration set name <bad name!>: only alphanumeric ASCII characters, "
            "'_', and '-' are allowed.",
        ),
    ],
)
def test_configuration_set_names(name: str, message: str) -> None:
    with pytest.raises(InvalidConfigurationSetName) as raised:
        check_set_name(name)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The template name must be specified."),
        ("t" * 65, "Template name cannot exceed 64 characters."),
        (
            "a.b",
            "Invalid template name <a.b>: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed.",
        ),
    ],
)
def test_template_names(name: str, message: str) -> None:
    with pytest.raises(InvalidTemplate) as raised:
        check_template_name(name)
    assert raised.value.message == message


def test_a_64_character_name_with_dashes_and_underscores_passes() -> None:
    check_set_name("a-_" + "b" * 61)
    check_template_name("a-_" + "b" * 61)
