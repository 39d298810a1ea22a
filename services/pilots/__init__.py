"""Pilot sites (试点): enrolment, plans, periodic and final reports, flags for missed reports."""
