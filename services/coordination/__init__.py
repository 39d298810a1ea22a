"""Coordination requests between organisations: sent, claimed, forwarded, answered, acknowledged."""
