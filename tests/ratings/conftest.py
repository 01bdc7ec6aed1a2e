"""The public ratings reuse the desk's fixtures (bodies' staff, a citizen, table cleanup)."""

from tests.audit.conftest import (  # noqa: F401  (fixtures)
    citizen,
    clean_desk_tables,
    general_prosecutor,
    health_head,
)
from tests.ratings.test_public_ratings import answered_in  # noqa: F401  (shared fixture)
