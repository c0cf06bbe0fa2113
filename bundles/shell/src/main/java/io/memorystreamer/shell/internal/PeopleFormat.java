package io.memorystreamer.shell.internal;

/**
 * A data object returned by an {@code ms:} command that knows how to show itself to people.
 * Commands return these objects (so they can be piped and inspected); {@link ShellFormatter}
 * turns them into text only at the end.
 */
interface PeopleFormat {
    /** @return the full, multi-line form shown when the object is a command's result */
    String formatFull();

    /** @return a one-line form used inside lists and tables */
    String formatLine();
}
