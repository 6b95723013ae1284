"""Network projections: the knowledge graph, read through SPARQL, as networkx graphs.

:mod:`graphkit.network.filters` (what to select, and the queries that select it),
:mod:`graphkit.network.catalogue` (what is said of each node) and
:mod:`graphkit.network.projections` (the four projections: ``org``, ``bipartite``, ``place``,
``membership``). The public names are importable from here::

    from graphkit.store import EmbeddedStore
    from graphkit.network import Filters, organisation_network
    g = organisation_network(EmbeddedStore.from_build(), Filters(roles=("role:lead", "role:partner")))
    g.edges["organisation:cop", "organisation:cicsene"]["weight"]   # 2 (IMPRA, DISCORSI)
"""

from graphkit.network.filters import (
    DETAILS, NETWORK_QUERY_DIR, PLACE_LEVELS, PROJECTIONS, Filters, InconsistentAnswers, NetworkError,
    parse_date, resolve_filters, resolve_place, resolve_roles, resolve_scheme, role_labels, scheme_prefixes,
)
from graphkit.network.periods import (
    active_projects, metrics_by_period, network_in_period, networks_by_period, project_periods, spells,
    weight_spells, year_range,
)
from graphkit.network.projections import (
    bipartite_network, membership_network, organisation_network, organisation_weights, place_network, project,
)

__all__ = ["Filters", "NetworkError", "InconsistentAnswers", "PROJECTIONS", "PLACE_LEVELS", "DETAILS",
           "NETWORK_QUERY_DIR", "organisation_network", "organisation_weights", "bipartite_network",
           "place_network", "membership_network", "project", "resolve_filters", "resolve_scheme",
           "resolve_place", "resolve_roles", "role_labels", "parse_date", "network_in_period", "networks_by_period",
           "metrics_by_period", "project_periods", "active_projects", "spells", "weight_spells", "year_range",
           "scheme_prefixes"]
