FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY main.go ./
# BuildKit only: a cache mount. /root/.cache/go-build, Go's compiler cache, is a folder the
# builder keeps from one build to the next, outside every layer. An edit to main.go reruns this
# step, but the compiled standard library is still in the mount: only main.go compiles again.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

FROM alpine:3.22
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
ENTRYPOINT ["webapp"]
