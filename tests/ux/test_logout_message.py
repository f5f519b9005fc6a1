"""After signing out the person is told so, in their language, and the session is really gone."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("language", "heading"), [("fr", "Vous êtes déconnecté"), ("en", "You are signed out")]
)
def test_signing_out_says_so_and_ends_the_session(client, org, settings, language, heading):
    client.force_login(org.user("alice"), backend="portal.accounts.backends.PortalPasswordBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:signed_out")
    page = response.content.decode()
    assert f"<h1 class=\"h3\">{heading}</h1>" in page and 'role="status"' in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # signed out: home sends to the sign-in page
