def add_claims(id_token, user, token, request, **kwargs):
    """The claims a hospital's provider would put in the ID token."""
    id_token.update(
        employee_id=user.username,
        email=user.email,
        given_name=user.first_name,
        family_name=user.last_name,
        groups=sorted(user.groups.values_list("name", flat=True)),
    )
    return id_token
