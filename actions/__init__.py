"""Rasa custom actions (run by `rasa run actions --actions actions`)."""
