"""The scheduler (APScheduler) and its leader lock; jobs call the feature services."""
