package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FederatedNamesTest {
    private static final String VALID = "^[A-Za-z0-9_-]+$";
    private final FederatedNames names = new FederatedNames("_", FederatedNames.DEFAULT_MAX_LENGTH);

    @Test
    void aShortNameIsPrefixSeparatorOriginal() {
        assertThat(names.expose("server-a", "a", "search")).isEqualTo("a_search");
        assertThat(names.expose("server-b", "b", "search")).isEqualTo("b_search");
        assertThat(new FederatedNames("-", 64).expose("server-a", "a", "search"))
                .isEqualTo("a-search");
        assertThat(new FederatedNames("__", 64).expose("server-a", "a", "search"))
                .isEqualTo("a__search");
    }

    @Test
    void aLongNameFitsTheCapIsStableAndStaysDistinctFromItsSiblings() {
        String stem = "x".repeat(95);
        String one = stem + "one1";
        String two = stem + "two2";
        String exposedOne = names.expose("server-a", "a", one);
        String exposedTwo = names.expose("server-a", "a", two);

        assertThat(exposedOne).hasSizeLessThanOrEqualTo(64).matches(VALID).startsWith("a_xxx");
        assertThat(exposedTwo).hasSizeLessThanOrEqualTo(64).matches(VALID);
        assertThat(exposedOne).isNotEqualTo(exposedTwo);
        // another instance, or the same one after a restart: the same name
        assertThat(new FederatedNames("_", 64).expose("server-a", "a", one)).isEqualTo(exposedOne);
        // the same original on another server gets another suffix, not only another prefix
        assertThat(names.expose("server-b", "a", one)).isNotEqualTo(exposedOne);
    }

    @Test
    void theCapIsConfigurableAndBounded() {
        String longName = "y".repeat(100);
        assertThat(new FederatedNames("_", 40).expose("s", "a", longName))
                .hasSize(40)
                .matches(VALID);
        assertThat(new FederatedNames("_", 128).expose("s", "a", "z".repeat(126)))
                .isEqualTo("a_" + "z".repeat(126));
        assertThat(new FederatedNames("_", 128).expose("s", "a", "z".repeat(127)))
                .hasSize(128)
                .matches(VALID)
                .contains("-");
        assertThatThrownBy(() -> new FederatedNames("_", 31)).hasMessageContaining("32 to 128");
        assertThatThrownBy(() -> new FederatedNames("_", 129)).hasMessageContaining("32 to 128");
        assertThatThrownBy(() -> new FederatedNames(".", 64)).hasMessageContaining("one or two of '_' and '-'");
        assertThatThrownBy(() -> new FederatedNames("", 64)).hasMessageContaining("one or two of '_' and '-'");
    }

    @Test
    void charactersClientsRejectAreReplacedAndTheNameKeepsItsOwnSuffix() {
        String dotted = names.expose("s", "a", "get.weather");
        String underscored = names.expose("s", "a", "get_weather");
        assertThat(underscored).isEqualTo("a_get_weather");
        assertThat(dotted).matches(VALID).startsWith("a_get_weather-").hasSize("a_get_weather-".length() + 6);
        assertThat(dotted).isNotEqualTo(underscored);
        assertThat(names.expose("s", "a", "météo/now")).matches(VALID).startsWith("a_m_t_o_now-");
    }

    @Test
    void anExposedNameDependsOnItsServerAloneNotOnTheOtherServers() {
        List<String> originals = List.of("search", "fetch", "x".repeat(80), "a.b");
        List<String> alone = new ArrayList<>();
        for (String o : originals) {
            alone.add(names.expose("server-a", "a", o));
        }
        // a second server joins (with clashing names): server A's names are the same strings
        FederatedNames again = new FederatedNames("_", 64);
        List<FederatedNames.Entry> entries = new ArrayList<>();
        for (String o : originals) {
            entries.add(new FederatedNames.Entry("server-a", "tool", o, again.expose("server-a", "a", o)));
            entries.add(new FederatedNames.Entry("server-b", "tool", o, again.expose("server-b", "b", o)));
        }
        Map<String, FederatedNames.Entry> view = FederatedNames.index(entries);
        assertThat(view).hasSize(2 * originals.size()).containsKeys(alone.toArray(new String[0]));
        assertThat(view.get("b_search").serverId()).isEqualTo("server-b");
        assertThat(view.get("b_search").original()).isEqualTo("search");
    }

    @Test
    void manyLongNamesWithACommonStemStayDistinct() {
        Set<String> seen = new HashSet<>();
        String stem = "list_all_the_things_in_the_very_long_namespace_of_this_server_";
        for (int i = 0; i < 2_000; i++) {
            String exposed = names.expose("server-a", "svc", stem + i);
            assertThat(exposed).hasSizeLessThanOrEqualTo(64).matches(VALID);
            assertThat(seen.add(exposed)).as("unique: " + exposed).isTrue();
        }
    }

    @Test
    void twoEntriesOnOneExposedNameAreRefusedNamingBoth() {
        List<FederatedNames.Entry> clash = List.of(
                new FederatedNames.Entry("server-a", "tool", "x_y", "p_x_y"),
                new FederatedNames.Entry("server-b", "tool", "y", "p_x_y"));
        assertThatThrownBy(() -> FederatedNames.index(clash))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tool 'x_y' of server 'server-a'")
                .hasMessageContaining("tool 'y' of server 'server-b'")
                .hasMessageContaining("'p_x_y'");
    }

    @Test
    void prefixesAreShortLowercaseLettersAndDigits() {
        assertThat(FederatedNames.checkPrefix("s", "a1")).isEqualTo("a1");
        assertThat(FederatedNames.checkPrefix("s", "abcdefghijklmnop")).hasSize(16);
        for (String bad : List.of("", "A", "a_b", "a-b", "a.b", "abcdefghijklmnopq", "é")) {
            assertThatThrownBy(() -> FederatedNames.checkPrefix("weather", bad))
                    .as(bad)
                    .hasMessageContaining("server 'weather'")
                    .hasMessageContaining("1 to 16 lowercase letters and digits");
        }
    }

    @Test
    void resourceUrisAreNamespacedAndReversed() {
        assertThat(FederatedNames.exposeUri("a", "file:///x")).isEqualTo("a+file:///x");
        assertThat(FederatedNames.ownerOf("a+file:///x")).isEqualTo(new FederatedNames.OwnedUri("a", "file:///x"));
        assertThat(FederatedNames.exposeUri("a", "git+ssh://host/repo")).isEqualTo("a+git+ssh://host/repo");
        assertThat(FederatedNames.ownerOf("a+git+ssh://host/repo").uri()).isEqualTo("git+ssh://host/repo");

        // MCP Apps hosts recognise ui:// resources by their scheme, so it stays in front
        assertThat(FederatedNames.exposeUri("b", "ui://widget/chart")).isEqualTo("ui://b+widget/chart");
        assertThat(FederatedNames.ownerOf("ui://b+widget/chart"))
                .isEqualTo(new FederatedNames.OwnedUri("b", "ui://widget/chart"));

        // not namespaced: no owner
        assertThat(FederatedNames.ownerOf("file:///x")).isNull();
        assertThat(FederatedNames.ownerOf("https://host/a+b")).isNull();
        assertThat(FederatedNames.ownerOf("+file:///x")).isNull();
        assertThat(FederatedNames.ownerOf("ui://widget/chart")).isNull();
    }
}
