"""Date and time formats per language (settings.FORMAT_MODULE_PATH): one style, never ambiguous.

Long dates spell the month ("1 December 2026", "1 décembre 2026"); short ones are ISO ("2026-12-01") in
both languages, never 12/01/2026; times on the 24-hour clock, so no "p.m." ends a sentence twice.
"""
