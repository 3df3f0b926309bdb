"""What is true of the whole project, decided once a run from the module summaries.

What is true of the whole project, decided from the module summaries
(redis_lint.summaries), once a run: which names can carry a Redis value
(`carriers`), what a re-exported name really is, and which helpers expire a
key they are given (`facts`).  The analysis of a file asks these facts
instead of reading the modules it imports.
"""
