"""Settings and contracts shared by the producer and the worker; imports nothing of theirs."""
