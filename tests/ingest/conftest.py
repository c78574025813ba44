from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
