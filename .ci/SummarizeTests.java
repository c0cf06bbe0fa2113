import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints "suite: N passed, N failed, N skipped" for each test suite from its JUnit XML reports and
 * exits non-zero when a suite failed or ran no test at all (a green build that tested nothing is
 * the trap TOOLCHAIN.md warns about). Run by .ci/run as: java .ci/SummarizeTests.java
 *
 *   osgi: runtime/itests/target/test-reports/** (bnd-testing, which prints no summary of its own)
 *   e2e:  distribution/target/failsafe-reports/TEST-*.xml (Failsafe)
 *   unit: every module's target/surefire-reports/TEST-*.xml (Surefire)
 */
public class SummarizeTests {
    public static void main(String[] args) throws Exception {
        boolean ok = true;
        ok &= report("osgi", find("glob:runtime/itests/target/test-reports/**.xml"));
        ok &= report("e2e", find("glob:distribution/target/failsafe-reports/TEST-*.xml"));
        ok &= report("unit", find("glob:**/target/surefire-reports/TEST-*.xml"));
        System.exit(ok ? 0 : 1);
    }

    static List<Path> find(String glob) throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher(glob);
        try (Stream<Path> paths = Files.walk(Path.of("."))) {
            return paths.map(p -> Path.of(".").relativize(p)).filter(matcher::matches).collect(Collectors.toList());
        }
    }

    static boolean report(String suite, List<Path> files) throws Exception {
        long tests = 0, failed = 0, skipped = 0;
        for (Path file : files) {
            NodeList suites = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile())
                    .getElementsByTagName("testsuite");
            for (int i = 0; i < suites.getLength(); i++) {
                Element element = (Element) suites.item(i);
                if (element.getParentNode() instanceof Element parent && parent.getTagName().equals("testsuite")) {
                    continue;
                }
                tests += number(element, "tests");
                failed += number(element, "failures") + number(element, "errors");
                skipped += number(element, "skipped");
            }
        }
        long passed = tests - failed - skipped;
        System.out.printf("%s: %d passed, %d failed, %d skipped%n", suite, passed, failed, skipped);
        if (tests == 0) {
            System.out.printf("%s: no test ran (%d report files)%n", suite, files.size());
        }
        return tests > 0 && failed == 0;
    }

    static long number(Element element, String attribute) {
        String value = element.getAttribute(attribute);
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }
}
