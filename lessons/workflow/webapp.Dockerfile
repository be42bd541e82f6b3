# dev: the toolchain and the source. A place to work:
#   docker build --target dev -t webapp:dev .
#   docker run --rm -it -v "$PWD":/src webapp:dev go run main.go
FROM golang:1.27 AS dev
WORKDIR /src
COPY main.go ./

# build: FROM dev inherits everything dev has (toolchain, WORKDIR, source) and compiles.
FROM dev AS build
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# test: FROM build inherits the binary and tries it. A failing test stops the build here.
FROM build AS test
RUN /out/webapp -selftest

# runtime: a fresh start. It copies the binary FROM THE TEST STAGE, so every builder has
# to run the tests before it can make this image.
FROM alpine:3.22 AS runtime
COPY --from=test /out/webapp /usr/local/bin/webapp
USER 65534
EXPOSE 8080
ENTRYPOINT ["webapp"]
