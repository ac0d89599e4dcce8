import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assertions read English messages; pages are reached under /en/ through reverse()."""
    with translation.override("en"):
        yield
