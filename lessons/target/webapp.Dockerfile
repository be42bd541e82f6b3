# Four stages. Only "runtime" ships; --target stops the build at any of them.

# build: the toolchain compiles the app.
FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# lint: a check of the source. No later stage uses it.
FROM golang:1.27 AS lint
WORKDIR /src
COPY main.go ./
RUN test -z "$(gofmt -l main.go)" && echo "gofmt: main.go is formatted"

# test: starts from build (FROM build) and runs the binary's self-test.
FROM build AS test
RUN /out/webapp -selftest

# runtime: a fresh start on Alpine, with the binary from build.
FROM alpine:3.22 AS runtime
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
EXPOSE 8080
ENTRYPOINT ["webapp"]
