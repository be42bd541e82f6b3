# For comparison: the multi-stage build from the last lesson, shipping on Alpine.
FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

FROM alpine:3.22
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
EXPOSE 8080
ENTRYPOINT ["webapp"]
