"""What is true of the whole project, decided once a run from the module summaries.

Which names can carry a Redis value (`carriers.py`), what a re-exported
name really is (`reexports.py`), and which helpers expire a key they are
given (`expiry.py`).  The analysis of a file asks these facts
instead of reading the modules it imports.
"""
