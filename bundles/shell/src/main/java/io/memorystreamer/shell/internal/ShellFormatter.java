package io.memorystreamer.shell.internal;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/**
 * Gogo converter that formats the data objects of the {@code ms} commands for people.
 *
 * <p>Stateless and thread-safe.
 */
@Component(property = {
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.BrokerStatus",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.ConfigView",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.ConfigList",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.WalList",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.WalView",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.WalVerification",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.TopicList",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.TopicView",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.TopicDeletion",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.StreamList",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.PublishResult",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.TailResult",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.TailedMessage",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.GroupList",
    Converter.CONVERTER_CLASSES + "=io.memorystreamer.shell.internal.GroupView"
})
public final class ShellFormatter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof PeopleFormat formattable)) {
            return null;
        }
        return level == Converter.INSPECT ? formattable.formatFull() : formattable.formatLine();
    }
}
