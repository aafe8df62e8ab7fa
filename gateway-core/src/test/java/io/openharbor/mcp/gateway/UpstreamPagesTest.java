package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UpstreamPagesTest {

    /** A server with {@code total} tools in pages of {@code size}, its cursor the next index. */
    private static UpstreamPages.Fetcher<String> server(int total, int size, AtomicInteger asked) {
        return cursor -> {
            asked.incrementAndGet();
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            List<String> page = new ArrayList<>();
            for (int i = from; i < Math.min(total, from + size); i++) {
                page.add("tool" + i);
            }
            int next = from + size;
            return new UpstreamPages.Page<>(page, next < total ? String.valueOf(next) : null);
        };
    }

    @Test
    void everyPageIsFollowedToTheEnd() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        List<String> all = UpstreamPages.readAll(server(2_500, 1_000, asked), UpstreamPages.DEFAULT_MAX_PAGES);
        assertThat(all).hasSize(2_500).startsWith("tool0").endsWith("tool2499").doesNotHaveDuplicates();
        assertThat(asked).hasValue(3);
    }

    @Test
    void anEmptyCursorEndsTheListAsNoCursorDoes() throws IOException {
        UpstreamPages.Fetcher<String> f = cursor -> new UpstreamPages.Page<>(List.of("only"), "");
        assertThat(UpstreamPages.readAll(f, 10)).containsExactly("only");
    }

    @Test
    void aServerThatRepeatsItsCursorIsAnErrorNotALoop() {
        AtomicInteger asked = new AtomicInteger();
        UpstreamPages.Fetcher<String> stuck = cursor -> {
            asked.incrementAndGet();
            return new UpstreamPages.Page<>(List.of("x"), "same");
        };
        assertThatThrownBy(() -> UpstreamPages.readAll(stuck, 100))
                .isInstanceOf(UpstreamPages.EndlessList.class)
                .hasMessageContaining("'same' twice");
        assertThat(asked).hasValue(2);
    }

    @Test
    void moreThanTheCapIsAnErrorNotATruncatedList() {
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> UpstreamPages.readAll(server(1_000, 10, asked), 5))
                .isInstanceOf(UpstreamPages.EndlessList.class)
                .hasMessage("the server's list has more than 5 pages");
        assertThat(asked).hasValue(5);
        assertThatThrownBy(() -> UpstreamPages.readAll(server(1, 1, asked), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailingPageFailsTheRead() {
        UpstreamPages.Fetcher<String> failing = cursor -> {
            if (cursor != null) {
                throw new IOException("page 2 failed");
            }
            return new UpstreamPages.Page<>(List.of("a"), "2");
        };
        assertThatThrownBy(() -> UpstreamPages.readAll(failing, 10)).hasMessage("page 2 failed");
    }
}
