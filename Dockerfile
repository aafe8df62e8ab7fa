# The runnable gateway (gateway-examples/target/mcp-gateway.jar and its lib/) as a container image, built from this
# checkout. Not built in CI (CI has no Docker engine); README "Run it as a service" gives the commands.
#
#   docker build -t mcp-gateway .
#   docker run --rm -p 8080:8080 -p 8443:8443 \
#     -v "$PWD/appsettings.Production.json:/app/appsettings.Production.json:ro" \
#     -v "$PWD/certs:/app/certs:ro" \
#     -e KESTREL__CERTIFICATES__DEFAULT__PASSWORD="$PFX_PASSWORD" \
#     mcp-gateway

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests install -pl gateway-examples -am

FROM eclipse-temurin:21-jre
# Java 21: every exchange runs on a virtual thread.
RUN useradd --system --uid 10001 --no-create-home gateway
WORKDIR /app
COPY --from=build /src/gateway-examples/target/mcp-gateway.jar /app/mcp-gateway.jar
COPY --from=build /src/gateway-examples/target/lib /app/lib
USER gateway
# The seed's Kestrel endpoints: http://*:8080 and https://*:8443.
EXPOSE 8080 8443
ENTRYPOINT ["java", "-jar", "/app/mcp-gateway.jar"]
CMD ["--config", "/app/appsettings.Production.json"]
