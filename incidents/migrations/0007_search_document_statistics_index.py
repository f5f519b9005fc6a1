# DCAI's search (incidents.selectors.search) reads one stored document per incident: its description and its
# internal notes, as a tsvector of the "portal_fr" configuration (migration 0004), with one GIN index. The
# words, the filters and the sort then come from one table: matching the description and the notes apart
# (two expression indexes joined by their ids) cost a pass over every incident for a common word.
#
# PostgreSQL keeps the document itself, whatever writes the rows (services, bulk writes, retention):
# - an incident's own trigger computes it on insert and whenever its description changes;
# - a note added appends its words (the incident's newest row version: two notes added at once both count);
#   a note changed or removed recomputes the document from the notes left.
# Its statistics follow ten thousand words: a word rare or absent is then known to be rare, and PostgreSQL
# reads it from the GIN index rather than walking every incident in the order of the page.
# Other databases have no column: the search falls back to "contains every word".
#
# The statistics (incidents.statistics.figures) count and time a period's incidents in one pass: an index on
# the declaration date that holds every column they read lets PostgreSQL answer from the index alone, a
# tenth of the table's size, instead of reading every row of the table (the descriptions with them).

from django.db import migrations

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION incidents_search_document(bigint, text) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT to_tsvector('portal_fr'::regconfig, COALESCE($2, ''))
    || COALESCE((SELECT to_tsvector('portal_fr'::regconfig, string_agg(body, ' ' ORDER BY id))
                 FROM incidents_internalnote WHERE incident_id = $1), ''::tsvector)
$$""",
    """CREATE OR REPLACE FUNCTION incidents_incident_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := incidents_search_document(NEW.id, NEW.description);
  RETURN NEW;
END $$""",
    """CREATE OR REPLACE FUNCTION incidents_note_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE incidents_incident
       SET search_document = COALESCE(search_document, ''::tsvector)
                             || to_tsvector('portal_fr'::regconfig, COALESCE(NEW.body, ''))
     WHERE id = NEW.incident_id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    UPDATE incidents_incident SET search_document = incidents_search_document(id, description)
     WHERE id IN (NEW.incident_id, OLD.incident_id);
    RETURN NULL;
  END IF;
  UPDATE incidents_incident SET search_document = incidents_search_document(id, description)
   WHERE id = OLD.incident_id;
  RETURN NULL;
END $$""",
]

CREATE = """
ALTER TABLE incidents_incident ADD COLUMN IF NOT EXISTS search_document tsvector;
UPDATE incidents_incident SET search_document = incidents_search_document(id, description);
CREATE INDEX IF NOT EXISTS incident_search_document ON incidents_incident USING gin (search_document);
ALTER TABLE incidents_incident ALTER COLUMN search_document SET STATISTICS 1000;
CREATE TRIGGER incident_search_document BEFORE INSERT OR UPDATE OF description ON incidents_incident
  FOR EACH ROW EXECUTE FUNCTION incidents_incident_search_document();
CREATE TRIGGER internalnote_search_document AFTER INSERT OR UPDATE OF body, incident_id OR DELETE
  ON incidents_internalnote FOR EACH ROW EXECUTE FUNCTION incidents_note_search_document();
DROP INDEX IF EXISTS incident_description_search;
DROP INDEX IF EXISTS internalnote_body_search;
CREATE INDEX IF NOT EXISTS incident_statistics ON incidents_incident (created_at) INCLUDE (
  id, direction_id, level, closed_at_level, outcome, category, platform, urgent, missed_deadline, deadline_at,
  auto_escalations, reached_manager_at, taken_manager_at, reached_direction_at, taken_direction_at,
  reached_dcai_at, taken_dcai_at, closed_at
);
"""

DROP = """
DROP INDEX IF EXISTS incident_statistics;
DROP TRIGGER IF EXISTS internalnote_search_document ON incidents_internalnote;
DROP TRIGGER IF EXISTS incident_search_document ON incidents_incident;
DROP INDEX IF EXISTS incident_search_document;
ALTER TABLE incidents_incident DROP COLUMN IF EXISTS search_document;
DROP FUNCTION IF EXISTS incidents_note_search_document();
DROP FUNCTION IF EXISTS incidents_incident_search_document();
DROP FUNCTION IF EXISTS incidents_search_document(bigint, text);
CREATE INDEX IF NOT EXISTS incident_description_search ON incidents_incident
  USING gin (to_tsvector('portal_fr'::regconfig, COALESCE(description, '')));
CREATE INDEX IF NOT EXISTS internalnote_body_search ON incidents_internalnote
  USING gin (to_tsvector('portal_fr'::regconfig, COALESCE(body, '')));
"""


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def create_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FUNCTIONS + _statements(CREATE):
            schema_editor.execute(statement, params=None)


def drop_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements(DROP):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_event_outcome_and_reopening"),
    ]

    operations = [migrations.RunPython(create_document, drop_document, elidable=False)]
