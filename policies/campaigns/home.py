"""Home-page panels of this app: what waits for the signed-in person."""


def panels(request) -> list[dict]:
    return []
