"""People, appeals and tokens as in the API tests."""

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.work.conftest import appeal, assigned, people  # noqa: F401  (fixtures)
