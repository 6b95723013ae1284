"""SHACL validation of a dataset: violations fail a build, warnings are reported
(:func:`shacl_validate`, :class:`ShaclResult`, :class:`BuildFailed`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError
from graphkit.namespaces import ONTOLOGY_GRAPH, bind_prefixes, curie


@dataclass
class ShaclResult:
    """What the SHACL validation found: violations (the data do not conform), warnings and infos.

    Attributes:
        conforms: True when there is no violation (warnings allowed).
        violations: One line per violation (``focus: path: message``), sorted.
        warnings: One line per warning, sorted.
        infos: One line per informational result, sorted.
        duplicates: One line per possible duplicate organisation of the registry
            (:class:`graphkit.builder.duplicates.Candidate`), filled by ``graphkit.builder.validate``.
        unstated_roles: One line per participation whose quote has no word of its role
            (:class:`graphkit.records.roles.UnstatedRole`), filled by ``graphkit.builder.validate``.
    """

    conforms: bool
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unstated_roles: list[str] = field(default_factory=list)

    def lines(self, warnings: bool = True) -> list[str]:
        """The result as ``graphkit validate`` prints it: each violation, each warning, then a verdict.

        Args:
            warnings: Also list the warnings (they are counted in the verdict either way).

        Returns:
            ``violation  LINE`` for each violation, ``warning    LINE`` for each warning,
            ``duplicate  LINE`` for each possible duplicate organisation, ``no-role    LINE`` for
            each participation whose quote does not state its role, and a last line
            ``conforms: yes|no (N violations, M warnings)``.
        """
        out = [f"violation  {v}" for v in self.violations]
        if warnings:
            out += [f"warning    {w}" for w in self.warnings]
        out += [f"duplicate  {d}" for d in self.duplicates]
        out += [f"no-role    {u}" for u in self.unstated_roles]
        out.append(f"conforms: {'yes' if self.conforms else 'no'} "
                   f"({len(self.violations)} violations, {len(self.warnings)} warnings)")
        return out


class BuildFailed(GraphkitError):
    """The dataset does not conform to the shapes; nothing was written (exit code 1).

    The message counts the violations, says that nothing was written and lists them, one indented
    line each.
    """

    exit_code = EXIT_NONCONFORMING

    def __init__(self, shacl: ShaclResult):
        self.shacl = shacl
        super().__init__(f"{len(shacl.violations)} SHACL violation(s); nothing was written.\n"
                         + "\n".join(f"  {v}" for v in shacl.violations))


def merged_graph(ds: Dataset, *, with_ontology: bool = True) -> Graph:
    """Every named graph of the dataset in one graph (the ontology graph optional)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        if not with_ontology and ctx.identifier == ONTOLOGY_GRAPH:
            continue
        for t in ctx:
            g.add(t)
    return g


def shacl_validate(data: Graph, shapes_dir: Path) -> ShaclResult:
    """Validate ``data`` against every shapes file in ``shapes_dir``; sort results by severity."""
    from pyshacl import validate
    from rdflib.namespace import SH

    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    result = ShaclResult(conforms=bool(conforms))
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(r, SH.resultSeverity)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage)
        line = f"{curie(str(focus))}: {curie(str(path)) if path is not None else '-'}: {message or 'constraint not met'}"
        {SH.Violation: result.violations, SH.Warning: result.warnings}.get(severity, result.infos).append(line)
    for lst in (result.violations, result.warnings, result.infos):
        lst.sort()
    result.conforms = not result.violations
    return result
