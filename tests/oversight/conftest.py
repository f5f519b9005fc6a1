import os

import pytest

from incidents.statistics.pdf import pdf_available
from tests.factories import make_staff


@pytest.fixture
def needs_pdf():
    """Board reports draw their PDF with WeasyPrint (Pango): skipped without it, unless
    PORTAL_REQUIRE_SERVICES=1 (.ci/run installs it) turns that into a failure."""
    if pdf_available():
        return
    if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
        pytest.fail("WeasyPrint and its system libraries are required")
    pytest.skip("WeasyPrint or its system libraries are missing")


@pytest.fixture
def gina(org):
    """Head of the general direction (§7.2): sees the institution's figures, never an incident's content."""
    profile = make_staff("gina", org.general)
    org.general.head = profile.user
    org.general.save()
    return profile.user
