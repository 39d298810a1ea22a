import uuid

import pytest

from tests.api.access.world import build_world
from tests.conftest import app_stack


@pytest.fixture(scope="module")
async def world_stack(engine, temporal_client, tmp_path_factory):
    """One world per database for this folder's tests; they only read it or write to their own parts."""
    async with app_stack(engine, temporal_client, tmp_path_factory.mktemp("access"),
                         f"sf-access-{uuid.uuid4().hex[:8]}") as stack:
        yield stack, await build_world(stack)
