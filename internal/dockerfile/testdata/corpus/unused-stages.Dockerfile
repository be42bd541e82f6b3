FROM golang:1.25-alpine AS base
WORKDIR /src
COPY . .

FROM base AS test
RUN go test ./...

FROM golangci/golangci-lint:v2.1 AS lint
COPY --from=base /src /src
RUN golangci-lint run

FROM base AS build
RUN go build -o /out/app .

FROM alpine:3.22 AS docs
RUN echo "docs are built elsewhere"

FROM gcr.io/distroless/static-debian12 AS runtime
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
