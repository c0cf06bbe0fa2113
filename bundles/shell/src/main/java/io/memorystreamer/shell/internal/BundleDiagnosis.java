package io.memorystreamer.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Namespace;

/**
 * Explains why a bundle is not active: for an unresolved bundle, the mandatory requirements that
 * no installed bundle can satisfy (the root of the problem, not its symptoms).
 *
 * <p>Stateless; reads the framework's current state, so call it from any thread.
 */
final class BundleDiagnosis {
    private static final int MAX_LISTED = 5;

    private BundleDiagnosis() {
    }

    /** @return the bundles that should be active and are not, with reasons */
    static List<BrokerStatus.BundleProblem> problems(BundleContext context) {
        List<BrokerStatus.BundleProblem> problems = new ArrayList<>();
        Bundle[] bundles = context.getBundles();
        for (Bundle bundle : bundles) {
            String reason = reason(bundle, bundles);
            if (reason != null) {
                problems.add(new BrokerStatus.BundleProblem(bundle.getBundleId(), bundle.getSymbolicName(),
                        bundle.getVersion().toString(), StateNames.of(bundle.getState()), reason));
            }
        }
        return problems;
    }

    /** @return why the bundle is not active, or null when it is as it should be */
    static String reason(Bundle bundle, Bundle[] all) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        boolean fragment = revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        switch (bundle.getState()) {
            case Bundle.ACTIVE:
                return null;
            case Bundle.RESOLVED:
                return fragment ? null : "resolved but not started";
            case Bundle.STARTING:
                return "starting (lazy activation or a slow activator)";
            case Bundle.STOPPING:
                return "stopping";
            case Bundle.INSTALLED:
                return revision == null ? "not resolved" : unresolvedReason(revision, all);
            default:
                return "uninstalled";
        }
    }

    private static String unresolvedReason(BundleRevision revision, Bundle[] all) {
        List<String> missing = new ArrayList<>();
        for (BundleRequirement requirement : revision.getDeclaredRequirements(null)) {
            if (Namespace.RESOLUTION_OPTIONAL.equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                continue;
            }
            if (!satisfiable(requirement, all)) {
                missing.add(describe(requirement));
            }
        }
        if (missing.isEmpty()) {
            return "not resolved: every requirement has a candidate, so a bundle it depends on is itself unresolved"
                    + " (or uses-constraints conflict); check the other bundles listed";
        }
        int shown = Math.min(MAX_LISTED, missing.size());
        String more = missing.size() > shown ? " (and " + (missing.size() - shown) + " more)" : "";
        return "not resolved: nothing provides " + String.join("; ", missing.subList(0, shown)) + more;
    }

    private static boolean satisfiable(BundleRequirement requirement, Bundle[] all) {
        for (Bundle candidate : all) {
            BundleRevision other = candidate.adapt(BundleRevision.class);
            if (other == null) {
                continue;
            }
            for (BundleCapability capability : other.getDeclaredCapabilities(requirement.getNamespace())) {
                if (requirement.matches(capability)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(BundleRequirement requirement) {
        Map<String, String> directives = requirement.getDirectives();
        String filter = directives.getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        if (PackageNamespace.PACKAGE_NAMESPACE.equals(requirement.getNamespace())) {
            return "package " + filter;
        }
        return requirement.getNamespace() + " " + filter;
    }
}
