"""Faker's word lists, read by the rule layer (the same library the training data comes from):
countries and street types (address_rules.py), month names (address_lookalikes.py), given names
and surnames (name_lexicon.py). A Faker release without one of these lists only makes a rule see
fewer words."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator


def provider(kind: str, locale: str) -> type:
    """The Provider class of faker.providers.<kind>.<locale> ("address", "en_US")."""
    return importlib.import_module(f"faker.providers.{kind}.{locale}").Provider


def locales(kind: str) -> list[str]:
    """Every locale Faker has a `kind` provider for."""
    package = importlib.import_module(f"faker.providers.{kind}")
    return [module.name for module in pkgutil.iter_modules(package.__path__)]


def attribute_values(kind: str, wanted: Callable[[str], bool], among: tuple[str, ...] | None = None) -> Iterator:
    """The value of each attribute `wanted` picks on the `kind` providers of the locales `among`
    (all when None) that is a list, tuple, set or dict, as Faker holds it."""
    for locale in among if among is not None else locales(kind):
        cls = provider(kind, locale)
        for attribute in dir(cls):
            if wanted(attribute):
                value = getattr(cls, attribute)
                if isinstance(value, (list, tuple, set, frozenset, dict)):
                    yield value
