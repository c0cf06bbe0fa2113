package io.memorystreamer.shell.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:config}: the current values of a configuration, as ConfigAdmin holds
 * them (after {@code conf/*.cfg} files were read), or the list of configurations.
 *
 * <p>Thread-safe: stateless apart from the ConfigAdmin reference.
 */
@Component(service = ConfigCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=config"
})
public final class ConfigCommand {
    /** Property FileInstall sets on configurations it read from a file. */
    static final String SOURCE_FILE_PROPERTY = "felix.fileinstall.filename";

    private final ConfigurationAdmin configAdmin;

    /** Creates the command over the given ConfigAdmin. */
    @Activate
    public ConfigCommand(@Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /**
     * {@code ms:config}: every configuration, one per line.
     *
     * @return the list
     */
    @Descriptor("list the configurations ConfigAdmin holds")
    public ConfigList config() throws IOException, InvalidSyntaxException {
        List<ConfigView> views = new ArrayList<>();
        Configuration[] all = configAdmin.listConfigurations(null);
        if (all != null) {
            for (Configuration configuration : all) {
                views.add(view(configuration));
            }
        }
        views.sort((a, b) -> a.pid().compareTo(b.pid()));
        return new ConfigList(views);
    }

    /**
     * {@code ms:config <pid>}: the current values of one configuration.
     *
     * @param pid the configuration's PID (for factory configurations, the full PID)
     * @return the configuration
     * @throws IllegalArgumentException when there is no such configuration, naming the known ones
     */
    @Descriptor("show the current values of one configuration")
    public ConfigView config(@Descriptor("configuration PID, e.g. io.memorystreamer.shell.admin") String pid)
            throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")");
        if (found == null || found.length == 0) {
            List<String> known = new ArrayList<>();
            for (ConfigView view : config().configurations()) {
                known.add(view.pid());
            }
            throw new IllegalArgumentException("no configuration with PID '" + pid + "'"
                    + (known.isEmpty() ? "; ConfigAdmin holds none" : "; known PIDs: " + String.join(", ", known)));
        }
        return view(found[0]);
    }

    private static ConfigView view(Configuration configuration) {
        Map<String, String> values = new TreeMap<>();
        Dictionary<String, Object> properties = configuration.getProperties();
        String source = null;
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                Object value = properties.get(key);
                if (SOURCE_FILE_PROPERTY.equals(key)) {
                    source = String.valueOf(value);
                } else {
                    values.put(key, ConfigView.render(value));
                }
            }
        }
        return new ConfigView(configuration.getPid(), configuration.getFactoryPid(), source, values);
    }

    /** Escapes a value for an LDAP filter (RFC 4515). */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
