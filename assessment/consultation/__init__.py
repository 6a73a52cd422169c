"""Consultation requests: the owner asks the centre for a conversation about the result."""
