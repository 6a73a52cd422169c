"""Referrals: the centre introduces a firm to a network partner, and the partner answers."""
