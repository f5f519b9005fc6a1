import pytest
from django.db import IntegrityError, transaction

from portal.models import Direction
from portal.permissions import direction_delegate_add, direction_delegate_remove
from portal.roles import dcai_officers, direction_leads, roles_for


def test_employee(org):
    roles = roles_for(org.user("alice"))
    assert roles.is_staff_member
    assert not roles.is_manager
    assert not roles.is_direction_lead and not roles.is_hr and not roles.is_dcai


def test_manager(org):
    assert roles_for(org.user("bob")).is_manager


def test_manager_with_only_inactive_reports_is_not_a_manager(org):
    org.alice.is_active = False
    org.alice.save()
    assert not roles_for(org.user("bob")).is_manager


def test_direction_head(org):
    roles = roles_for(org.user("carol"))
    assert roles.headed_direction_ids == {org.care.pk}
    assert roles.led_direction_ids == {org.care.pk}


def test_delegate_through_object_permission(org):
    user = org.user("bob")
    direction_delegate_add(user=user, direction=org.care)
    assert roles_for(user).delegated_direction_ids == {org.care.pk}
    assert set(direction_leads(org.care)) == {org.user("carol"), user}
    direction_delegate_remove(user=user, direction=org.care)
    assert roles_for(user).delegated_direction_ids == frozenset()


def test_hr_and_dcai(org):
    assert roles_for(org.user("harry")).is_hr
    assert not roles_for(org.user("harry")).is_dcai
    assert roles_for(org.user("diane")).is_dcai
    assert set(dcai_officers()) == {org.user("diane"), org.user("dora")}


def test_outsider_has_no_role_over_care(org):
    roles = roles_for(org.user("oscar"))
    assert org.care.pk not in roles.led_direction_ids
    assert not roles.is_manager


def test_roles_answered_in_constant_queries(org, django_assert_max_num_queries):
    user = org.user("carol")
    with django_assert_max_num_queries(4):
        roles_for(user)
    with django_assert_max_num_queries(0):
        roles_for(user)


def test_only_one_direction_per_special_role(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Direction.objects.create(code="DRH2", name_fr="Autre RH", role=Direction.Role.HUMAN_RESOURCES)
    Direction.objects.create(code="X1", name_fr="Autre 1", role=Direction.Role.OTHER)
    Direction.objects.create(code="X2", name_fr="Autre 2", role=Direction.Role.OTHER)


def test_a_delegate_of_dcai_from_another_direction_acts_for_dcai(org):
    """The people DCAI notifies (dcai_officers) are exactly the people who may act as DCAI."""
    from portal.permissions import direction_delegate_add
    from portal.roles import dcai_officers, forget_roles

    olga = org.user("olga")
    assert not roles_for(olga).is_dcai
    direction_delegate_add(user=olga, direction=org.dcai)
    forget_roles(olga)
    assert roles_for(olga).is_dcai and not roles_for(olga).is_hr
    assert set(dcai_officers()) == {org.user("diane"), org.user("dora"), olga}
