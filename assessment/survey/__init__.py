"""The respondent's journey: start, profile, one page per dimension, review, submit."""
