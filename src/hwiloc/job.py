"""Imported first by every workflow script: hands the job to the run's job server.

In a local run (:mod:`hwiloc.jobserver`) the server runs the script in a warm process and
this one exits with the job's status; otherwise (no server, a cluster job, the server's
own child) the import does nothing and the script runs here.
"""

from hwiloc.jobserver import delegate

delegate()
