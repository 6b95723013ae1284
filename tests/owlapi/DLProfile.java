// Checks that ontology documents are in the OWL 2 DL profile, with the OWL API bundled in
// owlready2's HermiT.jar. For each file given, prints "== <file>", each violation, and
// "axioms=<n> violations=<n>"; exits 0 when every document is in the profile.
// Used by tests/test_ontology.py (compiled into a temporary folder).
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DLProfile {
    public static void main(String[] args) throws Exception {
        boolean allInProfile = true;
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            System.out.println("== " + path);
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println(violation);
            }
            System.out.println("axioms=" + ontology.getAxiomCount()
                    + " violations=" + report.getViolations().size());
            allInProfile &= report.isInProfile();
        }
        System.exit(allInProfile ? 0 : 1);
    }
}
