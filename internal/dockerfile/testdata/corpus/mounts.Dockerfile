# syntax=docker/dockerfile:1
FROM golang:1.25-alpine AS deps
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download

FROM golang:1.25-alpine AS build
WORKDIR /src
RUN --mount=type=bind,from=deps,source=/go/pkg/mod,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    go build -o /out/app .
RUN --mount=from=busybox:1.36,source=/bin/busybox,target=/bin/busybox busybox true
RUN --mount=type=secret,id=token,required=true cat /run/secrets/token > /dev/null

FROM alpine:3.22
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
