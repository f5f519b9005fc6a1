"""Choosing a person: one search, one resolution, one field and one suggestion endpoint for every page
where a staff member is named (a declaration, a share, a designation, a consent).

- `search`: the suggestions (three characters, ten names, a per-person rate limit; docs/rules.md);
- `resolve`: the one place a typed or picked value becomes a staff member, within the people allowed;
- `scopes`: who may use each picker and whom it may name, registered by the app that owns the picker;
- `fields`: the widget (htmx fills a `<datalist>`; without JavaScript the field works as typed) and the
  form field;
- `views`: the suggestion endpoint (`people:suggestions`).
"""
