# Multi-stage image of the Tessera service. CPU by default;
#   docker build --build-arg MAVEN_PROFILES=cuda -t tessera:cuda .
# swaps in CUDA natives (ONNX Runtime GPU, PyTorch cu124) and needs the NVIDIA container runtime.
FROM maven:3.9-eclipse-temurin-25 AS build
ARG MAVEN_PROFILES=""
WORKDIR /src
COPY pom.xml .
COPY tokenizers/pom.xml tokenizers/
COPY retrieval/pom.xml retrieval/
COPY services/pom.xml services/
COPY benchmarks/pom.xml benchmarks/
RUN mvn -B -q dependency:go-offline ${MAVEN_PROFILES:+-P$MAVEN_PROFILES} || true
COPY . .
RUN mvn -B -q -DskipTests ${MAVEN_PROFILES:+-P$MAVEN_PROFILES} -pl services -am package

FROM eclipse-temurin:25-jre
WORKDIR /app
COPY --from=build /src/services/target/tessera.jar /app/tessera.jar
ENV TESSERA_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", \
            "-Dai.djl.offline=true", "-jar", "/app/tessera.jar"]
