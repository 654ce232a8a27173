"""Study-level assembly: config in, self-describing xarray datasets out.

One module per paper. Workflow scripts call these functions and nothing else
from the physics; the physics lives in the concept modules.
"""
