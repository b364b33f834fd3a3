"""Persistence: tables, engines and the few queries the services need."""
