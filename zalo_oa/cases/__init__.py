"""Cases: status rules, lifecycle, what citizens are told, follow-ups, staff queries, stats."""
