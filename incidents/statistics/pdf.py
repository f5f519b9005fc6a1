"""The board report as a PDF, drawn by WeasyPrint from the same template as its printable page.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and fonts; README "Prerequisites" and
.ci/run install them. The report fetches nothing from outside: its one stylesheet is read from the static
files, and any other address it would name is refused (intranet, and no request forgery from a PDF).
"""

from __future__ import annotations

from django.contrib.staticfiles import finders

STYLESHEET = "incidents/board-report.css"


class ExternalResourceRefused(ValueError):
    pass


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are missing on this machine."""


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _no_fetch(url: str, *args, **kwargs):
    raise ExternalResourceRefused(f"the board report fetches nothing: {url[:80]}")


def render_pdf(html: str) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as missing:
        raise PdfUnavailable(str(missing)) from missing

    stylesheet = finders.find(STYLESHEET)
    return HTML(string=html, url_fetcher=_no_fetch, base_url="/").write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=_no_fetch)] if stylesheet else None
    )
