"""Anonymous and external declarations: the public page, receipt codes, "follow my report" (§1, §7.3)."""
