# Stage "build": the whole Go toolchain, used once and left behind.
FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
# CGO_ENABLED=0 makes a static binary: it needs no C library from the next stage.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# The shipped image: a small Alpine base plus one file from the build stage.
FROM alpine:3.22
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
EXPOSE 8080
ENTRYPOINT ["webapp"]
