"""Fisher information, effective FIM, CRB; generic CRB, MCRB and LB of any model."""
