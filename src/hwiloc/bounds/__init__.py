"""Fisher information, effective FIM, CRB and (later) MCRB."""
