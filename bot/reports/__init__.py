"""Activity reports and migration-trend briefs: aggregates only, small cells suppressed."""
