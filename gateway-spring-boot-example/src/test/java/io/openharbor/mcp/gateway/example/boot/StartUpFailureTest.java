package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** An invalid property stops the application before it serves, and Boot's failure report names the property. */
@ExtendWith(OutputCaptureExtension.class)
class StartUpFailureTest {

    private static void run(String... args) {
        SpringApplication app = new SpringApplication(ExampleApplication.class);
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--example.replicas.start=false";
        System.arraycopy(args, 0, all, 2, args.length);
        app.run(all).close();
    }

    @Test
    void aValueOutOfRangeIsReportedWithItsPropertyItsOriginAndWhatWasExpected(CapturedOutput output) {
        // Spring binds a list from one property source: these replace application.properties' two backends.
        assertThatThrownBy(() -> run(
                        "--mcp.gateway.backend-servers[0].url=http://127.0.0.1:9/mcp",
                        "--mcp.gateway.backend-servers[0].max-connections=0"))
                .hasRootCauseInstanceOf(io.openharbor.mcp.gateway.spring.InvalidGatewayPropertiesException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("invalid mcp.gateway properties: 1 problem")
                .contains("mcp.gateway.backend-servers[0].max-connections = \"0\" (property"
                        + " mcp.gateway.backend-servers[0].max-connections from \"mcp.gateway.backend-servers[0]"
                        + ".max-connections\" from property source \"commandLineArgs\")")
                .contains("expected a whole number from 1 to 100000")
                .contains("Correct the mcp.gateway properties above");
    }

    @Test
    void aMistypedPropertyIsReportedAsUnbound(CapturedOutput output) {
        assertThatThrownBy(() -> run("--mcp.gateway.backend-servers[0].max-connection=10"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("mcp.gateway.backend-servers[0].max-connection");
    }

    @Test
    void aValueOfTheWrongTypeIsReportedByBoot(CapturedOutput output) {
        assertThatThrownBy(() -> run("--mcp.gateway.timeouts.connect=soon")).isInstanceOf(RuntimeException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("mcp.gateway.timeouts.connect");
    }
}
