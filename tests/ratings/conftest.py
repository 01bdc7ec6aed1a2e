"""The public ratings reuse the desk's fixtures (bodies' staff, a citizen, table cleanup)."""

from tests.audit.conftest import (  # noqa: F401  (fixtures)
    citizen,
    clean_desk_tables,
    general_prosecutor,
    health_head,
)
