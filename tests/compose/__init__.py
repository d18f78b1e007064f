"""`make compose-test`: the compose deployment, proven on a real stack (see __main__)."""
