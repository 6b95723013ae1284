"""The read-only SPARQL 1.1 endpoint (``graphkit serve``): the Starlette application
(:mod:`graphkit.serve.endpoint`) and the pool of killable worker processes that answer its
queries (:mod:`graphkit.serve.pool`, decision 0007)."""
