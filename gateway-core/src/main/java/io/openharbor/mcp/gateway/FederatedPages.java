package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Pages of a federated list (the second step of federation; nothing serves these pages yet). A view's entries are
 * sorted by exposed name, and a cursor names the last exposed name a page held: it names no backend and no position,
 * so it stays valid when a server joins, leaves or goes down (the next page starts after that name, wherever it now
 * is), and any gateway instance accepts it. The last page has no next cursor.
 *
 * <p>A cursor is {@code v1.} + base64url (no padding) of the name in UTF-8. It is not sealed: all it can say is a
 * name of the caller's own view, which the caller has already been shown, and a forged one can only skip ahead in
 * that view. A cursor that is not one of these is refused, and the client gets {@code -32602}.
 */
final class FederatedPages {
    /** Entries per page unless configured otherwise. */
    static final int DEFAULT_PAGE_SIZE = 100;

    private static final String VERSION = "v1.";
    /** Longer cursors are refused before decoding (an exposed name is at most 128 characters). */
    private static final int MAX_CURSOR_CHARS = 1024;

    private FederatedPages() {}

    /** One page: the entries' positions in the sorted view, and the cursor of the next page (null on the last). */
    record Page(int from, int to, @Nullable String nextCursor) {}

    /** A cursor that no page gave out; answered with {@code -32602} (invalid params). */
    static final class InvalidCursor extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidCursor(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The page a cursor asks for.
     *
     * @param sortedNames the view's exposed names, sorted ({@link String#compareTo}) and distinct
     * @param cursor the request's cursor, or null for the first page
     * @param pageSize entries per page, at least 1
     * @return the page's bounds in {@code sortedNames} and the next page's cursor
     * @throws InvalidCursor if {@code cursor} is not a cursor this class gives out
     */
    static Page page(List<String> sortedNames, @Nullable String cursor, int pageSize) throws InvalidCursor {
        if (pageSize < 1) {
            throw new IllegalArgumentException("the page size must be at least 1, was: " + pageSize);
        }
        int from = 0;
        if (cursor != null) {
            String after = nameIn(cursor);
            int at = Collections.binarySearch(sortedNames, after);
            from = at >= 0 ? at + 1 : -at - 1; // the first name after it, whether or not it is still in the view
        }
        int to = Math.min(sortedNames.size(), from + pageSize);
        String next = to < sortedNames.size() ? cursorAfter(sortedNames.get(to - 1)) : null;
        return new Page(from, to, next);
    }

    /**
     * The cursor of the page after the one that ended with {@code lastName}.
     *
     * @param lastName an exposed name
     * @return the cursor
     */
    static String cursorAfter(String lastName) {
        return VERSION
                + Base64.getUrlEncoder().withoutPadding().encodeToString(lastName.getBytes(StandardCharsets.UTF_8));
    }

    private static String nameIn(String cursor) throws InvalidCursor {
        if (cursor.length() > MAX_CURSOR_CHARS || !cursor.startsWith(VERSION)) {
            throw new InvalidCursor("not a cursor of this list");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidCursor("not a cursor of this list");
        }
        if (bytes.length == 0) {
            throw new InvalidCursor("not a cursor of this list");
        }
        String name = Utf8.decodeStrict(bytes);
        if (name == null) {
            throw new InvalidCursor("not a cursor of this list");
        }
        return name;
    }
}
