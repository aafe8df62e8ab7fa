package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FederatedPagesTest {

    private static List<String> names(String prefix, int count) {
        TreeSet<String> sorted = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            sorted.add(prefix + "_tool" + i);
        }
        return new ArrayList<>(sorted);
    }

    /** Follows the cursors from the first page to the last, as a client would; bounded. */
    private static List<String> all(List<String> view, int pageSize) throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1_000; pages++) {
            FederatedPages.Page page = FederatedPages.page(view, cursor, pageSize);
            seen.addAll(view.subList(page.from(), page.to()));
            cursor = page.nextCursor();
            if (cursor == null) {
                return seen;
            }
        }
        throw new AssertionError("no last page");
    }

    @Test
    void everyEntryIsServedOnceInOrderAndTheLastPageHasNoCursor() throws Exception {
        List<String> view = names("a", 2_500);
        FederatedPages.Page first = FederatedPages.page(view, null, 1_000);
        assertThat(first.from()).isZero();
        assertThat(first.to()).isEqualTo(1_000);
        FederatedPages.Page second = FederatedPages.page(view, first.nextCursor(), 1_000);
        assertThat(second.from()).isEqualTo(1_000);
        FederatedPages.Page third = FederatedPages.page(view, second.nextCursor(), 1_000);
        assertThat(third.to()).isEqualTo(2_500);
        assertThat(third.nextCursor()).isNull();

        assertThat(all(view, 1_000)).isEqualTo(view);
        assertThat(all(view, 7)).isEqualTo(view);
        assertThat(FederatedPages.page(List.of(), null, 10)).isEqualTo(new FederatedPages.Page(0, 0, null));
        FederatedPages.Page exact = FederatedPages.page(names("a", 10), null, 10);
        assertThat(exact.nextCursor()).as("a full last page has no next cursor").isNull();
    }

    @Test
    void aCursorSurvivesServersJoiningAndLeavingAndNamesNoBackend() throws Exception {
        List<String> view = names("b", 50);
        FederatedPages.Page first = FederatedPages.page(view, null, 20);
        String cursor = first.nextCursor();
        String lastServed = view.get(first.to() - 1);
        assertThat(cursor).doesNotContain("b_").startsWith("v1.");

        // server "a" joins (sorted before every b_ name) and server "c" (after): the next page starts after the last
        // name served, not at a position that now points elsewhere
        TreeSet<String> grown = new TreeSet<>(view);
        grown.addAll(names("a", 30));
        grown.addAll(names("c", 30));
        List<String> joined = new ArrayList<>(grown);
        FederatedPages.Page next = FederatedPages.page(joined, cursor, 20);
        assertThat(joined.get(next.from())).isGreaterThan(lastServed);
        assertThat(joined.get(next.from() - 1)).isEqualTo(lastServed);

        // the last name served is gone (its server left): the page starts at the next name after it
        List<String> shrunk = new ArrayList<>(view);
        shrunk.remove(lastServed);
        FederatedPages.Page after = FederatedPages.page(shrunk, cursor, 20);
        assertThat(shrunk.get(after.from())).isEqualTo(view.get(first.to()));
    }

    @Test
    void cursorsNotGivenOutAreRefused() {
        List<String> view = names("a", 5);
        String invalidUtf8 = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff});
        for (String bad : List.of("", "abc", "v1.", "v2.YQ", "v1.!!!", invalidUtf8, "v1." + "A".repeat(2_000))) {
            assertThatThrownBy(() -> FederatedPages.page(view, bad, 2))
                    .as(bad)
                    .isInstanceOf(FederatedPages.InvalidCursor.class)
                    .hasMessage("not a cursor of this list");
        }
        assertThatThrownBy(() -> FederatedPages.page(view, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCursorIsTheSameOnEveryInstance() {
        assertThat(FederatedPages.cursorAfter("a_search")).isEqualTo("v1.YV9zZWFyY2g");
    }
}
