"""Links resolved once per URL name (portal.links): the same as reverse(), under any script prefix."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from portal.links import reverse_with_pk


@pytest.mark.parametrize("prefix", ["/", "/portail/"])
def test_the_same_link_as_reverse_for_every_key(prefix):
    set_script_prefix(prefix)
    try:
        for pk in (1, 7, 42, 2147483646, 10**12):
            for name in ("incidents:detail", "incidents:access_log", "incidents:register_detail"):
                assert reverse_with_pk(name, pk) == reverse(name, args=[pk])
        assert reverse_with_pk("incidents:detail", 5).startswith(prefix)
    finally:
        clear_script_prefix()


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        reverse_with_pk("incidents:detail", "1/../../admin")
