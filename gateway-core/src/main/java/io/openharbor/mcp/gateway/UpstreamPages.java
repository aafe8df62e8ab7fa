package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a whole list from one upstream server by following its {@code nextCursor} to the end, which a missing, null
 * or empty cursor marks (the third step of federation; nothing calls it yet). A buggy server cannot make the gateway loop: a cursor it has already given, or
 * more pages than the cap, ends the read with an error instead of a partial list that looks complete.
 */
final class UpstreamPages {
    /** Pages read from one server for one list unless configured otherwise (100,000 entries at 1,000 a page). */
    static final int DEFAULT_MAX_PAGES = 100;

    private UpstreamPages() {}

    /** One page as the server sent it. */
    record Page<T>(List<T> entries, @Nullable String nextCursor) {}

    /** Reads one page: {@code cursor} is null for the first. */
    @FunctionalInterface
    interface Fetcher<T> {
        /**
         * Asks the server for one page.
         *
         * @param cursor the cursor the previous page gave, or null for the first page
         * @return the page
         * @throws IOException if the server could not be asked or answered with an error
         */
        Page<T> fetch(@Nullable String cursor) throws IOException;
    }

    /** The server's pages did not end: a cursor came back, or there were more pages than allowed. */
    static final class EndlessList extends IOException {
        private static final long serialVersionUID = 1L;

        EndlessList(String message) {
            super(message);
        }
    }

    /**
     * Every entry of the list, in the server's order.
     *
     * @param fetcher reads one page
     * @param maxPages the most pages to read, at least 1
     * @param <T> the entries' type
     * @return the entries of every page
     * @throws EndlessList if a cursor repeats or the pages exceed {@code maxPages}
     * @throws IOException if a page could not be read
     */
    static <T> List<T> readAll(Fetcher<T> fetcher, int maxPages) throws IOException {
        if (maxPages < 1) {
            throw new IllegalArgumentException("the page cap must be at least 1, was: " + maxPages);
        }
        List<T> entries = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        for (int pages = 1; ; pages++) {
            Page<T> page = fetcher.fetch(cursor);
            entries.addAll(page.entries());
            cursor = page.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                return entries;
            }
            if (!cursors.add(cursor)) {
                throw new EndlessList("the server gave the cursor " + HeaderText.printable(cursor) + " twice, after "
                        + pages + " pages");
            }
            if (pages == maxPages) {
                throw new EndlessList("the server's list has more than " + maxPages + " pages");
            }
        }
    }
}
