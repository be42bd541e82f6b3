# One Dockerfile, two stages: build fat, ship thin.

# Stage "build": the whole Go toolchain, used to compile and then left behind.
FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# The shipped stage: a clean Alpine, plus the one file COPY --from takes from build.
FROM alpine:3.22
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
EXPOSE 8080
ENTRYPOINT ["webapp"]
