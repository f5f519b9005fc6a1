# Incident counts per month and direction, kept by PostgreSQL itself (incidents.statistics.kept): whatever
# writes incidents (services, bulk writes, retention, the admin, SQL), a trigger per statement appends the
# statement's net change of each count to incidents_statisticschange; beat folds those rows into
# incidents_statisticscount. Other databases have the two tables, empty: their statistics count afresh.
#
# incidents_statistics_keys() is the one SQL writing of the counts of incidents.statistics.figures
# (`_count_aggregates`): a test compares the kept counts with a fresh count after every kind of change.
# The function's plan is kept per connection: once planned for a statement of thousands of rows, PostgreSQL
# would compile it to machine code (JIT) again at every later statement, 5 ms each: JIT is off inside it.
# Months are those of the portal's time zone, written into incidents_statistics_zone() here and by
# `manage.py rebuild_statistics`; the page checks it against TIME_ZONE and counts afresh when they differ.

from django.conf import settings
from django.db import migrations

KEYS = """
CREATE OR REPLACE FUNCTION incidents_statistics_keys(
  created_at timestamptz, direction_id bigint, category text, platform text, level text,
  closed_at_level text, outcome text, urgent boolean, missed_deadline boolean, auto_escalations integer
) RETURNS TABLE (month date, direction integer, key text, n integer)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', created_at AT TIME ZONE incidents_statistics_zone())::date,
         COALESCE(direction_id, 0)::integer, k.key, k.n
    FROM (VALUES
      ('total', 1),
      ('urgent', CASE WHEN urgent THEN 1 ELSE 0 END),
      ('open', CASE WHEN level <> 'closed' THEN 1 ELSE 0 END),
      ('missed', CASE WHEN missed_deadline THEN 1 ELSE 0 END),
      ('auto_escalated', CASE WHEN auto_escalations > 0 THEN 1 ELSE 0 END),
      ('auto_escalations', auto_escalations),
      ('category_' || category, 1),
      ('platform_' || platform, 1),
      ('level_' || CASE WHEN level = 'closed' THEN closed_at_level ELSE level END, 1),
      ('outcome_' || outcome, CASE WHEN level = 'closed' THEN 1 ELSE 0 END)
    ) AS k(key, n)
   WHERE k.n <> 0 AND k.key IS NOT NULL
$$"""

ROW = (
    "r.created_at, r.direction_id, r.category, r.platform, r.level, r.closed_at_level, r.outcome, r.urgent,"
    " r.missed_deadline, r.auto_escalations"
)

CHANGED = f"""
CREATE OR REPLACE FUNCTION incidents_statistics_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO incidents_statisticschange (month, direction_id, key, n)
    SELECT k.month, k.direction, k.key, SUM(k.n)
      FROM new_rows r, LATERAL incidents_statistics_keys({ROW}) k
     GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO incidents_statisticschange (month, direction_id, key, n)
    SELECT k.month, k.direction, k.key, -SUM(k.n)
      FROM old_rows r, LATERAL incidents_statistics_keys({ROW}) k
     GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO incidents_statisticschange (month, direction_id, key, n)
    SELECT month, direction, key, SUM(n) FROM (
      SELECT k.* FROM new_rows r, LATERAL incidents_statistics_keys({ROW}) k
      UNION ALL
      SELECT k.month, k.direction, k.key, -k.n FROM old_rows r, LATERAL incidents_statistics_keys({ROW}) k
    ) AS change
     GROUP BY 1, 2, 3
    HAVING SUM(n) <> 0;
  END IF;
  RETURN NULL;
END $$"""

TRIGGERS = [
    """CREATE TRIGGER incident_statistics_insert AFTER INSERT ON incidents_incident
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_statistics_changed()""",
    # Transition tables allow no column list: every update runs it, and only a net change is written.
    """CREATE TRIGGER incident_statistics_update AFTER UPDATE ON incidents_incident
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION incidents_statistics_changed()""",
    """CREATE TRIGGER incident_statistics_delete AFTER DELETE ON incidents_incident
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_statistics_changed()""",
]

FILL = f"""
INSERT INTO incidents_statisticscount (month, direction_id, key, n)
SELECT k.month, k.direction, k.key, SUM(k.n)
  FROM incidents_incident r, LATERAL incidents_statistics_keys({ROW}) k
 GROUP BY 1, 2, 3"""

DROP = [
    "DROP TRIGGER IF EXISTS incident_statistics_delete ON incidents_incident",
    "DROP TRIGGER IF EXISTS incident_statistics_update ON incidents_incident",
    "DROP TRIGGER IF EXISTS incident_statistics_insert ON incidents_incident",
    "DROP FUNCTION IF EXISTS incidents_statistics_changed()",
    "DROP FUNCTION IF EXISTS incidents_statistics_keys(timestamptz, bigint, text, text, text, text, text, boolean,"
    " boolean, integer)",
    "DROP FUNCTION IF EXISTS incidents_statistics_zone()",
]


def zone_function(zone: str) -> str:
    literal = zone.replace("'", "''")
    return (
        "CREATE OR REPLACE FUNCTION incidents_statistics_zone() RETURNS text LANGUAGE sql STABLE"
        f" AS $$ SELECT '{literal}'::text $$"
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [zone_function(settings.TIME_ZONE), KEYS, CHANGED, *TRIGGERS, FILL]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_statistics_counts"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
