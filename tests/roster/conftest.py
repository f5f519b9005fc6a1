import pytest

from .factories import OfficialAccountFactory, acknowledge, policy_in_force


@pytest.fixture
def accounts(org):
    """Two official accounts run by DCAI and one inactive."""
    return {
        "facebook": OfficialAccountFactory(handle="CHUMontreal", direction=org.dcai),
        "x": OfficialAccountFactory(
            platform="x", handle="chum_mtl", url="https://x.com/chum_mtl", direction=org.dcai
        ),
        "old": OfficialAccountFactory(
            platform="instagram",
            handle="ancien",
            url="https://instagram.com/ancien",
            direction=org.dcai,
            is_active=False,
        ),
    }


@pytest.fixture
def version(db):
    return policy_in_force()


@pytest.fixture
def acknowledged(org, version):
    """alice and bob have acknowledged the version in force."""
    acknowledge(org.user("alice"), version)
    acknowledge(org.user("bob"), version)
    return version
