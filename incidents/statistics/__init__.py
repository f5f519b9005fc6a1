"""Incident statistics and institution-wide indicators (§7.1 the board, §7.2 the general direction, §7.3
DCAI): counts and times only, never the content of an incident.

- `period`: the period a page or a report covers;
- `figures`: the incident aggregates (`incident_figures`), plain values, a constant number of queries;
- `cache`: the statistics page's figures kept a few minutes, counted afresh after any action;
- `institution`: acknowledgement compliance by direction, the roster, the policy in force and its review;
- `display`: labels, charts and durations for a page; `charts`: the SVG geometry; `export`: CSV/XLSX rows.
"""
