#!/usr/bin/env python3
"""A client test in Python (redis-py): cache-aside lookups against the
server `mockredis run` started for it, whose address is in REDIS_URL."""
import os
import sys

import redis


def user_name(r, uid):
    """From Redis, or on a miss from the database, cached for 5 minutes."""
    name = r.get(f"user:{uid}")
    if name is None:
        name = f"user-{uid}-from-db".encode()
        r.set(f"user:{uid}", name, ex=300)
    return name.decode()


r = redis.Redis.from_url(os.environ["REDIS_URL"])
for uid, want in ((1, "ann"), (42, "user-42-from-db")):
    got = user_name(r, uid)
    if got != want:
        sys.exit(f"user {uid}: got {got!r}, want {want!r}")
print("test_cache.py: ok")
