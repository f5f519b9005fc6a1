"""A probe placed last in the middleware: the number of queries made before the view runs."""

from django.db import connection

seen: list[int] = []


class QueriesBeforeView:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        seen.append(len(connection.queries_log))
