"""Open311 GeoReport v2 (the citizen-feedback issue fills this in)."""

urlpatterns: list = []
