"""`python -m redis_lint`: the `redis-lint` command."""

from redis_lint.cli import main

if __name__ == "__main__":
    main()
