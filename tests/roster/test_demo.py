import io

from portal.roster.models import Designation, OfficialAccount


def test_demo_seeds_accounts_and_one_pending_designation_once(db, settings):
    from portal.demo import seed_demo

    settings.PORTAL_DEMO_HOOKS = ["portal.roster.demo.seed_roster"]
    seed_demo(out=io.StringIO())
    seed_demo(out=io.StringIO())
    assert OfficialAccount.objects.count() == 5
    designation = Designation.objects.get()
    assert designation.status == Designation.Status.PENDING
    assert designation.profile.user.username == "employe"
    assert designation.designated_by.username == "direction"
