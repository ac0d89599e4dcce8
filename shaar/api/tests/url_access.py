"""Who may open the API app's own pages (see shaar/web/tests/test_url_matrix.py)."""

from __future__ import annotations

from shaar.web.tests.test_url_matrix import NOBODY, Access, public

EXPECTED: dict[str, Access] = {
    "open311-openapi": public("OpenAPI description of Open311, public like the API itself"),
    "open311-not-found": Access(NOBODY, "any other path under /open311/v2/: the 404 error "
                                        "array"),
}
