package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListPageReaderTest {

    @Test
    void readsEntriesTheirKeysTheirJsonAndTheNextCursor() throws IOException {
        String answer = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"tools\":["
                + "{\"name\":\"search\",\"description\":\"Finds\",\"inputSchema\":{\"type\":\"object\"},\"x-vendor\":[1,2]},"
                + "{\"inputSchema\":{\"type\":\"object\"},\"name\":\"fetch\"}],"
                + "\"nextCursor\":\"page-2\",\"_meta\":{\"k\":\"v\"}}}";
        UpstreamPages.Page<ListPageReader.Entry> page = ListPageReader.read(answer, ListPageReader.Kind.TOOLS);
        assertThat(page.nextCursor()).isEqualTo("page-2");
        assertThat(page.entries()).extracting(ListPageReader.Entry::key).containsExactly("search", "fetch");
        // unknown members travel as they came
        assertThat(page.entries().get(0).json())
                .isEqualTo("{\"name\":\"search\",\"description\":\"Finds\",\"inputSchema\":{\"type\":\"object\"},"
                        + "\"x-vendor\":[1,2]}");
    }

    @Test
    void eachKindIsKeyedByItsOwnMember() throws IOException {
        assertThat(ListPageReader.read(
                                "{\"result\":{\"resources\":[{\"uri\":\"file:///x\",\"name\":\"x\"}]}}",
                                ListPageReader.Kind.RESOURCES)
                        .entries())
                .extracting(ListPageReader.Entry::key)
                .containsExactly("file:///x");
        assertThat(ListPageReader.read(
                                "{\"result\":{\"resourceTemplates\":[{\"uriTemplate\":\"file:///{p}\",\"name\":\"t\"}]}}",
                                ListPageReader.Kind.RESOURCE_TEMPLATES)
                        .entries())
                .extracting(ListPageReader.Entry::key)
                .containsExactly("file:///{p}");
        UpstreamPages.Page<ListPageReader.Entry> prompts = ListPageReader.read(
                "{\"result\":{\"prompts\":[{\"name\":\"greet\"}],\"nextCursor\":null}}", ListPageReader.Kind.PROMPTS);
        assertThat(prompts.entries()).hasSize(1);
        assertThat(prompts.nextCursor()).as("a null cursor ends the list").isNull();
    }

    @Test
    void anAnswerThatIsNotAListIsAnErrorNamingWhatIsWrong() {
        ListPageReader.Kind tools = ListPageReader.Kind.TOOLS;
        assertThatThrownBy(() -> ListPageReader.read(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
                        tools))
                .hasMessage("the server answered with an error: -32601 'Method not found'");
        assertThatThrownBy(() -> ListPageReader.read("{\"result\":{}}", tools))
                .hasMessage("the result has no 'tools' array");
        assertThatThrownBy(() -> ListPageReader.read("{\"result\":{\"tools\":[{\"description\":\"d\"}]}}", tools))
                .hasMessage("entry 0 of 'tools' has no 'name'");
        assertThatThrownBy(() -> ListPageReader.read("{\"result\":{\"tools\":[\"search\"]}}", tools))
                .hasMessage("entry 0 of 'tools' is not an object");
        assertThatThrownBy(() -> ListPageReader.read("[1]", tools)).hasMessage("the answer is not a JSON object");
        assertThatThrownBy(() -> ListPageReader.read("{\"id\":1}", tools)).hasMessage("the answer has no result");
        assertThatThrownBy(() -> ListPageReader.read("{\"result\":{\"tools\":[", tools))
                .hasMessageStartingWith("the answer is not valid JSON");
    }

    @Test
    void pagesOfAServerAreReadToTheEndThroughUpstreamPages() throws IOException {
        // 2,500 tools in pages of 1,000, as a server would send them
        UpstreamPages.Fetcher<ListPageReader.Entry> server = cursor -> {
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            StringBuilder sb = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[");
            int to = Math.min(2_500, from + 1_000);
            for (int i = from; i < to; i++) {
                sb.append(i > from ? "," : "")
                        .append("{\"name\":\"tool")
                        .append(i)
                        .append("\"}");
            }
            sb.append("]")
                    .append(to < 2_500 ? ",\"nextCursor\":\"" + to + "\"" : "")
                    .append("}}");
            return ListPageReader.read(sb.toString(), ListPageReader.Kind.TOOLS);
        };
        List<ListPageReader.Entry> all = UpstreamPages.readAll(server, UpstreamPages.DEFAULT_MAX_PAGES);
        List<String> keys = new ArrayList<>();
        for (ListPageReader.Entry e : all) {
            keys.add(e.key());
        }
        assertThat(keys)
                .hasSize(2_500)
                .doesNotHaveDuplicates()
                .startsWith("tool0")
                .endsWith("tool2499");
    }
}
