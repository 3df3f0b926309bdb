"""What the code means to Redis: clients, commands, keys and constant values.

Rules ask this layer; they never re-derive what it knows.
"""
