"""What each rule is and says: its code, name and summary, and the words of its messages.

The static rules (redis_lint.rules) check code with libcst and the runtime
(redis_lint.runtime.checks) checks the commands a program sends; both say the
same things, from here.  Nothing here imports libcst.
"""
