"""Policy factories: a policy, a version with sections."""

import datetime as dt

import factory

from policies.models import Policy, PolicyVersion, Section


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        django_get_or_create = ("number",)

    number = "10974"
    title_fr = "Politique sur l'utilisation des médias sociaux"


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    label = factory.Sequence(lambda n: f"v{n}")
    status = PolicyVersion.Status.DRAFT
    purpose = "Établir les principes."
    issued_on = dt.date(2017, 1, 21)
    revised_on = dt.date(2018, 3, 12)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(PolicyVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Section {n + 1}")
    body = "Un paragraphe.\n\n- une puce\n- une autre"


def make_version(*, status=PolicyVersion.Status.DRAFT, sections=3, policy=None, **kwargs) -> PolicyVersion:
    """A version with `sections` sections; approved and later statuses carry their approval."""
    if status != PolicyVersion.Status.DRAFT:
        kwargs.setdefault("approved_on", dt.date(2018, 5, 25))
        kwargs.setdefault("resolution_number", "RCA 2018-05-3008")
    if status in (PolicyVersion.Status.IN_FORCE, PolicyVersion.Status.SUPERSEDED):
        kwargs.setdefault("effective_on", dt.date(2018, 7, 5))
    version = PolicyVersionFactory(status=status, policy=policy or PolicyFactory(), **kwargs)
    for index in range(sections):
        SectionFactory(version=version, order=index + 1, number=str(index + 1), title=f"Section {index + 1}")
    return version
