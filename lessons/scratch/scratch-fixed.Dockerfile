FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

FROM scratch
COPY --from=build /out/webapp /webapp
# COPY --from can name any image, not only a stage: the builder fetches it like a FROM.
# CA certificates: Alpine's bundle, where Go looks for it.
COPY --from=alpine:3.22 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# Time zones: Go's own copy of the database, one zip file; ZONEINFO tells Go where it is.
COPY --from=golang:1.27 /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip
ENV ZONEINFO=/zoneinfo.zip
# A passwd and group file that name 65532 (nonroot) and 65534 (nobody): distroless's own.
COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/group /etc/
USER 65532:65532
ENTRYPOINT ["/webapp"]
