FROM golang:1.25 AS build
RUN go build -o /app .

FROM alpine:3.22
RUN apk add --no-cache tzdata

FROM scratch
COPY --from=0 /app /app
COPY --from=1 /usr/share/zoneinfo /usr/share/zoneinfo
ENTRYPOINT ["/app"]
